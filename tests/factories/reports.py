"""Factories of the report runs 月度报表 (the services are skipped, as in every factory)."""

import factory

from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from tests.factories.writeoffs import first_of_last_month


class ReportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportRun

    kind = ReportKind.SCRAP
    period = factory.LazyFunction(first_of_last_month)
    status = ReportRunStatus.QUEUED
