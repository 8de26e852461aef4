"""Typed readers for settings that come from the environment.

Every reader records the variable's name in ``KNOWN_VARIABLES`` so a test can
check that ``.env.example`` and ``docker-compose.yml`` speak of exactly the
variables the settings module reads. A malformed value stops start-up with an
``ImproperlyConfigured`` that names the variable and what it expected, instead
of a confusing failure much later.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KNOWN_VARIABLES: set[str] = set()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: dict[str, str] | None = None) -> str | None:
    KNOWN_VARIABLES.add(name)
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "", *, environ: dict[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: dict[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), got {value!r}.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: dict[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, got {number}.")
    return number


def env_decimal(
    name: str, default: str, *, minimum: Decimal | None = Decimal("0"), environ: dict[str, str] | None = None
) -> Decimal:
    value = _raw(name, environ)
    text = default if value is None else value
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a decimal amount such as 50.00, got {text!r}.") from None
    if not number.is_finite():
        raise ImproperlyConfigured(f"{name} must be a finite decimal amount, got {text!r}.")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: list[str], *, environ: dict[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int_list(
    name: str, default: list[int], *, minimum: int | None = None, environ: dict[str, str] | None = None
) -> list[int]:
    """Comma-separated whole numbers (``3,1``); any item that is not one stops start-up naming the variable."""
    numbers = []
    for item in env_list(name, [str(number) for number in default], environ=environ):
        try:
            number = int(item)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be whole numbers separated by commas, got {item!r}.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must hold numbers of at least {minimum}, got {number}.")
        numbers.append(number)
    return numbers


def env_secret(name: str, default: str = "", *, environ: dict[str, str] | None = None) -> str:
    """Read ``NAME`` or, for Docker/Kubernetes secrets, the file named by ``NAME_FILE``."""
    file_name = _raw(f"{name}_FILE", environ)
    if file_name is not None:
        path = Path(file_name)
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE points to {file_name!r}, which cannot be read: {error}.") from None
    return env_str(name, default, environ=environ)
