"""The store's batch alarm 专卖店预警 in the Return's API detail: whether, when and by whom it was raised (issue 13)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime

from cases import services
from cases.models import BatchAlarm
from tests.support.returns import log_returns, user


def detail_url(item) -> str:
    return f"/api/v1/returns/{item.pk}/"


@pytest.mark.django_db
def test_a_return_without_an_alarm_says_null(api_as, demo):
    # Given a Return nobody raised an alarm on
    item = log_returns()[0]
    # When the store and the technician read its detail
    for who in ("store1", "tech1"):
        body = api_as(who).get(detail_url(item)).json()
        # Then the alarm is there, as null
        assert "batch_alarm" in body and body["batch_alarm"] is None


@pytest.mark.django_db
def test_the_alarm_shows_when_and_by_whom(api_as, demo):
    # Given store1 raised an alarm on its Return
    item = log_returns()[0]
    services.return_raise_batch_alarm(user=user("store1"), return_item=item, note="三位顾客反映同一款起球")
    alarm = BatchAlarm.objects.get(return_item=item)
    # When the service center reads the Return
    body = api_as("tech1").get(detail_url(item)).json()
    # Then it says who raised it, when, and the note
    shown = body["batch_alarm"]
    assert shown["raised_by"] == "store1"
    assert shown["note"] == "三位顾客反映同一款起球"
    assert shown["store"] == "S001" and shown["style"] == item.style.style_no
    assert parse_datetime(shown["created_at"]) == alarm.created_at


@pytest.mark.django_db
def test_the_list_rows_stay_without_the_alarm(api_as, demo):
    # The list keeps its own row (and its query count); the alarm is the detail's.
    item = log_returns()[0]
    services.return_raise_batch_alarm(user=user("store1"), return_item=item, note="掉色")
    rows = api_as("store1").get("/api/v1/returns/").json()["results"]
    assert rows and "batch_alarm" not in rows[0]


@pytest.mark.django_db
def test_the_detail_takes_the_same_queries_with_or_without_an_alarm(api_as, demo):
    plain, alarmed = log_returns(count=2)
    services.return_raise_batch_alarm(user=user("store1"), return_item=alarmed, note="同款多人反映")
    client = api_as("tech1")
    client.get(detail_url(plain))  # warm the token and the role caches alike for both reads
    counts = []
    for item in (plain, alarmed):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail_url(item)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
