"""The quarterly satisfaction survey 满意度调查: one unguessable, expiring, one-time link per closed case.

Each quarter's survey (``YYYY-Qn``) invites the customers of the quarter's closed service cases who consented
to be contacted. The link's token (``secrets.token_urlsafe``, 128 bits) is stored only as its SHA-256 digest,
so a copy of the database opens no survey; the plain token is kept in ``pending_token`` only until it has been
delivered (e-mailed, or read out by the hotline), then blanked. A reused, expired or unknown token is a 404 on
the public page and is counted per day and reason in ``SurveyLinkMiss``, which QA sees.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.models import ScopedQuerySet
from aftersales.roles import Role, roles_of

SCORE_MIN = 1
SCORE_MAX = 5
MAX_COMMENT = 1000


def token_digest(token: str) -> str:
    """The stored form of a survey token: its SHA-256 digest (hex), the only column the page looks up."""
    return hashlib.sha256(token.encode()).hexdigest()


class SurveyDelivery(models.TextChoices):
    """How the link reaches the customer."""

    EMAIL = "email", _("By e-mail")
    HOTLINE = "hotline", _("Read out by the hotline")


class MissReason(models.TextChoices):
    """Why a survey link answered 404."""

    UNKNOWN = "unknown", _("Unknown token")
    EXPIRED = "expired", _("Expired link")
    ANSWERED = "answered", _("Already answered")


class SurveyQuerySet(ScopedQuerySet):
    """QA runs the surveys and reads the results; the hotline reads out the links. Nobody else sees them."""

    readers = frozenset({Role.QA_MANAGER, Role.HOTLINE_AGENT})

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or roles_of(user) & self.readers:
            return self
        return self.none()


class SatisfactionSurvey(models.Model):
    """满意度调查 of one quarter: built once (by beat on the 1st of the next quarter, or on demand by QA)."""

    quarter = models.CharField(_("quarter"), max_length=7, unique=True, help_text=_("YYYY-Qn"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)
    # Empty when the quarterly task built it.
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("built by"),
    )  # fmt: skip

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self) -> str:
        return self.quarter


class SurveyInvitation(models.Model):
    """One customer's link for one closed service case: answered once (1–5 and a comment) before it expires."""

    survey = models.ForeignKey(
        SatisfactionSurvey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey")
    )
    case = models.ForeignKey(
        "servicedesk.ServiceCase", on_delete=models.PROTECT, related_name="survey_invitations",
        verbose_name=_("service case"),
    )  # fmt: skip
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    # The plain token until the link has been delivered; blank afterwards (only the digest stays).
    pending_token = models.CharField(_("link not yet delivered"), max_length=64, blank=True, editable=False)
    delivery = models.CharField(_("delivery"), max_length=10, choices=SurveyDelivery.choices)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("read out by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(_("comment"), max_length=MAX_COMMENT, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            # The quarterly build's idempotency key: a case is invited once per survey.
            models.UniqueConstraint(fields=["survey", "case"], name="surveyinvitation_once_per_case"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="surveyinvitation_score_1_to_5",
            ),
            # Answered means scored, and a score only with its answer time.
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, score__isnull=True)
                | Q(answered_at__isnull=False, score__isnull=False),
                name="surveyinvitation_answer_has_score",
            ),
        ]
        indexes = [
            # The hotline's list: links of hotline delivery not yet read out.
            models.Index(
                fields=["survey", "id"], condition=Q(delivered_at__isnull=True), name="surveyinv_undelivered_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.case_id}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class SurveyLinkMiss(models.Model):
    """How many times a survey link answered 404 on one day, by reason: the attempts QA sees (unbounded rows are
    never written per attempt, so hammering the page cannot grow the table; the rate limit bounds the count)."""

    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=10, choices=MissReason.choices)
    count = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-day", "reason"]
        verbose_name = _("survey link miss")
        verbose_name_plural = _("survey link misses")
        constraints = [models.UniqueConstraint(fields=["day", "reason"], name="surveylinkmiss_once_per_day_reason")]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} {self.count}"
