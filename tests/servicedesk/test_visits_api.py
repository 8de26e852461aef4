"""On-site service over the API (``/api/v1/service-cases/{id}/visits/``): the loop of seed 001 by API, the
permission matrix of every endpoint and transition (each refusal changing nothing), bad input, the scope-checked
signature and form downloads, and a fixed query count for the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from servicedesk.choices import CaseState, VisitState
from servicedesk.models import Visit
from tests.support.printed import flat, pdf_text
from tests.support.refusals import Refusal, assert_refused, attempt, by_login, refusal_cases
from tests.support.servicedesk import resolved
from tests.support.visits import (
    FINDINGS,
    arrived,
    case_snapshot,
    dispatched,
    quality_case,
    signature_png,
    signed,
    snapshot,
    with_findings,
)


def visits_url(case) -> str:
    return f"/api/v1/service-cases/{case.pk}/visits/"


def visit_url(visit, tail: str = "") -> str:
    return f"/api/v1/service-cases/{visit.service_case_id}/visits/{visit.pk}/{tail}"


def later(hours: int = 3) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


FINDINGS_BODY = {**FINDINGS, "production_date": "2026-10-12"}


def sign_body(_visit=None):
    return {
        "file": SimpleUploadedFile("signature.png", signature_png(), content_type="image/png"),
        "source": "drawn",
        "signer_name": "李娜",
    }


@pytest.mark.django_db
def test_the_loop_of_seed_001_over_the_api(api_as, demo, django_capture_on_commit_callbacks):
    hotline, tech = api_as("hotline1"), api_as("tech1")
    case = quality_case()
    # the hotline dispatches two engineers, tech1 leading
    made = hotline.post(
        visits_url(case),
        {"technicians": ["tech1", "tech2"], "lead": "tech1", "planned_arrival": later(), "address": "广州市天河路1号"},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "dispatched" and body["lead"] == "tech1" and body["in_province"] is True
    assert [row["username"] for row in body["technicians"]] == ["tech1", "tech2"]
    assert body["available_transitions"] == ["cancel"]
    url = visit_url(Visit.objects.get(pk=body["id"]))
    assert tech.get(url).json()["available_transitions"] == ["arrive"]
    assert tech.post(url + "arrive/", {}, format="json").json()["state"] == "arrived"
    recorded = tech.post(url + "record_findings/", FINDINGS_BODY, format="json")
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["handling"] == "exchanged_or_returned"
    with django_capture_on_commit_callbacks(execute=True):
        answer = tech.post(url + "sign/", sign_body(), format="multipart")
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "signed"
    # the form was made by the task once the signature committed
    body = tech.get(url).json()
    assert body["signature"]["source"] == "drawn" and len(body["form_sha256"]) == 64
    pdf = hotline.get(body["form_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "处置结果反馈单" in flat(pdf_text(pdf.content))
    image = hotline.get(body["signature"]["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    # the case's list shows it
    listed = hotline.get(visits_url(case)).json()
    assert [row["number"] for row in listed["results"]] == [body["number"]]


@pytest.mark.django_db
def test_arrival_before_dispatch_is_a_400_naming_the_field(api_as, demo):
    visit = dispatched()
    before = snapshot(visit)
    answer = api_as("tech1").post(
        visit_url(visit, "arrive/"),
        {"arrived_at": (visit.dispatched_at - dt.timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert answer.status_code == 400 and "arrived_at" in answer.json()
    assert snapshot(visit) == before


@pytest.mark.django_db
def test_a_pdf_as_signature_is_a_400_and_changes_nothing(api_as, demo):
    visit = with_findings()
    before = snapshot(visit)
    answer = api_as("tech1").post(
        visit_url(visit, "sign/"),
        {"file": SimpleUploadedFile("form.pdf", b"%PDF-1.4\n%fake", content_type="application/pdf"),
         "source": "photo", "signer_name": "李娜"},
        format="multipart",
    )  # fmt: skip
    assert answer.status_code == 400 and "signature" in answer.json()
    assert snapshot(visit) == before
    # a data URL that is not an image, in JSON
    answer = api_as("tech1").post(
        visit_url(visit, "sign/"),
        {"image": "data:image/png;base64,bm90IGFuIGltYWdl", "source": "drawn", "signer_name": "李娜"},
        format="json",
    )
    assert answer.status_code == 400 and "signature" in answer.json()
    assert snapshot(visit) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"technicians": [], "planned_arrival": "2026-12-31T10:00:00+08:00"}, "technicians"),
        ({"technicians": ["tech1", "tech2"], "planned_arrival": "2026-12-31T10:00:00+08:00"}, "lead"),
        ({"technicians": ["tech1"], "lead": "tech2", "planned_arrival": "2026-12-31T10:00:00+08:00"}, "lead"),
        ({"technicians": ["nobody"], "planned_arrival": "2026-12-31T10:00:00+08:00"}, "technicians"),
        ({"technicians": ["finance1"], "planned_arrival": "2026-12-31T10:00:00+08:00"}, "technicians"),
        ({"technicians": ["tech1"], "planned_arrival": "2020-01-01T10:00:00+08:00"}, "planned_arrival"),
        ({"technicians": ["tech1"], "planned_arrival": "soon"}, "planned_arrival"),
        ({"technicians": ["tech1"]}, "planned_arrival"),
        ({"technicians": "tech1", "planned_arrival": "2026-12-31T10:00:00+08:00"}, "technicians"),
    ],
)
def test_bad_dispatches_are_400s_naming_the_field(api_as, demo, body, field):
    case = quality_case()
    before = case_snapshot(case)
    answer = api_as("hotline1").post(visits_url(case), body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.content
    assert case_snapshot(case) == before


# --- the permission matrices (style.md): anonymous, wrong role, out of scope, wrong state, allowed ---

DISPATCH = [
    Refusal("dispatch", None, 401, quality_case, visits_url, {"technicians": ["tech1"], "planned_arrival": later(30)},
            case="anonymous"),
    *by_login(
        "dispatch",
        [("tech1", 403), ("store1", 403), ("finance1", 403), ("store2", 404), ("supplier1", 404), ("hotline1", 201),
         ("qa1", 201)],
        arrange=quality_case,
        url=visits_url,
        payload=lambda case: {"technicians": ["tech1"], "planned_arrival": later(30)},
    ),
    Refusal("dispatch", "hotline1", 409, lambda: resolved(quality_case()), visits_url,
            {"technicians": ["tech1"], "planned_arrival": later(30)}, case="wrong_state"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(DISPATCH, snapshot=case_snapshot))
def test_dispatch_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert Visit.objects.filter(service_case=tried.subject).count() == 1
        assert tried.response.json()["state"] == VisitState.DISPATCHED
    else:
        assert_refused(tried)


def _matrix(name, arrange, wrong_state, allowed, payload=None, fmt="json", wrong_roles=("hotline1", "tech2")):
    rows = [Refusal(name, None, 401, arrange, lambda v: visit_url(v, f"{name}/"), payload, case="anonymous",
                    format=fmt)]  # fmt: skip
    rows += by_login(
        name,
        [*((who, 403) for who in wrong_roles), ("store2", 404), ("supplier1", 404), (allowed, 200)],
        arrange=arrange,
        url=lambda v: visit_url(v, f"{name}/"),
        payload=payload,
        format=fmt,
    )
    rows.append(Refusal(name, allowed, 409, wrong_state, lambda v: visit_url(v, f"{name}/"), payload,
                        case="wrong_state", format=fmt))  # fmt: skip
    return rows


TRANSITIONS = [
    *_matrix("arrive", dispatched, arrived, "tech1", payload={}),
    *_matrix("record_findings", arrived, dispatched, "tech1", payload=FINDINGS_BODY),
    *_matrix("sign", with_findings, dispatched, "tech1", payload=sign_body, fmt="multipart"),
    *_matrix(
        "cancel", dispatched, arrived, "hotline1", payload={"reason": "客户改约"}, wrong_roles=("tech1", "store1")
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(TRANSITIONS, snapshot=snapshot))
def test_visit_transition_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        expected = {"arrive": "arrived", "record_findings": "arrived", "sign": "signed", "cancel": "cancelled"}
        assert tried.response.json()["state"] == expected[row.action]
        assert tried.after != tried.before
    else:
        assert_refused(tried)


READS = [
    *by_login(
        "list",
        [(None, 401), ("store2", 404), ("supplier1", 404), ("store1", 200), ("region1", 200), ("tech2", 200)],
        arrange=dispatched,
        url=lambda v: f"/api/v1/service-cases/{v.service_case_id}/visits/",
        method="get",
    ),
    *by_login(
        "detail",
        [(None, 401), ("store2", 404), ("supplier1", 404), ("store1", 200), ("qa1", 200)],
        arrange=dispatched,
        url=visit_url,
        method="get",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(READS, snapshot=snapshot))
def test_read_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)


def _signed_with_form():
    from servicedesk.services.visits import visit_form_render

    visit = signed()
    visit_form_render(visit_id=visit.pk)
    return visit


FILES = [
    *by_login(
        "signature",
        [(None, 401), ("store2", 404), ("supplier1", 404), ("store1", 200), ("tech1", 200)],
        arrange=_signed_with_form,
        url=lambda v: visit_url(v, "signature/"),
        method="get",
    ),
    *by_login(
        "form",
        [(None, 401), ("store2", 404), ("supplier1", 404), ("region1", 200), ("hotline1", 200)],
        arrange=_signed_with_form,
        url=lambda v: visit_url(v, "form/"),
        method="get",
    ),
    Refusal("form", "hotline1", 409, with_findings, lambda v: visit_url(v, "form/"), method="get",
            case="wrong_state"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(FILES, snapshot=snapshot))
def test_file_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        expected = "image/png" if row.action == "signature" else "application/pdf"
        assert tried.response["Content-Type"] == expected
    else:
        assert_refused(tried)


@pytest.mark.django_db
def test_a_signature_of_another_case_is_a_404(api_as, demo):
    visit = _signed_with_form()
    other = quality_case()
    assert api_as("hotline1").get(f"/api/v1/service-cases/{other.pk}/visits/{visit.pk}/signature/").status_code == 404
    assert api_as("hotline1").get(f"/api/v1/service-cases/{other.pk}/visits/{visit.pk}/form/").status_code == 404


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_whatever_its_length(api_as, demo, django_assert_max_num_queries):
    case = quality_case()
    client = api_as("hotline1")
    for _ in range(2):
        dispatched(case, technicians=("tech1", "tech2"), lead="tech2")
    with django_assert_max_num_queries(12) as few:
        assert len(client.get(visits_url(case)).json()["results"]) == 2
    for _ in range(10):
        signed(dispatched(case))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(visits_url(case)).json()["results"]) == 12


@pytest.mark.django_db
def test_a_closed_case_takes_no_visit(api_as, demo):
    case = resolved(quality_case())
    from servicedesk import services
    from tests.support.servicedesk import user

    case = services.servicecase_follow_up(user=user("hotline1"), case=case, satisfaction=5)
    assert case.state == CaseState.CLOSED
    answer = api_as("hotline1").post(
        visits_url(case), {"technicians": ["tech1"], "planned_arrival": later()}, format="json"
    )
    assert answer.status_code == 409
