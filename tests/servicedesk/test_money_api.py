"""Money at the service desk over the API (issue 15): refunds, exchanges, freight and compensations of a case.

The permission matrix of every endpoint and action (anonymous 401, wrong role 403, other store 404, wrong
state 409, allowed), each refusal changing nothing; the bad input the issue names (an amount above what was
paid, negative, zero, absurd, more than two decimals; a compensation above the threshold given without
approval; approving twice); the threshold; who pays the freight; fixed query counts for the lists.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.models import Notification, TransitionLog
from servicedesk.choices import Channel, CompensationState
from servicedesk.models import Compensation, Exchange, Freight, Refund
from servicedesk.services import money as money_services
from tests.factories.cases import ReturnFactory
from tests.support.refusals import Refusal, assert_refused, attempt, by_login, refusal_cases
from tests.support.servicedesk import closed, in_progress, in_store_case, open_case, user

URL = "/api/v1/service-cases/"


def money_url(kind: str):
    return lambda case: f"{URL}{case.pk}/{kind}/"


def comp_url(name: str):
    return lambda comp: f"{URL}{comp.service_case_id}/compensations/{comp.pk}/{name}/"


def snapshot(case):
    """What a refused request must leave as it was: every money row of the case, and the case's log."""
    return (
        list(Refund.objects.filter(service_case=case).values_list("id", "amount")),
        list(Exchange.objects.filter(service_case=case).values_list("id", "fee")),
        list(Freight.objects.filter(service_case=case).values_list("id", "payer")),
        list(Compensation.objects.filter(service_case=case).values_list("id", "state", "amount")),
        TransitionLog.objects.for_object(case).count(),
    )


def comp_snapshot(comp):
    row = Compensation.objects.filter(pk=comp.pk).values().get()
    row.pop("updated_at")
    return row, TransitionLog.objects.for_object(comp).count()


def proposed(case=None):
    """A compensation of CNY 800 (above the default threshold of 500) waiting for QA."""
    return money_services.compensation_propose(
        user=user("hotline1"), case=case or in_progress(), kind="money", amount=Decimal("800.00")
    )


def approved(case=None):
    return money_services.compensation_approve(user=user("qa1"), compensation=proposed(case))


def small(case=None):
    return money_services.compensation_propose(
        user=user("hotline1"), case=case or in_progress(), kind="coupon", amount=Decimal("100.00")
    )


# --- the matrices ---

EVERYONE_ELSE = [
    ("store1", 403),  # sees S001's case, but the hotline logged it
    ("store2", 404),
    ("region1", 403),
    ("tech1", 403),
    ("qa1", 403),
    ("vp1", 403),
    ("finance1", 403),
    ("supplier1", 404),
]
RECORDS = [
    ("refunds", {"amount": "99.00", "method": "cash"}),
    ("exchanges", {"reason": "change_of_mind", "fee": "20.00"}),
    ("freight", {"direction": "inbound", "reason": "warranty_repair", "tracking_no": "SF1234567890"}),
    ("compensations", {"kind": "coupon", "amount": "50.00"}),
]
RECORD_TABLE = []
for kind, payload in RECORDS:
    RECORD_TABLE += by_login(kind, [(None, 401), *EVERYONE_ELSE], arrange=in_progress, url=money_url(kind),
                             payload=payload)  # fmt: skip
    RECORD_TABLE += [
        Refusal(action=kind, case="wrong_state", who="hotline1", expected=409, arrange=closed, url=money_url(kind),
                payload=payload),
        Refusal(action=kind, case="allowed", who="hotline1", expected=201, arrange=in_progress, url=money_url(kind),
                payload=payload),
        # The store that logged an in-store case records its money too.
        Refusal(action=kind, case="logging_store", who="store1", expected=201, arrange=in_store_case,
                url=money_url(kind), payload=payload),
        Refusal(action=kind, case="logging_store_other", who="store2", expected=404, arrange=in_store_case,
                url=money_url(kind), payload=payload),
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(RECORD_TABLE, snapshot=snapshot))
def test_record_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert tried.after != tried.before
        assert tried.response.json()["recorded_by"] == row.who
    else:
        assert_refused(tried)


READ_TABLE = []
for kind, _payload in RECORDS:
    READ_TABLE += by_login(
        kind,
        [(None, 401), ("store2", 404), ("supplier1", 404), ("hotline1", 200), ("qa1", 200), ("store1", 200),
         ("region1", 200)],
        arrange=in_progress, url=money_url(kind), method="get",
    )  # fmt: skip
READ_TABLE += by_login(
    "money", [(None, 401), ("store101", 404), ("supplier1", 404), ("finance1", 200)], arrange=in_progress,
    url=money_url("money"), method="get",
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(READ_TABLE, snapshot=snapshot))
def test_read_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)


DECISIONS = [("approve", {"note": "同意"}), ("reject", {"reason": "金额过高"})]
DECISION_TABLE = []
for name, payload in DECISIONS:
    DECISION_TABLE += by_login(
        name,
        [(None, 401), ("hotline1", 403), ("store1", 403), ("store2", 404), ("tech1", 403), ("vp1", 403),
         ("finance1", 403), ("supplier1", 404)],
        arrange=proposed, url=comp_url(name), payload=payload,
    )  # fmt: skip
    DECISION_TABLE += [
        # Approving twice (or a compensation approved at once) is a conflict.
        Refusal(action=name, case="wrong_state", who="qa1", expected=409, arrange=approved, url=comp_url(name),
                payload=payload),
        Refusal(action=name, case="below_threshold", who="qa1", expected=409, arrange=small, url=comp_url(name),
                payload=payload),
        Refusal(action=name, case="allowed", who="qa1", expected=200, arrange=proposed, url=comp_url(name),
                payload=payload),
    ]  # fmt: skip
DECISION_TABLE += by_login(
    "give", [(None, 401), ("qa1", 403), ("store1", 403), ("store2", 404), ("tech1", 403), ("supplier1", 404)],
    arrange=approved, url=comp_url("give"), payload={},
)  # fmt: skip
DECISION_TABLE += [
    # Above the threshold and not approved: it cannot be given.
    Refusal(action="give", case="wrong_state", who="hotline1", expected=409, arrange=proposed, url=comp_url("give"),
            payload={}),
    Refusal(action="give", case="allowed", who="hotline1", expected=200, arrange=approved, url=comp_url("give"),
            payload={}),
    Refusal(action="give", case="below_threshold", who="hotline1", expected=200, arrange=small,
            url=comp_url("give"), payload={}),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(DECISION_TABLE, snapshot=comp_snapshot, detail=True))
def test_compensation_transition_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert tried.after != tried.before
        assert TransitionLog.objects.for_object(tried.subject).filter(transition=row.action, actor__username=row.who)
    else:
        assert_refused(tried)


# --- the threshold, QA's approval ---


@pytest.mark.django_db
def test_compensation_at_the_threshold_is_approved_at_once_and_above_it_waits_for_qa(api_as, demo):
    hotline, qa = api_as("hotline1"), api_as("qa1")
    case = in_progress()
    at = hotline.post(money_url("compensations")(case), {"kind": "gift", "amount": "500.00"}, format="json")
    assert at.status_code == 201, at.content
    assert at.json()["state"] == "approved" and at.json()["available_transitions"] == ["give"]
    above = hotline.post(money_url("compensations")(case), {"kind": "money", "amount": "500.01"}, format="json")
    assert above.json()["state"] == "proposed" and above.json()["available_transitions"] == []
    # QA heard of it at once, and sees approve/reject on it
    assert Notification.objects.filter(recipient__username="qa1", kind="compensation_proposed").count() == 1
    shown = qa.get(f"{money_url('compensations')(case)}{above.json()['id']}/").json()
    assert shown["available_transitions"] == ["approve", "reject"]
    done = qa.post(f"{money_url('compensations')(case)}{above.json()['id']}/approve/", {}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "approved" and done.json()["decided_by"] == "qa1"
    again = qa.post(f"{money_url('compensations')(case)}{above.json()['id']}/approve/", {}, format="json")
    assert again.status_code == 409
    given = hotline.post(f"{money_url('compensations')(case)}{above.json()['id']}/give/", {}, format="json")
    assert given.json()["state"] == "given"
    totals = hotline.get(money_url("money")(case)).json()
    assert totals["compensation"] == "1000.01" and totals["compensation_waiting"] == "0.00"


@pytest.mark.django_db
def test_the_threshold_is_a_setting(api_as, demo, settings):
    settings.AFTERSALES_COMPENSATION_APPROVAL_THRESHOLD = Decimal("100.00")
    answer = api_as("hotline1").post(
        money_url("compensations")(in_progress()), {"kind": "coupon", "amount": "150.00"}, format="json"
    )
    assert answer.json()["state"] == "proposed" and answer.json()["threshold"] == "100.00"


@pytest.mark.django_db
def test_a_rejected_compensation_needs_a_reason_and_is_never_given(api_as, demo):
    comp = proposed()
    qa = api_as("qa1")
    blank = qa.post(comp_url("reject")(comp), {"reason": ""}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()
    assert Compensation.objects.get(pk=comp.pk).state == CompensationState.PROPOSED
    assert qa.post(comp_url("reject")(comp), {"reason": "超出标准"}, format="json").status_code == 200
    assert api_as("hotline1").post(comp_url("give")(comp), {}, format="json").status_code == 409


@pytest.mark.django_db
def test_approve_and_reject_at_the_same_time_never_both_win(demo):
    # given two requests that loaded the same proposed compensation
    comp = proposed()
    first, second = Compensation.objects.get(pk=comp.pk), Compensation.objects.get(pk=comp.pk)
    # when QA approves through one and rejects through the other
    money_services.compensation_approve(user=user("qa1"), compensation=first)
    from aftersales.fsm import TransitionStateConflict

    with pytest.raises(TransitionStateConflict):
        money_services.compensation_reject(user=user("qa1"), compensation=second, reason="太高")
    # then the first won and the log has one decision
    assert Compensation.objects.get(pk=comp.pk).state == CompensationState.APPROVED
    assert list(TransitionLog.objects.for_object(comp).values_list("transition", flat=True)) == ["propose", "approve"]


# --- bad input: 400 naming the field, nothing changed ---

BAD_REFUNDS = [
    ({"amount": "-5.00", "method": "cash"}, "amount"),
    ({"amount": "0", "method": "cash"}, "amount"),
    ({"amount": "0.001", "method": "cash"}, "amount"),
    ({"amount": "12.345", "method": "cash"}, "amount"),
    ({"amount": "99999999.00", "method": "cash"}, "amount"),
    ({"amount": "NaN", "method": "cash"}, "amount"),
    ({"amount": "abc", "method": "cash"}, "amount"),
    ({"amount": "10.00", "method": "cheque"}, "method"),
    ({"amount": "10.00"}, "method"),
    ({"amount": "10.00", "method": "cash", "paid_on": "2999-01-01"}, "paid_on"),
    ({"amount": "300.00", "method": "cash", "paid_amount": "299.00"}, "amount"),
    ({"amount": "10.00", "method": "cash", "return": 999999}, "return"),
    ({"amount": "10.00", "method": "cash", "note": "x\x00"}, "note"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "field"), BAD_REFUNDS, ids=[f"{f}-{i}" for i, (_b, f) in enumerate(BAD_REFUNDS)])
def test_bad_refunds_are_refused_naming_the_field(api_as, demo, body, field):
    case = in_progress()
    before = snapshot(case)
    answer = api_as("hotline1").post(money_url("refunds")(case), body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json(), answer.json()
    assert snapshot(case) == before


@pytest.mark.django_db
def test_refunds_together_never_exceed_what_the_receipt_says_was_paid(api_as, demo):
    hotline = api_as("hotline1")
    unit = ReturnFactory(store_id=1)
    case = in_progress(open_case(return_ids=[unit.pk]))
    url = money_url("refunds")(case)
    first = hotline.post(url, {"amount": "200.00", "method": "original_payment", "paid_amount": "299.00",
                               "return": unit.pk}, format="json")  # fmt: skip
    assert first.status_code == 201, first.content
    assert first.json()["return_item"] == unit.pk and first.json()["paid_on"] == timezone.localdate().isoformat()
    # the receipt's amount is known now: a second refund may take the rest, not more
    over = hotline.post(url, {"amount": "99.01", "method": "cash", "return": unit.pk}, format="json")
    assert over.status_code == 400 and "amount" in over.json()
    rest = hotline.post(url, {"amount": "99.00", "method": "bank_card", "return": unit.pk}, format="json")
    assert rest.status_code == 201, rest.content
    assert hotline.get(money_url("money")(case)).json()["refunded"] == "299.00"
    assert [row["method"] for row in hotline.get(url).json()["results"]] == ["bank_card", "original_payment"]


@pytest.mark.django_db
def test_exchange_fee_only_for_a_change_of_mind(api_as, demo):
    hotline, case = api_as("hotline1"), in_progress()
    url = money_url("exchanges")(case)
    refused = hotline.post(url, {"reason": "quality", "fee": "10.00"}, format="json")
    assert refused.status_code == 400 and "fee" in refused.json()
    free = hotline.post(url, {"reason": "quality", "replacement": "同款 M 码"}, format="json")
    assert free.status_code == 201 and free.json()["fee"] == "0.00"
    paid = hotline.post(url, {"reason": "change_of_mind", "fee": "15.50"}, format="json")
    assert paid.json()["fee"] == "15.50"
    assert hotline.get(money_url("money")(case)).json()["exchange_fees"] == "15.50"


@pytest.mark.parametrize(
    ("reason", "payer"),
    [("warranty_repair", "brand"), ("quality", "brand"), ("change_of_mind", "customer"), ("paid_repair", "customer")],
)
@pytest.mark.django_db
def test_who_pays_the_freight_follows_the_rule(api_as, demo, reason, payer):
    hotline, case = api_as("hotline1"), in_progress()
    url = money_url("freight")(case)
    # the payer is the rule's, whatever the clerk sends
    answer = hotline.post(url, {"direction": "outbound", "reason": reason, "cost": "12.00", "payer": "customer"},
                          format="json")  # fmt: skip
    assert answer.status_code == 201 and answer.json()["payer"] == payer


@pytest.mark.django_db
def test_goods_sent_in_need_the_customers_tracking_number(api_as, demo):
    hotline, case = api_as("hotline1"), in_progress()
    missing = hotline.post(money_url("freight")(case), {"direction": "inbound", "reason": "quality"}, format="json")
    assert missing.status_code == 400 and "tracking_no" in missing.json()
    assert not Freight.objects.filter(service_case=case).exists()


@pytest.mark.django_db
def test_a_compensation_above_a_million_or_with_three_decimals_is_refused(api_as, demo):
    hotline, case = api_as("hotline1"), in_progress()
    for amount in ("1000000.01", "12.345", "-1", "0.00"):
        answer = hotline.post(money_url("compensations")(case), {"kind": "money", "amount": amount}, format="json")
        assert answer.status_code == 400 and "amount" in answer.json(), amount
    assert not Compensation.objects.filter(service_case=case).exists()


# --- lists: fixed query counts ---


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 25])
def test_money_lists_cost_the_same_whatever_the_rows(api_as, demo, django_assert_max_num_queries, rows):
    case = in_progress()
    hotline = user("hotline1")
    for index in range(rows):
        money_services.refund_record(user=hotline, case=case, amount=Decimal("1.00"), method="cash")
        money_services.compensation_propose(user=hotline, case=case, kind="coupon", amount=Decimal(400 + index * 10))
    client = api_as("hotline1")
    for kind in ("refunds", "compensations"):
        with django_assert_max_num_queries(8):
            answer = client.get(money_url(kind)(case))
        assert len(answer.json()["results"]) == rows


@pytest.mark.django_db
def test_in_store_case_of_another_channel_is_not_the_stores(api_as, demo):
    # a case about store S001 logged by the hotline: store1 sees it but records no money on it
    case = in_progress(open_case(channel=Channel.PHONE))
    answer = api_as("store1").post(money_url("refunds")(case), {"amount": "1.00", "method": "cash"}, format="json")
    assert answer.status_code == 403
