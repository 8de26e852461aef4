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
    """Answer ``/healthz/`` (liveness) and ``/readyz/`` (readiness, aftersales/health.py) before anything reads the
    Host header or redirects to HTTPS."""

    path = "/healthz/"
    ready_path = "/readyz/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == self.path:
            from aftersales.views import healthz

            return healthz(request)
        if request.path == self.ready_path:
            from aftersales.health import readyz

            return readyz(request)
        return self.get_response(request)


class NullCharacterMiddleware:
    """Refuse a NUL byte in the query string or a posted form with a 400 before any view reads it.

    PostgreSQL cannot store NUL in text and raises on a query that compares with it (a 500), while SQLite simply
    finds nothing: a code filter such as ``?store=S0%0001`` or a form's code field answered 400 on one database
    and 500 on the other. No field of this product takes a NUL, so it is refused wherever it comes: under
    ``/api/`` as ``{field: [message]}`` like any bad input, in a page's query string as a plain 400. JSON bodies
    are checked by their serializers (DRF's CharField and ``ScopedSlugRelatedField``). A form posted to a page
    goes on to its Django form, whose fields refuse NUL themselves (``ProhibitNullCharactersValidator`` on every
    CharField, choices, model choices): the clerk sees the form again with the field's error and their input,
    not a bare text page. Placed after CsrfViewMiddleware, which reads a posted form first anyway, so reading
    it here changes nothing for the views.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        field = self._nul_field(request.GET)
        api = request.path.startswith("/api/")
        if field is None and api and request.method == "POST" and request.content_type in self.FORM_TYPES:
            field = self._nul_field(request.POST)
        if field is None:
            return None
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        message = _("Null characters are not allowed.")
        if api:
            return JsonResponse({field: [message]}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _nul_field(data) -> str | None:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values if isinstance(value, str)):
                return key.replace("\x00", "")
        return None
