"""Factories for inspection reports 鉴定报告; like the others they skip the services (``inspection.services``)."""

import datetime as dt

import factory
from django.utils import timezone

from cases.choices import Verdict
from cases.models import VERDICT_TARGETS
from inspection.choices import DefectClass, LotState, SwitchRule
from inspection.models import IncomingLot, InspectionReport, LotDefect, LotPhoto, SampleInspection, SeveritySwitch
from inspection.services import cartons_to_open, lot_plan
from suppliers.choices import InspectionSeverity, Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.stores import UserFactory
from tests.factories.suppliers import DefectCodeFactory, StyleFactory, SupplierFactory


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


class IncomingLotFactory(factory.django.DjangoModelFactory):
    """A registered bulk lot of its style's supplier (no inspection: ``SampleInspectionFactory`` adds one, or
    register through ``inspection.services.incominglot_register``)."""

    class Meta:
        model = IncomingLot

    number = factory.Sequence(lambda n: f"IL-202611-{n + 1:04d}")
    style = factory.SubFactory(StyleFactory)
    supplier = factory.SelfAttribute("style.supplier")
    po_number = factory.Sequence(lambda n: f"PO{n:06d}")
    quantity = 1500
    cartons = 60
    received_at = factory.LazyFunction(timezone.now)
    delivery_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    level = "II"
    severity = InspectionSeverity.NORMAL
    state = LotState.REGISTERED
    registered_by = factory.SubFactory(UserFactory)


class SampleInspectionFactory(factory.django.DjangoModelFactory):
    """A lot's inspection with the plan the services would fix for it."""

    class Meta:
        model = SampleInspection

    lot = factory.SubFactory(IncomingLotFactory)
    round = 1
    severity = factory.SelfAttribute("lot.severity")
    level = factory.SelfAttribute("lot.level")
    plan = factory.LazyAttribute(
        lambda o: lot_plan(quantity=o.lot.quantity, severity=o.severity, level=o.level, category=o.lot.style.category)[
            0
        ]
    )
    sample_size = factory.LazyAttribute(lambda o: o.plan["critical"]["sample_size"])
    cartons_to_open = factory.LazyAttribute(
        lambda o: cartons_to_open(number=o.lot.number, round=o.round, cartons=o.lot.cartons)
    )


class LotDefectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotDefect

    inspection = factory.SubFactory(SampleInspectionFactory)
    defect_class = DefectClass.MAJOR
    defect_code = factory.SubFactory(DefectCodeFactory)
    quantity = 1


class LotPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotPhoto

    inspection = factory.SubFactory(SampleInspectionFactory)
    file = factory.django.FileField(filename="photo.png", data=b"\x89PNG\r\n\x1a\n")
    original_name = "photo.png"
    content_type = "image/png"
    size = 8
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    uploaded_by = factory.SubFactory(UserFactory)


class SeveritySwitchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeveritySwitch

    supplier = factory.SubFactory(SupplierFactory)
    from_severity = InspectionSeverity.NORMAL
    to_severity = InspectionSeverity.TIGHTENED
    rule = SwitchRule.TWO_OF_FIVE
