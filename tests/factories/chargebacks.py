"""Factories of the chargeback statements 扣款单 and their lines (the services are skipped, as in every factory)."""

from decimal import Decimal

import factory

from cases.choices import ReturnState
from chargebacks.choices import ChargebackLineKind, StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from tests.factories.cases import ReturnFactory
from tests.factories.writeoffs import PartyDocumentFactory, first_of_last_month


class ChargebackStatementFactory(PartyDocumentFactory):
    class Meta:
        model = ChargebackStatement

    period = factory.LazyFunction(first_of_last_month)
    number = factory.Sequence(lambda n: f"CB-209901-{n:03d}")
    version = 1
    state = StatementState.DRAFT
    total = Decimal("0.00")


class ChargebackLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChargebackLine

    statement = factory.SubFactory(ChargebackStatementFactory)
    kind = ChargebackLineKind.SCRAP
    return_item = factory.SubFactory(ReturnFactory, state=ReturnState.WRITTEN_OFF)
    description = factory.LazyAttribute(lambda o: o.return_item.number if o.return_item else "")
    style_no = factory.LazyAttribute(lambda o: o.return_item.style.style_no if o.return_item else "")
    production_year = factory.LazyAttribute(lambda o: o.return_item.production_year if o.return_item else None)
    amount = Decimal("100.00")
    position = factory.Sequence(lambda n: n)
