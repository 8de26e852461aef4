"""Money on a case's page (issue 15): the money card with its totals and forms, QA's approve and reject, the
home-page tile and QA's list of compensations waiting; refusals change nothing and bad input names the field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from servicedesk.choices import CompensationState
from servicedesk.models import Compensation, Refund
from servicedesk.services import money as money_services
from tests.support.servicedesk import closed, in_progress, in_store_case, user


def page(case) -> str:
    return f"/service-desk/cases/{case.pk}/"


def record(case, what: str) -> str:
    return f"/service-desk/cases/{case.pk}/money/{what}/"


def decide(comp, name: str) -> str:
    return f"/service-desk/compensations/{comp.pk}/{name}/"


def proposed(case):
    return money_services.compensation_propose(
        user=user("hotline1"), case=case, kind="money", amount=Decimal("800.00"), note="烫伤赔偿"
    )


@pytest.mark.django_db
def test_the_hotline_records_a_refund_on_the_case_page_and_sees_the_total(browser_as, demo):
    case = in_progress()
    client = browser_as("hotline1")
    empty = client.get(page(case)).content.decode()
    assert 'data-testid="case-money"' in empty and 'data-testid="money-empty"' in empty
    answer = client.post(
        record(case, "refund"),
        {"refund-amount": "128.50", "refund-method": "bank_card", "refund-paid_on": timezone.localdate().isoformat()},
    )
    assert answer.status_code == 302
    shown = client.get(page(case)).content.decode()
    assert 'data-total="refunded">¥128.50' in shown
    assert Refund.objects.get(service_case=case).method == "bank_card"


@pytest.mark.django_db
def test_a_bad_refund_shows_the_form_again_naming_the_field(browser_as, demo):
    case = in_progress()
    client = browser_as("hotline1")
    today = timezone.localdate().isoformat()
    for amount in ("-1", "0", "12.345", "5000000"):
        answer = client.post(
            record(case, "refund"), {"refund-amount": amount, "refund-method": "cash", "refund-paid_on": today}
        )
        assert answer.status_code == 400, amount
        assert 'data-error-for="amount"' in answer.content.decode(), amount
    over = client.post(
        record(case, "refund"),
        {"refund-amount": "300", "refund-method": "cash", "refund-paid_on": today, "refund-paid_amount": "200"},
    )
    assert over.status_code == 400 and 'data-error-for="amount"' in over.content.decode()
    assert not Refund.objects.filter(service_case=case).exists()


@pytest.mark.parametrize(
    ("who", "arrange", "status"),
    [
        ("store1", in_progress, 403),  # the hotline's case, not the store's
        ("store2", in_progress, 404),
        ("qa1", in_progress, 403),
        ("hotline1", closed, 409),
        ("store1", in_store_case, 302),  # the store that logged it records its money
    ],
)
@pytest.mark.django_db
def test_who_may_record_money_on_the_page(browser_as, demo, who, arrange, status):
    case = arrange()
    answer = browser_as(who).post(record(case, "compensation"), {"compensation-kind": "coupon",
                                                                 "compensation-amount": "50"})  # fmt: skip
    assert answer.status_code == status
    assert Compensation.objects.filter(service_case=case).exists() == (status == 302)


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(client, demo):
    case = in_progress()
    answer = client.post(record(case, "refund"), {"refund-amount": "1", "refund-method": "cash"})
    assert answer.status_code == 302 and "login" in answer["Location"]
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_qa_sees_the_tile_and_approves_on_the_case_page(browser_as, demo):
    case = in_progress()
    comp = proposed(case)
    qa = browser_as("qa1")
    home = qa.get("/").content.decode()
    assert "/service-desk/compensations/" in home
    queue = qa.get("/service-desk/compensations/").content.decode()
    assert case.number in queue and "¥800.00" in queue
    shown = qa.get(page(case)).content.decode()
    assert f'action="{decide(comp, "approve")}"' in shown and f'action="{decide(comp, "reject")}"' in shown
    assert qa.post(decide(comp, "approve")).status_code == 302
    assert Compensation.objects.get(pk=comp.pk).state == CompensationState.APPROVED
    # approving twice is a conflict, nothing changes
    again = qa.post(decide(comp, "approve"))
    assert again.status_code == 409
    # and the hotline hands it over
    assert browser_as("hotline1").post(decide(comp, "give")).status_code == 302
    assert Compensation.objects.get(pk=comp.pk).state == CompensationState.GIVEN


@pytest.mark.django_db
def test_only_qa_decides_and_a_rejection_needs_its_reason(browser_as, demo):
    case = in_progress()
    comp = proposed(case)
    assert browser_as("hotline1").post(decide(comp, "approve")).status_code == 403
    assert browser_as("store2").post(decide(comp, "approve")).status_code == 404
    assert browser_as("hotline1").post(decide(comp, "give")).status_code == 409
    qa = browser_as("qa1")
    assert qa.post(decide(comp, "reject"), {f"comp{comp.pk}-reason": ""}).status_code == 400
    assert Compensation.objects.get(pk=comp.pk).state == CompensationState.PROPOSED
    assert qa.post(decide(comp, "reject"), {f"comp{comp.pk}-reason": "超出标准"}).status_code == 302
    assert Compensation.objects.get(pk=comp.pk).state == CompensationState.REJECTED


@pytest.mark.django_db
def test_the_tile_is_qas_only(browser_as, demo):
    proposed(in_progress())
    assert "/service-desk/compensations/" not in browser_as("hotline1").get("/").content.decode()
    assert browser_as("hotline1").get("/service-desk/compensations/").status_code == 403
    assert browser_as("qa1").get("/service-desk/compensations/").status_code == 200


@pytest.mark.django_db
def test_the_case_page_in_chinese(browser_as, demo):
    case = in_progress()
    money_services.refund_record(user=user("hotline1"), case=case, amount=Decimal("10.00"), method="cash")
    client = browser_as("hotline1")
    client.cookies["django_language"] = "zh-hans"
    shown = client.get(page(case), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "退款" in shown
