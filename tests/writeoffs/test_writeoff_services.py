"""The write-off list 报废清单 services: build, two approvals by three people, all-or-nothing write-off,
line removal, rejection, destruction record, and the loss reports 报损单 approval issues."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import Notification, TransitionLog
from aftersales.periods import current_period, future_period_message, period_bounds, previous_period
from cases.choices import ReturnState
from cases.models import Return
from suppliers.choices import Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.stores import UserFactory
from tests.factories.writeoffs import scrapped_unit
from tests.support.files import png_bytes
from writeoffs.choices import LossReportState, PartyType, WriteOffListState
from writeoffs.models import DestructionPhoto, LossReport, WriteOffLine, WriteOffList
from writeoffs.services import (
    lossreport_acknowledge,
    writeoffline_remove,
    writeofflist_approve,
    writeofflist_build,
    writeofflist_confirm,
    writeofflist_record_destruction,
    writeofflist_reject,
    writeofflist_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(demo):
    """Last month's scrapped units: two SUP01 styles, one SUP02, one store's fault, one HQ's, one customer's."""
    return [
        scrapped_unit(style_no="226101JK001"),  # SUP01, 268.00
        scrapped_unit(style_no="226101JK002", store_code="S002"),  # SUP01, 312.50
        scrapped_unit(style_no="225101JK015"),  # SUP02, 455.00
        scrapped_unit(style_no="226201TS003", responsibility=Responsibility.STORE),  # S001, 48.00
        scrapped_unit(style_no="226201TS008", responsibility=Responsibility.HQ),  # 86.00
        scrapped_unit(style_no="226301KZ004", responsibility=Responsibility.CUSTOMER),  # 118.00
    ]


def build(user=None):
    return writeofflist_build(period=previous_period(), user=user)[0]


def through_confirmation(demo_user, writeoff_list):
    writeofflist_submit(writeoff_list=writeoff_list, user=demo_user("tech1"))
    return writeofflist_confirm(writeoff_list=writeoff_list, user=demo_user("logistics1"))


def test_build_collects_last_months_scrap_with_copies_and_total(units, demo_user):
    # given the units above, one unit judged this month, and one unit of last month not judged unrepairable
    this_month = scrapped_unit(inspected_at=timezone.now())
    ReturnFactory(state=ReturnState.REPAIRING, inspected_at=period_bounds(previous_period())[0])
    # when a technician builds last month's list
    writeoff_list, created = writeofflist_build(period=previous_period(), user=demo_user("tech1"))
    # then it holds exactly last month's scrapped units, with their copies, totalled as Decimal
    assert created is True
    assert writeoff_list.number == f"WO-{previous_period():%Y%m}"
    assert writeoff_list.state == WriteOffListState.DRAFT
    lines = {line.return_item_id: line for line in writeoff_list.lines.all()}
    assert set(lines) == {unit.pk for unit in units}
    assert this_month.pk not in lines
    first = lines[units[0].pk]
    assert (first.style_no, first.production_year, first.unit_cost) == ("226101JK001", 2025, Decimal("268.00"))
    assert (first.responsibility, first.supplier.code, first.store.code) == ("supplier", "SUP01", "S001")
    assert lines[units[3].pk].supplier is None
    assert writeoff_list.total_cost == Decimal("1287.50")
    assert writeoff_list.total_cost == sum(line.unit_cost for line in lines.values())


def test_building_twice_changes_nothing(units, demo_user):
    # given last month's list, built once
    first, _ = writeofflist_build(period=previous_period(), user=demo_user("tech1"))
    rows = list(WriteOffLine.objects.values_list("pk", "return_item_id", "unit_cost").order_by("pk"))
    logs = TransitionLog.objects.count()
    # when it is built again, by the schedule this time
    again, created = writeofflist_build(period=previous_period())
    # then the same list with the same rows comes back, and nothing was logged
    assert (again.pk, created) == (first.pk, False)
    assert list(WriteOffLine.objects.values_list("pk", "return_item_id", "unit_cost").order_by("pk")) == rows
    assert WriteOffList.objects.count() == 1
    assert TransitionLog.objects.count() == logs


def test_building_a_draft_again_takes_in_units_judged_since(units, demo_user):
    # given last month's draft
    writeoff_list = build(demo_user("tech1"))
    # when another unit of last month turns up unrepairable and the list is built again
    late = scrapped_unit(style_no="226501XL001")
    writeoff_list, created = writeofflist_build(period=previous_period(), user=demo_user("tech2"))
    # then it is added and the total follows
    assert created is False
    assert writeoff_list.lines.filter(return_item=late).exists()
    assert writeoff_list.total_cost == Decimal("1442.50")


@pytest.mark.parametrize("period", [dt.date(2999, 1, 1), "next"])
def test_a_future_month_is_refused(demo, demo_user, period):
    # given a month that has not begun
    if period == "next":
        period = (current_period() + dt.timedelta(days=32)).replace(day=1)
    # when a technician builds it
    with pytest.raises(ValidationError) as error, translation.override("en"):
        writeofflist_build(period=period, user=demo_user("tech1"))
    # then it is refused with a message and nothing was made
    assert future_period_message(f"{period:%Y-%m}", language="en") in error.value.messages
    assert not WriteOffList.objects.exists()


@pytest.mark.parametrize("username", ["logistics1", "vp1", "store1", "supplier1", "finance1"])
def test_only_technicians_build(demo_user, units, username):
    with pytest.raises(TransitionForbidden):
        writeofflist_build(period=previous_period(), user=demo_user(username))
    assert not WriteOffList.objects.exists()


def test_an_empty_list_cannot_be_submitted(demo, demo_user):
    # given a list with no unit
    writeoff_list = build(demo_user("tech1"))
    # when it is submitted
    with pytest.raises(ValidationError):
        writeofflist_submit(writeoff_list=writeoff_list, user=demo_user("tech1"))
    # then it stays a draft
    assert WriteOffList.objects.get().state == WriteOffListState.DRAFT


def test_submit_and_confirm_notify_the_next_approver(units, demo_user):
    # given a draft
    writeoff_list = build(demo_user("tech1"))
    # when tech1 submits it
    writeofflist_submit(writeoff_list=writeoff_list, user=demo_user("tech1"))
    # then the logistics managers are told
    assert Notification.objects.filter(recipient=demo_user("logistics1"), kind="writeofflist_submitted").exists()
    # when logistics1 confirms it
    writeofflist_confirm(writeoff_list=writeoff_list, user=demo_user("logistics1"))
    # then the production VPs are told, and who did what is on the list
    assert Notification.objects.filter(recipient=demo_user("vp1"), kind="writeofflist_confirmed").exists()
    row = WriteOffList.objects.get()
    assert (row.state, row.submitted_by.username, row.confirmed_by.username) == ("confirmed", "tech1", "logistics1")


def test_one_person_cannot_take_two_approval_steps(units, demo_user):
    # given one person holding all three roles, who submits the list
    both = UserFactory(roles=["technician", "logistics_manager", "production_vp"])
    writeoff_list = build(both)
    writeofflist_submit(writeoff_list=writeoff_list, user=both)
    # when the same person confirms their own submission
    with pytest.raises(TransitionForbidden):
        writeofflist_confirm(writeoff_list=writeoff_list, user=both)
    # then it stays submitted
    assert WriteOffList.objects.get().state == WriteOffListState.SUBMITTED
    # given another logistics manager confirms it
    writeofflist_confirm(writeoff_list=writeoff_list, user=demo_user("logistics1"))
    # when the submitter approves it
    with pytest.raises(TransitionForbidden):
        writeofflist_approve(writeoff_list=WriteOffList.objects.get(), user=both)
    # then nothing was written off
    assert WriteOffList.objects.get().state == WriteOffListState.CONFIRMED
    assert not Return.objects.filter(state=ReturnState.WRITTEN_OFF).exists()


def test_the_confirmer_cannot_approve(units, demo_user):
    # given a list confirmed by someone who is also a production VP
    confirmer = UserFactory(roles=["logistics_manager", "production_vp"])
    writeoff_list = build(demo_user("tech1"))
    writeofflist_submit(writeoff_list=writeoff_list, user=demo_user("tech1"))
    writeofflist_confirm(writeoff_list=writeoff_list, user=confirmer)
    # when the confirmer approves it
    with pytest.raises(TransitionForbidden):
        writeofflist_approve(writeoff_list=writeoff_list, user=confirmer)
    # then it stays confirmed
    assert WriteOffList.objects.get().state == WriteOffListState.CONFIRMED


def test_approval_writes_off_every_unit_and_issues_loss_reports_per_party(units, demo_user):
    # given a confirmed list
    writeoff_list = through_confirmation(demo_user, build(demo_user("tech1")))
    # when the production VP approves it
    writeofflist_approve(writeoff_list=writeoff_list, user=demo_user("vp1"))
    # then every unit is written off, logged as the system's doing
    assert set(Return.objects.filter(pk__in=[u.pk for u in units]).values_list("state", flat=True)) == {
        ReturnState.WRITTEN_OFF
    }
    assert TransitionLog.objects.filter(transition="write_off", actor=None).count() == len(units)
    # and one loss report goes to each responsible supplier and store (none to HQ or the customer)
    reports = {report.party_key: report for report in LossReport.objects.all()}
    assert set(reports) == {"supplier:SUP01", "supplier:SUP02", "store:S001"}
    assert reports["supplier:SUP01"].total_cost == Decimal("580.50")
    assert reports["supplier:SUP02"].total_cost == Decimal("455.00")
    assert reports["store:S001"].total_cost == Decimal("48.00")
    for report in reports.values():
        assert report.total_cost == sum((line.unit_cost for line in report.lines), Decimal("0"))
        assert report.state == LossReportState.ISSUED
    stamp = f"{previous_period():%Y%m}"
    assert sorted(report.number for report in reports.values()) == [f"LR-{stamp}-{n:03d}" for n in (1, 2, 3)]
    # and the parties are told: SUP01's user, S001's staff, not SUP02's strangers
    assert Notification.objects.filter(recipient=demo_user("supplier1"), kind="lossreport_issued").count() == 1
    assert Notification.objects.filter(recipient=demo_user("store1"), kind="lossreport_issued").count() == 1
    assert not Notification.objects.filter(recipient=demo_user("store2"), kind="lossreport_issued").exists()


def test_approval_is_all_or_nothing(units, demo_user):
    # given a confirmed list one of whose units was meanwhile sent back for repair
    writeoff_list = through_confirmation(demo_user, build(demo_user("tech1")))
    Return.objects.filter(pk=units[2].pk).update(state=ReturnState.READY_TO_RETURN)
    logs = TransitionLog.objects.count()
    # when the production VP approves it
    with pytest.raises(TransitionStateConflict) as error:
        writeofflist_approve(writeoff_list=writeoff_list, user=demo_user("vp1"))
    # then the answer names the unit, and nothing at all changed
    assert units[2].number in error.value.message
    assert WriteOffList.objects.get().state == WriteOffListState.CONFIRMED
    assert WriteOffList.objects.get().approved_by is None
    assert not Return.objects.filter(state=ReturnState.WRITTEN_OFF).exists()
    assert not LossReport.objects.exists()
    assert TransitionLog.objects.count() == logs


def test_rejection_returns_to_draft_with_reason_and_the_list_can_go_again(units, demo_user):
    # given a confirmed list
    writeoff_list = through_confirmation(demo_user, build(demo_user("tech1")))
    # when the VP sends it back without a reason, then with one
    with pytest.raises(ValidationError):
        writeofflist_reject(writeoff_list=writeoff_list, user=demo_user("vp1"), reason="  ")
    assert WriteOffList.objects.get().state == WriteOffListState.CONFIRMED
    writeofflist_reject(writeoff_list=writeoff_list, user=demo_user("vp1"), reason="款号 JK015 成本有误")
    # then it is a draft again, with the reason, its approvals cleared, and the submitter told
    row = WriteOffList.objects.get()
    assert (row.state, row.rejection_reason) == (WriteOffListState.DRAFT, "款号 JK015 成本有误")
    assert row.submitted_by is None and row.confirmed_by is None
    assert Notification.objects.filter(recipient=demo_user("tech1"), kind="writeofflist_rejected").exists()
    # and it can be submitted, confirmed and approved again
    through_confirmation(demo_user, row)
    writeofflist_approve(writeoff_list=row, user=demo_user("vp1"))
    assert WriteOffList.objects.get().state == WriteOffListState.APPROVED


def test_logistics_can_reject_a_submitted_list(units, demo_user):
    writeoff_list = build(demo_user("tech1"))
    writeofflist_submit(writeoff_list=writeoff_list, user=demo_user("tech1"))
    writeofflist_reject(writeoff_list=writeoff_list, user=demo_user("logistics1"), reason="少了一件")
    assert WriteOffList.objects.get().state == WriteOffListState.DRAFT


def test_removing_a_line_needs_a_reason_and_frees_the_unit_for_next_month(units, demo_user):
    # given last month's draft
    writeoff_list = build(demo_user("tech1"))
    line = writeoff_list.lines.get(return_item=units[2])
    # when a technician removes it without a reason
    with pytest.raises(ValidationError):
        writeoffline_remove(line=line, user=demo_user("tech1"), reason="")
    assert WriteOffLine.objects.get(pk=line.pk).removed_at is None
    # when with a reason
    writeoffline_remove(line=line, user=demo_user("tech1"), reason="供应商要求复检")
    # then the line is kept as removed, logged, and the total drops
    line.refresh_from_db()
    assert line.removed_at is not None and line.removal_reason == "供应商要求复检"
    assert WriteOffList.objects.get().total_cost == Decimal("832.50")
    assert TransitionLog.objects.filter(transition="remove_line", payload__reason="供应商要求复检").exists()
    # and building last month again does not bring it back, but this month's list takes it
    assert not build().lines.filter(return_item=units[2], removed_at=None).exists()
    this_month, _ = writeofflist_build(period=current_period(), user=demo_user("tech1"))
    assert this_month.lines.filter(return_item=units[2], removed_at=None).exists()


def test_lines_are_removed_only_from_drafts_by_technicians(units, demo_user):
    writeoff_list = build(demo_user("tech1"))
    line = writeoff_list.lines.first()
    with pytest.raises(TransitionForbidden):
        writeoffline_remove(line=line, user=demo_user("logistics1"), reason="x")
    writeofflist_submit(writeoff_list=writeoff_list, user=demo_user("tech1"))
    with pytest.raises(TransitionStateConflict):
        writeoffline_remove(line=line, user=demo_user("tech1"), reason="x")
    assert not WriteOffLine.objects.exclude(removed_at=None).exists()


@pytest.fixture
def approved(units, demo_user):
    writeoff_list = through_confirmation(demo_user, build(demo_user("tech1")))
    return writeofflist_approve(writeoff_list=writeoff_list, user=demo_user("vp1"))


def test_destruction_record_with_photos(approved, demo_user):
    # when a technician records the destruction with a photo
    writeofflist_record_destruction(
        writeoff_list=approved,
        user=demo_user("tech2"),
        destroyed_on=timezone.localdate(),
        method="剪碎后焚烧",
        warehouse_person="周仓管",
        witness="行政部 李监督",
        photos=[("destroyed.png", png_bytes())],
    )
    # then the list is destroyed, with the record and the photo checked by its bytes
    row = WriteOffList.objects.get()
    assert row.state == WriteOffListState.DESTROYED
    assert (row.destruction_method, row.warehouse_person, row.witness) == ("剪碎后焚烧", "周仓管", "行政部 李监督")
    assert row.destruction_recorded_by.username == "tech2"
    photo = DestructionPhoto.objects.get()
    assert (photo.content_type, photo.original_name) == ("image/png", "destroyed.png")


def test_a_destruction_photo_is_stored_by_its_bytes_not_its_name(approved, demo_user):
    # when a technician records the destruction with a PNG photo named like a PDF
    writeofflist_record_destruction(
        writeoff_list=approved,
        user=demo_user("tech2"),
        destroyed_on=timezone.localdate(),
        method="焚烧",
        warehouse_person="周仓管",
        witness="李监督",
        photos=[("photo.pdf", png_bytes())],
    )
    # then it is kept as the PNG its bytes say, under a PNG name of ours; the uploader's name is only shown
    photo = DestructionPhoto.objects.get()
    assert (photo.content_type, photo.extension, photo.is_image) == ("image/png", ".png", True)
    assert photo.file.name.endswith(".png") and "photo" not in photo.file.name
    assert photo.original_name == "photo.pdf"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"photos": [("fake.png", b"MZ\x90\x00 not an image at all")]}, "photos"),
        ({"photos": [("scan.png", b"%PDF-1.4 a report, not a photo")]}, "photos"),
        ({"photos": [("empty.png", b"")]}, "photos"),
        ({"destroyed_on": "tomorrow"}, "destroyed_on"),
        ({"witness": "  "}, "witness"),
    ],
)
def test_a_bad_destruction_record_changes_nothing(approved, demo_user, changes, field):
    values = {
        "destroyed_on": timezone.localdate(),
        "method": "焚烧",
        "warehouse_person": "周仓管",
        "witness": "李监督",
        "photos": [],
        **changes,
    }
    if values["destroyed_on"] == "tomorrow":
        values["destroyed_on"] = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        writeofflist_record_destruction(writeoff_list=approved, user=demo_user("tech1"), **values)
    assert field in error.value.message_dict
    assert WriteOffList.objects.get().state == WriteOffListState.APPROVED
    assert not DestructionPhoto.objects.exists()


def test_the_party_signs_its_loss_report(approved, demo_user):
    # given SUP01's and S001's loss reports
    supplier_report = LossReport.objects.get(party_key="supplier:SUP01")
    store_report = LossReport.objects.get(party_type=PartyType.STORE)
    # when a stranger tries, then the party signs
    with pytest.raises(TransitionForbidden):
        lossreport_acknowledge(loss_report=supplier_report, user=demo_user("store1"))
    lossreport_acknowledge(loss_report=supplier_report, user=demo_user("supplier1"))
    lossreport_acknowledge(loss_report=store_report, user=demo_user("store1"))
    # then each is signed by its party, once
    supplier_report.refresh_from_db()
    assert (supplier_report.state, supplier_report.acknowledged_by.username) == ("acknowledged", "supplier1")
    with pytest.raises(TransitionStateConflict):
        lossreport_acknowledge(loss_report=supplier_report, user=demo_user("supplier1"))
