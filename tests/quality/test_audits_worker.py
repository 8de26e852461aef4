"""The monthly audit on a real Celery worker (PostgreSQL + Redis pass): the monthly build beat runs on the 1st
draws the audit, a second run changes nothing, and the report's PDF is rendered by the worker.

Skipped on SQLite (``tests/celery_worker.py`` says why); run with
``DATABASE_URL=postgres://... REDIS_URL=redis://... pytest tests/quality/test_audits_worker.py``.
"""

import pytest
from django.contrib.auth import get_user_model

from quality.models.audits import AuditSample, MonthlyAudit
from quality.services.audits import audit_report_request
from reports.tasks import monthly_build_task
from tests.support.audits import PERIOD, month_of_work
from tests.support.printed import flat, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_monthly_build_on_the_worker_draws_the_audit_once(demo, celery_worker):
    # given a month of closed cases and completed Returns
    month_of_work(cases=12, returns=5)
    # when beat's monthly build runs for it twice on the worker
    first = monthly_build_task.delay("2020-03").get(timeout=120)
    samples = list(AuditSample.objects.order_by("pk").values_list("kind", "return_item", "service_case"))
    second = monthly_build_task.delay("2020-03").get(timeout=120)
    # then one audit, drawn by the schedule, 2 of 12 cases and 1 of 5 Returns, and the second run changed nothing
    assert first["audit"] == second["audit"]
    audit = MonthlyAudit.objects.get()
    assert audit.period == PERIOD and audit.drawn_by is None
    assert [kind for kind, *_ in samples].count("service_case") == 2
    assert [kind for kind, *_ in samples].count("return") == 1
    assert list(AuditSample.objects.order_by("pk").values_list("kind", "return_item", "service_case")) == samples
    assert "monthly_build_task" in celery_worker.log()


def test_the_worker_renders_the_audit_report(demo, celery_worker):
    # given a drawn month
    month_of_work(cases=3, returns=1)
    monthly_build_task.delay("2020-03").get(timeout=120)
    audit = MonthlyAudit.objects.get()
    # when QA asks for the report (queued on commit to the worker)
    audit_report_request(audit=audit, user=get_user_model().objects.get(username="qa1"))
    celery_worker.wait_for(
        lambda: MonthlyAudit.objects.get(pk=audit.pk).report_rendered_at is not None, timeout=120,
        what="the audit report to be rendered",
    )  # fmt: skip
    audit.refresh_from_db()
    # then the PDF is stored and prints the month's samples
    text = flat(pdf_text((celery_worker.media_root / audit.report_pdf.name).read_bytes()))
    assert "每月抽查报告" in text
    assert all(sample.subject.number in text for sample in audit.samples.all())
    assert "audit_report_task" in celery_worker.log()
