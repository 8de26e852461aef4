"""The customer's e-mail address 客户邮箱 (where the satisfaction survey's link is mailed): taken at intake (the
hotline's page, the store's in-store page, the API) only with consent, masked for everyone but those who see the
full phone, and blanked by erasure and the retention purge like the name and phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.permissions import mask_email
from servicedesk import services
from servicedesk.models import Customer, ServiceCase
from stores.models import Store
from tests.factories.servicedesk import CustomerFactory
from tests.support.servicedesk import CALLER, in_store_case, intake_form_data, open_case, user

pytestmark = pytest.mark.django_db

EMAIL = "zhang.wei@example.com"
INTAKE = "/service-desk/intake/"
IN_STORE = "/service-desk/new/"
API = "/api/v1/service-cases/"


def form_data(**overrides):
    return intake_form_data(**{"email": EMAIL, **overrides})


def nothing_stored() -> bool:
    return not ServiceCase.objects.exists() and not Customer.objects.exists()


# --- the rule ---


@pytest.mark.parametrize(
    ("email", "masked"),
    [("zhang.wei@example.com", "z***@example.com"), ("a@b.cn", "a***@b.cn"), ("", ""), ("no-at-sign", "***")],
)
def test_mask_email_keeps_the_first_character_and_the_domain(email, masked):
    assert mask_email(email) == masked


def test_the_database_refuses_an_email_without_consent():
    # given a record with an e-mail and no consent, when saved, then the check constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(email=EMAIL)
    assert CustomerFactory(with_email=True).email.endswith("@example.com")


def test_intake_keeps_the_email_with_consent_and_fills_it_in_on_the_record_found_by_phone(demo):
    # given a customer on record by phone without an e-mail
    first = open_case()
    assert first.customer.email == ""
    # when the same caller gives an e-mail on the next call
    second = open_case(customer={**CALLER, "email": f"  {EMAIL} "})
    # then the one record per phone gets it (trimmed); a later call without one keeps it
    assert second.customer_id == first.customer_id and Customer.objects.get().email == EMAIL
    open_case()
    assert Customer.objects.get().email == EMAIL


@pytest.mark.parametrize(
    ("contact", "field"),
    [
        ({**CALLER, "email": "not-an-address"}, "customer.email"),
        ({**CALLER, "email": "x" * 250 + "@example.com"}, "customer.email"),
        ({"email": EMAIL, "consent": False}, "customer.consent"),
        ({**CALLER, "email": EMAIL, "consent": False}, "customer.consent"),
    ],
)
def test_a_bad_or_unconsented_email_is_refused_naming_the_field_and_nothing_is_stored(demo, contact, field):
    with pytest.raises(ValidationError) as refused:
        open_case(customer=contact)
    assert field in refused.value.message_dict and nothing_stored()


def test_an_email_alone_with_consent_makes_a_record_without_a_phone(demo):
    case = open_case(customer={"email": EMAIL, "consent": True})
    assert (case.customer.phone, case.customer.email) == ("", EMAIL)


# --- the pages ---


def test_the_hotline_logs_the_email_on_the_intake_page_and_sees_it_prefilled_next_time(browser_as, demo):
    client = browser_as("hotline1")
    assert client.post(INTAKE, form_data(store=Store.objects.get(code="S001").pk)).status_code == 302
    assert ServiceCase.objects.get().customer.email == EMAIL
    again = client.get(INTAKE, {"phone": CALLER["phone"]}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{EMAIL}"' in again


def test_store_staff_log_the_email_on_the_in_store_page(browser_as, demo):
    own = Store.objects.get(code="S001")
    response = browser_as("store1").post(IN_STORE, form_data(channel="in_store", store=own.pk))
    assert response.status_code == 302 and ServiceCase.objects.get().customer.email == EMAIL


@pytest.mark.parametrize(
    ("change", "error_for"),
    [({"email": "zhang.wei@"}, "email"), ({"consent": None}, "consent"),
     ({"consent": None, "name": "", "phone": ""}, "consent")],
)  # fmt: skip
def test_a_bad_email_on_the_intake_page_comes_back_named_and_nothing_is_stored(browser_as, demo, change, error_for):
    response = browser_as("hotline1").post(INTAKE, form_data(**change))
    assert response.status_code == 400 and f'data-error-for="{error_for}"' in response.content.decode()
    assert nothing_stored()


def test_the_email_field_follows_name_on_the_keyboard_intake(browser_as, demo):
    # the agent tabs phone → name → e-mail → province → consent (the browser test tabs from the kind onwards)
    html = browser_as("hotline1").get(INTAKE).content.decode()
    positions = [html.index(f'id="id_{name}"') for name in ("phone", "name", "email", "province", "consent", "kind")]
    assert positions == sorted(positions)


def test_the_case_page_shows_the_email_whole_to_the_hotline_and_masked_to_others(browser_as, demo):
    case = open_case(customer={**CALLER, "email": EMAIL})
    page = f"/service-desk/cases/{case.pk}/"
    assert EMAIL in browser_as("hotline1").get(page).content.decode()
    other = browser_as("store1").get(page).content.decode()
    assert EMAIL not in other and "z***@example.com" in other
    record = browser_as("hotline1").get(f"/service-desk/customers/{case.customer_id}/").content.decode()
    assert f'data-testid="customer-email">{EMAIL}<' in record


# --- the API ---


NEW_CASE = {"channel": "phone", "kind": "complaint", "description": "羽绒服跑绒", "store": "S001"}


def test_the_api_takes_the_email_and_shows_it_by_role(api_as, demo):
    created = api_as("hotline1").post(API, {**NEW_CASE, "customer": {**CALLER, "email": EMAIL}}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["customer"]["email"] == EMAIL
    case = ServiceCase.objects.get()
    assert case.customer.email == EMAIL
    # masked for a store that did not log it, whole in the archive (the hotline's)
    assert api_as("store1").get(f"{API}{case.pk}/").json()["customer"]["email"] == "z***@example.com"
    archive = api_as("hotline1").get(f"/api/v1/customers/{case.customer_id}/").json()
    assert archive["email"] == EMAIL


def test_the_logging_store_sees_the_email_whole(api_as, demo):
    case = in_store_case()
    Customer.objects.filter(pk=case.customer_id).update(email=EMAIL)
    assert api_as("store1").get(f"{API}{case.pk}/").json()["customer"]["email"] == EMAIL


@pytest.mark.parametrize(
    "customer",
    [{**CALLER, "email": "not-an-address"}, {"email": EMAIL}, {**CALLER, "email": EMAIL, "consent": False}],
)
def test_a_bad_or_unconsented_email_over_the_api_is_a_400_and_nothing_is_stored(api_as, demo, customer):
    response = api_as("hotline1").post(API, {**NEW_CASE, "customer": customer}, format="json")
    assert response.status_code == 400 and "customer" in response.json(), response.content
    named = response.json()["customer"]
    assert ("email" in named) if "@" not in customer["email"] else ("consent" in named)
    assert nothing_stored()


def test_the_page_and_the_api_refuse_an_unconsented_email_in_the_same_words(api_as, browser_as, demo):
    # given an e-mail without the customer's consent, on the intake page and over the API
    page = browser_as("hotline1").post("/service-desk/intake/", form_data(consent=None), HTTP_ACCEPT_LANGUAGE="en")
    api = api_as("hotline1").post(
        API,
        {**NEW_CASE, "customer": {**CALLER, "email": EMAIL, "consent": False}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then both name the e-mail among what needs consent (the page in the agent's saved Chinese, the API in the
    # English asked for), and nothing is stored
    assert page.status_code == 400 and "保存姓名、电话或电子邮件前须记录客户的同意。" in page.content.decode()
    assert api.status_code == 400
    assert api.json()["customer"]["consent"] == [
        "Record the customer's consent before keeping a name, phone or e-mail."
    ]
    assert nothing_stored()


# --- erasure and the retention purge ---


def test_erase_on_request_blanks_the_email(api_as, demo):
    case = open_case(customer={**CALLER, "email": EMAIL})
    erased = api_as("hotline1").post(f"/api/v1/customers/{case.customer_id}/erase/")
    assert erased.status_code == 200 and erased.json()["email"] == ""
    assert Customer.objects.get(pk=case.customer_id).email == ""
    services.customer_erase(user=user("hotline1"), customer=case.customer)  # twice: still blank, still one record
    assert Customer.objects.filter(email=EMAIL).count() == 0 and Customer.objects.count() == 1


def test_the_retention_purge_blanks_the_email_even_of_a_record_with_only_an_email(demo):
    now = timezone.now()
    old = CustomerFactory(with_email=True)
    only_email = CustomerFactory(name="", phone="", with_email=True)
    recent = CustomerFactory(with_email=True)
    Customer.objects.filter(pk__in=[old.pk, only_email.pk]).update(updated_at=now - dt.timedelta(days=40 * 31))
    assert services.customer_retention_purge(now=now)["anonymised"] == 2
    assert Customer.objects.get(pk=old.pk).email == "" and Customer.objects.get(pk=only_email.pk).email == ""
    assert Customer.objects.get(pk=only_email.pk).erased_at is not None
    assert Customer.objects.get(pk=recent.pk).email == recent.email
    assert services.customer_retention_purge(now=now)["anonymised"] == 0
