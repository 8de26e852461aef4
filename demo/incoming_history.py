"""The demo's season of incoming lots 大货抽检: four suppliers' lots, made through the services at their historic times.

Each step runs at its historic moment (``time_machine.travel``), so lot numbers, the inspections, the
transition log and the severity switches carry the times they would have had. The script is fixed (no
randomness beyond the lots' reproducible carton draw): SUP01 and SUP04 stay on normal inspection with
their lots accepted and released; SUP02 has 2 of 5 lots not accepted and is switched to tightened
(9.3.1); SUP03 goes to tightened the same way, then has 5 lots not accepted under tightened and is
discontinued (9.4), with a lot registered before that left waiting. Lots end in every state: registered,
inspecting, accepted, rejected (waiting for QA), rework, returned, concession (waiting for the VP) and
released (by logistics, and by an approved concession).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from inspection import services
from inspection.choices import DefectClass, Disposition
from inspection.models import IncomingLot
from suppliers.models import Style, Supplier

ITEMS_CHECKED = ["外观", "尺寸", "做工", "辅料"]

# (days ago, supplier, style, quantity, cartons, result, what follows)
# result: "pass" / "fail" / None (not inspected); what follows: "release", "rework", "return", "concession",
# "concession_approved", "inspecting" or "" (left as the result put it)
SEASON = [
    (84, "SUP01", "226101JK001", 1200, 40, "pass", "release"),
    (82, "SUP02", "226201TS003", 3000, 60, "pass", "release"),
    (80, "SUP03", "226401ZZ002", 800, 32, "pass", "release"),
    (78, "SUP04", "226501XL001", 600, 50, "pass", "release"),
    (75, "SUP02", "226301KZ004", 1500, 50, "fail", "rework"),
    (73, "SUP03", "225401ZZ006", 900, 30, "fail", "return"),
    (70, "SUP01", "226201TS008", 2000, 50, "pass", "release"),
    (68, "SUP02", "225101JK015", 700, 35, "pass", "release"),
    (66, "SUP03", "226401ZZ002", 1000, 40, "fail", "concession_approved"),  # 2 of 3: tightened
    (63, "SUP02", "226201TS003", 2500, 50, "fail", "return"),  # 2 of 4: tightened
    (60, "SUP04", "226501XL007", 500, 40, "pass", "release"),
    (57, "SUP03", "225401ZZ006", 600, 24, "fail", "return"),  # 1st not accepted under tightened
    (54, "SUP01", "225301KZ011", 1100, 44, "pass", "release"),
    (50, "SUP03", "226401ZZ002", 700, 28, "pass", "release"),
    (47, "SUP02", "226301KZ004", 1200, 40, "pass", "release"),
    (44, "SUP03", "225401ZZ006", 800, 32, "fail", "return"),  # 2nd
    (40, "SUP03", "226401ZZ002", 900, 36, "fail", "rework"),  # 3rd
    (36, "SUP04", "226501XL001", 800, 64, "pass", "release"),
    (33, "SUP03", "225401ZZ006", 500, 20, "fail", "concession"),  # 4th: the VP has it
    (30, "SUP02", "225101JK015", 900, 45, "pass", "release"),
    (27, "SUP01", "226101JK002", 1500, 50, "pass", "release"),
    (24, "SUP03", "226401ZZ002", 1000, 40, None, ""),  # registered before the discontinuation: waits
    (22, "SUP03", "225401ZZ006", 700, 28, "fail", ""),  # 5th: discontinued; the lot waits for QA
    (18, "SUP02", "226201TS003", 2000, 50, "fail", ""),  # rejected under tightened, waiting for QA
    (14, "SUP04", "226501XL007", 600, 48, "pass", "release"),
    (10, "SUP01", "226201TS008", 1800, 45, "pass", "release"),
    (6, "SUP02", "226301KZ004", 1300, 40, "pass", ""),  # accepted, waiting for logistics
    (4, "SUP04", "226501XL001", 700, 56, None, "inspecting"),
    (2, "SUP01", "225301KZ011", 1000, 40, None, ""),  # registered, waiting for the inspector
]


@dataclass
class IncomingSummary:
    lots: int = 0
    skipped: bool = False


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _defects(lot: IncomingLot, *, passed: bool) -> list[dict]:
    """Within every class's Ac for a pass (one minor defect when Ac allows), one past the major Re for a fail."""
    plan = lot.current_inspection.plan
    if passed:
        return (
            [{"defect_class": DefectClass.MINOR.value, "defect_code": "D03", "quantity": 1}]
            if plan[DefectClass.MINOR]["accept"] >= 1
            else []
        )
    return [
        {"defect_class": DefectClass.MAJOR.value, "defect_code": "D01", "quantity": plan[DefectClass.MAJOR]["reject"]},
        {"defect_class": DefectClass.MINOR.value, "defect_code": "D10", "quantity": 1},
    ]


def incoming_history_build(*, today: dt.date | None = None) -> IncomingSummary:
    """Replay the season once: skipped when any incoming lot exists (``seed_demo`` twice adds nothing)."""
    if IncomingLot.objects.exists():
        return IncomingSummary(skipped=True)
    end = timezone.make_aware(dt.datetime.combine(today or timezone.localdate(), dt.time()))
    logistics, qa, vp = _user("logistics1"), _user("qa1"), _user("vp1")
    technicians = [_user("tech1"), _user("tech2")]
    suppliers = {supplier.code: supplier for supplier in Supplier.objects.all()}
    styles = {style.style_no: style for style in Style.objects.all()}

    def at(days_ago: int, hour: int):
        when = end - dt.timedelta(days=days_ago) + dt.timedelta(hours=hour)
        return time_machine.travel(min(when, end - dt.timedelta(minutes=1)), tick=False)

    for index, (days_ago, code, style_no, quantity, cartons, result, follows) in enumerate(SEASON):
        technician = technicians[index % 2]
        with at(days_ago, 9):
            lot = services.incominglot_register(
                user=logistics,
                supplier=suppliers[code],
                style=styles[style_no],
                po_number=f"PO{end.year}{index + 1:04d}",
                quantity=quantity,
                cartons=cartons,
                delivery_date=timezone.localdate() + dt.timedelta(days=5),
            )
        if result is None and follows != "inspecting":
            continue
        with at(days_ago, 10):
            lot = services.incominglot_start_inspection(user=technician, lot=lot)
        if result is None:
            continue
        with at(days_ago, 14):
            lot = services.incominglot_record_result(
                user=technician,
                lot=lot,
                defects=_defects(lot, passed=result == "pass"),
                items_checked=ITEMS_CHECKED,
                notes="" if result == "pass" else "抽检箱内多件开线, 已拍照留存",
            )
        if follows == "release":
            with at(days_ago - 1, 10):
                services.incominglot_release(user=logistics, lot=lot)
        elif follows == "rework":
            with at(days_ago - 1, 15):
                services.incominglot_review(
                    user=qa,
                    lot=lot,
                    disposition=Disposition.REWORK,
                    notes="工厂返修后按加严检验重新抽检",
                    delivery_date=lot.delivery_date + dt.timedelta(days=10),
                )
        elif follows == "return":
            with at(days_ago - 1, 15):
                services.incominglot_review(
                    user=qa, lot=lot, disposition=Disposition.RETURN_TO_SUPPLIER, notes="整批退回工厂, 费用由工厂承担"
                )
        elif follows in ("concession", "concession_approved"):
            with at(days_ago - 1, 15):
                lot = services.incominglot_review(
                    user=qa, lot=lot, disposition=Disposition.CONCESSION, notes="门店急需, 瑕疵轻微, 申请让步接收"
                )
            if follows == "concession_approved":
                with at(days_ago - 2, 11):
                    services.incominglot_approve_concession(user=vp, lot=lot)
    return IncomingSummary(lots=len(SEASON))
