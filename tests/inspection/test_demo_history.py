"""The demo season of incoming lots (demo/incoming_history.py): every state, a supplier tightened, one discontinued."""

import pytest
from django.utils import timezone

from aftersales.models import TransitionLog
from demo.incoming_history import SEASON, incoming_history_build
from inspection.choices import LotState, SwitchRule
from inspection.models import IncomingLot, SeveritySwitch
from suppliers.models import Supplier


@pytest.mark.django_db
def test_the_demo_season_has_every_lot_state_a_tightened_and_a_discontinued_supplier(demo):
    summary = incoming_history_build()
    lots = IncomingLot.objects.all()
    assert summary.lots == lots.count() == len(SEASON)
    assert set(lots.values_list("state", flat=True)) == set(LotState.values)
    severities = dict(Supplier.objects.values_list("code", "inspection_severity"))
    assert severities == {"SUP01": "normal", "SUP02": "tightened", "SUP03": "discontinued", "SUP04": "normal"}
    switches = SeveritySwitch.objects.order_by("created_at")
    assert [(s.supplier.code, s.rule) for s in switches] == [
        ("SUP03", SwitchRule.TWO_OF_FIVE),
        ("SUP02", SwitchRule.TWO_OF_FIVE),
        ("SUP03", SwitchRule.DISCONTINUED),
    ]
    assert switches.last().lots.count() == 5
    # everything happened in the past, and the discontinued supplier's waiting lot cannot be started
    start_of_today = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    assert not lots.filter(created_at__gte=start_of_today).exists()
    assert not TransitionLog.objects.filter(at__gte=start_of_today).exists()
    assert lots.filter(supplier__code="SUP03", state=LotState.REGISTERED).count() == 1
    # and running it again adds nothing
    assert incoming_history_build().skipped and IncomingLot.objects.count() == len(SEASON)
