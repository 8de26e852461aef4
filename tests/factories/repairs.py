"""Factories for spare parts 备件, repair tickets 维修单 and the stock ledger; they skip ``repairs.services``."""

import datetime as dt
from decimal import Decimal

import factory
from django.conf import settings
from django.utils import timezone

from cases.choices import ReturnState, Verdict
from repairs.models import (
    PartStock,
    RepairTicket,
    RepairTicketState,
    SparePart,
    StockMovement,
    StockMovementReason,
    Stocktake,
    StocktakeLine,
)
from suppliers.choices import Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.stores import StoreFactory, UserFactory


class SparePartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SparePart
        django_get_or_create = ["part_no"]

    part_no = factory.Sequence(lambda n: f"PX-{n:04d}")
    name = factory.Sequence(lambda n: f"备件{n}")
    unit_cost = Decimal("2.50")
    stock_quantity = 100
    reorder_level = 10


class RepairTicketFactory(factory.django.DjangoModelFactory):
    """An open ticket of a Return found repairable yesterday (the Return in repair, verdict copied onto it)."""

    class Meta:
        model = RepairTicket

    return_item = factory.SubFactory(
        ReturnFactory,
        state=ReturnState.REPAIRING,
        verdict=Verdict.REPAIRABLE,
        responsibility=Responsibility.SUPPLIER,
        received_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2)),
        inspected_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1)),
    )
    technician = factory.SubFactory(UserFactory)
    state = RepairTicketState.OPEN
    labour_rate = factory.LazyFunction(lambda: settings.AFTERSALES_LABOUR_RATE_PER_HOUR)


class StockMovementFactory(factory.django.DjangoModelFactory):
    """A ledger line receiving parts into stock; it leaves the part's stock as it is (``balance_after`` copies it)."""

    class Meta:
        model = StockMovement

    part = factory.SubFactory(SparePartFactory)
    quantity = 10
    balance_after = factory.SelfAttribute("part.stock_quantity")
    reason = StockMovementReason.RECEIVED
    unit_cost = factory.SelfAttribute("part.unit_cost")
    moved_by = factory.SubFactory(UserFactory)
    moved_at = factory.LazyFunction(timezone.now)


class PartStockFactory(factory.django.DjangoModelFactory):
    """A part's stock at a store (pass ``store=None`` for the service center's row)."""

    class Meta:
        model = PartStock

    part = factory.SubFactory(SparePartFactory)
    store = factory.SubFactory(StoreFactory)
    quantity = 5


class StocktakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stocktake

    store = factory.SubFactory(StoreFactory)
    counted_by = factory.SubFactory(UserFactory)
    counted_at = factory.LazyFunction(timezone.now)


class StocktakeLineFactory(factory.django.DjangoModelFactory):
    """A line counted one short of the book stock, with its reason."""

    class Meta:
        model = StocktakeLine

    stocktake = factory.SubFactory(StocktakeFactory)
    part = factory.SubFactory(SparePartFactory)
    expected = 5
    counted = 4
    difference = -1
    reason = "损耗"
