"""The admin of work chat channels 工作群通知: which kinds of message go to which robot, and what came of it.

A channel that is failing or was switched off says so in its list (in red, with the robot's last answer) and in
a banner over the list; the action "Switch on again" resets its count of failures; "Send a test message" posts a
short message now.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template import engines
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from messaging.choices import DeliveryState
from messaging.models import ChatChannel, ChatDelivery, ChatDeliveryAttempt, ReportMailing, ReportSubscription


def known_kinds() -> list[tuple[str, str]]:
    """Message kinds a channel may take: the notifications' e-mail templates (``emails/<kind>_subject.txt``)."""
    found: set[str] = set()
    for engine in engines.all():
        for folder in getattr(engine, "template_dirs", ()):
            for path in Path(folder).glob("emails/*_subject.txt"):
                found.add(path.name.removesuffix("_subject.txt"))
    return [(kind, kind) for kind in sorted(found)]


class ChatChannelForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Message kinds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of message this robot receives; none: it receives nothing."),
    )

    class Meta:
        model = ChatChannel
        fields = ["name", "platform", "webhook_url", "secret", "kinds", "region", "store", "role", "active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = [(kind, kind) for kind in (self.instance.kinds or []) if kind not in dict(known_kinds())]
        self.fields["kinds"].choices = known_kinds() + stored


class ChatDeliveryInline(admin.TabularInline):
    model = ChatDelivery
    fields = ["created_at", "kind", "title", "state", "attempts", "last_error", "sent_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-id")


@admin.register(ChatChannel)
class ChatChannelAdmin(admin.ModelAdmin):
    form = ChatChannelForm
    list_display = ["name", "platform", "scope", "active", "health"]
    list_filter = ["platform", "active"]
    search_fields = ["name"]
    readonly_fields = ["consecutive_failures", "last_error", "last_sent_at", "disabled_at"]
    inlines = [ChatDeliveryInline]
    actions = ["switch_on", "send_test_message"]

    @admin.display(description=_("for"))
    def scope(self, channel: ChatChannel) -> str:
        if channel.store_id:
            return f"{gettext('Store')} {channel.store}"
        if channel.region_id:
            return f"{gettext('Region')} {channel.region}"
        if channel.role:
            return f"{gettext('Role')} {channel.get_role_display()}"
        return gettext("Everyone")

    @admin.display(description=_("state"))
    def health(self, channel: ChatChannel):
        if channel.disabled_at:
            return format_html(
                '<strong style="color:#b00020">{}</strong><br><span style="color:#b00020">{}</span>',
                gettext("Switched off on %(date)s after %(count)s failures in a row.")
                % {
                    "date": timezone.localtime(channel.disabled_at).strftime("%Y-%m-%d %H:%M"),
                    "count": channel.consecutive_failures,
                },  # fmt: skip
                channel.last_error,
            )
        if channel.consecutive_failures:
            return format_html(
                '<span style="color:#b00020">{}</span><br><span style="color:#b00020">{}</span>',
                gettext("%(count)s failures in a row") % {"count": channel.consecutive_failures},
                channel.last_error,
            )
        if channel.last_sent_at:
            return gettext("Working; last message %(date)s") % {
                "date": timezone.localtime(channel.last_sent_at).strftime("%Y-%m-%d %H:%M")
            }
        return gettext("Nothing sent yet")

    def changelist_view(self, request, extra_context=None):
        off = ChatChannel.objects.filter(disabled_at__isnull=False, active=False)
        for channel in off:
            messages.error(
                request,
                gettext("The channel %(name)s was switched off after %(count)s failures in a row: %(error)s")
                % {"name": channel.name, "count": channel.consecutive_failures, "error": channel.last_error},
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Switch on again (the count of failures starts over)"))
    def switch_on(self, request, queryset):
        from messaging.services import chatchannel_switch_on

        for channel in queryset:
            chatchannel_switch_on(channel=channel)
        self.message_user(request, gettext("Switched on: %(count)s.") % {"count": queryset.count()})

    @admin.action(description=_("Send a test message"))
    def send_test_message(self, request, queryset):
        from messaging.services import chatchannel_test

        for channel in queryset:
            delivery = chatchannel_test(channel=channel, user=request.user)
            level = messages.SUCCESS if delivery.state == DeliveryState.SENT else messages.ERROR
            self.message_user(
                request,
                gettext("%(name)s: %(state)s %(error)s")
                % {"name": channel.name, "state": delivery.get_state_display(), "error": delivery.last_error},
                level,
            )


class ChatDeliveryAttemptInline(admin.TabularInline):
    model = ChatDeliveryAttempt
    fields = ["at", "ok", "status_code", "error", "response"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(ChatDelivery)
class ChatDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "kind", "title", "state", "attempts", "last_error"]
    list_filter = ["state", "channel", "kind"]
    list_select_related = ["channel"]
    readonly_fields = ["channel", "kind", "digest", "title", "text", "state", "attempts", "last_error", "sent_at"]
    inlines = [ChatDeliveryAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False


class ReportMailingInline(admin.TabularInline):
    model = ReportMailing
    fields = ["sent_at", "period", "address", "run", "attached", "resend"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["kind", "user", "addresses", "language", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["user__username", "addresses"]
    autocomplete_fields = ["user"]
    fields = ["kind", "user", "addresses", "language", "active"]
    inlines = [ReportMailingInline]
    actions = ["send_again"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            kwargs["widget"] = forms.Select(choices=settings.LANGUAGES)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.action(description=_("Send the newest report again"))
    def send_again(self, request, queryset):
        from messaging.subscriptions import report_subscriptions_resend_newest

        sent = report_subscriptions_resend_newest(subscriptions=list(queryset))
        self.message_user(request, gettext("Sent: %(count)s.") % {"count": sent})
