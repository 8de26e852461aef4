"""The status page's unguessable link 进度查询链接: a Return's number signed with the project's secret.

The token is ``<return number>.<signature>`` (``django.core.signing.Signer``, HMAC-SHA256 under a salt of its
own), so nothing is stored and nothing can be enumerated: without the secret no valid token for another number
can be made, and a wrong one is a 404 that the page counts (``customerview.throttle``). A key rotation keeps
printed receipts working through ``SECRET_KEY_FALLBACKS``, which the signer honours. The link stops working some
time after the unit is back with the customer (``AFTERSALES_STATUS_LINK_DAYS``, ``customerview.progress``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "customerview.status-link"
#: Longest token accepted: a return number (20) + "." + the signature (43); anything longer is not ours.
MAX_TOKEN_LENGTH = 80
# RFC 3986's unreserved characters: a path segment of these is never escaped by reverse().
_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, sep=".")


def status_token(number: str) -> str:
    """The token of a Return's status page, from its number."""
    return _signer().sign(number)


def number_from_token(token: str) -> str | None:
    """The return number a token was signed for, or None for a token this site did not sign."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        return _signer().unsign(token)
    except signing.BadSignature:
        return None


def status_path(number: str) -> str:
    return status_path_for_token(status_token(number))


def status_url(number: str) -> str:
    """The absolute link printed as the receipt's QR code and shown in the API (``AFTERSALES_SITE_URL``): a
    receipt is read away from the request that printed it, so the site's public address, not the request's."""
    return settings.AFTERSALES_SITE_URL + status_path(number)


def status_url_maker():
    """``status_url`` for many Returns (a page of the API list): the signer made and the path reversed once, then
    only each number's signature per Return. The same links as ``status_url``, byte for byte."""
    signer = _signer()
    site = settings.AFTERSALES_SITE_URL
    # A token of URL-safe characters goes into the path unchanged, so the path around it is the same for every one.
    sample = signer.sign("0")
    head, found, tail = status_path_for_token(sample).partition(sample)
    if not found:
        return status_url
    prefix = site + head

    def make(number: str) -> str:
        token = signer.sign(number)
        if _URL_SAFE.fullmatch(token) is None:
            return site + status_path_for_token(token)
        return prefix + token + tail

    return make


def status_path_for_token(token: str) -> str:
    return reverse("customerview:status", kwargs={"token": token})


# --- A service case's status page (servicedesk) -------------------------------------------------------------------

CASE_SALT = "customerview.case-status-link"


def _case_signer() -> signing.Signer:
    # A salt of its own: a Return's token is never a case's, and the other way round.
    return signing.Signer(salt=CASE_SALT, sep=".")


def case_status_token(number: str) -> str:
    """The token of a service case's status page, from its number (``SC-YYYYMM-NNNNN``)."""
    return _case_signer().sign(number)


def case_number_from_token(token: str) -> str | None:
    """The case number a token was signed for, or None for a token this site did not sign."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        return _case_signer().unsign(token)
    except signing.BadSignature:
        return None


def case_status_path(number: str) -> str:
    return reverse("customerview:case_status", kwargs={"token": case_status_token(number)})


def case_status_url(number: str) -> str:
    """The absolute link of a service case's status page, for the agent to send (``AFTERSALES_SITE_URL``)."""
    return settings.AFTERSALES_SITE_URL + case_status_path(number)
