"""The demo's rectification orders (demo/quality_history.py): every state, made at their historic times, once."""

import pytest
from django.utils import timezone

from aftersales.models import TransitionLog
from demo.quality_history import orders_history_build
from quality.models import RectificationOrder


@pytest.mark.django_db
def test_the_demo_has_orders_in_every_state_in_the_past(demo):
    summary = orders_history_build()
    orders = RectificationOrder.objects.all()
    assert summary.orders == orders.count() >= 4
    assert set(orders.values_list("state", flat=True)) == {"issued", "responded", "closed"}
    assert orders.filter(state="issued", times_sent_back=1).exists()  # one sent back
    assert orders.filter(state="issued", due_date__lt=timezone.localdate()).exists()  # one overdue
    assert set(orders.values_list("party_type", flat=True)) == {"supplier", "store", "internal"}
    start_of_today = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    assert not orders.filter(issued_at__gte=start_of_today).exists()
    logs = TransitionLog.objects.filter(content_type__model="rectificationorder")
    assert logs.exists() and not logs.filter(at__gte=start_of_today).exists()
    # and running it again adds nothing
    assert orders_history_build().skipped and RectificationOrder.objects.count() == summary.orders
