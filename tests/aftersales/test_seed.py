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
from inspection.models import InspectionReport
from repairs.models import RepairTicket, StockMovement

# Every state people can reach in this issue; written_off and charged_back come with the monthly lists.
REACHABLE_STATES = set(ReturnState.values) - {ReturnState.WRITTEN_OFF, ReturnState.CHARGED_BACK}


def counts() -> dict[str, int]:
    return {
        "returns": Return.objects.count(),
        "shipments": Shipment.objects.count(),
        "reports": InspectionReport.objects.count(),
        "tickets": RepairTicket.objects.count(),
        "movements": StockMovement.objects.count(),
        "log": TransitionLog.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_history_is_a_living_system_and_seeding_twice_adds_nothing():
    # Given an empty database / When the demo is seeded with its history (the one full run in the suite)
    call_command("seed_demo", "--password", "demo12345", stdout=StringIO())
    now = timezone.now()

    # Then a few hundred Returns exist in every reachable state, with unique numbers
    returns = Return.objects.all()
    assert 250 <= returns.count() <= 400
    assert set(returns.values_list("state", flat=True)) == REACHABLE_STATES
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
    first = counts()

    # When the demo is seeded again
    out = StringIO()
    call_command("seed_demo", "--password", "demo12345", stdout=out)

    # Then the history is left as it was
    assert counts() == first
    assert "left as it is" in out.getvalue()
