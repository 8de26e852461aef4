"""Write-off services refuse in ``fire``'s order: the person (403) before the input (400); a refusal changes
nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from aftersales.fsm import TransitionForbidden
from tests.factories.stores import UserFactory
from writeoffs.models import WriteOffList
from writeoffs.services import writeofflist_build

pytestmark = pytest.mark.django_db


def test_building_is_the_technicians_before_the_month_is_checked():
    future = (dt.date.today().replace(day=1) + dt.timedelta(days=400)).replace(day=1)
    # A store user asking for a month that has not begun: 403 (the person), not 400 (the month)
    with pytest.raises(TransitionForbidden):
        writeofflist_build(period=future, user=UserFactory(roles=["store_staff"]))
    # A technician asking for it: 400
    with pytest.raises(ValidationError):
        writeofflist_build(period=future, user=UserFactory(roles=["technician"]))
    assert not WriteOffList.objects.exists()
