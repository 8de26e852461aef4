"""Writes of the satisfaction survey 满意度调查: the quarterly build, reading a link out, the customer's answer, and
the count of links that answered 404.

The build is idempotent: the survey is one row per quarter (``get_or_create``) and an invitation one row per
(survey, case) (a unique constraint), so running it twice, by beat or by QA, creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of
from quality.models.surveys import (
    MAX_COMMENT,
    SCORE_MAX,
    SCORE_MIN,
    MissReason,
    SatisfactionSurvey,
    SurveyDelivery,
    SurveyInvitation,
    SurveyLinkMiss,
    token_digest,
)
from servicedesk.choices import CaseState
from servicedesk.models import ServiceCase

QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")
#: secrets.token_urlsafe(16): 128 random bits, 22 characters (short enough to read out on the phone).
TOKEN_BYTES = 16
#: The longest token the public page looks up; anything longer is not ours and is never hashed.
MAX_TOKEN_LENGTH = 64


class SurveyError(Exception):
    """Why a survey cannot be built (a quarter not over, a malformed quarter): shown as a 400 naming ``quarter``."""


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """``"2026-Q3"`` → (2026-07-01, 2026-09-30); anything else is a ValidationError naming ``quarter``."""
    match = QUARTER_PATTERN.match(str(quarter or "").strip())
    if not match or int(match.group(1)) < 2000:
        raise ValidationError({"quarter": [_("Enter a quarter as YYYY-Qn, for example 2026-Q3.")]})
    year, number = int(match.group(1)), int(match.group(2))
    first = dt.date(year, 3 * number - 2, 1)
    after = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
    return first, after - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def previous_quarter(now: dt.datetime | None = None) -> str:
    """The quarter before the one ``now`` (Shanghai time) is in: what the build on the 1st surveys."""
    today = timezone.localtime(now).date()
    first, _last = quarter_bounds(quarter_of(today))
    return quarter_of(first - dt.timedelta(days=1))


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def surveyed_cases(first: dt.date, last: dt.date):
    """The quarter's closed cases whose customer consented and can still be reached (not anonymised)."""
    return (
        ServiceCase.objects.filter(
            state=CaseState.CLOSED,
            closed_at__gte=_local_midnight(first),
            closed_at__lt=_local_midnight(last + dt.timedelta(days=1)),
            customer__consent_at__isnull=False,
            customer__erased_at__isnull=True,
        )
        .exclude(customer__phone="")
        .order_by("pk")
    )


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@transaction.atomic
def survey_build(*, quarter: str, user=None, now: dt.datetime | None = None) -> dict:
    """Build (or complete) the survey of ``quarter``: one invitation per surveyed case not yet invited.

    ``user`` is QA asking on demand (None for beat). Only a quarter that is over can be surveyed. Every link
    is read out by the hotline: the customer archive keeps a phone, not an e-mail address.
    """
    first, last = quarter_bounds(quarter)
    now = now or timezone.now()
    if last >= timezone.localtime(now).date():
        raise ValidationError({"quarter": [_("%(quarter)s is not over yet; pick an earlier quarter.") % {
            "quarter": quarter}]})  # fmt: skip
    if user is not None and not (user.is_superuser or Role.QA_MANAGER in roles_of(user)):
        raise PermissionError
    survey, created = SatisfactionSurvey.objects.get_or_create(
        quarter=quarter, defaults={"starts_on": first, "ends_on": last, "built_by": user}
    )
    # Locked so two builds at once (beat and QA) cannot both add the same case: the second waits, then finds it.
    SatisfactionSurvey.objects.select_for_update().filter(pk=survey.pk).get()
    invited = set(survey.invitations.values_list("case_id", flat=True))
    expires_at = now + dt.timedelta(days=settings.AFTERSALES_SURVEY_LINK_DAYS)
    rows = []
    for case_id in surveyed_cases(first, last).values_list("pk", flat=True).iterator():
        if case_id in invited:
            continue
        token = new_token()
        rows.append(
            SurveyInvitation(
                survey=survey,
                case_id=case_id,
                token_hash=token_digest(token),
                pending_token=token,
                delivery=SurveyDelivery.HOTLINE,
                expires_at=expires_at,
            )
        )
    SurveyInvitation.objects.bulk_create(rows, batch_size=500)
    return {"quarter": quarter, "survey": survey.pk, "created": created, "invited": len(rows)}


@transaction.atomic
def invitation_read_out(*, user, invitation: SurveyInvitation) -> SurveyInvitation:
    """The hotline agent has read the link out to the customer: the plain token is dropped (only its digest
    stays), so the link is in no list any more. A second mark changes nothing."""
    if not (user.is_superuser or Role.HOTLINE_AGENT in roles_of(user)):
        raise PermissionError
    row = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if row.delivered_at is None:
        row.delivered_at = timezone.now()
        row.delivered_by = user
        row.pending_token = ""
        row.save(update_fields=["delivered_at", "delivered_by", "pending_token"])
    return row


def invitation_for_token(token: str, *, now: dt.datetime | None = None) -> tuple[SurveyInvitation | None, str]:
    """The open invitation behind ``token``, or (None, why it is refused): ``unknown``, ``expired``, ``answered``."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None, MissReason.UNKNOWN
    invitation = SurveyInvitation.objects.select_related("case").filter(token_hash=token_digest(token)).first()
    if invitation is None:
        return None, MissReason.UNKNOWN
    if invitation.answered_at is not None:
        return None, MissReason.ANSWERED
    if (now or timezone.now()) >= invitation.expires_at:
        return None, MissReason.EXPIRED
    return invitation, ""


def link_miss_count(*, reason: str, now: dt.datetime | None = None) -> None:
    """Count one refused link (per day and reason; QA sees the counts on the survey pages)."""
    day = timezone.localtime(now).date()
    updated = SurveyLinkMiss.objects.filter(day=day, reason=reason).update(count=F("count") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            SurveyLinkMiss.objects.create(day=day, reason=reason, count=1)
    except IntegrityError:  # created by a concurrent miss in between
        SurveyLinkMiss.objects.filter(day=day, reason=reason).update(count=F("count") + 1)


def invitation_answer(*, token: str, score, comment: str = "") -> tuple[SurveyInvitation | None, str]:
    """The customer's answer (1–5 and a comment), once. Returns (the invitation, "") or (None, the refusal reason).

    A bad score or comment is a ValidationError naming the field, and nothing is stored.
    """
    errors: dict[str, list[str]] = {}
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not SCORE_MIN <= value <= SCORE_MAX:
        errors["score"] = [_("Choose a score from 1 to 5.")]
    comment = (comment or "").strip()
    if "\x00" in comment:
        errors["comment"] = [_("The comment contains a character that cannot be stored.")]
    elif len(comment) > MAX_COMMENT:
        errors["comment"] = [_("Keep the comment under %(count)d characters.") % {"count": MAX_COMMENT}]
    with transaction.atomic():
        found, reason = invitation_for_token(token)
        if found is None:
            return None, reason
        if errors:
            raise ValidationError(errors)
        # Locked and checked again: two answers sent at once (a double tap) store one.
        row = SurveyInvitation.objects.select_for_update().get(pk=found.pk)
        if row.answered_at is not None:
            return None, MissReason.ANSWERED
        row.answered_at = timezone.now()
        row.score = value
        row.comment = comment
        row.pending_token = ""
        row.full_clean()
        row.save(update_fields=["answered_at", "score", "comment", "pending_token"])
    return row, ""
