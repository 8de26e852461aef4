"""Courier tracking numbers 快递单号: each carrier the brand uses, its number pattern and its tracking page.

The carriers live in ``settings.AFTERSALES_CARRIERS`` (code → name, aliases, pattern, tracking URL), so a new
courier or a changed number format is a settings change. A shipment's ``carrier`` stays free text (a store may
use its own van or a local courier), but when it names a known carrier, by code, name or alias (``顺丰``,
``SF``, ``SF Express``), the tracking number must match that carrier's pattern: a mistyped number is refused
with a 400 naming ``tracking_no`` before the parcel leaves, and a good one links to the carrier's page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    aliases: tuple[str, ...]
    pattern: str
    tracking_url: str
    example: str = ""

    def matches(self, tracking_no: str) -> bool:
        return re.fullmatch(self.pattern, tracking_no) is not None

    def url_for(self, tracking_no: str) -> str:
        return self.tracking_url.replace("{number}", quote(tracking_no, safe="")) if self.tracking_url else ""


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


def carriers() -> list[Carrier]:
    """The configured carriers, in settings order."""
    return [
        Carrier(
            code=code,
            name=spec.get("name", code),
            aliases=tuple(spec.get("aliases", ())),
            pattern=spec["pattern"],
            tracking_url=spec.get("tracking_url", ""),
            example=spec.get("example", ""),
        )
        for code, spec in settings.AFTERSALES_CARRIERS.items()
    ]


def carrier_for(text: str) -> Carrier | None:
    """The known carrier a shipment's ``carrier`` text names (code, name or alias, any case or spacing), else None."""
    key = _key(text or "")
    if not key:
        return None
    for carrier in carriers():
        if key in {_key(carrier.code), _key(carrier.name), *(_key(alias) for alias in carrier.aliases)}:
            return carrier
    return None


def normalise_tracking_no(tracking_no: str) -> str:
    """A tracking number as couriers print it: no spaces or hyphens, letters in upper case."""
    return re.sub(r"[\s\-]", "", tracking_no or "").upper()


def tracking_no_clean(*, carrier: str, tracking_no: str) -> str:
    """The tracking number to store: normalised when the carrier is known and the number fits its pattern.

    Raises ``ValidationError({"tracking_no": [...]})`` when a known carrier's number does not fit; a number for
    an unknown carrier (own delivery, a local courier) is kept as typed, stripped.
    """
    known = carrier_for(carrier)
    if known is None or not (tracking_no or "").strip():
        return (tracking_no or "").strip()
    number = normalise_tracking_no(tracking_no)
    if not known.matches(number):
        message = _("%(number)s is not a %(carrier)s tracking number.") % {"number": number, "carrier": known.name}
        if known.example:
            message += " " + _("It looks like %(example)s.") % {"example": known.example}
        raise ValidationError({"tracking_no": [message]})
    return number


def tracking_url(*, carrier: str, tracking_no: str) -> str:
    """The carrier's own tracking page for this number, or "" (unknown carrier, no number, or a number that does
    not fit, which no page would find)."""
    known = carrier_for(carrier)
    number = normalise_tracking_no(tracking_no)
    if known is None or not number or not known.matches(number):
        return ""
    return known.url_for(number)
