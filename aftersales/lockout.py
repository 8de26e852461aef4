"""Login throttling (django-axes): what a locked-out login sees, and whose address counts.

After ``AXES_FAILURE_LIMIT`` wrong passwords for one username, or from one address, further attempts are refused
for ``AXES_COOLOFF_TIME`` without checking the password (so a wrong-password flood no longer burns the CPU on the
password hash either), on the login page, the API's token endpoint and the admin alike. An administrator lifts a
lock early in the admin (Axes → access attempts: delete the row) or with ``manage.py axes_reset_username``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def cool_off_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    return _(
        "Too many failed login attempts. This login (or this computer) is locked for %(minutes)s minutes; "
        "try again later, or ask an administrator to unlock it."
    ) % {"minutes": cool_off_minutes()}


def lockout_response(request, original_response=None, credentials=None):
    """429: JSON under /api/, else the login page with the message (and no form to keep trying)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    return render(request, "registration/locked_out.html", {"message": lockout_message()}, status=429)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind the TLS proxy (DJANGO_SECURE_PROXY_SSL_HEADER) the address it
    forwarded (the last X-Forwarded-For entry, the one the proxy itself appended). Without this every user behind
    the proxy would share its address and one person's typos would lock out everyone."""
    if settings.AFTERSALES_BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
