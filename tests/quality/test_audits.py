"""The monthly 10 % audit 每月抽查: the reproducible draw, its share, idempotent POST, the month-not-over refusal,
QA's checklist review, the order a finding opens, the permission matrices, the report (PDF and XLSX), the pages
and the monthly build."""

from __future__ import annotations

import io
import math

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from openpyxl import load_workbook

from aftersales.periods import current_period
from aftersales.validation import add_months
from quality.models.audits import CHECKLIST, AuditSample, MonthlyAudit, SampleKind
from quality.services.audits import audit_draw, auditsample_review, draw_sample
from tests.support.audits import PERIOD, closed_case, completed_return, month_of_work
from tests.support.printed import flat, pdf_text
from tests.support.refusals import assert_refused, attempt, by_login, refusal_cases

AUDITS = "/api/v1/audits/"
SAMPLES = "/api/v1/audit-samples/"
ALL_YES = dict.fromkeys(CHECKLIST, True)


def user(username: str):
    return get_user_model().objects.get(username=username)


def drawn_numbers(audit: MonthlyAudit) -> list[tuple[str, str]]:
    return [(sample.kind, sample.subject.number) for sample in audit.samples.order_by("kind", "rank")]


def snapshot_audits(_subject=None):
    return (
        list(MonthlyAudit.objects.values_list("period", flat=True)),
        list(AuditSample.objects.values_list("pk", "reviewed_at", "score", "findings", "answers")),
    )


# --- the draw ---


@pytest.mark.django_db
def test_the_same_month_draws_the_same_items_every_time(demo):
    # Given a month of 23 closed cases and 7 completed Returns
    month_of_work()
    # When the sample is computed twice and the audit drawn twice
    first, second = draw_sample(PERIOD, 10), draw_sample(PERIOD, 10)
    audit, created = audit_draw(period="2020-03", user=user("qa1"))
    again, created_again = audit_draw(period="2020-03", user=user("qa1"))
    # Then the same items each time, and the second draw is the first audit
    assert first == second
    assert created and not created_again and again.pk == audit.pk
    assert [pk for _kind, pk in audit.samples.order_by("kind", "rank").values_list("kind", "return_item")
            if pk] == first[SampleKind.RETURN]  # fmt: skip
    assert list(audit.samples.filter(kind=SampleKind.SERVICE_CASE).order_by("rank").values_list(
        "service_case", flat=True)) == first[SampleKind.SERVICE_CASE]  # fmt: skip


@pytest.mark.django_db
def test_a_fresh_database_with_the_same_records_draws_the_same_items(demo):
    # Given the month's records made in one order, drawn, and rolled back (a first database)
    with transaction.atomic():
        month_of_work()
        first_audit, _ = audit_draw(period="2020-03", user=user("qa1"))
        first = drawn_numbers(first_audit)
        first_pks = set(AuditSample.objects.values_list("return_item", "service_case"))
        transaction.set_rollback(True)
    assert not MonthlyAudit.objects.filter(period=PERIOD).exists()
    # When the same records are made again in the opposite order (other primary keys) and drawn
    tag = "202003"
    for n in range(7, 0, -1):
        completed_return(f"RT-{tag}-{n:06d}", day=1 + n % 27)
    for n in range(23, 0, -1):
        closed_case(f"SC-{tag}-{n:05d}", day=1 + n % 27)
    audit, _ = audit_draw(period="2020-03", user=user("qa1"))
    # Then it draws the very same items (by number), though the rows' keys differ
    assert drawn_numbers(audit) == first
    assert set(AuditSample.objects.values_list("return_item", "service_case")) != first_pks


@pytest.mark.django_db
def test_ten_percent_rounded_up_and_at_least_one_of_each_kind(demo):
    # Given 23 closed cases and 7 completed Returns in March, and a single closed case in April
    month_of_work()
    april = add_months(PERIOD, 1)
    closed_case("SC-202004-00001", period=april)
    # When both months are drawn
    march, _ = audit_draw(period="2020-03", user=user("qa1"))
    april_audit, _ = audit_draw(period="2020-04", user=user("qa1"))
    # Then 10 % of each kind, rounded up: 3 of 23 cases and 1 of 7 Returns; April's one case and no Return
    assert march.samples.filter(kind=SampleKind.SERVICE_CASE).count() == math.ceil(23 * 0.1) == 3
    assert march.samples.filter(kind=SampleKind.RETURN).count() == 1
    assert (march.cases_closed, march.returns_completed, march.share_percent) == (23, 7, 10)
    assert list(april_audit.samples.values_list("kind", flat=True)) == [SampleKind.SERVICE_CASE]


@pytest.mark.django_db
def test_only_closed_cases_and_completed_returns_of_the_month_are_candidates(demo):
    # Given a closed case and a completed Return in March, and others that do not count
    closed_case("SC-202003-00001")
    completed_return("RT-202003-000001")
    closed_case("SC-202003-00002", state="resolved", closed_at=None)  # resolved, not closed
    closed_case("SC-202002-00001", period=add_months(PERIOD, -1))  # closed in February
    completed_return("RT-202002-000001", period=add_months(PERIOD, -1))
    # When March is drawn with a share of 100 %
    drawn = draw_sample(PERIOD, 100)
    # Then only March's closed case and completed Return
    from cases.models import Return
    from servicedesk.models import ServiceCase

    assert list(ServiceCase.objects.filter(pk__in=drawn[SampleKind.SERVICE_CASE]).values_list("number", flat=True)) == [
        "SC-202003-00001"]  # fmt: skip
    assert list(Return.objects.filter(pk__in=drawn[SampleKind.RETURN]).values_list("number", flat=True)) == [
        "RT-202003-000001"]  # fmt: skip


# --- the API ---


@pytest.mark.django_db
def test_post_twice_answers_the_same_audit_and_samples(api_as):
    # Given a month of work
    month_of_work()
    qa = api_as("qa1")
    # When QA posts the month twice
    first = qa.post(AUDITS, {"period": "2020-03"}, format="json")
    second = qa.post(AUDITS, {"period": "2020-03"}, format="json")
    # Then 201 then 200, one audit, the same samples, each as the contract writes it
    assert first.status_code == 201, first.content
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["samples"] == second.json()["samples"]
    sample = first.json()["samples"][0]
    assert {"id", "kind", "object", "reviewed"} <= set(sample)
    assert sample["kind"] in ("return", "service_case") and sample["reviewed"] is False
    assert MonthlyAudit.objects.filter(period=PERIOD).count() == 1
    assert len(first.json()["samples"]) == 4


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["current", "future", "2020-13", "", "March"])
def test_a_month_not_over_or_malformed_is_a_400_naming_period(api_as, period):
    # Given this month's closed case
    this_month = current_period()
    values = {"current": f"{this_month:%Y-%m}", "future": f"{add_months(this_month, 2):%Y-%m}"}
    before = snapshot_audits()
    # When QA asks to draw it
    response = api_as("qa1").post(AUDITS, {"period": values.get(period, period)}, format="json")
    # Then 400 naming the period, and nothing drawn
    assert response.status_code == 400, response.content
    assert "period" in response.json()
    assert snapshot_audits() == before


def draw_march():
    month_of_work(cases=3, returns=2)
    return audit_draw(period="2020-03", user=user("qa1"))[0]


DRAW_TABLE = by_login(
    "draw",
    [(None, 401), ("hotline1", 403), ("tech1", 403), ("store1", 403), ("vp1", 403), ("supplier1", 403),
     ("qa1", 201)],
    arrange=lambda: month_of_work(cases=3, returns=2), url=lambda _subject: AUDITS, payload={"period": "2020-03"},
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(DRAW_TABLE, snapshot=snapshot_audits))
def test_draw_matrix(api_as, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert MonthlyAudit.objects.filter(period=PERIOD).count() == 1
    else:
        assert_refused(tried)


READ_TABLE = by_login(
    "read",
    [(None, 401), ("hotline1", 403), ("tech1", 403), ("store1", 403), ("vp1", 403), ("qa1", 200)],
    arrange=draw_march, url=lambda audit: f"{AUDITS}{audit.pk}/", method="get",
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(READ_TABLE, snapshot=snapshot_audits))
def test_read_matrix(api_as, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert len(tried.response.json()["samples"]) == 2
    else:
        assert_refused(tried)


def first_sample():
    return draw_march().samples.order_by("kind", "rank").first()


def review_url(sample):
    return f"{SAMPLES}{sample.pk}/review/"


GOOD_REVIEW = {"answers": {**ALL_YES, "refund_on_time": None}, "score": 92, "findings": ""}
REVIEW_TABLE = by_login(
    "review",
    [(None, 401), ("hotline1", 403), ("tech1", 403), ("store1", 403), ("vp1", 403), ("qa1", 200)],
    arrange=first_sample, url=review_url, payload=GOOD_REVIEW,
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(REVIEW_TABLE, snapshot=snapshot_audits))
def test_review_matrix(api_as, row):
    tried = attempt(row, api_as)
    if row.allowed:
        body = tried.response.json()
        assert body["reviewed"] is True and body["score"] == 92 and body["reviewed_by"] == "qa1"
        assert body["answers"]["refund_on_time"] is None
    else:
        assert_refused(tried)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**GOOD_REVIEW, "score": 101}, "score"),
        ({**GOOD_REVIEW, "score": -1}, "score"),
        ({**GOOD_REVIEW, "score": "lots"}, "score"),
        ({**GOOD_REVIEW, "answers": {**ALL_YES, "smiled_at_customer": True}}, "answers"),
        ({**GOOD_REVIEW, "answers": {"privacy_respected": True}}, "answers"),
        ({**GOOD_REVIEW, "answers": {**ALL_YES, "privacy_respected": "maybe"}}, "answers"),
        ({**GOOD_REVIEW, "answers": ["privacy_respected"]}, "answers"),
        ({**GOOD_REVIEW, "answers": {**ALL_YES, "refund_on_time": False}}, "findings"),
        ({"score": 80, "findings": ""}, "answers"),
    ],
    ids=["over_100", "negative", "not_a_number", "unknown_key", "missing_keys", "bad_value", "not_object",
         "no_without_findings", "no_answers"],
)  # fmt: skip
def test_a_bad_review_is_a_400_naming_the_field_and_changes_nothing(api_as, payload, field):
    # Given a drawn sample
    sample = first_sample()
    before = snapshot_audits()
    # When QA sends a bad review
    response = api_as("qa1").post(review_url(sample), payload, format="json")
    # Then 400 naming the field, and the sample unchanged
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert snapshot_audits() == before


@pytest.mark.django_db
def test_a_sample_outside_the_audit_is_404(api_as):
    response = api_as("qa1").post(f"{SAMPLES}999999/review/", GOOD_REVIEW, format="json")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_finding_opens_one_rectification_order_linked_both_ways(api_as):
    # Given a reviewed Return sample with a finding
    audit = draw_march()
    sample = audit.samples.get(kind=SampleKind.RETURN, rank=1)
    qa = api_as("qa1")
    reviewed = qa.post(review_url(sample), {"answers": {**ALL_YES, "refund_on_time": False}, "score": 55,
                                            "findings": "退款超过7天"}, format="json")  # fmt: skip
    assert reviewed.status_code == 200, reviewed.content
    # When QA opens an order from it (twice: one click too many)
    opened = qa.post(f"{SAMPLES}{sample.pk}/open-order/", {}, format="json")
    again = qa.post(f"{SAMPLES}{sample.pk}/open-order/", {}, format="json")
    # Then one order, to the sample's store, the Return linked, the sample pointing at it and back
    assert opened.status_code == 200, opened.content
    assert again.json()["rectification_order"] == opened.json()["rectification_order"]
    sample.refresh_from_db()
    order = sample.rectification_order
    assert order is not None and order.store.code == "S001" and order.party_type == "store"
    assert list(order.returns.all()) == [sample.return_item]
    assert list(order.audit_samples.all()) == [sample]
    assert "退款超过7天" in order.problem
    # And the review can no longer change
    changed = qa.post(review_url(sample), GOOD_REVIEW, format="json")
    assert changed.status_code == 400
    # And the audit's detail shows it
    detail = qa.get(f"{AUDITS}{audit.pk}/").json()
    linked = next(item for item in detail["samples"] if item["id"] == sample.pk)
    assert linked["rectification_order"]["number"] == order.number


@pytest.mark.django_db
def test_an_unreviewed_sample_opens_no_order(api_as):
    sample = first_sample()
    response = api_as("qa1").post(f"{SAMPLES}{sample.pk}/open-order/", {}, format="json")
    assert response.status_code == 400 and "findings" in response.json()
    assert not AuditSample.objects.filter(rectification_order__isnull=False).exists()


@pytest.mark.django_db
def test_the_audit_list_reads_in_a_fixed_number_of_queries(api_as, django_assert_max_num_queries):
    # Given one audit, then twelve
    qa = api_as("qa1")
    month_of_work(cases=2, returns=1)
    audit_draw(period="2020-03", user=user("qa1"))
    with django_assert_max_num_queries(6) as few:
        assert qa.get(AUDITS).status_code == 200
    for month in range(4, 13):
        period = PERIOD.replace(month=month)
        closed_case(f"SC-2020{month:02d}-00001", period=period)
        audit_draw(period=period, user=user("qa1"))
    # Then as many queries for many audits as for one
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = qa.get(AUDITS)
    assert len(response.json()["results"]) == 10


@pytest.mark.django_db
def test_the_detail_reads_in_a_fixed_number_of_queries(api_as, django_assert_max_num_queries):
    qa = api_as("qa1")
    small = draw_march()
    with django_assert_max_num_queries(8) as few:
        qa.get(f"{AUDITS}{small.pk}/")
    month_of_work(cases=40, returns=30, period=PERIOD.replace(month=5))
    big, _ = audit_draw(period="2020-05", user=user("qa1"))
    assert big.samples.count() == 7
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert qa.get(f"{AUDITS}{big.pk}/").status_code == 200


# --- the report ---


@pytest.mark.django_db(transaction=False)
def test_the_report_pdf_prints_the_samples_and_scores_in_chinese(api_as, demo_user, django_capture_on_commit_callbacks):
    # Given a drawn month with a reviewed sample of tech1's repair and hotline1's case
    month_of_work(cases=3, returns=2, owner=demo_user("hotline1"))
    audit = audit_draw(period="2020-03", user=user("qa1"))[0]
    sample = audit.samples.filter(kind=SampleKind.SERVICE_CASE).first()
    auditsample_review(sample=sample, user=user("qa1"), answers={**ALL_YES, "privacy_respected": False}, score=64,
                       findings="客服在电话中念出完整手机号")  # fmt: skip
    # When QA asks for the report (rendered in the task)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("qa1").post(f"{AUDITS}{audit.pk}/report/", {}, format="json")
    assert response.status_code == 202
    pdf = api_as("qa1").get(f"{AUDITS}{audit.pk}/pdf/")
    # Then the PDF shows the month, the sample, the score, the finding and the agent's score line
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = flat(pdf_text(b"".join(pdf.streaming_content)))
    assert "每月抽查报告" in text and "2020年3月" in text
    assert sample.subject.number in text
    assert "客服在电话中念出完整手机号" in text
    assert "按客服" in text and "64.0" in text


@pytest.mark.django_db
def test_the_xlsx_has_every_answer_and_the_scores_by_agent_technician_and_store(api_as, demo_user):
    month_of_work(cases=3, returns=2, owner=demo_user("hotline1"))
    audit = audit_draw(period="2020-03", user=user("qa1"))[0]
    for sample in audit.samples.all():
        auditsample_review(sample=sample, user=user("qa1"), answers=ALL_YES, score=80, findings="")
    response = api_as("qa1").get(f"{AUDITS}{audit.pk}/xlsx/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    samples = [row for row in workbook.worksheets[0].iter_rows(values_only=True)]
    numbers = {row[1] for row in samples}
    assert {sample.subject.number for sample in audit.samples.all()} <= numbers
    agents = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert any(row[0] == demo_user("hotline1").get_full_name() and row[3] == 80 for row in agents), agents
    stores = list(workbook.worksheets[3].iter_rows(values_only=True))
    assert any(str(row[0]).startswith("S001") and row[1] == 2 and row[3] == 80 for row in stores), stores


# --- pages ---


@pytest.mark.django_db
def test_qa_draws_and_reviews_on_the_pages(client, demo_user):
    month_of_work(cases=3, returns=2)
    client.force_login(demo_user("qa1"))
    empty = client.get("/quality/audits/")
    assert empty.status_code == 200
    not_over = client.post("/quality/audits/", {"period": f"{current_period():%Y-%m}"})
    assert not_over.status_code == 400 and not MonthlyAudit.objects.exists()
    drawn = client.post("/quality/audits/", {"period": "2020-03"}, follow=True)
    assert drawn.status_code == 200
    audit = MonthlyAudit.objects.get(period=PERIOD)
    sample = audit.samples.first()
    assert sample.subject.number in drawn.content.decode()
    page = client.get(f"/quality/audit-samples/{sample.pk}/")
    assert page.status_code == 200
    form = {"action": "review", "score": "70", "findings": "回访不及时",
            **{f"answer_{key}": "yes" for key in CHECKLIST}, "answer_first_response_on_time": "no"}  # fmt: skip
    saved = client.post(f"/quality/audit-samples/{sample.pk}/", form)
    assert saved.status_code == 302
    sample.refresh_from_db()
    assert sample.score == 70 and sample.answers["first_response_on_time"] is False
    bad = client.post(f"/quality/audit-samples/{sample.pk}/", {**form, "score": "150"})
    assert bad.status_code == 400
    opened = client.post(f"/quality/audit-samples/{sample.pk}/", {"action": "order", "problem": "回访不及时",
                                                                    "due_date": "2099-01-31"})  # fmt: skip
    assert opened.status_code == 302
    sample.refresh_from_db()
    assert sample.rectification_order is not None
    detail = client.get(f"/quality/audits/{audit.pk}/")
    assert sample.rectification_order.number in detail.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["hotline1", "tech1", "store1", "vp1", "supplier1"])
def test_the_audit_pages_are_404_to_anyone_but_qa(client, demo_user, username):
    audit = draw_march()
    client.force_login(demo_user(username))
    assert client.get("/quality/audits/").status_code == 404
    assert client.get(f"/quality/audits/{audit.pk}/").status_code == 404
    assert client.get(f"/quality/audit-samples/{audit.samples.first().pk}/").status_code == 404


# --- the monthly build ---


@pytest.mark.django_db
def test_the_monthly_build_draws_the_audit_once(demo):
    from reports.services import monthly_build

    month_of_work(cases=3, returns=2)
    first = monthly_build(period="2020-03")
    samples = list(AuditSample.objects.values_list("pk", "return_item", "service_case"))
    second = monthly_build(period="2020-03")
    assert first["audit"] == second["audit"]
    assert MonthlyAudit.objects.get(pk=first["audit"]).drawn_by is None
    assert list(AuditSample.objects.values_list("pk", "return_item", "service_case")) == samples
    # A month still running is not drawn by the build
    assert "audit" not in monthly_build(period=f"{current_period():%Y-%m}")
