"""Writes of the satisfaction survey 满意度调查: the quarterly build, mailing a link, reading a link out, the
customer's answer, and the count of links that answered 404.

The build is idempotent: the survey is one row per quarter (``get_or_create``) and an invitation one row per
(survey, case) (a unique constraint), so running it twice, by beat or by QA, creates nothing new.

A customer with an e-mail address gets the link by e-mail (``SurveyDelivery.EMAIL``), sent by
``quality.tasks.survey_invitations_email_task`` once the build has committed; anyone else has it read out by
the hotline. A mailed link is marked delivered (and its plain token dropped) only once the mail server took
it, under the invitation's row lock: a failed send leaves it waiting for the task's retry or the next build,
and a delivered one is never mailed twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.notifications import absolute_url
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

logger = logging.getLogger(__name__)

#: What a failed send raises (the mail server refused or was away): the invitation stays waiting for a retry.
MAIL_ERRORS: tuple[type[BaseException], ...] = (SMTPException, OSError)

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
    """The quarter's closed cases whose customer consented and can still be reached (not anonymised, with a
    phone or an e-mail address)."""
    return (
        ServiceCase.objects.filter(
            state=CaseState.CLOSED,
            closed_at__gte=_local_midnight(first),
            closed_at__lt=_local_midnight(last + dt.timedelta(days=1)),
            customer__consent_at__isnull=False,
            customer__erased_at__isnull=True,
        )
        .exclude(customer__phone="", customer__email="")
        .order_by("pk")
    )


def survey_link(token: str) -> str:
    """The short link mailed or read out to the customer (the site's public address, not a request's)."""
    return absolute_url(reverse("quality:survey_answer", kwargs={"token": token}))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@transaction.atomic
def survey_build(*, quarter: str, user=None, now: dt.datetime | None = None) -> dict:
    """Build (or complete) the survey of ``quarter``: one invitation per surveyed case not yet invited.

    ``user`` is QA asking on demand (None for beat). Only a quarter that is over can be surveyed. A customer
    with an e-mail address is mailed the link once the build commits; the others' links are read out by the
    hotline. Links mailed earlier whose send failed are queued again, so a second build mails only those.
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
    for case_id, email in surveyed_cases(first, last).values_list("pk", "customer__email").iterator():
        if case_id in invited:
            continue
        token = new_token()
        rows.append(
            SurveyInvitation(
                survey=survey,
                case_id=case_id,
                token_hash=token_digest(token),
                pending_token=token,
                delivery=SurveyDelivery.EMAIL if email else SurveyDelivery.HOTLINE,
                expires_at=expires_at,
            )
        )
    SurveyInvitation.objects.bulk_create(rows, batch_size=500)
    to_mail = list(unsent_emails(survey=survey, now=now).values_list("pk", flat=True))
    if to_mail:
        from quality.tasks import survey_invitations_email_task

        transaction.on_commit(lambda: survey_invitations_email_task.delay(to_mail))
    return {"quarter": quarter, "survey": survey.pk, "created": created, "invited": len(rows), "to_mail": len(to_mail)}


def unsent_emails(*, survey: SatisfactionSurvey, now: dt.datetime | None = None):
    """The survey's links to mail that the mail server has not taken yet (new, or a send that failed), still
    open (not answered, not expired)."""
    return (
        SurveyInvitation.objects.filter(
            survey=survey,
            delivery=SurveyDelivery.EMAIL,
            delivered_at__isnull=True,
            answered_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )
        .exclude(pending_token="")
        .order_by("pk")
    )


def invitation_email_send(*, invitation_id: int) -> str:
    """Mail one invitation's link to its customer: ``"sent"``, or ``"skipped"`` when there is nothing to send
    (delivered already, answered, expired, no address any more). A failed send raises (``MAIL_ERRORS``) and
    changes nothing, so the link stays waiting with its plain token for a retry.

    The row stays locked while the mail goes out: a second send of the same invitation (a redelivered task,
    a build running at the same time) waits, then finds it delivered and sends nothing.
    """
    with transaction.atomic():
        row = (
            SurveyInvitation.objects.select_for_update(of=("self",))
            .select_related("survey", "case__customer")
            .filter(pk=invitation_id)
            .first()
        )
        customer = row.case.customer if row is not None else None
        if (
            row is None
            or row.delivery != SurveyDelivery.EMAIL
            or row.delivered_at is not None
            or row.answered_at is not None
            or not row.pending_token
            or timezone.now() >= row.expires_at
            or customer is None
            or not customer.email
            or customer.erased_at is not None
        ):
            return "skipped"
        _invitation_mail(row, customer).send()
        row.delivered_at = timezone.now()
        row.pending_token = ""
        row.save(update_fields=["delivered_at", "pending_token"])
    return "sent"


def _invitation_mail(row: SurveyInvitation, customer) -> EmailMultiAlternatives:
    """The invitation mail, in the product's language: the quarter, the link and its expiry date, and nothing
    personal beyond a greeting by name."""
    context = {
        "name": customer.name,
        "quarter": row.survey.quarter,
        "link": survey_link(row.pending_token),
        "expires_on": timezone.localtime(row.expires_at).date(),
        "brand": settings.AFTERSALES_COMPANY_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("emails/survey_invitation_subject.txt", context).split())
        text = render_to_string("emails/survey_invitation_body.txt", context).strip()
        html = render_to_string("emails/survey_invitation_body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[customer.email])
    message.attach_alternative(html, "text/html")
    return message


def survey_invitations_email(*, invitation_ids) -> dict:
    """Mail each of these invitations (``invitation_email_send``); answers how many were sent and skipped, and
    the ids whose send failed (to be tried again)."""
    summary: dict = {"sent": 0, "skipped": 0, "failed": []}
    for invitation_id in invitation_ids:
        try:
            status = invitation_email_send(invitation_id=invitation_id)
        except MAIL_ERRORS:
            logger.exception("Mailing survey invitation %s failed", invitation_id)
            summary["failed"].append(invitation_id)
            continue
        summary[status] += 1
    return summary


def survey_emails_resend(*, user, survey: SatisfactionSurvey) -> int:
    """QA's "send again": queue the survey's links whose mail has not gone out yet; answers how many."""
    if not (user.is_superuser or Role.QA_MANAGER in roles_of(user)):
        raise PermissionError
    to_mail = list(unsent_emails(survey=survey).values_list("pk", flat=True))
    if to_mail:
        from quality.tasks import survey_invitations_email_task

        transaction.on_commit(lambda: survey_invitations_email_task.delay(to_mail))
    return len(to_mail)


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
