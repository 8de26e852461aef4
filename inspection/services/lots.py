"""Incoming sample inspection 成衣抽检: the services of an incoming lot, registration to release.

Every state change goes through ``fire``. The plan of an inspection is fixed when the inspection
is created (at registration from the supplier's severity, at a rework review under tightened)
from the category's AQLs (``Category.aql_major``/``aql_minor``; critical defects have none: any
critical defect rejects, i.e. Ac 0, Re 1 on the whole sample). The sample drawn is the largest n of
the classes (every class is judged on it), at most the lot size. The cartons to open are
⌈√cartons⌉ drawn at random with a generator seeded by the lot number and the round, so the same lot
always lists the same cartons. The verdict is computed: accepted when every class is within its Ac.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.files import upload_content_type
from aftersales.fsm import TransitionForbidden, TransitionStateConflict, fire
from aftersales.notifications import notify
from aftersales.roles import Role
from aftersales.services import sequence_take
from aftersales.validation import reject_nul_bytes
from inspection import aql, permissions, switching
from inspection.choices import DefectClass, Disposition
from inspection.models import IncomingLot, LotDefect, LotPhoto, SampleInspection
from suppliers.choices import InspectionSeverity
from suppliers.models import Category, DefectCode, Style, Supplier

logger = logging.getLogger(__name__)

CRITICAL_AQL = "0"
MAX_ITEMS_CHECKED = 50


def lot_plan(*, quantity: int, severity: str, level: str, category: Category) -> tuple[dict, int, bool]:
    """``(plan, sample_size, full_inspection)`` for a lot: each class's plan, the sample drawn, 100 % or not."""
    plan = {}
    for defect_class, value in ((DefectClass.MAJOR, category.aql_major), (DefectClass.MINOR, category.aql_minor)):
        found = aql.plan(quantity, value, severity=severity, level=level)
        plan[str(defect_class)] = {
            "aql": aql.parse_aql(value),
            "code_letter": found.code_letter,
            "sample_size": found.sample_size,
            "accept": found.accept,
            "reject": found.reject,
            "table_letter": found.table_letter,
        }
    sample_size = max(entry["sample_size"] for entry in plan.values())
    letter = plan[str(DefectClass.MAJOR)]["code_letter"]
    plan[str(DefectClass.CRITICAL)] = {
        "aql": CRITICAL_AQL,
        "code_letter": letter,
        "sample_size": sample_size,
        "accept": 0,
        "reject": 1,
        "table_letter": "",
    }
    return plan, sample_size, sample_size >= quantity


def cartons_to_open(*, number: str, round: int, cartons: int) -> list[int]:
    """⌈√cartons⌉ carton numbers (1-based, sorted), drawn reproducibly: seeded by the lot number and the round."""
    count = min(cartons, max(1, math.ceil(math.sqrt(cartons))))
    generator = random.Random(f"{number}/{round}")  # noqa: S311 - a reproducible draw, not a secret
    return sorted(generator.sample(range(1, cartons + 1), count))


def _new_inspection(lot: IncomingLot, *, round: int, severity: str) -> SampleInspection:
    plan, sample_size, full = lot_plan(
        quantity=lot.quantity, severity=severity, level=lot.level, category=lot.style.category
    )
    return SampleInspection.objects.create(
        lot=lot,
        round=round,
        severity=severity,
        level=lot.level,
        plan=plan,
        sample_size=sample_size,
        full_inspection=full,
        cartons_to_open=cartons_to_open(number=lot.number, round=round, cartons=lot.cartons),
    )


def registration_severity(supplier: Supplier) -> str:
    """The severity a new lot is planned under: the supplier's; a discontinued supplier resumes on tightened."""
    if supplier.inspection_severity == InspectionSeverity.DISCONTINUED:
        return InspectionSeverity.TIGHTENED
    return supplier.inspection_severity


def incominglot_register(
    *,
    user,
    supplier: Supplier,
    style: Style,
    po_number: str,
    quantity: int,
    cartons: int,
    delivery_date: dt.date,
    received_at: dt.datetime | None = None,
    level: str = aql.DEFAULT_LEVEL,
) -> IncomingLot:
    """Logistics registers a bulk lot 大货; its first inspection's plan and cartons are fixed now."""
    if not permissions.is_logistics(None, user):
        raise TransitionForbidden(_("Only logistics registers incoming lots."), transition="register")
    po_number = (po_number or "").strip()
    reject_nul_bytes(po_number=po_number)
    errors = {}
    if style.supplier_id != supplier.pk:
        errors["style"] = [_("Style %(style)s is not made by %(supplier)s.") % {"style": style, "supplier": supplier}]
    if not supplier.active:
        errors["supplier"] = [_("This supplier is not active.")]
    if not po_number:
        errors["po_number"] = [_("Give the purchase order number.")]
    if level not in aql.LEVELS:
        errors["level"] = [_("Not an inspection level of GB/T 2828.1.")]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 2:
        errors["quantity"] = [_("GB/T 2828.1 lots start at 2 items.")]
    if isinstance(cartons, bool) or not isinstance(cartons, int) or cartons < 1:
        errors["cartons"] = [_("At least one carton.")]
    elif isinstance(quantity, int) and cartons > quantity:
        errors["cartons"] = [_("More cartons than items.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        supplier = switching.lock_supplier(supplier)
        stamp = timezone.localdate(now).strftime("%Y%m")
        number = f"IL-{stamp}-{sequence_take(name=f'IL-{stamp}')[0]:04d}"
        lot = IncomingLot(
            number=number,
            supplier=supplier,
            style=style,
            po_number=po_number,
            quantity=quantity,
            cartons=cartons,
            received_at=received_at or now,
            delivery_date=delivery_date,
            level=level,
            severity=registration_severity(supplier),
            registered_by=user,
        )
        lot.full_clean(exclude=["state"])
        lot.save()
        _new_inspection(lot, round=1, severity=lot.severity)
    return lot


def _not_discontinued(lot: IncomingLot) -> None:
    severity = Supplier.objects.values_list("inspection_severity", flat=True).get(pk=lot.supplier_id)
    if severity == InspectionSeverity.DISCONTINUED:
        raise TransitionStateConflict(
            _("Inspection of %(supplier)s is discontinued: QA must resume it first.") % {"supplier": lot.supplier},
            transition="start_inspection",
        )


def incominglot_start_inspection(*, user, lot: IncomingLot) -> IncomingLot:
    """A technician starts the sample inspection (the carton list is the current inspection's)."""
    now = timezone.now()
    with transaction.atomic():
        lot = fire(lot, "start_inspection", user=user, before=_not_discontinued)
        inspection = lot.current_inspection
        inspection.inspector, inspection.started_at = user, now
        inspection.save(update_fields=["inspector", "started_at", "updated_at"])
    return lot


def _read_defects(defects, *, sample_size: int) -> list[tuple[str, DefectCode, int]]:
    if not isinstance(defects, list | tuple):
        raise ValidationError({"defects": [_("A list of defects.")]})
    rows, errors = [], []
    totals = dict.fromkeys(DefectClass.values, 0)
    codes = {code.code: code for code in DefectCode.objects.filter(active=True)}
    for index, item in enumerate(defects, start=1):
        if not isinstance(item, dict):
            errors.append(_("Defect %(n)s: not a defect.") % {"n": index})
            continue
        defect_class = item.get("defect_class")
        code = item.get("defect_code")
        quantity = item.get("quantity")
        if isinstance(code, DefectCode):
            code = code.code
        if defect_class not in DefectClass.values:
            errors.append(_("Defect %(n)s: the class is critical, major or minor.") % {"n": index})
        elif not isinstance(code, str) or code not in codes:
            errors.append(_("Defect %(n)s: unknown defect code.") % {"n": index})
        elif isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            errors.append(_("Defect %(n)s: the quantity is a whole number of at least 1.") % {"n": index})
        else:
            totals[defect_class] += quantity
            rows.append((defect_class, codes[code], quantity))
    for defect_class, total in totals.items():
        if total > sample_size:
            errors.append(
                _("%(total)s %(class)s defects in a sample of %(n)s: more than the sample holds.")
                % {"total": total, "class": DefectClass(defect_class).label, "n": sample_size}
            )
    if errors:
        raise ValidationError({"defects": errors})
    return rows


def _read_items(items_checked) -> list[str]:
    if not isinstance(items_checked, list | tuple) or not items_checked:
        raise ValidationError({"items_checked": [_("List the items checked (appearance, size, workmanship, …).")]})
    items = []
    for item in items_checked:
        if not isinstance(item, str) or not item.strip() or len(item) > 100:
            raise ValidationError({"items_checked": [_("Each item checked is a text of 1 to 100 characters.")]})
        items.append(item.strip())
    if len(items) > MAX_ITEMS_CHECKED:
        raise ValidationError({"items_checked": [_("At most %(n)s items.") % {"n": MAX_ITEMS_CHECKED}]})
    reject_nul_bytes(items_checked=items)
    return items


def verdict(plan: dict, found: dict[str, int]) -> bool:
    """Accepted when every class's count is within its Ac."""
    return all(found.get(defect_class, 0) <= entry["accept"] for defect_class, entry in plan.items())


def _checked_photo(name: str, content: bytes) -> tuple[str, bytes, str]:
    """A defect photo, checked by its bytes (``aftersales.files.upload_content_type``): photos only."""
    try:
        content_type = upload_content_type(content)
    except ValidationError:
        content_type = None
    if content_type is None or not content_type.startswith("image/"):
        raise ValidationError({"photos": [_("%(name)s is not a photo (JPEG, PNG, GIF or WebP).") % {"name": name}]})
    return (name or "photo")[-200:], content, content_type


def incominglot_record_result(
    *, user, lot: IncomingLot, defects, items_checked, notes: str = "", photos: Iterable[tuple[str, bytes]] = ()
) -> IncomingLot:
    """The technician records what the sample showed; the state becomes accepted or rejected by the plan.

    Photos of the defects are ``(name, bytes)`` pairs, checked by their bytes. The original inspection
    (round 1) then feeds the supplier's switching rules.
    """
    now = timezone.now()
    state: dict = {}
    photos = list(photos)
    arguments: dict = {}  # filled by ``check``, which ``fire`` runs before the transition

    def check(row: IncomingLot) -> None:
        inspection = row.current_inspection
        text = notes if isinstance(notes, str) else ""
        reject_nul_bytes(notes=text)
        if len(text) > 4000:
            raise ValidationError({"notes": [_("At most 4000 characters.")]})
        state["items"] = _read_items(items_checked)
        state["defects"] = _read_defects(defects, sample_size=inspection.sample_size)
        found = dict.fromkeys(DefectClass.values, 0)
        for defect_class, _code, quantity in state["defects"]:
            found[defect_class] += quantity
        state["found"], state["accepted"], state["notes"] = found, verdict(inspection.plan, found), text
        state["inspection"] = inspection
        state["photos"] = [_checked_photo(name, content) for name, content in photos]
        arguments["accepted"] = state["accepted"]

    with transaction.atomic():
        supplier = switching.lock_supplier(lot.supplier)
        lot = fire(
            lot,
            "record_result",
            user=user,
            before=check,
            arguments=arguments,
            payload={
                "defects": [
                    {**item, "defect_code": str(item.get("defect_code", ""))} if isinstance(item, dict) else str(item)
                    for item in defects
                ]
                if isinstance(defects, list | tuple)
                else str(defects),
                "items_checked": items_checked,
                "photos": [name for name, _content in photos],
            },
        )
        inspection = state["inspection"]
        LotDefect.objects.bulk_create(
            LotDefect(inspection=inspection, defect_class=defect_class, defect_code=code, quantity=quantity)
            for defect_class, code, quantity in state["defects"]
        )
        inspection.items_checked, inspection.notes = state["items"], state["notes"]
        inspection.accepted, inspection.inspected_at = state["accepted"], now
        inspection.inspector = inspection.inspector or user
        if inspection.round == 1 and inspection.severity == InspectionSeverity.NORMAL:
            inspection.score_step = switching.score_step(
                plan=inspection.plan, found=state["found"], accepted=state["accepted"], level=inspection.level
            )
        inspection.save()
        for name, content, content_type in state["photos"]:
            LotPhoto.store(content=content, name=name, content_type=content_type, user=user, inspection=inspection)
        if inspection.round == 1 and supplier.inspection_severity == inspection.severity:
            switching.apply_rules(supplier)
        # The report 验货报告单 is rendered and frozen once the result is committed (or on its first download).
        transaction.on_commit(lambda pk=inspection.pk: _freeze_report(pk))
    return lot


def _freeze_report(inspection_id: int) -> None:
    from inspection.documents import inspection_report_freeze

    try:
        inspection_report_freeze(inspection_id)
    except Exception:  # the download renders it again; a failed render must not undo the committed result
        logger.exception("Could not render the inspection report of sample inspection %s", inspection_id)


def incominglot_release(*, user, lot: IncomingLot) -> IncomingLot:
    """Logistics releases an accepted lot to ship to stores 准予出货."""
    return fire(lot, "release", user=user, arguments={"by": user, "at": timezone.now()})


def incominglot_review(
    *, user, lot: IncomingLot, disposition: str, notes: str = "", delivery_date: dt.date | None = None
) -> IncomingLot:
    """QA reviews a rejected lot with the disposition agreed with the supplier; a rework gets a new inspection
    under tightened. A later delivery date is recorded and told to logistics and QA."""
    state: dict = {}

    def check(row: IncomingLot) -> None:
        text = notes.strip() if isinstance(notes, str) else ""
        reject_nul_bytes(notes=text)
        errors = {}
        if disposition not in Disposition.values:
            errors["disposition"] = [_("rework, return_to_supplier or concession.")]
        if len(text) > 4000:
            errors["notes"] = [_("At most 4000 characters.")]
        if delivery_date is not None and not isinstance(delivery_date, dt.date):
            errors["delivery_date"] = [_("A date.")]
        if errors:
            raise ValidationError(errors)
        row.review_notes = text
        state["slipped"] = delivery_date is not None and delivery_date != row.delivery_date
        state["old_date"] = row.delivery_date
        if state["slipped"]:
            row.delivery_date = delivery_date

    with transaction.atomic():
        lot = fire(
            lot,
            "review",
            user=user,
            before=check,
            arguments={"disposition": disposition, "by": user, "at": timezone.now()},
            payload={"disposition": disposition, "notes": notes, "delivery_date": delivery_date},
        )
        if disposition == Disposition.REWORK:
            _new_inspection(lot, round=lot.current_inspection.round + 1, severity=InspectionSeverity.TIGHTENED)
        if state["slipped"]:
            _tell_delivery_slipped(lot, old_date=state["old_date"])
    return lot


def _tell_delivery_slipped(lot: IncomingLot, *, old_date: dt.date) -> None:
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.LOGISTICS_MANAGER, Role.QA_MANAGER])
        .distinct()
    )
    url = reverse("inspection:incominglot_detail", args=[lot.pk])
    notify(
        recipients=list(users),
        kind="incominglot_delivery_slipped",
        template="incominglot_delivery_slipped",
        context={"lot": lot, "old_date": old_date, "new_date": lot.delivery_date, "url": url},
        url=url,
        target=lot,
    )


def incominglot_approve_concession(*, user, lot: IncomingLot) -> IncomingLot:
    """The production VP approves a concession 让步接收 (报柯总审批): the lot is released."""
    return fire(lot, "approve_concession", user=user, arguments={"by": user, "at": timezone.now()})
