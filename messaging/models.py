"""Work chat channels 工作群通知: a WeCom or DingTalk group robot that also receives some of the notifications.

A channel is configured in the admin: its platform, the robot's incoming-webhook address (and DingTalk's signing
secret), which kinds of message it takes, and whose messages: a region's, a store's or a role's. Each message
posted is a ``ChatDelivery`` with one ``ChatDeliveryAttempt`` per try; a channel that keeps failing is switched
off with a notice (``messaging.services``), not retried forever.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.models import TimeStampedModel
from aftersales.roles import Role
from messaging.choices import DeliveryState, Platform
from reports.choices import ReportKind


class ChatChannel(TimeStampedModel):
    """A group robot 群机器人 of WeCom 企业微信 or DingTalk 钉钉 and what it receives.

    Rule: a channel is for one region, one store or one role, or for everyone when none is set; it takes the
    message kinds listed in ``kinds`` only.
    """

    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    webhook_url = models.CharField(
        _("webhook address"),
        max_length=500,
        validators=[URLValidator(schemes=["https", "http"])],
        help_text=_("The group robot's incoming-webhook address, with its access token."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk only: the robot's SEC… secret when it signs its messages (加签)."),
    )
    kinds = models.JSONField(_("message kinds"), default=list, blank=True)
    region = models.ForeignKey(
        "stores.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    store = models.ForeignKey(
        "stores.Store", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("store")
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices, blank=True)
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("switched off at"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("work chat channel")
        verbose_name_plural = _("work chat channels")
        constraints = [
            # One scope at most: a region, a store or a role (none: every message of its kinds).
            models.CheckConstraint(
                condition=~Q(region__isnull=False, store__isnull=False)
                & ~(Q(region__isnull=False) & ~Q(role=""))
                & ~(Q(store__isnull=False) & ~Q(role="")),
                name="chatchannel_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        scopes = [bool(self.region_id), bool(self.store_id), bool(self.role)]
        if sum(scopes) > 1:
            raise ValidationError(_("Choose a region, a store or a role, not several."))
        if self.secret and self.platform != Platform.DINGTALK:
            raise ValidationError({"secret": [_("Only DingTalk robots sign their messages.")]})


class ChatDelivery(models.Model):
    """One message posted (or to be posted) to one channel; the same message is posted to a channel once."""

    channel = models.ForeignKey(
        ChatChannel, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("channel")
    )
    kind = models.CharField(_("kind"), max_length=40)
    # The message's fingerprint: a second identical message (the same digest to two recipients) is not reposted.
    digest = models.CharField(_("fingerprint"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    state = models.CharField(_("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("chat delivery")
        verbose_name_plural = _("chat deliveries")
        constraints = [models.UniqueConstraint(fields=["channel", "digest"], name="chatdelivery_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.channel}: {self.title}"


class ChatDeliveryAttempt(models.Model):
    """One try to post a delivery: when, what the robot answered, or the connection error."""

    delivery = models.ForeignKey(
        ChatDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response = models.TextField(_("answer"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}"


class ReportSubscription(TimeStampedModel):
    """A subscription 报表订阅 to a monthly report: when the month's build is done, its summary and files are mailed.

    Either a user's own (mailed in the user's language, cut to the user's scope: a store's staff get their stores'
    figures) or, set up in the admin, a list of addresses (mailed the whole brand's report in ``language``).
    """

    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="report_subscriptions",
        verbose_name=_("user"),
    )  # fmt: skip
    addresses = models.TextField(
        _("e-mail addresses"), blank=True, help_text=_("One address per line (for people without a login).")
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans", blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user"], condition=Q(user__isnull=False), name="reportsubscription_once_per_user"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(addresses=""), name="reportsubscription_has_recipient"
            ),
        ]

    def __str__(self) -> str:
        who = self.user if self.user_id else ", ".join(self.address_list())
        return f"{self.get_kind_display()}: {who}"

    def address_list(self) -> list[str]:
        return [line.strip() for line in self.addresses.replace(",", "\n").splitlines() if line.strip()]

    def clean(self) -> None:
        from django.core.validators import validate_email

        if not self.user_id and not self.address_list():
            raise ValidationError(_("Choose a user or list at least one address."))
        for address in self.address_list():
            try:
                validate_email(address)
            except ValidationError as error:
                message = _("%(address)s is not an e-mail address.") % {"address": address}
                raise ValidationError({"addresses": [message]}) from error


class ReportMailing(models.Model):
    """That one month's report was mailed to one address of a subscription, so a rebuild does not mail it again.

    ``resend`` rows are the extra mailings someone asked for; the unique constraint holds the first one only.
    """

    subscription = models.ForeignKey(
        ReportSubscription, on_delete=models.CASCADE, related_name="mailings", verbose_name=_("subscription")
    )
    run = models.ForeignKey(
        "reports.ReportRun", on_delete=models.CASCADE, related_name="+", verbose_name=_("report run")
    )
    kind = models.CharField(_("report"), max_length=20)
    period = models.DateField(_("period"))
    address = models.EmailField(_("address"))
    resend = models.BooleanField(_("sent again on request"), default=False)
    attached = models.BooleanField(_("files attached"), default=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("report mailing")
        verbose_name_plural = _("report mailings")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period", "address"],
                condition=Q(resend=False),
                name="reportmailing_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period:%Y-%m} → {self.address}"
