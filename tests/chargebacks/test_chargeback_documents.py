"""A statement's documents are made by a task after issue (issue 19): issue freezes the lines and total at once;
the PDF and XLSX are rendered by ``chargeback_documents_task`` queued on the issue's commit. Before they exist a
download is a 409 and the page and API say they are being made (then their checksums); a failed render is
retried with backoff, then shown failed, and finance or the service center has it made again; a second render
never changes the frozen checksums; with tasks in-process the issue's response already has them.

The documents task runs on the issue's commit, which a test's own transaction never reaches: a test that
wants them made runs the callbacks (``django_capture_on_commit_callbacks``) or commits (``transaction=True``).
"""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from aftersales.background import MAX_RETRIES
from aftersales.exports import document_path
from aftersales.models import TransitionLog
from chargebacks import documents
from chargebacks.choices import DocumentsStatus, StatementState
from chargebacks.models import ChargebackStatement
from chargebacks.services import (
    chargeback_acknowledge,
    chargeback_build,
    chargeback_documents_failed,
    chargeback_documents_render,
    chargeback_issue,
    document_name,
)
from chargebacks.tasks import chargeback_documents_task
from tests.support.chargebacks import charged_month, issue_and_render, statement_of
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases, standard_matrix

URL = "/api/v1/chargebacks/"
HTMX = {"HTTP_HX_REQUEST": "true"}
SUP01 = "supplier:SUP01"


@pytest.fixture
def month(demo, fast_documents):
    month = charged_month()
    chargeback_build(period=month.period)
    return month


def finance():
    return get_user_model().objects.get(username="finance1")


def issued(month, party_key: str = SUP01) -> ChargebackStatement:
    """Issued; its documents task is queued on a commit this test's transaction never reaches."""
    statement = statement_of(month.period, party_key)
    chargeback_issue(statement=statement, user=finance())
    statement.refresh_from_db()
    return statement


def failed(month) -> ChargebackStatement:
    """Issued, and its render gave up after its retries."""
    statement = issued(month)
    ChargebackStatement.objects.filter(pk=statement.pk).update(documents_attempts=1 + MAX_RETRIES)
    chargeback_documents_failed(statement_id=statement.pk, error=RuntimeError("fonts missing"), final=True)
    statement.refresh_from_db()
    return statement


def made(month) -> ChargebackStatement:
    statement = issued(month)
    chargeback_documents_render(statement_id=statement.pk)
    statement.refresh_from_db()
    return statement


def page(statement) -> str:
    return reverse("chargebacks:chargeback_detail", args=[statement.pk])


def frozen(statement) -> tuple:
    statement.refresh_from_db()
    return (statement.pdf_sha256, statement.xlsx_sha256, statement.pdf.name, statement.xlsx.name)


# --- before the documents exist, and while they are made ---


def test_before_the_documents_exist_a_download_is_409_and_the_statement_says_they_are_being_made(
    month, api_as, browser_as
):
    # given an issued statement whose documents task has not run yet
    statement = issued(month)
    api = api_as("supplier1")
    client = browser_as("supplier1")

    # when the party reads it and downloads its documents
    body = api.get(f"{URL}{statement.pk}/").json()
    api_pdf = api.get(f"{URL}{statement.pk}/pdf/")
    api_xlsx = api.get(f"{URL}{statement.pk}/xlsx/")
    html = client.get(page(statement)).content.decode()
    page_pdf = client.get(reverse("chargebacks:chargeback_pdf", args=[statement.pk]))

    # then the lines and the total are frozen; the documents are queued, nothing to download yet
    assert (body["state"], body["total"], body["documents_status"], body["documents_progress"]) == (
        "issued",
        "303.50",
        "queued",
        0,
    )
    assert (body["pdf_sha256"], body["xlsx_sha256"], body["pdf_url"], body["xlsx_url"]) == ("", "", None, None)
    assert api_pdf.status_code == 409 and api_pdf.json()["detail"]
    assert api_xlsx.status_code == 409 and api_xlsx.json()["detail"] == api_pdf.json()["detail"]
    assert 'data-testid="documents-pending"' in html and 'data-testid="download-pdf"' not in html
    assert f'hx-get="{reverse("chargebacks:chargeback_documents", args=[statement.pk])}"' in html
    # the page's download is the statement's page with the message, not an error page
    assert page_pdf.status_code == 409 and page_pdf["Content-Type"].startswith("text/html")
    answered = page_pdf.content.decode()
    assert 'data-testid="chargeback-panel"' in answered and 'data-testid="panel-alert"' in answered
    assert 'data-testid="documents-pending"' in answered

    # when the task runs
    assert chargeback_documents_task.delay(statement.pk).get() == {"statement": statement.pk, "status": "done"}

    # then both show the checksums and the downloads answer the stored bytes
    statement.refresh_from_db()
    body = api.get(f"{URL}{statement.pk}/").json()
    pdf = api.get(f"{URL}{statement.pk}/pdf/")
    assert (body["documents_status"], body["documents_progress"], body["documents_attempts"]) == ("done", 100, 1)
    assert body["pdf_sha256"] == statement.pdf_sha256 and len(statement.pdf_sha256) == 64 and body["pdf_url"]
    assert pdf.status_code == 200 and hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == body["pdf_sha256"]
    html = client.get(page(statement)).content.decode()
    assert statement.pdf_sha256 in html and statement.xlsx_sha256 in html and "hx-trigger" not in html
    assert client.get(reverse("chargebacks:chargeback_xlsx", args=[statement.pk])).status_code == 200


def test_the_page_polls_the_documents_progress_until_they_are_done(month, browser_as, api_as):
    # given documents halfway through their render
    statement = issued(month)
    ChargebackStatement.objects.filter(pk=statement.pk).update(
        documents_status=DocumentsStatus.RUNNING, documents_progress=50, documents_attempts=1
    )
    client = browser_as("finance1")
    card_url = reverse("chargebacks:chargeback_documents", args=[statement.pk])

    # when the page polls the documents card
    running = client.get(card_url, **HTMX)

    # then it shows the progress and keeps polling; the API says the same
    html = running.content.decode()
    assert running.status_code == 200 and 'data-status="running"' in html and "50%" in html
    assert 'hx-trigger="every 2s"' in html
    body = api_as("finance1").get(f"{URL}{statement.pk}/").json()
    assert (body["documents_status"], body["documents_progress"]) == ("running", 50)

    # when the render finishes (a worker took it over after the first died), the next poll stops polling
    chargeback_documents_render(statement_id=statement.pk)
    done = client.get(card_url, **HTMX).content.decode()
    statement.refresh_from_db()
    assert 'data-status="done"' in done and "hx-trigger" not in done and statement.pdf_sha256 in done


def test_out_of_scope_the_documents_card_is_404(month, browser_as):
    statement = issued(month)
    url = reverse("chargebacks:chargeback_documents", args=[statement.pk])
    assert browser_as("store2").get(url, **HTMX).status_code == 404
    assert browser_as("store2").post(url, **HTMX).status_code == 404


# --- a failed render ---


def test_a_failing_render_is_retried_then_shown_failed_and_finance_has_it_made_again(
    month, monkeypatch, api_as, browser_as, django_capture_on_commit_callbacks
):
    # given a PDF renderer that fails
    calls: list[int] = []
    working = documents.chargeback_pdf

    def broken(statement, **kwargs):
        calls.append(statement.pk)
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(documents, "chargeback_pdf", broken)
    statement = statement_of(month.period, SUP01)

    # when finance issues it and its task runs (in-process, so the retries follow at once)
    with django_capture_on_commit_callbacks(execute=True):
        chargeback_issue(statement=statement, user=finance())

    # then the issue stands; the render was tried 1 + MAX_RETRIES times, then marked failed with the error
    statement.refresh_from_db()
    assert len(calls) == 1 + MAX_RETRIES
    assert (statement.state, statement.total) == (StatementState.ISSUED, month_total(statement))
    assert (statement.documents_status, statement.documents_attempts) == (DocumentsStatus.FAILED, 1 + MAX_RETRIES)
    assert statement.documents_error == "RuntimeError: fonts missing"
    assert statement.pdf_sha256 == "" and not statement.pdf
    assert TransitionLog.objects.for_object(statement).filter(transition="documents_failed").count() == 1
    # visible on the API and the page, with the retry offered to finance only
    body = api_as("finance1").get(f"{URL}{statement.pk}/").json()
    assert body["documents_status"] == "failed" and body["documents_error"] == "RuntimeError: fonts missing"
    assert "retry_documents" in body["available_transitions"]
    assert "retry_documents" not in api_as("supplier1").get(f"{URL}{statement.pk}/").json()["available_transitions"]
    assert api_as("supplier1").get(f"{URL}{statement.pk}/pdf/").status_code == 409
    html = browser_as("supplier1").get(page(statement)).content.decode()
    assert "fonts missing" in html and 'data-testid="documents-retry"' not in html and "hx-trigger" not in html
    html = browser_as("finance1").get(page(statement)).content.decode()
    assert "fonts missing" in html and 'data-testid="documents-retry"' in html

    # when the renderer works again and finance has them made again from the page
    monkeypatch.setattr(documents, "chargeback_pdf", working)
    url = reverse("chargebacks:chargeback_documents", args=[statement.pk])
    with django_capture_on_commit_callbacks(execute=True):
        retried = browser_as("finance1").post(url, **HTMX)

    # then they are made: done, the error gone, one attempt more, the checksums shown
    assert retried.status_code == 200 and 'data-status="queued"' in retried.content.decode()
    statement.refresh_from_db()
    assert (statement.documents_status, statement.documents_error) == (DocumentsStatus.DONE, "")
    assert statement.documents_attempts == 2 + MAX_RETRIES and len(statement.pdf_sha256) == 64
    steps = list(TransitionLog.objects.for_object(statement).values_list("transition", "actor__username"))
    assert steps[-2:] == [("documents_retry", "finance1"), ("documents_stored", None)]
    assert statement.pdf_sha256 in browser_as("finance1").get(page(statement)).content.decode()


def month_total(statement):
    from django.db.models import Sum

    return statement.lines.aggregate(total=Sum("amount"))["total"]


def test_a_render_that_fails_twice_then_works_is_done_without_anyone_retrying(
    month, monkeypatch, django_capture_on_commit_callbacks
):
    # given a renderer that fails twice (the file store was briefly away)
    working = documents.chargeback_xlsx
    failures = iter([TimeoutError("storage timed out"), ConnectionError("storage refused")])

    def flaky(statement, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return working(statement, **kwargs)

    monkeypatch.setattr(documents, "chargeback_xlsx", flaky)
    statement = statement_of(month.period, SUP01)

    # when it is issued and its task runs
    with django_capture_on_commit_callbacks(execute=True):
        chargeback_issue(statement=statement, user=finance())

    # then the third attempt made them
    statement.refresh_from_db()
    assert (statement.documents_status, statement.documents_attempts, statement.documents_error) == (
        DocumentsStatus.DONE,
        3,
        "",
    )
    assert len(statement.xlsx_sha256) == 64


def test_while_a_render_is_retried_its_last_error_is_shown(month, browser_as, api_as):
    # given a first attempt that failed, its retry waiting for its backoff
    statement = issued(month)
    ChargebackStatement.objects.filter(pk=statement.pk).update(documents_attempts=1)
    chargeback_documents_failed(statement_id=statement.pk, error=TimeoutError("storage timed out"), final=False)

    # when / then: still queued, the error shown, no retry button (the task retries by itself)
    body = api_as("finance1").get(f"{URL}{statement.pk}/").json()
    assert (body["documents_status"], body["documents_error"]) == ("queued", "TimeoutError: storage timed out")
    assert "retry_documents" not in body["available_transitions"]
    html = browser_as("finance1").get(page(statement)).content.decode()
    assert "storage timed out" in html and 'data-testid="documents-retry"' not in html and "hx-trigger" in html


def documents_snapshot(statement) -> tuple:
    statement.refresh_from_db()
    return (statement.documents_status, statement.documents_error, statement.documents_attempts, statement.pdf_sha256)


RETRY_MATRIX = [
    *standard_matrix(
        "retry_documents",
        arrange=failed,
        arrange_wrong_state=made,
        url=lambda statement: f"{URL}{statement.pk}/retry_documents/",
        payload={},
        allowed="finance1",
        wrong_role="supplier1",
    ),
    Refusal(
        action="retry_documents",
        case="queued",
        who="finance1",
        expected=409,
        arrange=issued,
        url=lambda statement: f"{URL}{statement.pk}/retry_documents/",
        payload={},
    ),
    Refusal(
        action="retry_documents",
        case="center",
        who="tech1",
        expected=200,
        arrange=failed,
        url=lambda statement: f"{URL}{statement.pk}/retry_documents/",
        payload={},
    ),
]


@pytest.mark.parametrize("row", refusal_cases(RETRY_MATRIX, snapshot=documents_snapshot))
def test_retry_documents_matrix(month, api_as, row):
    # given failed documents (or documents in another state), when the row's login has them made again
    tried = attempt(row, api_as, month)

    # then a refusal changes nothing; an allowed retry queues them again (the task runs on the commit)
    if not row.allowed:
        assert_refused(tried)
        return
    body = tried.response.json()
    assert (body["documents_status"], body["documents_error"]) == ("queued", "")
    assert TransitionLog.objects.for_object(tried.subject).filter(transition="documents_retry").count() == 1


# --- a second render, and in-process tasks ---


def test_rendering_twice_never_changes_the_frozen_checksums(demo, demo_user):
    # given a statement issued with its documents made by the real renderers
    month = charged_month()
    chargeback_build(period=month.period)
    statement = issue_and_render(statement_of(month.period, SUP01), demo_user("finance1"))
    before = frozen(statement)
    assert len(before[0]) == 64 and statement.documents_attempts == 1

    # when the task's message is delivered again
    assert chargeback_documents_task.delay(statement.pk).get() == {"statement": statement.pk, "status": "done"}

    # then nothing was rendered or stored again
    assert frozen(statement) == before and statement.documents_attempts == 1

    # when, after the party acknowledged it, a render is found running again (a worker died before its
    # acknowledgement reached the broker) and runs once more
    chargeback_acknowledge(statement=statement, user=demo_user("supplier1"))
    ChargebackStatement.objects.filter(pk=statement.pk).update(documents_status=DocumentsStatus.RUNNING)
    chargeback_documents_render(statement_id=statement.pk)

    # then the same bytes under the same names (one set of files: the earlier ones replaced, not copied)
    assert frozen(statement) == before and statement.documents_attempts == 2
    assert statement.pdf.name == document_path(statement, document_name(statement, "pdf"))
    assert hashlib.sha256(statement.pdf.open("rb").read()).hexdigest() == before[0]
    assert statement.state == StatementState.ACKNOWLEDGED


def test_a_draft_is_never_rendered(month):
    # given a draft (a stray message names it)
    statement = statement_of(month.period, SUP01)

    # when / then
    assert chargeback_documents_render(statement_id=statement.pk) == DocumentsStatus.DONE
    statement.refresh_from_db()
    assert (statement.documents_status, statement.documents_attempts, statement.pdf_sha256) == ("", 0, "")


@pytest.mark.django_db(transaction=True)
def test_with_tasks_in_process_the_issue_answers_with_its_documents_made(demo, fast_documents, api_as):
    # given a built month (committed: the request's transaction commits and runs what waits for it)
    month = charged_month()
    chargeback_build(period=month.period)
    statement = statement_of(month.period, SUP01)

    # when finance issues it through the API
    response = api_as("finance1").post(f"{URL}{statement.pk}/issue/", {}, format="json")

    # then the answer already has the documents and their checksums
    body = response.json()
    assert response.status_code == 200 and body["state"] == "issued"
    assert (body["documents_status"], body["documents_progress"], body["documents_attempts"]) == ("done", 100, 1)
    assert len(body["pdf_sha256"]) == 64 and len(body["xlsx_sha256"]) == 64 and body["pdf_url"]
    pdf = api_as("supplier1").get(f"{URL}{statement.pk}/pdf/")
    assert pdf.status_code == 200 and hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == body["pdf_sha256"]
