"""The inbox 收件箱 pages: a user's own notifications, read and marked read; and the language switch.

Every page reads through ``notification_list(user)``, so another user's
message answers 404. The language switch wraps Django's ``set_language`` to
remember the choice (``UserPreference``) for e-mails rendered by the worker.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, ListView
from django.views.i18n import set_language

from aftersales.middleware import LANGUAGE_SESSION_KEY
from aftersales.models import Notification
from aftersales.notifications import notification_body_for_page, notification_link_label, notification_list
from aftersales.pagination import CappedPaginator
from aftersales.services import notification_mark_all_read, notification_mark_read, userpreference_set_language


class NotificationListView(LoginRequiredMixin, ListView):
    """The user's inbox, newest first; ``?unread=1`` shows unread messages only."""

    template_name = "aftersales/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50
    paginator_class = CappedPaginator
    title = _("Inbox")

    def unread_only(self) -> bool:
        return self.request.GET.get("unread") in {"1", "true"}

    def get_queryset(self):
        return notification_list(self.request.user, unread=True if self.unread_only() else None).only(
            "id", "kind", "subject", "url", "created_at", "read_at"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            title=self.title,
            unread_only=self.unread_only(),
            query_string="unread=1" if self.unread_only() else "",
        )


class NotificationDetailView(LoginRequiredMixin, DetailView):
    """One message; opening it marks it read (the user has now seen it)."""

    template_name = "aftersales/notification_detail.html"
    context_object_name = "notification"

    def get_queryset(self):
        return notification_list(self.request.user)

    def get_object(self, queryset=None):
        notification = super().get_object(queryset)
        if notification.read_at is None:
            notification = notification_mark_read(user=self.request.user, notification_id=notification.pk)
        return notification

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            title=self.object.subject,
            body=notification_body_for_page(self.object),
            link_label=notification_link_label(self.object),
        )


def _back(request, default: str) -> str:
    target = request.POST.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one message read (POST); htmx gets the updated row, a form post goes back to the list."""

    def post(self, request, pk: int):
        try:
            notification = notification_mark_read(user=request.user, notification_id=pk)
        except Notification.DoesNotExist:
            raise Http404 from None
        if request.htmx:
            # The row, and the menu's unread badge swapped out of band so its count drops at once.
            return render(request, "aftersales/partials/_notification_read.html", {"notification": notification})
        return HttpResponseRedirect(_back(request, reverse("inbox:notification_list")))


class NotificationReadAllView(LoginRequiredMixin, View):
    """Mark every unread message of the user's inbox read (POST)."""

    def post(self, request):
        changed = notification_mark_all_read(user=request.user)
        messages.success(
            request,
            ngettext("%(count)d message marked read.", "%(count)d messages marked read.", changed) % {"count": changed},
        )
        return HttpResponseRedirect(_back(request, reverse("inbox:notification_list")))


def language_set(request):
    """Django's language switch, remembering the choice for the user's pages (this session), e-mails and
    notifications (``UserPreference``, read again at the next login on any device)."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        userpreference_set_language(user=request.user, language=language)
        request.session[LANGUAGE_SESSION_KEY] = language
    return response


class LanguageRestoringLoginView(LoginView):
    """The login page; signing in restores the user's saved language for the pages (the messages already use it).

    Without a saved preference, a language picked on the login page just before is the user's choice and is
    saved; otherwise the product speaks Chinese. The browser's cookie is set to the user's language, so the
    next person at a shared counter PC does not inherit it unseen (their own login restores theirs).
    """

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        saved = saved_language(user)
        if not saved:
            picked = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            saved = picked if picked in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
            if picked == saved:
                userpreference_set_language(user=user, language=saved)
        self.request.session[LANGUAGE_SESSION_KEY] = saved
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            saved,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response


class LanguageForgettingLogoutView(LogoutView):
    """Logging out forgets the language in the browser, so the next person at a shared PC starts in Chinese
    (or in the language they pick on the login page) and never inherits the previous user's choice."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN
        )
        return response


def saved_language(user) -> str:
    """The language the user saved with the switch, or "" when they never chose one."""
    from aftersales.models import UserPreference

    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or ""
    return language if language in dict(settings.LANGUAGES) else ""


app_name = "inbox"
urlpatterns = [
    path("inbox/", NotificationListView.as_view(), name="notification_list"),
    path("inbox/read-all/", NotificationReadAllView.as_view(), name="notification_read_all"),
    path("inbox/<int:pk>/", NotificationDetailView.as_view(), name="notification_detail"),
    path("inbox/<int:pk>/read/", NotificationReadView.as_view(), name="notification_read"),
    # Same address as Django's set_language (base.html's form posts there); matched first, see aftersales/urls.py.
    path("i18n/setlang/", language_set, name="language_set"),
]
