"""Factories for Returns 退货 and shipments 寄送; the state is passed at creation (``state=ReturnState.RECEIVED``).

They skip the services on purpose, to set a row up in any state in one step;
tests of the rules themselves go through ``cases.services``.
"""

import datetime as dt
import uuid

import factory
from django.utils import timezone

from cases.choices import AttachmentKind, OnsiteHandling, ReturnState, ShipmentDirection, ShipmentState
from cases.models import Attachment, BatchAlarm, ReceiptSubmission, Return, Shipment, ShipmentLine
from tests.factories.aftersales import file_sha256, file_size, png_file
from tests.factories.stores import StoreFactory, UserFactory
from tests.factories.suppliers import StyleFactory


class ReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Return

    number = factory.Sequence(lambda n: f"RT-209901-{n:06d}")
    store = factory.SubFactory(StoreFactory)
    style = factory.SubFactory(StyleFactory)
    color = "黑色"
    size = "L"
    production_year = 2025
    purchase_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    receipt_no = factory.Sequence(lambda n: f"POS-{n:05d}")
    defect_description = "拉链坏"
    onsite_handling = OnsiteHandling.EXCHANGE
    logged_by = factory.SubFactory(UserFactory)
    state = ReturnState.LOGGED


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    number = factory.Sequence(lambda n: f"SH-209901-{n:05d}")
    direction = ShipmentDirection.TO_CENTER
    store = factory.SubFactory(StoreFactory)
    created_by = factory.SubFactory(UserFactory)
    state = ShipmentState.DRAFT


class ShipmentLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShipmentLine

    shipment = factory.SubFactory(ShipmentFactory)
    return_item = factory.SubFactory(ReturnFactory, store=factory.SelfAttribute("..shipment.store"))


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A photo of a Return taken at logging (a small real PNG; size and checksum match its bytes)."""

    class Meta:
        model = Attachment

    return_item = factory.SubFactory(ReturnFactory)
    kind = AttachmentKind.LOGGING
    file = png_file()
    original_name = "photo.png"
    content_type = "image/png"
    size = file_size()
    sha256 = file_sha256()
    uploaded_by = factory.SubFactory(UserFactory)


class ReceiptSubmissionFactory(factory.django.DjangoModelFactory):
    """A submitted 登记退货 form; pass ``returns=[...]`` for the Returns it logged."""

    class Meta:
        model = ReceiptSubmission
        skip_postgeneration_save = True

    token = factory.LazyFunction(uuid.uuid4)
    store = factory.SubFactory(StoreFactory)
    submitted_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def returns(self, create, extracted, **kwargs):
        if create and extracted:
            self.returns.set(extracted)


class BatchAlarmFactory(factory.django.DjangoModelFactory):
    """A store's alarm of a suspected batch problem 门店预警, raised on one of its Returns."""

    class Meta:
        model = BatchAlarm

    return_item = factory.SubFactory(ReturnFactory)
    store = factory.SelfAttribute("return_item.store")
    style = factory.SelfAttribute("return_item.style")
    defect_code = factory.SelfAttribute("return_item.reported_defect")
    note = "三位顾客反映同一款起球"
    raised_by = factory.SubFactory(UserFactory)
