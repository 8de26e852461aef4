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
    # 25 of the desk's own, 4 quality cases of the forms' and escalations' history and 4 of the visits' (issue 15)
    assert summary.cases == cases.count() == 33
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
    assert servicedesk_history_build().skipped and ServiceCase.objects.count() == 33


@pytest.mark.django_db
def test_the_demo_desk_has_quality_forms_and_escalations(demo):
    from servicedesk.models import Escalation, EscalationAcknowledgement, QualityForm

    servicedesk_history_build()
    # one approved form with its frozen PDF, one draft waiting for QA
    approved = QualityForm.objects.get(state="approved")
    assert approved.approved_by.username == "qa1" and len(approved.pdf_sha256) == 64 and approved.pdf
    assert QualityForm.objects.filter(state="draft").count() == 1
    # a major incident acknowledged by both roles; the safety case still waiting for the VP
    incident = Escalation.objects.get(kind="major_incident", direct_loss=32000)
    assert set(incident.acknowledgements.values_list("role", flat=True)) == {"qa_manager", "production_vp"}
    waiting = Escalation.objects.pending_for(["production_vp"])
    assert list(waiting.values_list("kind", flat=True)) == ["safety"]
    assert not Escalation.objects.pending_for(["qa_manager"]).exists()
    start_of_today = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    assert not EscalationAcknowledgement.objects.filter(acknowledged_at__gte=start_of_today).exists()
