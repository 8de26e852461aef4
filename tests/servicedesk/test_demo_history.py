"""The demo desk's history (demo/servicedesk_history.py): every kind and state, made at its historic times."""

import pytest
from django.utils import timezone

from aftersales.models import TransitionLog
from demo.servicedesk_history import servicedesk_history_build
from servicedesk.choices import CaseKind, CaseState
from servicedesk.models import ServiceCase


@pytest.mark.django_db
def test_the_demo_desk_has_every_kind_and_state_in_the_past(demo):
    summary = servicedesk_history_build()
    cases = ServiceCase.objects.all()
    assert summary.cases == cases.count() == 25
    assert set(cases.values_list("kind", flat=True)) == set(CaseKind.values)
    assert set(cases.values_list("state", flat=True)) == set(CaseState.values)
    start_of_today = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    assert cases.filter(created_at__gte=start_of_today).count() == 0
    assert not TransitionLog.objects.filter(at__gte=start_of_today).exists()
    # one case reopened by an unhappy callback and closed on the second; a promise changed; breaches
    assert cases.filter(reopened_count=1, state=CaseState.CLOSED).count() == 1
    assert (
        TransitionLog.objects.filter(transition="promise", payload__previous_deadline__isnull=False)
        .exclude(payload__previous_deadline=None)
        .exists()
    )
    assert cases.filter(state=CaseState.OPEN, first_response_due__lt=timezone.now()).exists()
    assert cases.filter(severity="safety").exists() and cases.filter(major_incident=True).exists()
    assert cases.filter(channel="in_store", logging_store__isnull=False).exists()
    # and running it again adds nothing
    assert servicedesk_history_build().skipped and ServiceCase.objects.count() == 25
