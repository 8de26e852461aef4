"""The one way every state change happens: ``fire``, and the errors it raises.

``fire`` locks the row, then checks in this order — the transition exists
from the current state (else 409), the user may fire it (else 403), the
input and the transition's conditions hold (else 400) — and only then runs
the transition, saves the row and writes a ``TransitionLog`` row. A refusal
raises before anything is written, and the caller's transaction rolls back
whatever it did before, so a refused request changes nothing.

An action that is not a transition (adding a photo, recording an outcome,
correcting a figure) goes through ``guard`` instead, in the same order: lock
the row, its state (else 409), the user (else 403); the service then checks
its input (else 400) and writes. Each such action declares its rule once, as
a ``Guard`` beside its service, so the page and the API ask the same rule.

The DRF exception handler (``aftersales.api.exceptions``) and the UI
transition views map these errors, plus django-fsm's ``ConcurrentTransition``,
to HTTP answers; views never refuse on their own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, FSMFieldMixin

ModelT = TypeVar("ModelT", bound=models.Model)

# Marks a transition that people never fire by name on the object itself: it is
# fired for them by another object's transition (a shipment's dispatch fires
# each Return's ``dispatch``) or by the system (``write_off``). Such transitions
# are left out of ``available_transitions``.
VIA = "via"


class TransitionError(Exception):
    """A refused transition; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, *, transition: str = ""):
        super().__init__(message)
        self.message = message
        self.transition = transition


class TransitionStateConflict(TransitionError):
    """The transition does not leave the object's current state (or the state changed underneath)."""

    status = 409


class TransitionForbidden(TransitionError):
    """The user may not fire this transition on this object."""

    status = 403


class TransitionInvalid(TransitionError):
    """The input or a condition of the transition does not hold."""

    status = 400


CONCURRENT_CHANGE_MESSAGE = gettext_lazy(
    "The record was changed by someone else at the same time; reload it and try again."
)


@functools.cache
def state_field(model: type[models.Model]) -> FSMFieldMixin:
    # Cached per model: a list page asks it for every row (issue 19, "Speed").
    fields = [field for field in model._meta.fields if isinstance(field, FSMFieldMixin)]
    if len(fields) != 1:
        raise TypeError(f"{model.__name__} must have exactly one FSM field")
    return fields[0]


def transitions_of(model: type[models.Model]) -> dict[str, Any]:
    """Every transition of the model by name: ``{name: [django_fsm.Transition per source]}``."""
    by_name: dict[str, list] = {}
    for item in state_field(model).get_all_transitions(model):
        by_name.setdefault(item.name, []).append(item)
    return by_name


def available_transitions(instance: models.Model, user) -> list[str]:
    """Names of the transitions this user may fire on this object now, by name (for the API and the buttons).

    Conditions (pure predicates on the row, such as a shipment's direction)
    are evaluated; input is not, so a transition whose input decides whether
    it can go ahead is offered and answers 400 with the reason.
    """
    current = state_field(type(instance)).get_state(instance)
    return [
        name
        for name, transition in _transitions_from(type(instance), current)
        if all(condition(instance) for condition in transition.conditions or ()) and transition.has_perm(instance, user)
    ]


@functools.cache
def _transitions_from(model: type[models.Model], state) -> tuple[tuple[str, Any], ...]:
    """(name, django_fsm Transition) of each transition of ``model`` that leaves ``state``, in declaration order.

    The same for every row in that state, so a list of 50 rows walks the model's transitions once per state
    rather than once per row (issue 19, "Speed": the API list's rows spent most of their time here).
    """
    found: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for item in state_field(model).get_all_transitions(model):
        if item.custom.get(VIA) or item.name in seen:
            continue
        seen.add(item.name)
        meta = getattr(model, item.name)._django_fsm
        if meta.has_transition(state):
            found.append((item.name, meta.get_transition(state)))
    return tuple(found)


def refusal(instance: models.Model, name: str, user, *, check_conditions: bool = True) -> TransitionError | None:
    """Why ``user`` may not fire ``name`` on ``instance`` now, as the error ``fire`` raises, or None.

    In ``fire``'s order: not from this state (409), not this user (403; ``None``
    is the system and may), then a condition of the row (400). Forms and
    input serializers ask this before reading their input.
    """
    method = getattr(instance, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        return TransitionStateConflict(_("Unknown transition “%(name)s”.") % {"name": name}, transition=name)
    current = meta.field.get_state(instance)
    if not meta.has_transition(current):
        return TransitionStateConflict(
            _("“%(name)s” is not possible while the record is “%(state)s”.")
            % {"name": name, "state": _state_label(instance, current)},
            transition=name,
        )
    if user is not None and not meta.has_transition_perm(instance, current, user):
        return TransitionForbidden(_("You may not do “%(name)s” on this record.") % {"name": name}, transition=name)
    if check_conditions and not meta.conditions_met(instance, current):
        return TransitionInvalid(_("The conditions for “%(name)s” are not met.") % {"name": name}, transition=name)
    return None


def _json_ready(payload: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder, default=str))


def lock(model: type[ModelT], pks: Iterable[int]) -> list[ModelT]:
    """Lock rows in primary-key order, so two requests locking overlapping sets cannot deadlock."""
    return list(model.objects.select_for_update().filter(pk__in=list(pks)).order_by("pk"))


def fire(
    instance: ModelT,
    name: str,
    *,
    user,
    payload: dict[str, Any] | None = None,
    before: Callable[[ModelT], None] | None = None,
    arguments: dict[str, Any] | None = None,
    locked: bool = False,
) -> ModelT:
    """Fire transition ``name`` on ``instance`` for ``user`` (``None`` for the system) and log it.

    ``before`` is called with the locked row once state and permission have
    passed: it checks the input (raise ``ValidationError`` for a 400) and may
    apply it to the row before the conditions are evaluated; ``arguments`` go
    to the transition method;
    ``payload`` is what the log records (defaults to ``arguments``).
    Returns the locked, transitioned row — use it instead of ``instance``.
    """
    model = type(instance)
    with transaction.atomic():
        row = instance if locked else model.objects.select_for_update().get(pk=instance.pk)
        refused = refusal(row, name, user, check_conditions=False)
        if refused is not None:
            raise refused
        method = getattr(row, name)
        meta = method._django_fsm
        source = meta.field.get_state(row)
        if before is not None:
            before(row)
        refused = refusal(row, name, user)
        if refused is not None:
            raise refused
        try:
            method(**(arguments or {}))
            # The state field is the transition's to set; validating it would assign it, which protection forbids.
            row.full_clean(exclude=[meta.field.name])
            row.save()
        except ConcurrentTransition as error:
            raise TransitionStateConflict(str(CONCURRENT_CHANGE_MESSAGE), transition=name) from error
        _log(
            row,
            name,
            source=source,
            target=meta.field.get_state(row),
            user=user,
            payload=payload if payload is not None else (arguments or {}),
        )
    return row


def log_event(instance: models.Model, name: str, *, user, payload: dict[str, Any] | None = None) -> None:
    """Log something that happened to an object without changing its state (a failed quality check, say)."""
    state = state_field(type(instance)).get_state(instance)
    _log(instance, name, source=state, target=state, user=user, payload=payload or {})


def _log(instance: models.Model, name: str, *, source: str, target: str, user, payload: dict[str, Any]) -> None:
    from django.contrib.contenttypes.models import ContentType

    from aftersales.models import TransitionLog

    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=instance.pk,
        transition=name,
        source_state=source,
        target_state=target,
        actor=user,
        at=timezone.now(),
        payload=_json_ready(payload),
    )


def require_state(instance: models.Model, states: Iterable[str], *, action: str, message: Any = "") -> None:
    """409 unless the object is in one of ``states`` (for edits that are not transitions).

    ``message`` may name the state as ``%(state)s`` and the action as ``%(name)s``.
    """
    current = state_field(type(instance)).get_state(instance)
    if current not in set(states):
        raise TransitionStateConflict(
            str(message or _("“%(name)s” is not possible while the record is “%(state)s”."))
            % {"name": action, "state": _state_label(instance, current)},
            transition=action,
        )


def guard_refusal(
    instance: models.Model,
    *,
    action: str,
    user,
    states: Iterable[str] | None = None,
    permission: Callable[[Any, Any], bool] | None = None,
    forbidden: Any = "",
    conflict: Any = "",
    related_state: Callable[[Any], Any] | None = None,
) -> TransitionError | None:
    """Why ``user`` may not do ``action`` (not a transition) on ``instance`` now, as ``guard`` raises it, or None.

    In ``fire``'s order: the row is not in one of ``states`` (409, ``conflict``
    naming ``%(state)s``), or ``related_state`` of the row gives a message (a
    409 from another row's state: a notice's recall that no longer collects),
    then ``permission(instance, user)`` is false (403, ``forbidden``; ``None``
    is the system and may). Reads nothing it is not given, locks nothing: the
    pages ask it to offer a button, and to answer a bad form as the service would.
    """
    if states is not None:
        try:
            require_state(instance, states, action=action, message=conflict)
        except TransitionStateConflict as error:
            return error
    if related_state is not None and (problem := related_state(instance)):
        return TransitionStateConflict(str(problem), transition=action)
    if user is not None and permission is not None and not permission(instance, user):
        return TransitionForbidden(
            str(forbidden or _("You may not do “%(name)s” on this record.") % {"name": action}), transition=action
        )
    return None


def guard(
    instance: ModelT,
    *,
    action: str,
    user,
    states: Iterable[str] | None = None,
    permission: Callable[[Any, Any], bool] | None = None,
    forbidden: Any = "",
    conflict: Any = "",
    related_state: Callable[[Any], Any] | None = None,
    locked: bool = False,
) -> ModelT:
    """``fire``'s refusals for an action that is not a transition: lock the row, then 409, then 403.

    Returns the locked, fresh row (use it instead of ``instance``); the
    service then checks its input (``ValidationError``, 400) and writes, in
    its own transaction, which holds the lock. ``locked`` says the caller
    holds the lock on ``instance`` already. See ``guard_refusal`` for the rules.
    """
    with transaction.atomic():
        row = instance if locked else type(instance).objects.select_for_update().get(pk=instance.pk)
        refused = guard_refusal(
            row,
            action=action,
            user=user,
            states=states,
            permission=permission,
            forbidden=forbidden,
            conflict=conflict,
            related_state=related_state,
        )
        if refused is not None:
            raise refused
    return row


@dataclass(frozen=True)
class Guard:
    """The rule of one action that is not a transition, declared once beside its service.

    The service calls it (``RULE(row, user=user)``: ``guard``, the locked row
    back); the page and the API ask ``RULE.refusal(row, user)`` to offer the
    button and to answer a bad form or bad input with the 409 or 403 the
    service would give first.
    """

    action: str
    states: Collection[str] | None = None
    permission: Callable[[Any, Any], bool] | None = None
    forbidden: Any = ""
    conflict: Any = ""
    related_state: Callable[[Any], Any] | None = None

    def _rule(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "states": self.states,
            "permission": self.permission,
            "forbidden": self.forbidden,
            "conflict": self.conflict,
            "related_state": self.related_state,
        }

    def __call__(self, instance: ModelT, *, user, locked: bool = False) -> ModelT:
        return guard(instance, user=user, locked=locked, **self._rule())

    def refusal(self, instance: models.Model, user) -> TransitionError | None:
        return guard_refusal(instance, user=user, **self._rule())


def _state_label(row: models.Model, state: str) -> str:
    field = state_field(type(row))
    return str(dict(field.flatchoices).get(state, state))


def http_status(error: Exception) -> int | None:
    """The HTTP status of a refused transition, or None if ``error`` is not one."""
    if isinstance(error, TransitionError):
        return error.status
    if isinstance(error, ConcurrentTransition):
        return 409
    if isinstance(error, ValidationError):
        return 400
    return None
