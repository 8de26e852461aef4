"""Money in the demo desk's history (demo/money_history.py): refunds by several methods, an exchange with a fee,
compensation above the threshold approved by QA and one below it approved at once, all in the past."""

import pytest
from django.utils import timezone

from aftersales.models import TransitionLog
from demo.servicedesk_history import servicedesk_history_build
from servicedesk.choices import CompensationState
from servicedesk.models import Compensation, Exchange, Freight, Refund


@pytest.mark.django_db
def test_the_demo_desk_has_money_made_through_the_services_in_the_past(demo):
    servicedesk_history_build()

    assert set(Refund.objects.values_list("method", flat=True)) >= {"original_payment", "cash", "e_payment"}
    assert Exchange.objects.filter(reason="change_of_mind", fee__gt=0).exists()
    assert set(Freight.objects.values_list("payer", flat=True)) == {"brand", "customer"}
    large = Compensation.objects.get(amount__gt=500)
    assert large.state == CompensationState.GIVEN and large.decided_by.username == "qa1"
    assert TransitionLog.objects.for_object(large).filter(transition="approve", actor__username="qa1").exists()
    small = Compensation.objects.get(amount__lte=500)
    assert small.decided_by is None and small.state == CompensationState.GIVEN
    start_of_today = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    assert not Refund.objects.filter(created_at__gte=start_of_today).exists()
    assert not Compensation.objects.filter(given_at__gte=start_of_today).exists()
    # and running it again adds nothing
    counts = (Refund.objects.count(), Compensation.objects.count())
    servicedesk_history_build()
    assert (Refund.objects.count(), Compensation.objects.count()) == counts
