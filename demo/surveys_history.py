"""The demo's satisfaction survey 满意度调查, made through the services at its historic moments (``seed_demo``).

The quarterly schedule built the survey of the quarter before on the 1st of this quarter (03:00); hotline1 read the
links out over the following days, and about two in three customers answered within a week or two. Runs after the
service desk's history, whose closed cases it surveys; when the quarter before lies mostly outside the three-month
history the survey invites fewer customers, but it is built all the same.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from quality.models import SatisfactionSurvey, SurveyInvitation
from quality.services.surveys import (
    invitation_answer,
    invitation_read_out,
    previous_quarter,
    quarter_bounds,
    quarter_of,
    survey_build,
)

SEED = 1117
COMMENTS = ["处理很及时，谢谢", "师傅很专业", "等待时间有点长", "", "希望以后质量更好", "客服态度很好", ""]


@dataclass
class SurveySummary:
    invited: int = 0
    answered: int = 0
    skipped: bool = False


def surveys_history_build(*, today: dt.date | None = None, seed: int = SEED) -> SurveySummary:
    """Once: skipped when any survey exists (``seed_demo`` twice adds nothing)."""
    if SatisfactionSurvey.objects.exists():
        return SurveySummary(skipped=True)
    rng = random.Random(seed)
    today = today or timezone.localdate()
    end = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    quarter_start, _last = quarter_bounds(quarter_of(today))
    built_at = timezone.make_aware(dt.datetime.combine(quarter_start, dt.time(3)))
    agent = get_user_model().objects.get(username="hotline1")

    def at(when: dt.datetime):
        return time_machine.travel(min(when, end - dt.timedelta(minutes=1)), tick=False)

    with transaction.atomic():
        with at(built_at):
            summary = survey_build(quarter=previous_quarter())
        answered = 0
        invitations = list(SurveyInvitation.objects.filter(survey_id=summary["survey"]).order_by("pk"))
        for invitation in invitations:
            called = built_at + dt.timedelta(days=rng.randrange(1, 6), hours=6 + rng.randrange(8))
            if called >= end:
                continue
            token = invitation.pending_token
            with at(called):
                invitation_read_out(user=agent, invitation=invitation)
            if rng.random() < 0.65:
                with at(called + dt.timedelta(hours=rng.randrange(1, 200))):
                    row, _reason = invitation_answer(
                        token=token, score=rng.choice([5, 5, 5, 4, 4, 4, 3, 2]), comment=rng.choice(COMMENTS)
                    )
                answered += row is not None
    return SurveySummary(invited=summary["invited"], answered=answered)
