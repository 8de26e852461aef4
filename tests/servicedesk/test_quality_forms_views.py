"""The quality information form's pages (issue 15): the card on the case, the form's page, its actions and PDF.

The same refusals as the API (the shared transition view maps the services' errors): 404 out of scope, 409 once
approved, 403 for anyone but QA on the approval, 400 for a case that is not a quality case.
"""

from __future__ import annotations

import pytest

from servicedesk import services
from servicedesk.choices import CaseKind, QualityFormState
from servicedesk.models import QualityForm
from suppliers.models import Style
from tests.support.printed import flat, pdf_text
from tests.support.servicedesk import open_case, user


def quality_case(store: str = "S001"):
    return open_case(
        store=store, kind=CaseKind.QUALITY, description="衬衫洗后缩水两码", batch_no="B-77",
        style=Style.objects.order_by("pk").first(),
    )  # fmt: skip


def page(case) -> str:
    return f"/service-desk/cases/{case.pk}/quality-form/"


@pytest.mark.django_db
def test_from_the_card_to_the_approved_form_in_the_browser(browser_as, demo, django_capture_on_commit_callbacks):
    case = quality_case()
    hotline = browser_as("hotline1")
    # the case's card offers to make the form
    card = hotline.get(f"/service-desk/cases/{case.pk}/").content.decode()
    assert 'data-testid="quality-form-card"' in card and 'data-testid="make-quality-form"' in card
    made = hotline.post(f"{page(case)}new/")
    assert made.status_code == 302 and made["Location"] == page(case)
    body = hotline.get(page(case)).content.decode()
    assert "衬衫洗后缩水两码" in body and "B-77" in body and "营销分公司" in body and 'data-action="edit"' in body
    assert 'data-action="approve"' not in body  # the hotline does not approve
    # the hotline corrects the batch (its form has no opinion field)
    fixed = hotline.post(f"{page(case)}edit/", {"problem": "衬衫洗后缩水两码", "batch_no": "B-78", "quantity": "1"})
    assert fixed.status_code == 302 and QualityForm.objects.get().batch_no == "B-78"
    # QA approves with the opinion; the PDF is made once the request commits
    qa = browser_as("qa1")
    assert 'data-action="approve"' in qa.get(page(case)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approved = qa.post(f"{page(case)}approve/", {"handling_opinion": "面料问题，退款并通知供应商"})
    assert approved.status_code == 302
    form = QualityForm.objects.get()
    assert form.state == QualityFormState.APPROVED and form.pdf_sha256
    body = qa.get(page(case)).content.decode()
    assert form.pdf_sha256 in body and 'data-action="edit"' not in body and 'data-action="approve"' not in body
    pdf = hotline.get(f"{page(case)}pdf/")
    assert pdf.status_code == 200
    assert "面料问题，退款并通知供应商" in flat(pdf_text(b"".join(pdf.streaming_content)))
    # and the case's card shows the approved form
    card = hotline.get(f"/service-desk/cases/{case.pk}/").content.decode()
    assert 'data-testid="quality-form-link"' in card and "面料问题，退款并通知供应商" in card


@pytest.mark.django_db
def test_the_pages_refuse_like_the_services(browser_as, demo):
    case = quality_case()
    form = services.qualityform_create(user=user("hotline1"), case=case)
    # out of scope: 404 on every page
    other = browser_as("store2")
    assert other.get(page(case)).status_code == 404
    assert other.get(f"{page(case)}pdf/").status_code == 404
    assert other.post(f"{page(case)}approve/", {"handling_opinion": "x"}).status_code == 404
    # the hotline may not approve: 403, nothing changed
    assert browser_as("hotline1").post(f"{page(case)}approve/", {"handling_opinion": "x"}).status_code == 403
    # a store sees the form but may not correct it: 403
    assert browser_as("store1").get(page(case)).status_code == 200
    assert browser_as("store1").post(f"{page(case)}edit/", {"problem": "改", "batch_no": ""}).status_code == 403
    assert QualityForm.objects.get().state == QualityFormState.DRAFT
    # once approved, corrections are 409
    services.qualityform_approve(user=user("qa1"), form=form, opinion="换新")
    qa = browser_as("qa1")
    assert qa.post(f"{page(case)}edit/", {"problem": "改", "batch_no": "B0"}).status_code == 409
    assert qa.post(f"{page(case)}approve/", {"handling_opinion": "再批"}).status_code == 409
    assert QualityForm.objects.get().batch_no == "B-77"
    # a form for a case that is not a quality case: 400 on the case page, no form
    complaint = open_case()
    answer = browser_as("hotline1").post(f"{page(complaint)}new/")
    assert answer.status_code == 400 and QualityForm.objects.count() == 1
