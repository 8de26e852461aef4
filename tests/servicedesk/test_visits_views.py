"""Pages of on-site service: the visits card and the dispatch form on a case, a visit's page and its actions, the
signature pad (a canvas's data URL or a photo), the scope-checked signature and PDF, the technician's tile."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from servicedesk.choices import VisitState
from servicedesk.models import Visit
from tests.support.servicedesk import user
from tests.support.visits import arrived, dispatched, quality_case, signature_png, signed, snapshot, with_findings


def data_url(content: bytes, kind: str = "image/png") -> str:
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


@pytest.mark.django_db
def test_the_hotline_dispatches_from_the_case_page(browser_as, demo):
    case = quality_case()
    client = browser_as("hotline1")
    page = client.get(f"/service-desk/cases/{case.pk}/").content.decode()
    assert 'data-testid="visits-card"' in page and 'data-testid="dispatch-form"' in page
    planned = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        f"/service-desk/cases/{case.pk}/visits/new/",
        {"technicians": [user("tech1").pk], "planned_arrival": planned, "address": "广州"},
    )
    assert answer.status_code == 302
    visit = Visit.objects.get(service_case=case)
    assert visit.number in client.get(f"/service-desk/cases/{case.pk}/").content.decode()


@pytest.mark.django_db
def test_a_bad_dispatch_comes_back_on_the_form_and_a_technician_sees_no_form(browser_as, demo):
    case = quality_case()
    client = browser_as("hotline1")
    answer = client.post(
        f"/service-desk/cases/{case.pk}/visits/new/",
        {"technicians": [user("tech1").pk, user("tech2").pk], "planned_arrival": "2030-01-01T10:00"},
    )
    assert answer.status_code == 400 and not Visit.objects.exists()
    tech = Client()
    tech.force_login(user("tech1"))
    assert 'data-testid="dispatch-form"' not in tech.get(f"/service-desk/cases/{case.pk}/").content.decode()
    assert tech.post(f"/service-desk/cases/{case.pk}/visits/new/", {}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("store2", 404), ("supplier1", 404), ("store1", 200), ("tech2", 200)])
def test_a_visits_page_is_scoped(browser_as, demo, who, status):
    visit = dispatched()
    assert browser_as(who).get(f"/service-desk/visits/{visit.pk}/").status_code == status


@pytest.mark.django_db
def test_the_technician_arrives_records_findings_and_the_customer_signs_on_the_pad(browser_as, demo):
    visit = dispatched()
    client = browser_as("tech1")
    assert client.post(f"/service-desk/visits/{visit.pk}/arrive/", {}).status_code == 302
    answer = client.post(
        f"/service-desk/visits/{visit.pk}/record_findings/",
        {"misuse": "no", "findings": "温控器失灵", "handling": "repaired_on_site", "quantity_used": "1"},
    )
    assert answer.status_code == 302
    pad = client.get(f"/service-desk/visits/{visit.pk}/signature-pad/").content.decode()
    assert "signature_pad.umd.min.js" in pad and "data-signature-pad" in pad and "cdn" not in pad.lower()
    answer = client.post(
        f"/service-desk/visits/{visit.pk}/sign/",
        {"signer_name": "李娜", "source": "drawn", "drawn": data_url(signature_png())},
    )
    assert answer.status_code == 302
    visit.refresh_from_db()
    assert visit.state == VisitState.SIGNED and visit.signature.source == "drawn"


@pytest.mark.django_db
def test_a_text_posted_as_the_signature_is_a_400_on_the_pad(browser_as, demo):
    visit = with_findings()
    before = snapshot(visit)
    client = browser_as("tech1")
    answer = client.post(
        f"/service-desk/visits/{visit.pk}/sign/",
        {"signer_name": "李娜", "drawn": data_url(b"hello", "text/plain")},
    )
    assert answer.status_code == 400 and "data-signature-pad" in answer.content.decode()
    answer = client.post(
        f"/service-desk/visits/{visit.pk}/sign/",
        {"signer_name": "李娜", "photo": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x", content_type="application/pdf")},
    )
    assert answer.status_code == 400
    assert snapshot(visit) == before


@pytest.mark.django_db
def test_another_technician_cannot_open_the_pad_nor_sign(browser_as, demo):
    visit = with_findings()
    client = browser_as("tech2")
    assert client.get(f"/service-desk/visits/{visit.pk}/signature-pad/").status_code == 404
    answer = client.post(
        f"/service-desk/visits/{visit.pk}/sign/", {"signer_name": "李娜", "drawn": data_url(signature_png())}
    )
    assert answer.status_code == 403 and not Visit.objects.get(pk=visit.pk).signed_at


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("store2", 404), ("supplier1", 404), ("region1", 200), ("qa1", 200)])
def test_the_signature_and_the_form_are_served_within_scope(browser_as, demo, django_capture_on_commit_callbacks,
                                                            who, status):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        visit = signed()
    client = browser_as(who)
    image = client.get(f"/service-desk/visits/{visit.pk}/signature/")
    pdf = client.get(f"/service-desk/visits/{visit.pk}/form.pdf")
    assert (image.status_code, pdf.status_code) == (status, status)
    if status == 200:
        assert image["Content-Type"] == "image/png" and pdf["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit = signed()
    for url in (f"/service-desk/visits/{visit.pk}/", f"/service-desk/visits/{visit.pk}/signature/",
                f"/service-desk/visits/{visit.pk}/form.pdf"):  # fmt: skip
        answer = Client().get(url)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


@pytest.mark.django_db
def test_the_technicians_tile_counts_the_visits_waiting_for_them(browser_as, demo):
    dispatched()
    arrived()
    signed()
    home = browser_as("tech1").get("/").content.decode()
    assert "/service-desk/visits/?mine=1" in home
    listing = browser_as("tech1").get("/service-desk/visits/?mine=1")
    assert listing.status_code == 200 and len(listing.context["visits"]) == 2
    assert len(browser_as("tech2").get("/service-desk/visits/?mine=1").context["visits"]) == 0
