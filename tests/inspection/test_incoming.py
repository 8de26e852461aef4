"""Incoming lots 成衣抽检 through the services: registration fixes the plan, the verdict is computed, the
dispositions, and the switching rules on real lots."""

import pytest
from django.core.exceptions import ValidationError

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import Notification, TransitionLog
from inspection.choices import LotState, SwitchRule
from inspection.models import SeveritySwitch
from inspection.services import (
    cartons_to_open,
    incominglot_approve_concession,
    incominglot_register,
    incominglot_release,
    incominglot_review,
    incominglot_start_inspection,
)
from inspection.switching import supplier_reduce, supplier_resume, switching_status
from suppliers.choices import InspectionSeverity
from suppliers.models import Style, Supplier
from tests.support.incoming import inspect, register, rejected, reviewed, snapshot, user

pytestmark = pytest.mark.django_db


def test_registration_fixes_the_plan_and_the_cartons(demo):
    lot = register()
    assert lot.number.startswith("IL-") and len(lot.number) == len("IL-202612-0001")
    assert (lot.state, lot.severity, lot.registered_by.username) == (LotState.REGISTERED, "normal", "logistics1")
    inspection = lot.current_inspection
    assert inspection.round == 1 and inspection.sample_size == 125 and not inspection.full_inspection
    assert {key: (value["code_letter"], value["sample_size"], value["accept"], value["reject"], value["aql"])
            for key, value in inspection.plan.items()} == {
        "critical": ("K", 125, 0, 1, "0"),
        "major": ("K", 125, 7, 8, "2.5"),
        "minor": ("K", 125, 10, 11, "4.0"),
    }  # fmt: skip
    # ⌈√60⌉ = 8 cartons, drawn reproducibly from the lot number.
    assert len(inspection.cartons_to_open) == 8
    assert inspection.cartons_to_open == sorted(inspection.cartons_to_open)
    assert inspection.cartons_to_open == cartons_to_open(number=lot.number, round=1, cartons=60)
    assert all(1 <= carton <= 60 for carton in inspection.cartons_to_open)


def test_the_carton_draw_is_reproducible_and_differs_between_lots():
    first = cartons_to_open(number="IL-202612-0001", round=1, cartons=100)
    assert first == cartons_to_open(number="IL-202612-0001", round=1, cartons=100)
    assert first != cartons_to_open(number="IL-202612-0002", round=1, cartons=100)
    assert len(first) == 10
    assert cartons_to_open(number="X", round=1, cartons=1) == [1]


def test_a_small_lot_is_inspected_in_full(demo):
    lot = register(quantity=5, cartons=1)
    inspection = lot.current_inspection
    assert inspection.full_inspection and inspection.sample_size == 5


def test_the_category_sets_the_aqls(demo):
    style = Style.objects.get(style_no="226101JK001")
    style.category.aql_major, style.category.aql_minor = "1.0", "1.5"
    style.category.save()
    plan = register().current_inspection.plan
    assert (plan["major"]["accept"], plan["minor"]["accept"]) == (3, 5)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 1}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"cartons": 0}, "cartons"),
        ({"style": "225101JK015"}, "style"),  # SUP02's style
    ],
)
def test_bad_registrations_are_400_and_create_nothing(demo, change, field):
    from inspection.models import IncomingLot

    with pytest.raises(ValidationError) as error:
        register(**change)
    assert field in error.value.message_dict
    assert not IncomingLot.objects.exists()


def test_only_logistics_registers(demo):
    with pytest.raises(TransitionForbidden):
        incominglot_register(
            user=user("tech1"), supplier=Supplier.objects.get(code="SUP01"),
            style=Style.objects.get(style_no="226101JK001"), po_number="PO1", quantity=100, cartons=5,
            delivery_date="2026-12-31",
        )  # fmt: skip


def test_accepted_then_released(demo):
    lot = inspect(register(), major=7, minor=10)
    assert lot.state == LotState.ACCEPTED
    inspection = lot.current_inspection
    assert inspection.accepted and inspection.inspector.username == "tech1"
    assert inspection.items_checked == ["外观", "尺寸", "做工", "面料"]
    lot = incominglot_release(user=user("logistics1"), lot=lot)
    assert (lot.state, lot.released_by.username) == (LotState.RELEASED, "logistics1")
    assert list(TransitionLog.objects.for_object(lot).values_list("transition", flat=True)) == [
        "start_inspection", "record_result", "release",
    ]  # fmt: skip


@pytest.mark.parametrize(("defects", "state"), [
    ({"major": 8}, LotState.REJECTED),
    ({"minor": 11}, LotState.REJECTED),
    ({"critical": 1}, LotState.REJECTED),
    ({"major": 7, "minor": 10}, LotState.ACCEPTED),
])  # fmt: skip
def test_the_verdict_is_computed_from_the_plan(demo, defects, state):
    assert inspect(register(), **defects).state == state


def test_defects_beyond_the_sample_are_refused_and_change_nothing(demo):
    lot = incominglot_start_inspection(user=user("tech1"), lot=register())
    before = snapshot(lot)
    from inspection.services import incominglot_record_result

    with pytest.raises(ValidationError) as error:
        incominglot_record_result(
            user=user("tech1"), lot=lot, items_checked=["外观"],
            defects=[{"defect_class": "minor", "defect_code": "D03", "quantity": 126}],
        )  # fmt: skip
    assert "defects" in error.value.message_dict
    assert snapshot(lot) == before


def test_a_rejected_lot_cannot_be_released(demo):
    lot = rejected()
    before = snapshot(lot)
    with pytest.raises(TransitionStateConflict):
        incominglot_release(user=user("logistics1"), lot=lot)
    assert snapshot(lot) == before


def test_rework_gets_a_new_inspection_under_tightened(demo):
    lot = reviewed("rework")
    assert lot.state == LotState.REWORK and lot.reviewed_by.username == "qa1"
    second = lot.current_inspection
    assert (second.round, second.severity, second.accepted) == (2, "tightened", None)
    assert (second.plan["major"]["accept"], second.plan["minor"]["accept"]) == (5, 8)  # 2-B, K
    lot = inspect(lot, major=5)
    assert lot.state == LotState.ACCEPTED
    # A re-inspection is not an original inspection: it does not count for the switching rules.
    assert [result.lot_id for result in switching_status(lot.supplier).results] == [lot.pk]


def test_return_to_supplier_is_terminal(demo):
    lot = reviewed("return_to_supplier")
    assert lot.state == LotState.RETURNED
    with pytest.raises(TransitionStateConflict):
        incominglot_start_inspection(user=user("tech1"), lot=lot)


def test_a_concession_is_approved_by_the_production_vp_only(demo):
    lot = reviewed("concession")
    assert lot.state == LotState.CONCESSION
    before = snapshot(lot)
    for name in ("qa1", "logistics1", "tech1"):
        with pytest.raises(TransitionForbidden):
            incominglot_approve_concession(user=user(name), lot=lot)
    assert snapshot(lot) == before
    lot = incominglot_approve_concession(user=user("vp1"), lot=lot)
    assert (lot.state, lot.concession_approved_by.username) == (LotState.RELEASED, "vp1")


def test_a_slipped_delivery_date_tells_logistics_and_qa(demo):
    import datetime as dt

    lot = rejected()
    old = lot.delivery_date
    new = old + dt.timedelta(days=10)
    lot = incominglot_review(user=user("qa1"), lot=lot, disposition="rework", notes="返工", delivery_date=new)
    assert lot.delivery_date == new
    told = Notification.objects.filter(kind="incominglot_delivery_slipped", object_id=lot.pk)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["logistics1", "qa1"]
    assert new.isoformat() in told.first().body and old.isoformat() in told.first().body


def test_an_unknown_disposition_is_a_400(demo):
    lot = rejected()
    before = snapshot(lot)
    with pytest.raises(ValidationError):
        incominglot_review(user=user("qa1"), lot=lot, disposition="scrap")
    assert snapshot(lot) == before


# --- switching rules on real lots ---


def test_two_of_five_tightens_the_supplier_and_logs_the_lots(demo):
    first = rejected()
    inspect(register())
    third = rejected()
    supplier = Supplier.objects.get(code="SUP01")
    assert supplier.inspection_severity == InspectionSeverity.TIGHTENED
    switch = SeveritySwitch.objects.get(supplier=supplier)
    assert (switch.from_severity, switch.to_severity, switch.rule) == ("normal", "tightened", SwitchRule.TWO_OF_FIVE)
    assert first.pk in set(switch.lots.values_list("pk", flat=True)) and third.pk in set(
        switch.lots.values_list("pk", flat=True)
    )
    # The next lot is planned under tightened.
    assert register().severity == "tightened"


def rectification_order(code: str):
    """QA's rectification order to the supplier: its inspection resumes only by closing or citing it (quality)."""
    import datetime as dt

    from django.utils import timezone

    from quality.services.orders import open_order

    return open_order(
        by=user("qa1"), party_type="supplier", party=Supplier.objects.get(code=code), problem="批次连续不合格",
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )  # fmt: skip


def test_discontinued_at_the_fifth_lot_not_accepted_blocks_inspection_until_qa_resumes(demo):
    rejected()
    rejected()  # → tightened
    for _ in range(4):
        rejected()
    supplier = Supplier.objects.get(code="SUP01")
    assert supplier.inspection_severity == InspectionSeverity.TIGHTENED  # four not accepted under tightened
    assert switching_status(supplier).not_accepted_under_tightened == 4
    waiting = register()
    rejected()  # the fifth
    supplier.refresh_from_db()
    assert supplier.inspection_severity == InspectionSeverity.DISCONTINUED
    before = snapshot(waiting)
    with pytest.raises(TransitionStateConflict):
        incominglot_start_inspection(user=user("tech1"), lot=waiting)
    assert snapshot(waiting) == before
    with pytest.raises(TransitionForbidden):
        supplier_resume(user=user("logistics1"), supplier=supplier, reason="整改完成")
    with pytest.raises(ValidationError):
        supplier_resume(user=user("qa1"), supplier=supplier, reason="  ")
    # Without citing (or closing) the supplier's rectification order it stays discontinued.
    with pytest.raises(ValidationError):
        supplier_resume(user=user("qa1"), supplier=supplier, reason="整改完成")
    order = rectification_order("SUP01")
    switch = supplier_resume(user=user("qa1"), supplier=supplier, reason=f"整改令 {order.number} 已回复，按加严恢复")
    assert (switch.to_severity, switch.rule, switch.decided_by.username) == ("tightened", SwitchRule.RESUMED, "qa1")
    assert incominglot_start_inspection(user=user("tech1"), lot=waiting).state == LotState.INSPECTING


def test_reduced_needs_a_score_of_30_and_qa(demo):
    supplier = Supplier.objects.get(code="SUP01")
    for _ in range(9):
        inspect(register())  # n = 125, no defects: within one step tighter → +3 each
    assert switching_status(supplier).score == 27
    with pytest.raises(TransitionStateConflict):
        supplier_reduce(user=user("qa1"), supplier=supplier, reason="稳定")
    inspect(register())
    assert switching_status(supplier).score == 30
    with pytest.raises(TransitionForbidden):
        supplier_reduce(user=user("logistics1"), supplier=supplier, reason="稳定")
    switch = supplier_reduce(user=user("qa1"), supplier=supplier, reason="连续10批合格, 生产稳定")
    assert (switch.to_severity, switch.score, switch.lots.count()) == ("reduced", 30, 10)
    lot = register()
    assert lot.current_inspection.sample_size == 50  # 2-C, K
    rejected()
    supplier.refresh_from_db()
    assert supplier.inspection_severity == InspectionSeverity.NORMAL
    assert supplier.severity_switches.first().rule == SwitchRule.REDUCED_REJECTED


def test_the_score_resets_after_a_lot_not_accepted(demo):
    supplier = Supplier.objects.get(code="SUP01")
    for _ in range(9):
        inspect(register())
    rejected()
    assert switching_status(supplier).score == 0
    inspect(register())
    assert switching_status(supplier).score == 3


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photos_of_the_defects_are_kept_and_printed_on_the_report(demo):
    import subprocess
    import tempfile

    from inspection.documents import inspection_report_freeze
    from inspection.services import incominglot_record_result

    lot = incominglot_start_inspection(user=user("tech1"), lot=register())
    lot = incominglot_record_result(
        user=user("tech1"), lot=lot, items_checked=["外观"], photos=[("seam.png", png_bytes())],
        defects=[{"defect_class": "major", "defect_code": "D01", "quantity": 8}],
    )  # fmt: skip
    inspection = lot.current_inspection
    assert [photo.original_name for photo in inspection.photos.all()] == ["seam.png"]
    inspection = inspection_report_freeze(inspection.pk)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(inspection.report_pdf.open("rb").read())
        handle.flush()
        images = subprocess.run(["pdfimages", "-list", handle.name], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) >= 3  # header, rule, the photo


def test_a_file_that_is_not_a_photo_is_refused_and_records_nothing(demo):
    from inspection.services import incominglot_record_result

    lot = incominglot_start_inspection(user=user("tech1"), lot=register())
    before = snapshot(lot)
    with pytest.raises(ValidationError) as error:
        incominglot_record_result(user=user("tech1"), lot=lot, items_checked=["外观"], defects=[],
                                  photos=[("notes.txt", b"plain text")])  # fmt: skip
    assert "photos" in error.value.message_dict
    assert snapshot(lot) == before
