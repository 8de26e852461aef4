"""The demo history's quality bulletin and quarter's survey (seed_demo with history), made through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quality.models import BulletinRecipient, QualityBulletin, SatisfactionSurvey, SurveyInvitation
from quality.services.surveys import previous_quarter, quarter_bounds
from servicedesk.models import ServiceCase


@pytest.mark.django_db
def test_the_demo_has_a_bulletin_read_by_some_stores(demo_history):
    bulletin = QualityBulletin.objects.get()
    assert bulletin.state == "published" and "Demo quality: 1 bulletin" in demo_history.output
    receipts = BulletinRecipient.objects.filter(bulletin=bulletin)
    read = set(receipts.filter(read_at__isnull=False).values_list("read_by__username", flat=True))
    assert read == {"store1", "store101"}
    assert receipts.filter(read_at__isnull=True, reminders=1).count() == receipts.count() - 2 > 0
    assert all(receipt.read_at < timezone.now() - dt.timedelta(days=17) for receipt in receipts.exclude(read_at=None))


@pytest.mark.django_db
def test_the_demo_has_the_quarter_befores_survey_with_answers(demo_history):
    survey = SatisfactionSurvey.objects.get()
    assert survey.quarter == previous_quarter() and survey.built_by is None
    first, last = quarter_bounds(survey.quarter)
    closed_then = ServiceCase.objects.filter(
        state="closed", closed_at__date__gte=first, closed_at__date__lte=last
    ).count()
    invitations = SurveyInvitation.objects.filter(survey=survey)
    # every closed case of the quarter in the desk's history is invited (their customers consented)
    assert invitations.count() == closed_then
    answered = invitations.filter(answered_at__isnull=False)
    if closed_then >= 3:
        assert answered.exists()
    for invitation in answered:
        assert 1 <= invitation.score <= 5 and invitation.delivered_by.username == "hotline1"
        assert invitation.pending_token == "" and invitation.answered_at < timezone.now()
