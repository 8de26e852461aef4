"""Factories of quality management 质量管理 (the services are skipped, as in every factory)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from quality.models.orders import OrderState, PartyType, RectificationOrder
from tests.factories.stores import UserFactory
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
