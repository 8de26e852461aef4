"""Input of a transition endpoint, checked in the order ``aftersales.fsm.fire`` answers: 409, then 403, then 400.

An input serializer validates before the service runs, so on its own it
would answer 400 for a request that is also from the wrong state or the
wrong role. When the input is bad, the transition is tried with a ``before``
callback that raises the input errors: ``fire`` then refuses with 409 or 403
first if those apply, and only otherwise with the 400 — and, as every
refusal, changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from aftersales.fsm import fire


def valid_input(
    serializer: serializers.Serializer,
    *,
    instance: models.Model | None = None,
    transition: str = "",
    user=None,
    refuse: Callable[[], Exception | None] | None = None,
) -> dict:
    """The serializer's validated data; for bad input, the refusal ``fire`` (or ``refuse``) gives first, else 400.

    ``refuse`` is for actions that are not transitions (a repair ticket's
    update, a photo, a new record): the service's own rule (an
    ``aftersales.fsm.Guard``'s ``refusal``), raising or returning the 409 or
    403 the service would give first.
    """
    if serializer.is_valid():
        return serializer.validated_data
    errors = serializer.errors
    if refuse is not None:
        refused = refuse()
        if refused is not None:
            raise refused
    elif instance is not None:

        def raise_input_errors(_row) -> None:
            raise ValidationError(errors)

        fire(instance, transition, user=user, before=raise_input_errors)
    raise ValidationError(errors)
