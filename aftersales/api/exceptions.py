"""One mapping from domain errors to HTTP answers for the whole API.

Bad input 400, unauthenticated 401, not allowed 403, outside scope 404,
wrong state or changed underneath 409 — and never a 500 for any input.
A refused transition (``aftersales.fsm.TransitionError``) answers its own
``status`` with ``{"detail": message}``; django-fsm's ``ConcurrentTransition``
(the row changed between read and save) is a 409 like a wrong state.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django_fsm import ConcurrentTransition
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from aftersales.fsm import CONCURRENT_CHANGE_MESSAGE, TransitionError


def _django_validation_detail(error: DjangoValidationError) -> dict | list:
    if hasattr(error, "error_dict"):
        return {
            ("detail" if field == "__all__" else field): [str(message) for message in messages]
            for field, messages in error.message_dict.items()
        }
    return {"detail": " ".join(str(message) for message in error.messages)}


def exception_handler(exc, context):
    if isinstance(exc, TransitionError):
        set_rollback()
        return Response({"detail": str(exc.message)}, status=exc.status)
    if isinstance(exc, ConcurrentTransition):
        set_rollback()
        return Response({"detail": str(CONCURRENT_CHANGE_MESSAGE)}, status=409)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(_django_validation_detail(exc))
    return drf_exception_handler(exc, context)
