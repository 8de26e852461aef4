"""The demo's on-site service (demo/visits_history.py): visits in and out of the province, a drawn and a
photographed signature with their frozen forms, one arrival breach and one visit waiting, all in the past."""

import pytest
from django.utils import timezone

from demo.servicedesk_history import servicedesk_history_build
from servicedesk.choices import SignatureSource, VisitState
from servicedesk.models import Visit


@pytest.mark.django_db
def test_the_demo_has_visits_signed_forms_and_a_breach(demo):
    servicedesk_history_build()
    visits = Visit.objects.all()
    assert visits.count() == 4
    assert visits.filter(in_province=True).exists() and visits.filter(in_province=False).exists()
    signed = visits.filter(state=VisitState.SIGNED)
    assert sorted(signed.values_list("signature__source", flat=True)) == sorted(SignatureSource.values)
    assert all(visit.form_sha256 and visit.form_pdf for visit in signed)
    late = [visit for visit in visits if visit.arrived_at and visit.arrived_at > visit.arrival_due]
    assert len(late) == 1 and late[0].in_province
    waiting = visits.get(state=VisitState.DISPATCHED)
    assert waiting.crew.get().user.username == "tech1" and waiting.arrival_due > timezone.now()
    start_of_today = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    assert not visits.filter(dispatched_at__gte=start_of_today).exists()
    # the out-of-province visit had two engineers, tech2 leading
    outside = visits.get(in_province=False)
    assert [(row.user.username, row.lead) for row in outside.crew.all()] == [("tech2", True), ("tech1", False)]
