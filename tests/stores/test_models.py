from decimal import Decimal

import pytest

from tests.factories.stores import StoreFactory


@pytest.mark.django_db
def test_a_new_store_gets_the_shipment_policy_from_settings(settings):
    # given the brand's default extra-dispatch fee is 80 CNY and one free dispatch a week
    settings.AFTERSALES_EXTRA_DISPATCH_FEE = Decimal("80.00")
    # when a store is created without its own policy
    store = StoreFactory()
    # then it takes the defaults
    assert store.free_dispatches_per_week == 1
    assert store.extra_dispatch_fee == Decimal("80.00")
