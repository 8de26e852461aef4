"""The customer's public status page 进度查询 (issue 18): every state in plain words and nothing it must not show,
the expected date, the store to contact, the language switch, expiry after collection, wrong tokens and the
rate limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.choices import ReturnState
from customerview.links import status_path, status_token
from customerview.progress import STAGES
from tests.factories.cases import ReturnFactory
from tests.factories.stores import StoreFactory
from tests.factories.suppliers import StyleFactory

pytestmark = pytest.mark.django_db

NAME = "欧阳娜娜"
PHONE = "13912345678"
POLICY_REASON = "顾客坚持退货，超期两天"
NOTE = "INTERNAL-NOTE-7731"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def unit(state=ReturnState.REPAIRING, **fields):
    """A Return in ``state`` carrying everything the page must keep to itself."""
    store = StoreFactory(name="杭州湖滨银泰店", phone="0571-87000001", address="杭州市上城区东坡路 7 号")
    style = StyleFactory(style_no="226101JK777", name="男士夹克", unit_cost=Decimal("321.45"))
    values = {
        "store": store,
        "style": style,
        "state": state,
        "customer_name": NAME,
        "customer_phone": PHONE,
        "policy_exception": True,
        "policy_exception_reason": POLICY_REASON,
        "defect_description": NOTE,
        "batch_no": "BATCH-SECRET-55",
        "verdict": "unrepairable",
        "responsibility": "store",
        "shipped_at": timezone.now() - dt.timedelta(days=3),
        "due_at": timezone.now() + dt.timedelta(days=12),
    }
    if state == ReturnState.RETURNED:
        values["returned_at"] = timezone.now() - dt.timedelta(days=1)
    values.update(fields)
    return ReturnFactory(**values)


def forbidden_words() -> list[str]:
    """What must never be on the page, in either language: the customer's name and phone, internal notes and
    reasons, the verdict, responsibility, costs, the batch, the logger."""
    words = [NAME, PHONE, POLICY_REASON, NOTE, "BATCH-SECRET-55", "321.45", "¥"]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            from cases.choices import Verdict
            from suppliers.choices import Responsibility

            words += [str(label) for label in Verdict.labels] + [
                str(label) for value, label in Responsibility.choices if value != Responsibility.STORE
            ]
            # The store's label is the plain word for a store (专卖店), which the page uses to say where the unit is
            # and whom to call; that no responsibility is stated is checked by the word itself.
            words.append(str(_("responsibility")))
    return words + ["责任方"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("state", list(ReturnState))
def test_every_state_reads_in_plain_words_and_shows_nothing_it_must_not(client, state, language):
    # Given a unit in the state, with personal data, a verdict, responsibility, notes and a cost on record
    item = unit(state)
    # When the customer opens its link (no login)
    response = client.get(status_path(item.number), {"lang": language})
    # Then the page answers with the number, the state's plain sentence, the store and its phone
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(language):
        assert str(STAGES[state].sentence) in html
    assert item.number in html and "杭州湖滨银泰店" in html and "0571-87000001" in html
    assert response["Content-Language"] == language
    # ... the phone only masked
    assert "139****5678" in html
    # And none of what it must keep to itself
    for word in forbidden_words():
        assert word not in html, f"{word!r} on the {state} page"
    # And it is not cached, indexed or leaked as a referrer
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_steps_follow_the_unit(client):
    # Given a unit on its way back to the store
    item = unit(ReturnState.RETURNING)
    html = client.get(status_path(item.number)).content.decode()
    # Then the four steps before are done, "on the way back" is current, "ready to collect" is to come
    for key in ("at_store", "to_center", "inspecting", "repairing"):
        assert f'data-step="{key}" data-status="done"' in html
    assert 'data-step="returning" data-status="current"' in html
    assert 'data-step="ready" data-status="todo"' in html


def test_the_expected_date_is_the_due_date_or_within_the_turnaround_of_dispatch(client):
    # Given a unit in transit due back on a known day, and one still waiting at the store
    due = timezone.now() + dt.timedelta(days=9)
    on_its_way = unit(ReturnState.IN_TRANSIT, due_at=due)
    waiting = unit(ReturnState.LOGGED, due_at=None, shipped_at=None)
    # Then the first shows the day, the second "within 15 days of being sent"
    html = client.get(status_path(on_its_way.number), {"lang": "en"}).content.decode()
    assert timezone.localtime(due).date().isoformat() in html
    html = client.get(status_path(waiting.number), {"lang": "en"}).content.decode()
    assert "within 15 days of being sent to the service center" in html


def test_chinese_by_default_whatever_the_browser_says(client):
    item = unit(ReturnState.IN_TRANSIT)
    response = client.get(status_path(item.number), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "zh-hans"
    with translation.override("zh-hans"):
        assert str(STAGES[ReturnState.IN_TRANSIT].sentence) in response.content.decode()
    assert 'href="?lang=en"' in response.content.decode()


@override_settings(AFTERSALES_STATUS_LINK_DAYS=30)
def test_the_link_expires_some_time_after_collection(client):
    # Given a unit collected 29 days ago and one collected 31 days ago
    recent = unit(ReturnState.RETURNED, returned_at=timezone.now() - dt.timedelta(days=29))
    old = unit(ReturnState.RETURNED, returned_at=timezone.now() - dt.timedelta(days=31))
    # Then the first still opens, the second is gone like a wrong link
    assert client.get(status_path(recent.number)).status_code == 200
    response = client.get(status_path(old.number))
    assert response.status_code == 404 and old.number not in response.content.decode()


def test_a_wrong_or_forged_token_is_a_404_and_counted(client, caplog):
    # Given a real unit
    item = unit(ReturnState.REPAIRING)
    good = status_token(item.number)
    # When someone tries a tampered signature, another number with this signature, and garbage
    tries = [good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "RT-209901-999999." + good.split(".")[1], "x"]
    for token in tries:
        response = client.get(f"/status/{token}/")
        # Then each is a 404 that names nothing
        assert response.status_code == 404
        assert item.number not in response.content.decode()
    # And each was counted
    from customerview import throttle

    assert throttle.misses("127.0.0.1") == 3
    assert sum("wrong token" in record.getMessage() for record in caplog.records) == 3


@override_settings(AFTERSALES_STATUS_MAX_MISSES=3)
def test_too_many_wrong_tokens_lock_the_client_out(client):
    item = unit(ReturnState.REPAIRING)
    for _attempt in range(3):
        assert client.get("/status/RT-209901-000001.forged/").status_code == 404
    # Once over the limit even the right link is refused for that client for the hour
    assert client.get(status_path(item.number)).status_code == 429
    # While another client is unaffected
    assert client.get(status_path(item.number), REMOTE_ADDR="10.0.0.9").status_code == 200


@override_settings(AFTERSALES_STATUS_RATE_PER_MINUTE=5)
def test_requests_are_rate_limited_per_client(client):
    item = unit(ReturnState.REPAIRING)
    answers = [client.get(status_path(item.number)).status_code for _ in range(7)]
    assert answers == [200] * 5 + [429] * 2
