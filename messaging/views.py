"""The user's own report subscriptions 我的报表订阅: tick the monthly reports to receive by e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from aftersales.roles import has_role_permission
from messaging.models import ReportSubscription
from messaging.subscriptions import report_subscription_set
from reports.choices import ReportKind
from reports.selectors import report_kinds_for


class SubscriptionView(LoginRequiredMixin, View):
    """Which monthly reports the user receives by e-mail when they are built (their own figures)."""

    template_name = "messaging/subscriptions.html"

    def check(self, request) -> None:
        if not has_role_permission(request.user, "reports.view_reportrun"):
            raise PermissionDenied

    def get(self, request):
        self.check(request)
        chosen = set(ReportSubscription.objects.filter(user=request.user, active=True).values_list("kind", flat=True))
        allowed = report_kinds_for(request.user)
        context = {
            "title": _("My report subscriptions"),
            "kinds": [(value, label, value in chosen) for value, label in ReportKind.choices if value in allowed],
            "has_email": bool(request.user.email),
        }
        return render(request, self.template_name, context)

    def post(self, request):
        self.check(request)
        kinds = request.POST.getlist("kinds")
        if any(kind not in report_kinds_for(request.user) for kind in kinds):
            return render(
                request,
                self.template_name,
                {"title": _("My report subscriptions"), "kinds": [], "error": _("Unknown report.")},
                status=400,
            )
        report_subscription_set(user=request.user, kinds=kinds)
        messages.success(request, _("Your report subscriptions were saved."))
        return HttpResponseRedirect(reverse("messaging:subscriptions"))
