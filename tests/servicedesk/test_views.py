"""The service desk's pages: intake by phone, the queue, a case, the customer, the callbacks due."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicedesk.choices import CaseState
from servicedesk.models import Customer, PhoneAccessLog, ServiceCase
from stores.models import Store
from tests.factories.cases import ReturnFactory
from tests.support.servicedesk import CALLER, in_store_case, intake_form_data, open_case, resolved

INTAKE = "/service-desk/intake/"
QUEUE = "/service-desk/cases/"


@pytest.mark.django_db
def test_typing_the_number_shows_earlier_cases_and_returns_and_prefills_the_form(browser_as, demo):
    earlier = open_case()
    unit = ReturnFactory(store=Store.objects.get(code="S001"), customer_phone=CALLER["phone"])
    earlier.customer.returns.add(unit)
    client = browser_as("hotline1")
    # the htmx lookup answers the caller's part only
    page = client.get(INTAKE, {"phone": "138-0013-8000"}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 200 and "<html" not in html
    assert earlier.number in html and unit.number in html
    assert 'value="李娜"' in html and 'value="广东"' in html
    assert PhoneAccessLog.objects.filter(user__username="hotline1", where="page:intake").count() == 1


@pytest.mark.django_db
def test_logging_a_case_from_the_intake_page(browser_as, demo):
    client = browser_as("hotline1")
    response = client.post(INTAKE, intake_form_data(store=Store.objects.get(code="S001").pk))
    case = ServiceCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/service-desk/cases/{case.pk}/"
    assert case.customer.phone == CALLER["phone"] and case.state == CaseState.OPEN


@pytest.mark.django_db
def test_a_consultation_is_answered_and_closed_in_one_go(browser_as, demo):
    client = browser_as("hotline1")
    client.post(INTAKE, intake_form_data(kind="consultation", answer="手洗, 平铺晾干", satisfaction="5"))
    case = ServiceCase.objects.get()
    assert case.state == CaseState.CLOSED and case.satisfaction == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "error_for"),
    [
        ({"consent": None}, "consent"),
        ({"description": "x" * 100_000}, "description"),
        ({"kind": "praise"}, "kind"),
        # a NUL in the number is never looked up (PostgreSQL refuses it): the form names the field
        ({"phone": "1380013\x008000"}, "phone"),
    ],
)
def test_a_bad_intake_form_comes_back_with_the_error_and_stores_nothing(browser_as, demo, change, error_for):
    response = browser_as("hotline1").post(INTAKE, intake_form_data(**change))
    assert response.status_code == 400
    assert f'data-error-for="{error_for}"' in response.content.decode()
    assert not ServiceCase.objects.exists() and not Customer.objects.filter(phone=CALLER["phone"]).exists()


@pytest.mark.django_db
def test_store_staff_open_in_store_cases_only_and_others_may_not_take_calls(browser_as, demo):
    own = Store.objects.get(code="S001")
    client = browser_as("store1")
    page = client.get("/service-desk/new/").content.decode()
    assert "answer-on-call" not in page and "phone-lookup" not in page
    assert client.post("/service-desk/new/", intake_form_data(channel="in_store", store=own.pk)).status_code == 302
    assert ServiceCase.objects.get().logging_store == own
    for who in ("tech1", "supplier1", "region1"):
        assert browser_as(who).get(INTAKE).status_code == 403


@pytest.mark.django_db
def test_the_queue_sorts_by_nearest_due_with_badges(browser_as, demo):
    later, sooner, breached = open_case(), open_case(kind="repair"), open_case()
    now = timezone.now()
    ServiceCase.objects.filter(pk=breached.pk).update(
        next_due=now - dt.timedelta(hours=1), first_response_due=now - dt.timedelta(hours=1)
    )
    html = browser_as("hotline1").get(QUEUE).content.decode()
    order = [html.index(f'data-number="{case.number}"') for case in (breached, sooner, later)]
    assert order == sorted(order)
    assert 'data-testid="badge-breached"' in html
    breached_only = browser_as("hotline1").get(QUEUE, {"view": "breached"}).content.decode()
    assert breached.number in breached_only and later.number not in breached_only
    unassigned = browser_as("hotline1").get(QUEUE, {"view": "unassigned"}).content.decode()
    assert later.number not in unassigned


@pytest.mark.django_db
def test_the_queue_costs_the_same_for_5_and_20_cases(browser_as, demo):
    client = browser_as("hotline1")

    def queries(count):
        while ServiceCase.objects.count() < count:
            open_case()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE).status_code == 200
        return len(captured)

    assert queries(5) == queries(20)


@pytest.mark.django_db
def test_the_case_page_shows_clocks_timeline_promise_and_linked_returns(browser_as, demo):
    unit = ReturnFactory(store=Store.objects.get(code="S001"))
    case = open_case(return_ids=[unit.pk], kind="repair")
    client = browser_as("hotline1")
    deadline = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    promised = client.post(f"/service-desk/cases/{case.pk}/promise/", {"deadline": deadline, "outcome": "两天内上门"})
    assert promised.status_code == 302
    html = client.get(f"/service-desk/cases/{case.pk}/").content.decode()
    assert unit.number in html and "两天内上门" in html
    assert 'data-clock="first_response"' in html and 'data-clock="appointment"' in html
    assert 'data-transition="promise"' in html and 'data-transition="open"' in html
    assert "13800138000" in html
    # the store concerned sees the case with the phone masked, and nothing is logged for it
    store_html = browser_as("store1").get(f"/service-desk/cases/{case.pk}/").content.decode()
    assert "138****8000" in store_html and "13800138000" not in store_html
    assert list(PhoneAccessLog.objects.values_list("user__username", flat=True)) == ["hotline1"]


@pytest.mark.django_db
def test_transitions_from_the_page_and_their_refusals(browser_as, demo):
    case = open_case()
    url = f"/service-desk/cases/{case.pk}/respond/"
    assert browser_as("store2").post(url, {"method": "phone", "message": "x"}).status_code == 404
    assert browser_as("store1").post(url, {"method": "phone", "message": "x"}).status_code == 403
    assert browser_as("hotline1").post(url, {"method": "phone", "message": ""}).status_code == 400
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    response = browser_as("hotline1").post(url, {"method": "phone", "message": "已回电"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-state="in_progress"' in response.content.decode()
    again = browser_as("hotline1").post(url, {"method": "phone", "message": "已回电"})
    assert again.status_code == 409


@pytest.mark.django_db
def test_the_callbacks_due_list_and_the_reopening_callback(browser_as, demo):
    done = resolved()
    client = browser_as("hotline1")
    assert done.number in client.get("/service-desk/callbacks/").content.decode()
    client.post(f"/service-desk/cases/{done.pk}/follow_up/", {"satisfaction": "1", "remarks": "不满意"})
    done.refresh_from_db()
    assert done.state == CaseState.IN_PROGRESS and done.reopened_count == 1
    assert done.number not in client.get("/service-desk/callbacks/").content.decode()


@pytest.mark.django_db
def test_customer_page_and_erase_on_request(browser_as, demo):
    case = in_store_case()
    unit = ReturnFactory(store=case.store, customer_name="李娜", customer_phone=CALLER["phone"])
    case.customer.returns.add(unit)
    url = f"/service-desk/customers/{case.customer_id}/"
    assert browser_as("store1").get(url).status_code == 404
    page = browser_as("hotline1").get(url).content.decode()
    assert case.number in page and unit.number in page and CALLER["phone"] in page
    assert browser_as("store1").post(url + "erase/").status_code == 404
    assert browser_as("hotline1").post(url + "erase/").status_code == 302
    unit.refresh_from_db()
    assert unit.customer_phone == "" and Customer.objects.get(pk=case.customer_id).name == ""
    assert "138****8000" not in browser_as("store1").get(f"/service-desk/cases/{case.pk}/").content.decode()


@pytest.mark.django_db
def test_suppliers_see_no_case(browser_as, demo):
    case = open_case()
    client = browser_as("supplier1")
    assert client.get(f"/service-desk/cases/{case.pk}/").status_code == 404
    assert client.get(QUEUE).status_code == 403


@pytest.mark.django_db
def test_the_superuser_reads_the_phone_access_log_in_the_admin(browser_as, demo):
    case = open_case()
    browser_as("hotline1").get(f"/service-desk/cases/{case.pk}/")
    admin = browser_as("admin")
    page = admin.get("/admin/servicedesk/phoneaccesslog/")
    assert page.status_code == 200 and "hotline1" in page.content.decode()
    assert admin.get("/admin/servicedesk/servicecase/").status_code == 200
    assert admin.get("/admin/servicedesk/customer/").status_code == 200
    assert browser_as("hotline1").get("/admin/servicedesk/phoneaccesslog/").status_code == 302
