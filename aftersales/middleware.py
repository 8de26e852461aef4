"""Language selection: Simplified Chinese unless the user chose otherwise."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

#: The signed-in user's language, copied from ``UserPreference`` at login and on each switch.
LANGUAGE_SESSION_KEY = "aftersales_language"


class PreferredLanguageMiddleware:
    """Activate the signed-in user's saved language, else the one picked with the switch, else Chinese.

    Django's own LocaleMiddleware follows the browser's Accept-Language, which
    would show English to a store whose PC happens to run an English browser;
    our users are Chinese businesses, so the product speaks Chinese until
    someone switches. API clients may still ask by Accept-Language, as
    programs cannot click a switch.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def _language_for(request) -> str:
        # Signed in: the user's saved preference (put in the session at login and on every switch) is the one
        # source of truth, for the pages as for the messages; the browser's cookie may be another user's choice.
        session = getattr(request, "session", None)
        chosen = session.get(LANGUAGE_SESSION_KEY) if session is not None else None
        if chosen in dict(settings.LANGUAGES):
            return chosen
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                # A stale or hand-made cookie ("fr", garbage) falls back to the default, never a 500.
                return trans_real.get_supported_language_variant(chosen)
            except LookupError:
                pass
        if request.path.startswith("/api/") and request.headers.get("Accept-Language"):
            return trans_real.get_language_from_request(request)
        return settings.LANGUAGE_CODE


class HealthCheckMiddleware:
    """Answer ``/healthz/`` before anything reads the Host header or redirects to HTTPS."""

    path = "/healthz/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == self.path:
            from aftersales.views import healthz

            return healthz(request)
        return self.get_response(request)
