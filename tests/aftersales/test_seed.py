"""``seed_demo``'s workflow history and ``seed_scale``'s bulk data: real states, unique numbers, idempotent."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from aftersales.models import Sequence, TransitionLog
from cases.choices import ReturnState
from cases.models import Return, Shipment
from cases.services import ReturnUnit, return_log
from chargebacks.choices import StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from inspection.choices import LotState, SwitchRule
from inspection.models import IncomingLot, InspectionReport, SeveritySwitch
from recalls.models import Recall
from repairs.models import RepairTicket, StockMovement
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from stores.models import Store
from suppliers.models import Style, Supplier
from writeoffs.choices import LossReportState, PartyType, WriteOffListState
from writeoffs.models import LossReport, WriteOffList

# Every state the history reaches for sure. A unit stays ``written_off`` only when nobody is charged for it (the
# customer's fault) or its statement is not issued yet, which depends on the month the demo is seeded in.
REACHABLE_STATES = set(ReturnState.values) - {ReturnState.WRITTEN_OFF}


def counts() -> dict[str, int]:
    return {
        "returns": Return.objects.count(),
        "shipments": Shipment.objects.count(),
        "reports": InspectionReport.objects.count(),
        "lots": IncomingLot.objects.count(),
        "switches": SeveritySwitch.objects.count(),
        "tickets": RepairTicket.objects.count(),
        "movements": StockMovement.objects.count(),
        "log": TransitionLog.objects.count(),
        "statements": ChargebackStatement.objects.count(),
        "runs": ReportRun.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_history_is_a_living_system_and_seeding_twice_adds_nothing(demo_history):
    # Given an empty database / When the demo is seeded with its history (the one full run in the suite, shared by
    # the tests that ask for demo_history: tests/fixtures/demo_history.py), with the report builds it queues run as
    # they would after its commit
    now = timezone.now()

    # Then a few hundred Returns exist in every reachable state, with unique numbers
    returns = Return.objects.all()
    assert 250 <= returns.count() <= 400
    assert set(returns.values_list("state", flat=True)) - {ReturnState.WRITTEN_OFF} == REACHABLE_STATES
    numbers = list(returns.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    # And every step happened in the last three months, none in the future
    earliest = now - dt.timedelta(days=93)
    assert not returns.filter(created_at__lt=earliest).exists() and not returns.filter(created_at__gt=now).exists()
    log = TransitionLog.objects.all()
    assert not log.filter(at__lt=earliest).exists() and not log.filter(at__gt=now).exists()
    assert returns.filter(created_at__lt=now - dt.timedelta(days=60)).exists()
    # And the picture has its rough edges: overdue units, extra-dispatch fees, policy exceptions with reasons
    assert Return.objects.overdue(now).exists()
    assert Shipment.objects.exclude(extra_fee=None).exists()
    exceptions = returns.filter(policy_exception=True)
    assert exceptions.exists() and not exceptions.filter(policy_exception_reason="").exists()
    # And the sequences are ahead of every number used, so the next logging cannot collide
    for sequence in Sequence.objects.filter(name__startswith="RT-"):
        used = returns.filter(number__startswith=f"{sequence.name}-").aggregate(Max("number"))["number__max"]
        assert int(used.rsplit("-", 1)[1]) == sequence.last_value
    # And the month end has run: a destroyed write-off list, issued statements for every kind of party, signed loss
    # reports, and last month's reports built
    assert WriteOffList.objects.filter(state=WriteOffListState.DESTROYED).exists()
    issued = ChargebackStatement.objects.exclude(state=StatementState.DRAFT).exclude(pdf_sha256="")
    assert set(issued.values_list("party_type", flat=True)) == set(PartyType.values)
    assert LossReport.objects.filter(state=LossReportState.ACKNOWLEDGED).exists()
    assert ReportRun.objects.filter(status=ReportRunStatus.DONE).count() == len(ReportKind.values)
    # And a batch recall went all the way round (issue 13): its units went to the factory with it, never through
    # inspection; the repaired ones are back at their stores, the unrepairable one charged to SUP01 once
    recall = Recall.objects.get(style__style_no="226101JK002", state="closed")
    recalled = Return.objects.filter(recall=recall)
    assert sorted(recalled.values_list("state", flat=True)) == ["charged_back", "returned", "returned"]
    for unit in recalled:
        steps = set(TransitionLog.objects.for_object(unit).values_list("transition", flat=True))
        assert "ship_to_supplier" in steps and "inspect" not in steps
    scrapped = recalled.get(state="charged_back")
    charged = ChargebackLine.objects.filter(return_item=scrapped, current=True)
    assert [(line.kind, line.statement.party_key) for line in charged] == [("recall", "supplier:SUP01")]
    # And a season of incoming lots (issue 16) in every state: SUP02 switched to tightened by 2 of 5 lots not
    # accepted, SUP03 discontinued at its fifth lot not accepted under tightened, its waiting lot not started
    lots = IncomingLot.objects.all()
    assert set(lots.values_list("state", flat=True)) == set(LotState.values)
    assert not lots.filter(created_at__gt=now).exists() and lots.filter(created_at__lt=now - dt.timedelta(days=60))
    tightened = Supplier.objects.get(code="SUP02")
    assert tightened.inspection_severity == "tightened"
    assert list(tightened.severity_switches.values_list("rule", "to_severity")) == [
        (SwitchRule.TWO_OF_FIVE, "tightened")
    ]
    discontinued = Supplier.objects.get(code="SUP03")
    assert discontinued.inspection_severity == "discontinued"
    last = discontinued.severity_switches.order_by("-created_at").first()
    assert last.rule == SwitchRule.DISCONTINUED and last.lots.count() == 5
    assert lots.filter(supplier=discontinued, state=LotState.REGISTERED).count() == 1
    assert set(Supplier.objects.filter(code__in=["SUP01", "SUP04"]).values_list("inspection_severity", flat=True)) == {
        "normal"
    }
    first = counts()

    # When the demo is seeded again
    out = StringIO()
    call_command("seed_demo", "--password", "demo12345", stdout=out)

    # Then the history is left as it was
    assert counts() == first
    assert "left as it is" in out.getvalue()


@pytest.mark.django_db
def test_seed_scale_adds_consistent_returns_after_the_numbers_already_issued(demo_user):
    # Given a store has already logged a return this month (the sequence stands at 1)
    store = Store.objects.get(code="S001")
    unit = ReturnUnit(
        style=Style.objects.first(), color="黑色", size="M", production_year=2026, defect_description="开线"
    )
    today = timezone.localdate()
    return_log(user=demo_user("store1"), store=store, receipt_no="XS1", purchase_date=today, onsite_handling="refund",
               units=[unit])  # fmt: skip

    # When 200 benchmark returns are added
    call_command("seed_scale", "--returns", "200", "--stores", "40", "--with-log", stdout=StringIO())

    # Then there are 201 returns with unique numbers, each in a reachable state, spread over many stores
    returns = Return.objects.all()
    assert returns.count() == 201
    numbers = list(returns.values_list("number", flat=True))
    assert len(set(numbers)) == 201
    assert set(returns.values_list("state", flat=True)) <= REACHABLE_STATES
    assert Store.objects.count() >= 40 and returns.values("store").distinct().count() > 10
    # And every sequence stands at the highest number of its month, so the next logging does not collide
    for sequence in Sequence.objects.filter(name__startswith="RT-"):
        used = returns.filter(number__startswith=f"{sequence.name}-").aggregate(Max("number"))["number__max"]
        assert int(used.rsplit("-", 1)[1]) == sequence.last_value
    logged = return_log(user=demo_user("store1"), store=store, receipt_no="XS2", purchase_date=today,
                        onsite_handling="refund", units=[unit])[0]  # fmt: skip
    assert logged.number not in numbers
    # And a dispatched unit is due the turnaround days after dispatch; open units have no return time
    shipped = returns.exclude(shipped_at=None).first()
    assert shipped.due_at - shipped.shipped_at == dt.timedelta(days=15)
    assert not returns.filter(state=ReturnState.LOGGED).exclude(shipped_at=None).exists()
    assert not returns.filter(state=ReturnState.RETURNED, returned_at=None).exists()
    # And each return's log starts with its logging and ends in its state
    item = returns.filter(state=ReturnState.RETURNED).first()
    names = list(TransitionLog.objects.for_object(item).values_list("transition", flat=True))
    assert names[0] == "log" and names[-1] == "confirm_returned"
