"""Factories for inspection reports 鉴定报告; like the others they skip the services (``inspection.services``)."""

import datetime as dt

import factory
from django.utils import timezone

from cases.choices import Verdict
from cases.models import VERDICT_TARGETS
from inspection.models import InspectionReport
from suppliers.choices import Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.stores import UserFactory


class InspectionReportFactory(factory.django.DjangoModelFactory):
    """The report of one inspected Return; the Return is in the state its verdict leads to, with the verdict,
    responsibility and inspection time copied onto it (as ``inspect`` does). Pass ``defect_codes=[...]``."""

    class Meta:
        model = InspectionReport
        skip_postgeneration_save = True

    return_item = factory.SubFactory(
        ReturnFactory,
        state=factory.LazyAttribute(lambda o: VERDICT_TARGETS[o.factory_parent.verdict]),
        verdict=factory.SelfAttribute("..verdict"),
        responsibility=factory.SelfAttribute("..responsibility"),
        received_at=factory.LazyAttribute(lambda o: o.factory_parent.inspected_at - dt.timedelta(days=1)),
        inspected_at=factory.SelfAttribute("..inspected_at"),
    )
    inspector = factory.SubFactory(UserFactory)
    inspected_at = factory.LazyFunction(timezone.now)
    verdict = Verdict.REPAIRABLE
    responsibility = Responsibility.SUPPLIER
    notes = "拉链头脱落, 可更换"

    @factory.post_generation
    def defect_codes(self, create, extracted, **kwargs):
        if create and extracted:
            self.defect_codes.set(extracted)
