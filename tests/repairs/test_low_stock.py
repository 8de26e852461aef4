"""The daily low spare-part stock alert per location (issue 18): once per part per location while it stays low,
to the technicians and that store's staff, again after it recovered and fell again."""

from __future__ import annotations

import pytest
from django.test import override_settings

from aftersales.models import Notification
from repairs import services
from repairs.alerts import low_stock_alerts_scan
from repairs.models import SparePart
from repairs.tasks import low_stock_alerts_task
from stores.models import Store
from tests.support.returns import log_returns, user

pytestmark = pytest.mark.django_db

ZIP = "P-ZIP-5"


def messages(username):
    return list(Notification.objects.filter(recipient__username=username, kind="low_stock").order_by("id"))


@override_settings(AFTERSALES_STORE_REORDER_LEVEL=2)
def test_a_store_running_low_is_alerted_once_then_again_after_it_recovered(demo):
    # Given S001 holds three zips (its level is 2) and the day's scan has run
    zip_part = SparePart.objects.get(part_no=ZIP)
    s001 = Store.objects.get(code="S001")
    services.stock_transfer(user=user("tech1"), store=s001, parts=[(zip_part, 3)])
    low_stock_alerts_scan()
    before_store, before_tech = len(messages("store1")), len(messages("tech1"))
    # When a local repair takes one (two left: at the level) and the next day's scan runs
    item = log_returns("S001", onsite_handling="local_repair")[0]
    services.stock_use_at_store(user=user("store1"), return_item=item, parts=[(zip_part, 1)])
    summary = low_stock_alerts_task()
    # Then store1 and tech1 are told once, naming the part and the stock; store2 hears nothing of S001
    assert summary["raised"] == 1
    (store_message,) = messages("store1")[before_store:]
    assert ZIP in store_message.body and "2" in store_message.body
    assert len(messages("tech1")) == before_tech + 1
    assert not [m for m in messages("store2") if ZIP in m.body and "上海南京东路" in m.body]
    # And a scan the day after, still low, tells nobody again
    assert low_stock_alerts_scan()["raised"] == 0
    assert len(messages("store1")) == before_store + 1
    # When the center sends more (back above the level), the alert clears; when it falls again, it is told again
    services.stock_transfer(user=user("tech1"), store=s001, parts=[(zip_part, 5)])
    assert low_stock_alerts_scan()["cleared"] == 1
    services.stock_use_at_store(user=user("store1"), return_item=item, parts=[(zip_part, 5)])
    assert low_stock_alerts_scan()["raised"] == 1
    assert len(messages("store1")) == before_store + 2
