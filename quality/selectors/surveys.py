"""Reads of the satisfaction survey 满意度调查: the quarters, a quarter's results, the hotline's links to read out,
and the refused-link counts. Aggregates are computed in the database."""

from __future__ import annotations

from django.db.models import Avg, Count, Q, QuerySet, Sum

from quality.models.surveys import (
    SCORE_MAX,
    SCORE_MIN,
    SatisfactionSurvey,
    SurveyDelivery,
    SurveyInvitation,
    SurveyLinkMiss,
)


def survey_list(user) -> QuerySet[SatisfactionSurvey]:
    """The quarters' surveys with their counts (one query, whatever the number of quarters)."""
    return SatisfactionSurvey.objects.visible_to(user).annotate(
        invited=Count("invitations"),
        answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
        emailed=Count(
            "invitations",
            filter=Q(invitations__delivery=SurveyDelivery.EMAIL, invitations__delivered_at__isnull=False),
        ),
        read_out=Count(
            "invitations",
            filter=Q(invitations__delivery=SurveyDelivery.HOTLINE, invitations__delivered_at__isnull=False),
        ),
        waiting=Count("invitations", filter=Q(invitations__delivered_at__isnull=True)),
        mean=Avg("invitations__score"),
    )


def survey_get(user, pk: int) -> SatisfactionSurvey:
    return survey_list(user).get(pk=pk)


def survey_results(survey: SatisfactionSurvey) -> dict:
    """Response rate, mean and the distribution of scores 1–5 (every score present, zero when none gave it)."""
    invitations = SurveyInvitation.objects.filter(survey=survey)
    totals = invitations.aggregate(
        invited=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        delivered=Count("id", filter=Q(delivered_at__isnull=False)),
        emailed=Count("id", filter=Q(delivery=SurveyDelivery.EMAIL, delivered_at__isnull=False)),
        email_waiting=Count("id", filter=Q(delivery=SurveyDelivery.EMAIL, delivered_at__isnull=True)),
        read_out=Count("id", filter=Q(delivery=SurveyDelivery.HOTLINE, delivered_at__isnull=False)),
        readout_waiting=Count("id", filter=Q(delivery=SurveyDelivery.HOTLINE, delivered_at__isnull=True)),
        mean=Avg("score"),
    )
    counts = dict(
        invitations.filter(score__isnull=False).values_list("score").annotate(n=Count("id")).values_list("score", "n")
    )
    distribution = [{"score": score, "count": counts.get(score, 0)} for score in range(SCORE_MIN, SCORE_MAX + 1)]
    answered = totals["answered"]
    for row in distribution:
        row["share"] = row["count"] / answered if answered else 0
    return {
        **totals,
        "response_rate": answered / totals["invited"] if totals["invited"] else None,
        "distribution": distribution,
    }


def survey_answers(survey: SatisfactionSurvey) -> QuerySet[SurveyInvitation]:
    """The answered invitations (score, comment, when), with the case and its owner for QA's reading."""
    return (
        SurveyInvitation.objects.filter(survey=survey, answered_at__isnull=False)
        .select_related("case", "case__owner", "case__store")
        .order_by("answered_at", "id")
    )


def survey_invitations(survey: SatisfactionSurvey) -> QuerySet[SurveyInvitation]:
    """Every link of the survey with how it was delivered (mailed, read out, waiting), for QA: the case's number
    and kind only, nothing of the customer."""
    return SurveyInvitation.objects.filter(survey=survey).select_related("case", "delivered_by").order_by("id")


def readout_list(user) -> QuerySet[SurveyInvitation]:
    """The hotline's list: links to read out (customers without an e-mail address; the others are mailed) not
    yet read out and still open, oldest quarter first, with the case's customer (the agent calls them; the
    hotline sees the archive)."""
    from django.utils import timezone

    return (
        SurveyInvitation.objects.visible_to(user)
        .filter(
            delivery=SurveyDelivery.HOTLINE,
            delivered_at__isnull=True,
            answered_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(pending_token="")
        .select_related("survey", "case", "case__customer")
        .order_by("survey__quarter", "id")
    )


def link_misses() -> dict:
    """Refused survey links by reason (all time) and the latest days' rows: the pages that call it are QA's."""
    totals = dict(
        SurveyLinkMiss.objects.values_list("reason").annotate(total=Sum("count")).values_list("reason", "total")
    )
    return {"totals": totals, "recent": list(SurveyLinkMiss.objects.order_by("-day", "reason")[:42])}
