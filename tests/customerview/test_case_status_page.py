"""A service case's public status page 服务进度 (issue 18, with the service desk): every case state in plain words in
both languages and nothing personal or internal, the promised date, the desk's contact; the signed link cannot be
enumerated, a wrong one is a 404 and counted, requests are rate-limited; the agent finds the link and its QR code
on the case's page and as ``status_url`` in the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone, translation

from aftersales.models import TransitionLog
from customerview import throttle
from customerview.case_status import CASE_STAGES, case_status_panel_context
from customerview.documents import qr_data_uri
from customerview.links import case_status_path, case_status_token, status_path
from servicedesk.choices import CaseState
from servicedesk.models import Customer
from tests.factories.servicedesk import CustomerFactory, ServiceCaseFactory
from tests.support.returns import user

pytestmark = pytest.mark.django_db

NAME = "司马相如"
PHONE = "13812349876"
DESCRIPTION = "DESCRIPTION-羽绒服跑绒-4471"
INTERNAL = {
    "response_message": "RESPONSE-INTERNAL-8812",
    "resolution": "RESOLUTION-INTERNAL-3390",
    "follow_up_remarks": "REMARKS-INTERNAL-5521",
    "cancel_reason": "CANCEL-INTERNAL-6604",
    "promise_outcome": "OUTCOME-INTERNAL-7123",
}
DESK_PHONE = "400-820-1234"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def case(state=CaseState.IN_PROGRESS, **fields):
    """A service case in ``state`` carrying everything the page must keep to itself."""
    values = {
        "state": state,
        "customer": Customer.objects.filter(phone=PHONE).first() or CustomerFactory(name=NAME, phone=PHONE),
        "description": DESCRIPTION,
        "promise_deadline": timezone.now() + dt.timedelta(days=4),
        **INTERNAL,
    }
    values.update(fields)
    return ServiceCaseFactory(**values)


@override_settings(AFTERSALES_SERVICE_DESK_PHONE=DESK_PHONE)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("state", list(CaseState))
def test_every_case_state_reads_in_plain_words_and_shows_nothing_it_must_not(client, state, language):
    # Given a case in the state with the customer's name, phone, description and the desk's notes on record
    item = case(state)
    # When the customer opens its link (no login)
    response = client.get(case_status_path(item.number), {"lang": language})
    # Then the page has the number, the state's plain sentence and the desk's phone, in the language asked for
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(language):
        assert str(CASE_STAGES[state].sentence) in html
        assert str(item.get_kind_display()) in html
    assert item.number in html and DESK_PHONE in html
    assert response["Content-Language"] == language
    # And none of what it must keep to itself: name, phone (not even masked), description, internal notes
    for word in [NAME, PHONE, PHONE[-4:], PHONE[:3] + "****", DESCRIPTION, *INTERNAL.values()]:
        assert word not in html, f"{word!r} on the {state} page"
    # And it is not cached, indexed or leaked as a referrer
    assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("state", "done", "current"),
    [
        (CaseState.OPEN, [], "received"),
        (CaseState.IN_PROGRESS, ["received"], "handling"),
        (CaseState.RESOLVED, ["received", "handling"], "resolved"),
        (CaseState.CLOSED, ["received", "handling", "resolved", "closed"], None),
        (CaseState.CANCELLED, [], None),
    ],
)
def test_the_steps_follow_the_case(client, state, done, current):
    html = client.get(case_status_path(case(state).number)).content.decode()
    for key in ("received", "handling", "resolved", "closed"):
        status = "done" if key in done else "current" if key == current else "todo"
        assert f'data-step="{key}" data-status="{status}"' in html


def test_the_promised_date_is_shown_while_it_runs(client):
    deadline = timezone.now() + dt.timedelta(days=6)
    day = timezone.localtime(deadline).date().isoformat()
    running = case(CaseState.IN_PROGRESS, promise_deadline=deadline)
    html = client.get(case_status_path(running.number), {"lang": "en"}).content.decode()
    assert 'data-testid="promise"' in html and day in html and "We promised to deal with it by" in html
    # No promise, or a case already resolved: no date to wait for
    for item in (case(CaseState.OPEN, promise_deadline=None), case(CaseState.RESOLVED, promise_deadline=deadline)):
        assert 'data-testid="promise"' not in client.get(case_status_path(item.number)).content.decode()


def test_chinese_by_default_whatever_the_browser_says(client):
    item = case(CaseState.OPEN)
    response = client.get(case_status_path(item.number), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "zh-hans" and 'href="?lang=en"' in response.content.decode()


def test_a_wrong_forged_or_return_token_is_a_404_and_counted(client):
    item = case(CaseState.IN_PROGRESS)
    good = case_status_token(item.number)
    signature = good.split(".")[1]
    tries = [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # tampered
        f"SC-209901-99999.{signature}",  # another number under this signature
        status_path(item.number).split("/")[-2],  # the same number signed as a Return's link
        "x",
    ]
    for token in tries:
        response = client.get(f"/status/case/{token}/")
        assert response.status_code == 404 and item.number not in response.content.decode()
    assert throttle.misses("127.0.0.1") == len(tries)


@override_settings(AFTERSALES_STATUS_LINK_DAYS=30)
def test_the_link_expires_some_time_after_the_case_closed(client):
    recent, old = case(CaseState.CLOSED), case(CaseState.CLOSED)
    for item, days in ((recent, 29), (old, 31)):
        # Closed by a callback that many days ago (its last state change on the log)
        TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            transition="follow_up",
            source_state="resolved",
            target_state="closed",
            at=timezone.now() - dt.timedelta(days=days),
        )
    assert client.get(case_status_path(recent.number)).status_code == 200
    response = client.get(case_status_path(old.number))
    assert response.status_code == 404 and old.number not in response.content.decode()


@override_settings(AFTERSALES_STATUS_RATE_PER_MINUTE=4)
def test_requests_are_rate_limited_per_client(client):
    item = case(CaseState.IN_PROGRESS)
    answers = [client.get(case_status_path(item.number)).status_code for _ in range(6)]
    assert answers == [200] * 4 + [429] * 2


def test_the_agent_finds_the_link_and_its_qr_on_the_case_page_and_in_the_api(client, api_as, demo):
    # Given a case the hotline handles
    item = case(CaseState.IN_PROGRESS)
    # When the agent opens it
    client.force_login(user("hotline1"))
    html = client.get(f"/service-desk/cases/{item.pk}/").content.decode()
    # Then the card links the status page and shows its QR code, which decodes to the same link
    path = case_status_path(item.number)
    assert f'href="{path}"' in html and 'data-testid="case-status-qr"' in html
    # And the API detail names the absolute link (status_url, like a Return's), which opens without a login
    detail = api_as("hotline1").get(f"/api/v1/service-cases/{item.pk}/").json()
    assert detail["status_url"].endswith(path) and detail["status_url"].startswith("http")
    client.logout()
    assert client.get(path).status_code == 200
    # And the QR code on the card is the link's
    assert case_status_panel_context(user=None, case=item)["case_status_qr"] == qr_data_uri(detail["status_url"])
