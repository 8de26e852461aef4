"""Factories for batch recalls 整款退货: the recall, its notices to stores, its units; state passed at creation.

Like the other factories they skip the services, to set a row up in any state
in one step; tests of the rules themselves go through ``recalls.services``.
"""

import datetime as dt

import factory
from django.utils import timezone

from cases.choices import ReturnState
from recalls.choices import RecallNoticeState, RecallState
from recalls.models import Recall, RecallAttachment, RecallNotice, RecallUnit
from tests.factories.aftersales import file_sha256, file_size, png_file
from tests.factories.cases import ReturnFactory
from tests.factories.stores import StoreFactory, UserFactory
from tests.factories.suppliers import DefectCodeFactory, StyleFactory


class RecallFactory(factory.django.DjangoModelFactory):
    """A batch recall 整款退货 in any state (``state=RecallState.COLLECTING``, with the agreed handling set)."""

    class Meta:
        model = Recall

    number = factory.Sequence(lambda n: f"RC-209901-{n:03d}")
    style = factory.SubFactory(StyleFactory)
    defect_code = factory.SubFactory(DefectCodeFactory)
    state = RecallState.PROPOSED
    test_report = "拉链拉力测试 5 件, 3 件不合格"
    opened_by = factory.SubFactory(UserFactory)
    return_method = "weekly_shipment"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    handling_plan = "门店下架, 随周寄件寄回售后中心, 统一返厂"
    cost_bearer = "supplier"


class RecallNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecallNotice

    recall = factory.SubFactory(RecallFactory, state=RecallState.NOTICE_ISSUED)
    store = factory.SubFactory(StoreFactory)
    state = RecallNoticeState.NOTIFIED


class RecallUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecallUnit

    recall = factory.SubFactory(RecallFactory, state=RecallState.SHIPPED_TO_SUPPLIER)
    return_item = factory.SubFactory(
        ReturnFactory,
        state=ReturnState.AT_SUPPLIER,
        style=factory.SelfAttribute("..recall.style"),
        recall=factory.SelfAttribute("..recall"),
    )


class RecallAttachmentFactory(factory.django.DjangoModelFactory):
    """A photo of the recall's style test report (a small real PNG; size and checksum match its bytes)."""

    class Meta:
        model = RecallAttachment

    recall = factory.SubFactory(RecallFactory)
    file = png_file("report.png")
    original_name = "report.png"
    content_type = "image/png"
    size = file_size()
    sha256 = file_sha256()
    uploaded_by = factory.SubFactory(UserFactory)
