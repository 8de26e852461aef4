"""Factories of the write-off lists 报废清单 and loss reports 报损单, and of any document addressed to a party.

Like the other factories they skip the services, to set a document up in any
state in one step; tests of the rules themselves go through ``writeoffs.services``.
``ScrapPendingReturnFactory`` is a unit judged unrepairable 待报废, the raw
material of a write-off list.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from cases.choices import ReturnState, Verdict
from suppliers.choices import Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.stores import StoreFactory, UserFactory
from tests.factories.suppliers import SupplierFactory
from writeoffs.choices import LossReportState, PartyType, WriteOffListState
from writeoffs.models import DestructionPhoto, LossReport, PartyMixin, WriteOffLine, WriteOffList


def first_of_last_month() -> dt.date:
    today = timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


class ScrapPendingReturnFactory(ReturnFactory):
    """A unit inspected as unrepairable 待报废 (by default yesterday, the supplier at fault)."""

    state = ReturnState.SCRAP_PENDING
    verdict = Verdict.UNREPAIRABLE
    responsibility = Responsibility.SUPPLIER
    shipped_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=5))
    received_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    inspected_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class WriteOffListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WriteOffList
        django_get_or_create = ["period"]

    period = factory.LazyFunction(first_of_last_month)
    number = factory.LazyAttribute(lambda o: f"WO-{o.period:%Y%m}")
    state = WriteOffListState.DRAFT
    total_cost = Decimal("0.00")


class WriteOffLineFactory(factory.django.DjangoModelFactory):
    """A live line copying its Return's style, year, cost, responsibility and store (as the build does)."""

    class Meta:
        model = WriteOffLine

    writeoff_list = factory.SubFactory(WriteOffListFactory)
    return_item = factory.SubFactory(ScrapPendingReturnFactory)
    style_no = factory.LazyAttribute(lambda o: o.return_item.style.style_no)
    production_year = factory.LazyAttribute(lambda o: o.return_item.production_year)
    unit_cost = factory.LazyAttribute(lambda o: o.return_item.style.unit_cost)
    responsibility = factory.LazyAttribute(lambda o: o.return_item.responsibility)
    supplier = factory.LazyAttribute(
        lambda o: o.return_item.style.supplier if o.return_item.responsibility == Responsibility.SUPPLIER else None
    )
    store = factory.LazyAttribute(lambda o: o.return_item.store)


class DestructionPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DestructionPhoto

    writeoff_list = factory.SubFactory(WriteOffListFactory, state=WriteOffListState.DESTROYED)
    file = factory.django.FileField(filename="photo.png", data=b"\x89PNG\r\n\x1a\n")
    original_name = "photo.png"
    content_type = "image/png"
    size = 8
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    uploaded_by = factory.SubFactory(UserFactory)


class PartyDocumentFactory(factory.django.DjangoModelFactory):
    """A party document; pass ``supplier=`` (type supplier, the default), ``store=`` with ``party_type="store"``,
    or ``party_type="hq"`` with neither."""

    class Meta:
        abstract = True

    party_type = PartyType.SUPPLIER
    supplier = factory.Maybe(
        factory.LazyAttribute(lambda o: o.party_type == PartyType.SUPPLIER),
        yes_declaration=factory.SubFactory(SupplierFactory),
        no_declaration=None,
    )
    store = factory.Maybe(
        factory.LazyAttribute(lambda o: o.party_type == PartyType.STORE),
        yes_declaration=factory.SubFactory(StoreFactory),
        no_declaration=None,
    )
    party_key = factory.LazyAttribute(lambda o: PartyMixin.key_for(o.party_type, supplier=o.supplier, store=o.store))


class LossReportFactory(PartyDocumentFactory):
    class Meta:
        model = LossReport

    writeoff_list = factory.SubFactory(WriteOffListFactory, state=WriteOffListState.APPROVED)
    period = factory.SelfAttribute("writeoff_list.period")
    number = factory.Sequence(lambda n: f"LR-209901-{n:03d}")
    total_cost = Decimal("0.00")
    state = LossReportState.ISSUED


def scrapped_unit(*, store_code: str = "S001", style_no: str = "226101JK001", responsibility=None, inspected_at=None):
    """A demo unit (``demo`` fixture's stores and styles) judged unrepairable during last month, supplier at fault."""
    from aftersales.periods import period_bounds, previous_period
    from stores.models import Store
    from suppliers.models import Style

    start, _end = period_bounds(previous_period())
    return ScrapPendingReturnFactory(
        store=Store.objects.get(code=store_code),
        style=Style.objects.get(style_no=style_no),
        responsibility=responsibility or Responsibility.SUPPLIER,
        inspected_at=inspected_at or start + dt.timedelta(days=2),
    )
