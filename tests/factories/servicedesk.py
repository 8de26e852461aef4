"""Factories for the service desk 服务台: customers (with consent), cases in any state, photos, phone views,
money (refunds, exchanges, freight, compensation), on-site visits, quality forms and escalations.

Like the other factories they skip the services, to set a row up in any state
in one step; tests of the rules themselves go through ``servicedesk.services``.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from aftersales.roles import Role
from servicedesk import choices as desk_choices
from servicedesk import models as desk_models
from servicedesk.choices import CaseKind, CaseState, Channel, Severity
from servicedesk.models import Customer, PhoneAccessLog, ServiceCase, ServiceCaseAttachment
from tests.factories.aftersales import file_sha256, file_size, png_file
from tests.factories.stores import UserFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer record with contact data and the consent it needs; ``with_email=True`` adds an e-mail address
    (the satisfaction survey then mails the link instead of the hotline reading it out)."""

    class Meta:
        model = Customer

    class Params:
        with_email = factory.Trait(email=factory.Sequence(lambda n: f"customer{n}@example.com"))

    name = "王芳"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    email = ""
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


class ExchangeFactory(factory.django.DjangoModelFactory):
    """An exchange 换货 of a case for a quality problem (free, as the rule wants)."""

    class Meta:
        model = desk_models.Exchange

    service_case = factory.SubFactory(ServiceCaseFactory)
    reason = desk_choices.ExchangeReason.QUALITY
    fee = Decimal("0.00")
    replacement = "同款 L 码"
    recorded_by = factory.SubFactory(UserFactory)


class FreightFactory(factory.django.DjangoModelFactory):
    """A parcel the customer sent in for a quality return: the brand pays; an inbound one has its tracking number."""

    class Meta:
        model = desk_models.Freight

    service_case = factory.SubFactory(ServiceCaseFactory)
    direction = desk_choices.FreightDirection.INBOUND
    reason = desk_choices.FreightReason.QUALITY
    payer = factory.LazyAttribute(lambda o: desk_models.freight_payer(o.reason))
    carrier = "顺丰"
    tracking_no = factory.Sequence(lambda n: f"SF{n:010d}")
    cost = Decimal("12.00")
    recorded_by = factory.SubFactory(UserFactory)


class VisitFactory(factory.django.DjangoModelFactory):
    """An on-site visit 现场服务 dispatched now to a customer in the service center's province (due in 24 h).

    Its technicians are added with ``VisitTechnicianFactory(visit=...)``; pass ``state`` and the matching
    fields (``arrived_at``, ``signed_at``) for a later state.
    """

    class Meta:
        model = desk_models.Visit

    service_case = factory.SubFactory(ServiceCaseFactory)
    number = factory.Sequence(lambda n: f"VS-209901-{n:05d}")
    state = desk_choices.VisitState.DISPATCHED
    dispatched_by = factory.SubFactory(UserFactory)
    dispatched_at = factory.LazyFunction(timezone.now)
    planned_arrival = factory.LazyAttribute(lambda o: o.dispatched_at + dt.timedelta(hours=4))
    address = "广州市天河区体育西路 1 号"
    province = "广东"
    in_province = True
    arrival_due = factory.LazyAttribute(lambda o: o.dispatched_at + dt.timedelta(hours=24))


class VisitTechnicianFactory(factory.django.DjangoModelFactory):
    """A technician sent on a visit, its lead by default (a visit has one lead at most)."""

    class Meta:
        model = desk_models.VisitTechnician

    visit = factory.SubFactory(VisitFactory)
    user = factory.SubFactory(UserFactory)
    lead = True


class VisitSignatureFactory(factory.django.DjangoModelFactory):
    """The customer's signature drawn on the screen (a small real PNG) on a signed visit."""

    class Meta:
        model = desk_models.VisitSignature

    visit = factory.SubFactory(
        VisitFactory,
        state=desk_choices.VisitState.SIGNED,
        arrived_at=factory.LazyAttribute(lambda o: o.dispatched_at + dt.timedelta(hours=3)),
        signer_name="王芳",
        signed_at=factory.LazyAttribute(lambda o: o.arrived_at + dt.timedelta(hours=1)),
    )
    source = desk_choices.SignatureSource.DRAWN
    file = png_file("signature.png")
    original_name = "signature.png"
    content_type = "image/png"
    size = file_size()
    sha256 = file_sha256()
    uploaded_by = factory.SubFactory(UserFactory)


class QualityFormFactory(factory.django.DjangoModelFactory):
    """A draft quality information form 产品质量信息传递处置单 of a quality case; an approved one needs
    ``state``, ``handling_opinion``, ``approved_by`` and ``approved_at``."""

    class Meta:
        model = desk_models.QualityForm

    number = factory.Sequence(lambda n: f"QF-209901-{n:04d}")
    service_case = factory.SubFactory(ServiceCaseFactory, kind=CaseKind.QUALITY)
    product_name = "男士羽绒服"
    batch_no = "B2026-01"
    quantity = 1
    problem = "穿着两周后跑绒"
    state = desk_choices.QualityFormState.DRAFT
    drafted_by = factory.SubFactory(UserFactory)


class EscalationFactory(factory.django.DjangoModelFactory):
    """A safety hazard 安全隐患 reported now to QA and the production VP, with the stop-using instruction."""

    class Meta:
        model = desk_models.Escalation

    service_case = factory.SubFactory(ServiceCaseFactory, kind=CaseKind.QUALITY)
    kind = desk_choices.EscalationKind.SAFETY
    initial_opinion = "先行退货，送检面料"
    customer_demand = "退货并赔偿"
    stop_using_instruction = "请立即停止穿着"
    direct_loss = Decimal("0.00")
    raised_by = factory.SubFactory(UserFactory)
    raised_at = factory.LazyFunction(timezone.now)


class EscalationAcknowledgementFactory(factory.django.DjangoModelFactory):
    """QA's acknowledgement 已知悉 of an escalation (one per role)."""

    class Meta:
        model = desk_models.EscalationAcknowledgement

    escalation = factory.SubFactory(EscalationFactory)
    role = Role.QA_MANAGER
    acknowledged_by = factory.SubFactory(UserFactory)
    acknowledged_at = factory.LazyFunction(timezone.now)
