"""One mapping from domain errors to HTTP answers for the whole API.

Bad input 400, unauthenticated 401, not allowed 403, outside scope 404,
wrong state or changed underneath 409 — and never a 500 for any input.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def _django_validation_detail(error: DjangoValidationError) -> dict | list:
    if hasattr(error, "error_dict"):
        return {
            ("detail" if field == "__all__" else field): [str(message) for message in messages]
            for field, messages in error.message_dict.items()
        }
    return {"detail": " ".join(str(message) for message in error.messages)}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(_django_validation_detail(exc))
    return drf_exception_handler(exc, context)
