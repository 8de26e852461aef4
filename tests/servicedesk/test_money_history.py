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


@pytest.mark.django_db
def test_the_demo_charges_a_supplier_fault_cases_money_back(demo):
    # given a running quality case whose linked Return was judged SUP01's fault this month
    from chargebacks.choices import ChargebackLineKind
    from chargebacks.models import ChargebackLine
    from demo.money_history import money_history_build
    from suppliers.choices import Responsibility
    from suppliers.models import Style
    from tests.factories.cases import ReturnFactory
    from tests.support.servicedesk import in_progress, open_case

    unit = ReturnFactory(
        store_id=1, style=Style.objects.filter(supplier__code="SUP01").first(),
        responsibility=Responsibility.SUPPLIER, inspected_at=timezone.now().replace(day=1, hour=9),
    )  # fmt: skip
    in_progress(open_case(kind="quality", return_ids=[unit.pk]))

    # when the money history runs
    summary = money_history_build(end=timezone.now() + timezone.timedelta(hours=1))

    # then the case's refund and compensation are lines of SUP01's draft for the month
    lines = ChargebackLine.objects.filter(
        statement__supplier__code="SUP01",
        kind__in=[ChargebackLineKind.DESK_REFUND, ChargebackLineKind.DESK_COMPENSATION],
    )
    assert summary.chargeback_lines == lines.count() >= 1
    assert lines.filter(kind=ChargebackLineKind.DESK_REFUND, amount="299.00").exists()
