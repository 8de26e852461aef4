"""Inspection 鉴定 via ``return_inspect``: where each verdict sends a unit, its report; refusals change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import TransitionLog
from cases.choices import ReturnState, Verdict
from cases.models import Return
from inspection.models import InspectionReport
from inspection.services import return_inspect
from repairs.models import RepairTicket
from stores.models import Store
from suppliers.choices import Responsibility
from suppliers.models import DefectCode
from tests.factories.cases import ReturnFactory


@pytest.fixture
def received(demo):
    """A unit of S001 received at the center, 3 days after its store dispatched it."""
    dispatched = timezone.now() - dt.timedelta(days=3)
    return ReturnFactory(
        store=Store.objects.get(code="S001"),
        state=ReturnState.RECEIVED,
        shipped_at=dispatched,
        due_at=dispatched + dt.timedelta(days=15),
        received_at=dispatched + dt.timedelta(days=1),
    )


def snapshot(item: Return):
    """What a refused inspection must leave untouched."""
    row = Return.objects.get(pk=item.pk)
    return (
        row.state,
        row.verdict,
        row.responsibility,
        row.inspected_at,
        TransitionLog.objects.for_object(row).count(),
        InspectionReport.objects.count(),
        RepairTicket.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("verdict", "responsibility", "target"),
    [
        (Verdict.REPAIRABLE, Responsibility.SUPPLIER, ReturnState.REPAIRING),
        (Verdict.REPAIRABLE, "", ReturnState.REPAIRING),
        (Verdict.SUPPLIER_REWORK, Responsibility.SUPPLIER, ReturnState.AT_SUPPLIER),
        (Verdict.NO_DEFECT, "", ReturnState.READY_TO_RETURN),
        (Verdict.UNREPAIRABLE, Responsibility.STORE, ReturnState.SCRAP_PENDING),
        (Verdict.UNREPAIRABLE, Responsibility.HQ, ReturnState.SCRAP_PENDING),
    ],
)
def test_each_verdict_moves_the_return_as_the_table_says(demo_user, received, verdict, responsibility, target):
    tech1 = demo_user("tech1")
    # When a technician inspects the received unit
    report = return_inspect(user=tech1, return_item=received, verdict=verdict, responsibility=responsibility,
                            notes="  袖口开线  ")  # fmt: skip
    # Then the Return is in the verdict's state, with verdict, responsibility and time copied from the report
    item = Return.objects.get(pk=received.pk)
    assert item.state == target
    assert (item.verdict, item.responsibility) == (verdict, responsibility)
    assert item.inspected_at == report.inspected_at is not None
    assert (report.inspector, report.verdict, report.notes) == (tech1, verdict, "袖口开线")
    assert item.inspection == report
    # And one inspect row is in the audit log, with the verdict
    log = TransitionLog.objects.for_object(item).get(transition="inspect")
    assert (log.source_state, log.target_state, log.actor) == ("received", target, tech1)
    assert log.payload["verdict"] == verdict
    # And only a repairable unit gets a repair ticket
    assert RepairTicket.objects.filter(return_item=item).exists() is (verdict == Verdict.REPAIRABLE)


@pytest.mark.django_db
def test_repairable_opens_an_open_repair_ticket_for_the_technician(demo_user, received):
    tech1 = demo_user("tech1")
    return_inspect(user=tech1, return_item=received, verdict=Verdict.REPAIRABLE, responsibility="supplier")
    ticket = Return.objects.get(pk=received.pk).repair_ticket
    assert (ticket.state, ticket.technician, ticket.total_cost) == ("open", tech1, 0)


@pytest.mark.django_db
def test_scrap_stops_the_clock_at_inspection(demo_user, received):
    return_inspect(user=demo_user("tech1"), return_item=received, verdict=Verdict.UNREPAIRABLE, responsibility="hq")
    item = Return.objects.get(pk=received.pk)
    assert item.on_time is True and item.turnaround_days == 3
    assert item.due_status() is None


@pytest.mark.django_db
def test_supplier_rework_records_the_agreement_and_promised_date(demo_user, received):
    promised = timezone.localdate() + dt.timedelta(days=10)
    report = return_inspect(user=demo_user("tech1"), return_item=received, verdict=Verdict.SUPPLIER_REWORK,
                            responsibility="supplier", supplier_agreement=" 工厂王经理电话同意 ",
                            supplier_promised_date=promised)  # fmt: skip
    report.refresh_from_db()
    assert (report.supplier_agreement, report.supplier_promised_date) == ("工厂王经理电话同意", promised)


@pytest.mark.django_db
def test_other_verdicts_do_not_keep_a_supplier_agreement(demo_user, received):
    report = return_inspect(user=demo_user("tech1"), return_item=received, verdict=Verdict.NO_DEFECT,
                            supplier_agreement="n/a", supplier_promised_date=timezone.localdate())  # fmt: skip
    report.refresh_from_db()
    assert (report.supplier_agreement, report.supplier_promised_date) == ("", None)


@pytest.mark.django_db
def test_defect_codes_are_stored_once_each(demo_user, received):
    codes = list(DefectCode.objects.order_by("code")[:2])
    assert len(codes) == 2
    report = return_inspect(user=demo_user("tech1"), return_item=received, verdict=Verdict.REPAIRABLE,
                            defect_codes=[codes[0], codes[1], codes[0]])  # fmt: skip
    assert sorted(report.defect_codes.values_list("code", flat=True)) == [codes[0].code, codes[1].code]
    log = TransitionLog.objects.for_object(received).get(transition="inspect")
    assert log.payload["defect_codes"] == [codes[0].code, codes[1].code]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"verdict": Verdict.UNREPAIRABLE}, "responsibility"),
        ({"verdict": Verdict.UNREPAIRABLE, "responsibility": ""}, "responsibility"),
        ({"verdict": "destroy"}, "verdict"),
        ({"verdict": Verdict.REPAIRABLE, "responsibility": "weather"}, "responsibility"),
        (
            {
                "verdict": Verdict.SUPPLIER_REWORK,
                "responsibility": "supplier",
                "supplier_promised_date": dt.date(2000, 1, 1),
            },
            "supplier_promised_date",
        ),  # fmt: skip
        ({"verdict": Verdict.NO_DEFECT, "notes": "ok\x00"}, "notes"),
        ({"verdict": Verdict.SUPPLIER_REWORK, "supplier_agreement": "\x00"}, "supplier_agreement"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_changes_nothing(demo_user, received, values, field):
    before = snapshot(received)
    # When a technician inspects with bad input
    with pytest.raises(ValidationError) as refused:
        return_inspect(user=demo_user("tech1"), return_item=received, **values)
    # Then the error names the field, and the Return, its log, reports and tickets are untouched
    assert field in refused.value.message_dict
    assert snapshot(received) == before
    assert snapshot(received)[0] == ReturnState.RECEIVED


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["store1", "region1", "hotline1", "qa1", "supplier1", "admin"])
def test_only_technicians_inspect(demo_user, received, login):
    before = snapshot(received)
    with pytest.raises(TransitionForbidden):
        return_inspect(user=demo_user(login), return_item=received, verdict=Verdict.NO_DEFECT)
    assert snapshot(received) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [ReturnState.LOGGED, ReturnState.IN_TRANSIT, ReturnState.MISSING, ReturnState.REPAIRING,
     ReturnState.SCRAP_PENDING, ReturnState.RETURNED],
)  # fmt: skip
def test_inspect_only_from_received(demo_user, state):
    item = ReturnFactory(store=Store.objects.get(code="S001"), state=state)
    before = snapshot(item)
    with pytest.raises(TransitionStateConflict):
        return_inspect(user=demo_user("tech1"), return_item=item, verdict=Verdict.NO_DEFECT)
    assert snapshot(item) == before


@pytest.mark.django_db
def test_a_unit_is_inspected_once(demo_user, received):
    # Given an inspected unit
    return_inspect(user=demo_user("tech1"), return_item=received, verdict=Verdict.NO_DEFECT)
    before = snapshot(received)
    # When a second technician inspects the same (stale) object
    with pytest.raises(TransitionStateConflict):
        return_inspect(user=demo_user("tech2"), return_item=received, verdict=Verdict.UNREPAIRABLE,
                       responsibility="supplier")  # fmt: skip
    # Then the first verdict stands and there is still one report
    assert snapshot(received) == before
    assert InspectionReport.objects.filter(return_item=received).count() == 1
