"""Factories of quality management 质量管理 (the services are skipped, as in every factory)."""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone

from quality.models.audits import SampleKind
from quality.models.orders import OrderState, PartyType, RectificationOrder
from quality.models.surveys import MissReason, SurveyDelivery, token_digest
from tests.factories.stores import StoreFactory, UserFactory
from tests.factories.suppliers import SupplierFactory


class RectificationOrderFactory(factory.django.DjangoModelFactory):
    """An issued order to a supplier; pass ``state`` and the answers for a later state."""

    class Meta:
        model = RectificationOrder

    number = factory.Sequence(lambda n: f"RO-209901-{n:03d}")
    party_type = PartyType.SUPPLIER
    supplier = factory.SubFactory(SupplierFactory)
    problem = "同款多次开线"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    state = OrderState.ISSUED
    issued_by = factory.SubFactory(UserFactory)
    issued_at = factory.LazyFunction(timezone.now)


class QualityBulletinFactory(factory.django.DjangoModelFactory):
    """A draft bulletin 质量通报 to the stores of the regions added after (publish it through the service)."""

    class Meta:
        model = "quality.QualityBulletin"

    number = factory.Sequence(lambda n: f"QB-209901-{n:03d}")
    title = "羽绒服跑绒通报"
    body = "款号 JK2026 出现跑绒，请各专卖店检查库存。"
    audience = "stores"
    created_by = factory.SubFactory(UserFactory)


class BulletinRecipientFactory(factory.django.DjangoModelFactory):
    """A store a published bulletin went to, not read yet (pass ``read_at`` with ``read_by``)."""

    class Meta:
        model = "quality.BulletinRecipient"

    bulletin = factory.SubFactory(
        QualityBulletinFactory, state="published", published_at=factory.LazyFunction(timezone.now)
    )
    store = factory.SubFactory(StoreFactory)


class MonthlyAuditFactory(factory.django.DjangoModelFactory):
    """Last month's 10 % audit 每月抽查, drawn by the monthly build (no samples until added)."""

    class Meta:
        model = "quality.MonthlyAudit"

    # Each audit its own month (the period is unique), counting back from 2099-01.
    period = factory.Sequence(lambda n: dt.date(2099 - (n // 12), 12 - (n % 12), 1))
    share_percent = 10
    cases_closed = 20
    returns_completed = 10
    drawn_at = factory.LazyFunction(timezone.now)


class AuditSampleFactory(factory.django.DjangoModelFactory):
    """A service case drawn into an audit, not reviewed yet (pass ``reviewed_at``, ``score`` ... for a review)."""

    class Meta:
        model = "quality.AuditSample"

    audit = factory.SubFactory(MonthlyAuditFactory)
    kind = SampleKind.SERVICE_CASE
    rank = factory.Sequence(lambda n: n + 1)
    service_case = factory.SubFactory("tests.factories.servicedesk.ServiceCaseFactory")
    agent = factory.SelfAttribute("service_case.opened_by")


class SatisfactionSurveyFactory(factory.django.DjangoModelFactory):
    """A quarter's satisfaction survey 满意度调查 (each its own quarter, counting back from 2099-Q4)."""

    class Meta:
        model = "quality.SatisfactionSurvey"

    class Params:
        year = factory.Sequence(lambda n: 2099 - n // 4)
        number = factory.Sequence(lambda n: 4 - n % 4)

    quarter = factory.LazyAttribute(lambda o: f"{o.year}-Q{o.number}")
    starts_on = factory.LazyAttribute(lambda o: dt.date(o.year, 3 * o.number - 2, 1))
    ends_on = factory.LazyAttribute(
        lambda o: (
            dt.date(o.year + 1, 1, 1) - dt.timedelta(days=1)
            if o.number == 4
            else dt.date(o.year, 3 * o.number + 1, 1) - dt.timedelta(days=1)
        )
    )


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    """A customer's link for a case, by e-mail, not delivered nor answered yet; its plain token is ``pending_token``."""

    class Meta:
        model = "quality.SurveyInvitation"

    survey = factory.SubFactory(SatisfactionSurveyFactory)
    case = factory.SubFactory("tests.factories.servicedesk.ServiceCaseFactory")
    pending_token = factory.LazyFunction(lambda: secrets.token_urlsafe(16))
    token_hash = factory.LazyAttribute(lambda o: token_digest(o.pending_token))
    delivery = SurveyDelivery.EMAIL
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class SurveyLinkMissFactory(factory.django.DjangoModelFactory):
    """A day's count of unknown survey tokens (each factory row its own day: the day and reason are unique)."""

    class Meta:
        model = "quality.SurveyLinkMiss"

    day = factory.Sequence(lambda n: timezone.localdate() - dt.timedelta(days=n))
    reason = MissReason.UNKNOWN
    count = 3
