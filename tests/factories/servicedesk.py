"""Factories for the service desk 服务台: customers (with consent), cases in any state, photos, phone views.

Like the other factories they skip the services, to set a row up in any state
in one step; tests of the rules themselves go through ``servicedesk.services``.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from servicedesk import choices as desk_choices
from servicedesk import models as desk_models
from servicedesk.choices import CaseKind, CaseState, Channel, Severity
from servicedesk.models import Customer, PhoneAccessLog, ServiceCase, ServiceCaseAttachment
from tests.factories.aftersales import file_sha256, file_size, png_file
from tests.factories.stores import UserFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer record with contact data and the consent it needs."""

    class Meta:
        model = Customer

    name = "王芳"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    province = "广东"
    consent_at = factory.LazyFunction(timezone.now)
    consent_purpose = "服务单处理"


class ServiceCaseFactory(factory.django.DjangoModelFactory):
    """A service case in any state (``state=CaseState.RESOLVED``); its first-response clock set from now."""

    class Meta:
        model = ServiceCase

    number = factory.Sequence(lambda n: f"SC-209901-{n:05d}")
    channel = Channel.PHONE
    kind = CaseKind.COMPLAINT
    severity = Severity.NORMAL
    customer = factory.SubFactory(CustomerFactory)
    description = "衬衫洗后缩水严重"
    opened_by = factory.SubFactory(UserFactory)
    state = CaseState.OPEN
    first_response_due = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=24))
    first_response_warn = factory.LazyAttribute(lambda o: o.first_response_due - dt.timedelta(hours=6))
    next_due = factory.SelfAttribute("first_response_due")


class ServiceCaseAttachmentFactory(factory.django.DjangoModelFactory):
    """A photo the customer sent (a small real PNG; size and checksum match its bytes)."""

    class Meta:
        model = ServiceCaseAttachment

    service_case = factory.SubFactory(ServiceCaseFactory)
    file = png_file("photo.png")
    original_name = "photo.png"
    content_type = "image/png"
    size = file_size()
    sha256 = file_sha256()
    uploaded_by = factory.SubFactory(UserFactory)


class PhoneAccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhoneAccessLog

    user = factory.SubFactory(UserFactory)
    customer = factory.SubFactory(CustomerFactory)
    where = "page:servicecase"


class RefundFactory(factory.django.DjangoModelFactory):
    """A refund 退款 of a case (issue 15), paid today in cash."""

    class Meta:
        model = desk_models.Refund

    service_case = factory.SubFactory(ServiceCaseFactory)
    amount = Decimal("99.00")
    method = desk_choices.RefundMethod.CASH
    paid_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(UserFactory)


class CompensationFactory(factory.django.DjangoModelFactory):
    """A compensation 补偿 in any state (``state=CompensationState.PROPOSED``); a CNY 100 coupon by default."""

    class Meta:
        model = desk_models.Compensation

    service_case = factory.SubFactory(ServiceCaseFactory)
    kind = desk_choices.CompensationKind.COUPON
    amount = Decimal("100.00")
    threshold = Decimal("500.00")
    state = desk_choices.CompensationState.APPROVED
    recorded_by = factory.SubFactory(UserFactory)
