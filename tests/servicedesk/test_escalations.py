"""Escalations 上报 of major quality incidents and safety hazards (issue 15).

A major incident (a direct loss at or above the setting) or a safety case tells QA and the production VP at once,
with the initial handling opinion and the customer's demand (and the stop-using instruction); both show on those
roles' home page until acknowledged, one acknowledgement per role. The matrix of the acknowledge action, the
intake's bad input, the page and the tile.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from aftersales.models import Notification, TransitionLog
from servicedesk.choices import CaseKind, EscalationKind, Severity
from servicedesk.models import Escalation, EscalationAcknowledgement, ServiceCase
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases
from tests.support.servicedesk import CALLER, open_case, user

URL = "/api/v1/escalations/"
WORDS = {"initial_opinion": "先行停用，派技术员24小时内上门", "customer_demand": "赔偿厂房损失并更换整批产品"}


def major(store: str = "S001") -> Escalation:
    case = open_case(store=store, kind=CaseKind.QUALITY, direct_loss=Decimal("25000.00"), **WORDS)
    return case.escalations.get()


def safety(store: str = "S001") -> Escalation:
    case = open_case(
        store=store, kind=CaseKind.QUALITY, severity=Severity.SAFETY, told_to_stop_using=True,
        stop_using_instruction="已告知用户立即断电停用台灯", **WORDS,
    )  # fmt: skip
    return case.escalations.get()


def acknowledged_by_qa() -> Escalation:
    from servicedesk import services

    escalation = major()
    services.escalation_acknowledge(user=user("qa1"), escalation=escalation)
    return escalation


def snapshot(escalation: Escalation):
    return (
        list(EscalationAcknowledgement.objects.filter(escalation=escalation).values_list("role", "acknowledged_by")),
        list(TransitionLog.objects.for_object(escalation.service_case).values_list("transition", flat=True)),
    )


@pytest.mark.django_db
def test_a_major_incident_tells_qa_and_the_vp_with_the_opinion_and_the_demand(demo, django_capture_on_commit_callbacks):
    # when the hotline logs a case with a loss of CNY 25,000 and its initial opinion and the customer's demand
    with django_capture_on_commit_callbacks(execute=True):
        escalation = major()
    # then one escalation records them, and QA and the VP each get a message carrying both
    assert escalation.kind == EscalationKind.MAJOR_INCIDENT and escalation.direct_loss == Decimal("25000.00")
    assert escalation.initial_opinion == WORDS["initial_opinion"] and escalation.raised_by.username == "hotline1"
    told = Notification.objects.filter(kind="service_case_major_incident")
    assert set(told.values_list("recipient__username", flat=True)) == {"qa1", "vp1"}
    bodies = [message.body for message in mail.outbox if escalation.service_case.number in message.subject]
    assert len(bodies) == 2
    assert all(WORDS["initial_opinion"] in body and WORDS["customer_demand"] in body for body in bodies)
    # and the case's timeline says it was escalated
    assert "escalate" in TransitionLog.objects.for_object(escalation.service_case).values_list("transition", flat=True)


@pytest.mark.django_db
def test_a_safety_case_records_the_stop_using_instruction_and_tells_both(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        escalation = safety()
    assert escalation.kind == EscalationKind.SAFETY
    assert escalation.stop_using_instruction == "已告知用户立即断电停用台灯"
    told = Notification.objects.filter(kind="service_case_safety")
    assert set(told.values_list("recipient__username", flat=True)) == {"qa1", "vp1"}
    assert any("已告知用户立即断电停用台灯" in message.body for message in mail.outbox)


@pytest.mark.django_db
def test_both_kinds_at_once_make_two_escalations(demo):
    case = open_case(
        kind=CaseKind.QUALITY, severity=Severity.SAFETY, told_to_stop_using=True, direct_loss=Decimal("20000"), **WORDS
    )
    assert sorted(case.escalations.values_list("kind", flat=True)) == ["major_incident", "safety"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"direct_loss": Decimal("20000.00"), "customer_demand": "赔偿"}, "initial_opinion"),
        ({"direct_loss": Decimal("20000.00"), "initial_opinion": "上门"}, "customer_demand"),
        ({"severity": Severity.SAFETY, "told_to_stop_using": True, "customer_demand": "退货"}, "initial_opinion"),
    ],
)
def test_an_escalated_intake_without_its_words_is_400_and_logs_nothing(api_as, demo, fields, missing):
    body = {
        "channel": "phone", "kind": "quality", "description": "外壳漏电", "customer": CALLER, "store": "S001",
        **{key: str(value) if isinstance(value, Decimal) else value for key, value in fields.items()},
    }  # fmt: skip
    before = ServiceCase.objects.count()
    answer = api_as("hotline1").post("/api/v1/service-cases/", body, format="json")
    assert answer.status_code == 400 and missing in answer.json()
    assert ServiceCase.objects.count() == before and not Escalation.objects.exists()


@pytest.mark.django_db
def test_the_intake_page_takes_the_escalation_words(client, demo_user, demo):
    client.force_login(demo_user("hotline1"))
    answer = client.post(
        "/service-desk/intake/",
        {
            "name": "李娜", "phone": "13800138000", "province": "广东", "consent": "on", "channel": "phone",
            "kind": "quality", "severity": "normal", "description": "灯具起火", "direct_loss": "30000",
            "initial_opinion": "立即派人", "customer_demand": "赔偿",
        },
    )  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:2000]
    escalation = Escalation.objects.get()
    assert (escalation.initial_opinion, escalation.customer_demand) == ("立即派人", "赔偿")


# --- acknowledgement: one per role ---


@pytest.mark.django_db
def test_each_role_acknowledges_for_itself_and_the_tile_counts_until_then(client, api_as, demo_user, demo):
    escalation = major()
    qa, vp = api_as("qa1"), api_as("vp1")
    assert [row["id"] for row in qa.get(URL + "?pending=true").json()["results"]] == [escalation.pk]
    # when QA acknowledges
    answer = qa.post(f"{URL}{escalation.pk}/acknowledge/", {"note": "已安排"}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["pending_roles"] == ["production_vp"]
    ack = answer.json()["acknowledgements"][0]
    assert (ack["role"], ack["acknowledged_by"], ack["note"]) == ("qa_manager", "qa1", "已安排") and ack[
        "acknowledged_at"
    ]
    # then it leaves QA's list but not the VP's
    assert qa.get(URL + "?pending=true").json()["results"] == []
    assert [row["id"] for row in vp.get(URL + "?pending=true").json()["results"]] == [escalation.pk]
    client.force_login(demo_user("vp1"))
    home = client.get("/").content.decode()
    assert "servicedesk/escalations" in home or "/service-desk/escalations/" in home
    # and once the VP acknowledges it is gone from both; a second acknowledgement is 409
    assert vp.post(f"{URL}{escalation.pk}/acknowledge/", {}, format="json").json()["pending_roles"] == []
    assert vp.get(URL + "?pending=true").json()["results"] == []
    assert vp.post(f"{URL}{escalation.pk}/acknowledge/", {}, format="json").status_code == 409
    # and each acknowledgement is on the case's timeline with who
    logged = TransitionLog.objects.for_object(escalation.service_case).filter(transition="escalation_acknowledge")
    assert sorted(logged.values_list("actor__username", flat=True)) == ["qa1", "vp1"]


@pytest.mark.django_db
def test_the_home_tile_of_qa_shows_the_count_until_acknowledged(client, demo_user, demo):
    from servicedesk.tiles import escalation_tiles

    major(), safety()
    qa = demo_user("qa1")
    (tile,) = escalation_tiles(qa)
    assert tile["count"].count() == 2 and tile["url"] == "/service-desk/escalations/"
    assert escalation_tiles(demo_user("hotline1")) == []
    client.force_login(qa)
    page = client.get("/service-desk/escalations/")
    assert page.status_code == 200
    text = page.content.decode()
    assert WORDS["initial_opinion"] in text and "已告知用户立即断电停用台灯" in text
    escalation = Escalation.objects.filter(kind="safety").get()
    assert client.post(f"/service-desk/escalations/{escalation.pk}/acknowledge/", {"note": ""}).status_code == 302
    assert tile["count"].count() == 1


@pytest.mark.django_db
def test_the_escalations_page_lists_with_fixed_queries(client, demo_user, demo, django_assert_max_num_queries):
    for _ in range(6):
        major()
    client.force_login(demo_user("qa1"))
    client.get("/service-desk/escalations/")  # warm the session and the user's roles
    with django_assert_max_num_queries(16):
        page = client.get("/service-desk/escalations/")
    assert page.content.decode().count('data-testid="escalation-row"') == 6


ACK = [
    Refusal("acknowledge", None, 401, major, lambda e: f"{URL}{e.pk}/acknowledge/", {}, case="anonymous"),
    *[
        Refusal("acknowledge", who, 403, major, lambda e: f"{URL}{e.pk}/acknowledge/", {}, case="wrong_role")
        for who in ("hotline1", "tech1", "store1", "finance1")
    ],
    Refusal("acknowledge", "store2", 404, major, lambda e: f"{URL}{e.pk}/acknowledge/", {}, case="other_store"),
    Refusal("acknowledge", "supplier1", 404, major, lambda e: f"{URL}{e.pk}/acknowledge/", {}, case="supplier"),
    Refusal(
        "acknowledge", "qa1", 409, acknowledged_by_qa, lambda e: f"{URL}{e.pk}/acknowledge/", {}, case="wrong_state"
    ),
    Refusal(
        "acknowledge", "qa1", 400, major, lambda e: f"{URL}{e.pk}/acknowledge/", {"note": "x" * 2001}, case="bad_note"
    ),
    Refusal("acknowledge", "qa1", 200, major, lambda e: f"{URL}{e.pk}/acknowledge/", {}, case="allowed"),
    Refusal("acknowledge", "vp1", 200, acknowledged_by_qa, lambda e: f"{URL}{e.pk}/acknowledge/", {}, case="allowed"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(ACK, snapshot=snapshot))
def test_acknowledge_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        roles = EscalationAcknowledgement.objects.filter(escalation=tried.subject).values_list("role", flat=True)
        assert ("qa_manager" if row.who == "qa1" else "production_vp") in roles
    else:
        assert_refused(tried)


@pytest.mark.django_db
def test_the_case_page_shows_the_escalation_and_the_acknowledge_button(client, demo_user, demo):
    escalation = safety()
    client.force_login(demo_user("vp1"))
    page = client.get(f"/service-desk/cases/{escalation.service_case_id}/").content.decode()
    assert 'data-testid="escalation-safety"' in page and "已告知用户立即断电停用台灯" in page
    assert 'data-testid="acknowledge-safety"' in page
    client.force_login(demo_user("hotline1"))
    page = client.get(f"/service-desk/cases/{escalation.service_case_id}/").content.decode()
    assert 'data-testid="escalation-safety"' in page and 'data-testid="acknowledge-safety"' not in page


@pytest.mark.django_db
def test_the_escalations_list_takes_the_same_queries_for_one_row_and_many(api_as, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    qa = api_as("qa1")
    qa.get(URL)  # warm the token and the user's roles
    acknowledged_by_qa()

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            answer = qa.get(URL)
        return len(queries), len(answer.json()["results"])

    one, rows = count()
    assert rows == 1
    for _ in range(7):
        acknowledged_by_qa()
    many, rows = count()
    assert rows == 8 and many == one
