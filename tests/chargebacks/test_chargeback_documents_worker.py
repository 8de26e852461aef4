"""A statement's documents made by a real Celery worker (PostgreSQL + Redis pass): issue commits at once, the
worker renders the PDF and XLSX after it.

Skipped on SQLite (``tests/celery_worker.py`` says why); run with
``DATABASE_URL=postgres://... REDIS_URL=redis://... pytest tests/chargebacks/test_chargeback_documents_worker.py``.
"""

import hashlib

import pytest

from chargebacks.choices import DocumentsStatus, StatementState
from chargebacks.models import ChargebackStatement
from chargebacks.services import chargeback_build, chargeback_issue
from tests.support.chargebacks import charged_month, statement_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_makes_the_documents_after_the_issue_commits(celery_worker, demo, demo_user):
    # given a built month
    month = charged_month()
    chargeback_build(period=month.period)
    statement = statement_of(month.period, "supplier:SUP01")

    # when finance issues a statement (the render goes through Redis to the worker once the issue commits)
    chargeback_issue(statement=statement, user=demo_user("finance1"))

    # then the issue is committed with its total before any document exists
    statement.refresh_from_db()
    assert statement.state == StatementState.ISSUED and str(statement.total) == "303.50"
    assert statement.documents_status in (DocumentsStatus.QUEUED, DocumentsStatus.RUNNING, DocumentsStatus.DONE)
    # and the worker makes them: done at 100 %, one attempt, both files stored with their checksums
    celery_worker.wait_for(
        lambda: (
            ChargebackStatement.objects.get(pk=statement.pk).documents_status
            in (DocumentsStatus.DONE, DocumentsStatus.FAILED)
        ),
        timeout=120,
        what="the statement's documents",
    )
    statement.refresh_from_db()
    assert (statement.documents_status, statement.documents_progress, statement.documents_attempts) == (
        DocumentsStatus.DONE,
        100,
        1,
    )
    assert statement.documents_error == ""
    pdf = (celery_worker.media_root / statement.pdf.name).read_bytes()
    xlsx = (celery_worker.media_root / statement.xlsx.name).read_bytes()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == statement.pdf_sha256
    assert xlsx.startswith(b"PK") and hashlib.sha256(xlsx).hexdigest() == statement.xlsx_sha256
    assert "chargeback_documents_task" in celery_worker.log()
