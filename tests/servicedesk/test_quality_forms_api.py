"""The quality information form 产品质量信息传递处置单 over the API (issue 15): ``service-cases/<id>/quality-form/``.

From a quality case to QA's approval and the frozen PDF; the matrix of every endpoint (anonymous 401, wrong role
403, out of scope 404, wrong state 409, allowed), each refusal changing nothing; the bad input the issue names.
"""

from __future__ import annotations

import hashlib

import pytest

from aftersales.models import TransitionLog
from servicedesk.choices import CaseKind, QualityFormState
from servicedesk.models import QualityForm, ServiceCase
from suppliers.models import Style
from tests.support.printed import flat, pdf_text
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases
from tests.support.servicedesk import closed, open_case, user

URL = "/api/v1/service-cases/"


def form_url(case, tail: str = "") -> str:
    return f"{URL}{case.pk}/quality-form/{tail}"


def quality_case(store: str = "S001", **fields) -> ServiceCase:
    values = {
        "kind": CaseKind.QUALITY,
        "description": "台灯使用两周后外壳开裂",
        "style": Style.objects.order_by("pk").first(),
        "batch_no": "B2026-07",
        "quantity": 2,
    }
    return open_case(store=store, **{**values, **fields})


def with_form(store: str = "S001") -> ServiceCase:
    from servicedesk import services

    case = quality_case(store=store)
    services.qualityform_create(user=user("hotline1"), case=case)
    return case


def approved(store: str = "S001") -> ServiceCase:
    from servicedesk import services

    case = with_form(store=store)
    services.qualityform_approve(user=user("qa1"), form=case.quality_form, opinion="安排技术员上门鉴定，属实则换新")
    return case


def snapshot(case: ServiceCase):
    """What a refused request must leave as it was: the form (or its absence) and the logs of case and form."""
    row = QualityForm.objects.filter(service_case=case).values().first()
    if row:
        row.pop("updated_at")
    logs = list(TransitionLog.objects.for_object(case).values_list("transition", flat=True))
    form_logs = list(TransitionLog.objects.filter(transition__in=["approve", "edit"]).values_list("pk", flat=True))
    return row, logs, form_logs, QualityForm.objects.count()


@pytest.mark.django_db
def test_quality_case_to_approved_frozen_form(api_as, demo, django_capture_on_commit_callbacks):
    # given a quality case logged by the hotline with its product
    case = quality_case()
    hotline, qa = api_as("hotline1"), api_as("qa1")
    # when the hotline makes the form, correcting the batch
    made = hotline.post(form_url(case), {"batch_no": "B2026-08"}, format="json")
    # then it copies the product and problem from the case, with the corrected batch, as a draft
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["number"].startswith("QF-") and body["state"] == "draft" and body["service_case"] == case.pk
    assert body["problem"] == "台灯使用两周后外壳开裂" and body["batch_no"] == "B2026-08" and body["quantity"] == 2
    assert body["style"] == case.style.style_no and body["product_name"] == case.style.name
    assert body["copies"] == ["营销分公司", "质量部", "主管质量领导"]
    assert body["available_transitions"] == []  # the hotline does not approve
    assert qa.get(form_url(case)).json()["available_transitions"] == ["approve"]
    # when QA approves with the handling opinion (the task renders the PDF once the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        answer = qa.post(form_url(case, "approve/"), {"handling_opinion": "派技术员上门，属实则换新"}, format="json")
    # then it is approved by qa1, frozen with the PDF's checksum
    assert answer.status_code == 200, answer.content
    done = qa.get(form_url(case)).json()
    assert done["state"] == "approved" and done["approved_by"] == "qa1" and done["approved_at"]
    assert done["handling_opinion"] == "派技术员上门，属实则换新" and len(done["pdf_sha256"]) == 64
    # and the stored PDF is the Chinese A4 form with the three copies, its bytes matching the checksum
    pdf = hotline.get(form_url(case, "pdf/"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content)
    assert hashlib.sha256(content).hexdigest() == done["pdf_sha256"] == pdf["X-Checksum-SHA256"]
    text = flat(pdf_text(content))
    for words in ("产品质量信息传递处置单", done["number"], case.number, "B2026-08", "台灯使用两周后外壳开裂",
                  "派技术员上门，属实则换新", "营销分公司", "质量部", "主管质量领导"):  # fmt: skip
        assert flat(words) in text, words
    assert "草稿" not in text
    # and the approval is logged with who, on the form and on the case's timeline
    entry = TransitionLog.objects.for_object(QualityForm.objects.get()).get(transition="approve")
    assert entry.actor.username == "qa1" and entry.target_state == "approved"
    assert "quality_form_approved" in TransitionLog.objects.for_object(case).values_list("transition", flat=True)


@pytest.mark.django_db
def test_a_draft_pdf_is_marked_draft_and_prints_no_opinion(api_as, demo):
    case = with_form()
    api_as("qa1").patch(form_url(case), {"handling_opinion": "尚未批示的意见"}, format="json")
    pdf = api_as("hotline1").get(form_url(case, "pdf/"))
    assert pdf.status_code == 200
    text = flat(pdf_text(pdf.content))
    assert "草稿" in text and "尚未批示的意见" not in text and "待批示" in text


@pytest.mark.django_db
def test_the_pdf_is_stored_once(demo, django_capture_on_commit_callbacks):
    # given an approved form whose PDF the task stored
    from servicedesk import services

    with django_capture_on_commit_callbacks(execute=True):
        case = approved()
    form = QualityForm.objects.get(service_case=case)
    first = (form.pdf.name, form.pdf_sha256)
    # when the task runs again (a redelivered message)
    assert services.qualityform_pdf_render(form_id=form.pk) == "skipped"
    # then the frozen file and checksum are the same
    form.refresh_from_db()
    assert (form.pdf.name, form.pdf_sha256) == first


# --- bad input ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"problem": ""}, "problem"),
        ({"batch_no": "x" * 41}, "batch_no"),
        ({"production_date": "2999-01-01"}, "production_date"),
    ],
)
def test_bad_input_on_create_is_400_naming_the_field(api_as, demo, body, field):
    case = quality_case()
    answer = api_as("hotline1").post(form_url(case), body, format="json")
    assert answer.status_code == 400 and field in answer.json()
    assert not QualityForm.objects.exists()


@pytest.mark.django_db
def test_a_form_for_a_case_that_is_not_quality_is_400(api_as, demo):
    case = open_case()  # a complaint
    answer = api_as("hotline1").post(form_url(case), {}, format="json")
    assert answer.status_code == 400 and "service_case" in answer.json()
    assert not QualityForm.objects.exists()


@pytest.mark.django_db
def test_approving_without_an_opinion_is_400(api_as, demo):
    case = with_form()
    answer = api_as("qa1").post(form_url(case, "approve/"), {}, format="json")
    assert answer.status_code == 400 and "handling_opinion" in answer.json()
    assert QualityForm.objects.get().state == QualityFormState.DRAFT


@pytest.mark.django_db
def test_the_hotline_may_not_write_the_opinion(api_as, demo):
    case = with_form()
    answer = api_as("hotline1").patch(form_url(case), {"handling_opinion": "我来批示"}, format="json")
    assert answer.status_code == 403
    assert QualityForm.objects.get().handling_opinion == ""


@pytest.mark.django_db
def test_approving_twice_is_409_and_edits_after_approval_are_409(api_as, demo):
    case = approved()
    qa = api_as("qa1")
    before = QualityForm.objects.values().get()
    assert qa.post(form_url(case, "approve/"), {"handling_opinion": "再批一次"}, format="json").status_code == 409
    assert qa.patch(form_url(case), {"problem": "改过的问题"}, format="json").status_code == 409
    assert api_as("hotline1").patch(form_url(case), {"batch_no": "B0"}, format="json").status_code == 409
    assert qa.post(form_url(case), {}, format="json").status_code == 409  # a second form
    assert QualityForm.objects.values().get() == before


# --- the matrices ---

CREATE = [
    Refusal("create", None, 401, quality_case, form_url, {}, case="anonymous"),
    Refusal("create", "tech1", 403, quality_case, form_url, {}, case="wrong_role"),
    Refusal("create", "store1", 403, quality_case, form_url, {}, case="wrong_role_own_store"),
    Refusal("create", "store2", 404, quality_case, form_url, {}, case="other_store"),
    Refusal("create", "supplier1", 404, quality_case, form_url, {}, case="supplier"),
    Refusal("create", "hotline1", 409, with_form, form_url, {}, case="wrong_state_has_one"),
    Refusal("create", "hotline1", 409, lambda: closed_quality(), form_url, {}, case="wrong_state_closed"),
    Refusal("create", "hotline1", 400, lambda: open_case(), form_url, {}, case="not_quality"),
    Refusal("create", "hotline1", 201, quality_case, form_url, {}, case="allowed"),
    Refusal("create", "qa1", 201, quality_case, form_url, {}, case="allowed"),
]


def closed_quality() -> ServiceCase:
    case = closed()
    ServiceCase.objects.filter(pk=case.pk).update(kind=CaseKind.QUALITY)
    return ServiceCase.objects.get(pk=case.pk)


APPROVE_BODY = {"handling_opinion": "属实，换新"}
APPROVE = [
    Refusal("approve", None, 401, with_form, lambda c: form_url(c, "approve/"), APPROVE_BODY, case="anonymous"),
    *[
        Refusal("approve", who, 403, with_form, lambda c: form_url(c, "approve/"), APPROVE_BODY, case="wrong_role")
        for who in ("hotline1", "vp1", "tech1", "store1")
    ],
    Refusal("approve", "store2", 404, with_form, lambda c: form_url(c, "approve/"), APPROVE_BODY, case="other_store"),
    Refusal("approve", "qa1", 409, approved, lambda c: form_url(c, "approve/"), APPROVE_BODY, case="wrong_state"),
    Refusal("approve", "qa1", 404, quality_case, lambda c: form_url(c, "approve/"), APPROVE_BODY, case="no_form"),
    Refusal("approve", "qa1", 200, with_form, lambda c: form_url(c, "approve/"), APPROVE_BODY, case="allowed"),
]

EDIT = [
    Refusal("edit", None, 401, with_form, form_url, {"batch_no": "B9"}, method="patch", case="anonymous"),
    Refusal("edit", "tech1", 403, with_form, form_url, {"batch_no": "B9"}, method="patch", case="wrong_role"),
    Refusal("edit", "store2", 404, with_form, form_url, {"batch_no": "B9"}, method="patch", case="other_store"),
    Refusal("edit", "hotline1", 409, approved, form_url, {"batch_no": "B9"}, method="patch", case="wrong_state"),
    Refusal("edit", "hotline1", 200, with_form, form_url, {"batch_no": "B9"}, method="patch", case="allowed"),
]

READ = [
    Refusal("read", None, 401, with_form, form_url, method="get", case="anonymous"),
    Refusal("read", "supplier1", 404, with_form, form_url, method="get", case="supplier"),
    Refusal("read", "store2", 404, with_form, form_url, method="get", case="other_store"),
    Refusal("read", "hotline1", 404, quality_case, form_url, method="get", case="no_form"),
    Refusal("read", "store1", 200, with_form, form_url, method="get", case="allowed"),
    Refusal("read", "vp1", 200, with_form, form_url, method="get", case="allowed"),
]

PDF = [
    Refusal("pdf", None, 401, approved, lambda c: form_url(c, "pdf/"), method="get", case="anonymous"),
    Refusal("pdf", "supplier1", 404, approved, lambda c: form_url(c, "pdf/"), method="get", case="supplier"),
    Refusal("pdf", "store2", 404, approved, lambda c: form_url(c, "pdf/"), method="get", case="other_store"),
    Refusal("pdf", "qa1", 409, approved, lambda c: form_url(c, "pdf/"), method="get", case="not_made_yet"),
    Refusal("pdf", "qa1", 200, with_form, lambda c: form_url(c, "pdf/"), method="get", case="allowed_draft"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(CREATE + APPROVE + EDIT + READ + PDF, snapshot=snapshot))
def test_quality_form_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        form = QualityForm.objects.get(service_case=tried.subject)
        if row.action == "approve":
            assert form.state == QualityFormState.APPROVED and form.approved_by.username == row.who
        if row.action == "edit":
            assert form.batch_no == "B9"
        if row.action == "create":
            assert form.drafted_by.username == row.who
    else:
        assert_refused(tried)
