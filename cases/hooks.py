"""What higher apps add to a Return 退货 (style.md, Layout: a lower app's page or API acting on a higher app's object).

``cases`` imports no higher app. An app above it that owns part of a Return's
life (inspection's ``inspect``, the repair ticket, a batch recall) registers
that part here from its ``AppConfig.ready()``, and the Return's page, API and
``return_log`` call what was registered:

``register_return_transition``  a transition of the Return fired from its page
                                (``cases.views.returns.ReturnTransitionView``).
``register_return_panel``       a card of the Return's page: a template and
                                the context it reads.
``register_return_api_field``   a field of the Return's API detail whose
                                serializer lives in the higher app, and the
                                prefetch its rows need.
``register_recall_check``       why a unit may not be logged against a batch
                                recall (``cases.services.return_log``).
``register_shipment_event``     what happens when a shipment is received by
                                its store or cancelled, in the same
                                transaction (a kit of spare parts riding a
                                center → store parcel is booked in or back).
``register_shipment_panel``     a card of the shipment's page: a template
                                and the context it reads (the kit of spare
                                parts packed into a center → store parcel).
``register_returns_logged``     what happens once a receipt's Returns are
                                logged, in the same transaction (the service
                                desk joins them to the customer's record).

The Return's API actions are added with ``cases.api.views.register_return_action``
(they are methods of the viewset). Registering a name twice is a programming
error and raises at start-up; registering the same thing again (apps set up
anew) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ReturnTransition:
    """A Return's transition that a higher app fires from the Return's page.

    ``form_class`` is built with ``user=`` (the acting user) besides the POST
    data and ``initial``; ``perform(user=, return_item=, data=)`` calls the
    owning app's service with the form's cleaned data and returns the success
    message. ``label`` is the button's, ``initial(return_item)`` what the form
    starts with, and ``intro_template`` (optional) is drawn above the form's
    fields with ``action`` in its context.
    """

    name: str
    form_class: type
    perform: Callable[..., Any]
    label: Any
    initial: Callable[[Any], dict] | None = None
    intro_template: str = ""


@dataclass(frozen=True)
class ReturnPanel:
    """A card of the Return's page: ``template`` is included where the panels go (by ``order``, lower first),
    with ``context(user=, return_item=)`` merged into the page's context."""

    template: str
    context: Callable[..., dict]
    order: int


@dataclass(frozen=True)
class ReturnApiField:
    """A field of the Return's API representation, named in ``ReturnSerializer.Meta.fields``.

    ``field_class(**field_kwargs)`` is the field (a nested serializer, read-only);
    ``prefetch()`` (optional) gives the ``prefetch_related`` lookup the list and
    detail need for it, so a page of rows fetches it once.
    """

    name: str
    field_class: type
    field_kwargs: dict = field(default_factory=dict)
    prefetch: Callable[[], Any] | None = None


_transitions: dict[str, ReturnTransition] = {}
_panels: list[ReturnPanel] = []
_api_fields: dict[str, ReturnApiField] = {}
_recall_checks: list[Callable[..., Sequence[str]]] = []
_logged_callbacks: list[Callable[..., None]] = []


def _refuse_another(known, new, what: str) -> None:
    if known is not None and known != new:
        raise ValueError(f"{what} is registered twice.")


def register_return_transition(transition: ReturnTransition) -> None:
    _refuse_another(_transitions.get(transition.name), transition, f"The Return transition {transition.name!r}")
    _transitions[transition.name] = transition


def register_return_panel(panel: ReturnPanel) -> None:
    known = next((known for known in _panels if known.template == panel.template), None)
    _refuse_another(known, panel, f"The Return panel {panel.template!r}")
    if known is None:
        _panels.append(panel)
        _panels.sort(key=lambda item: item.order)


def register_return_api_field(api_field: ReturnApiField) -> None:
    _refuse_another(_api_fields.get(api_field.name), api_field, f"The Return API field {api_field.name!r}")
    _api_fields[api_field.name] = api_field


def register_recall_check(check: Callable[..., Sequence[str]]) -> None:
    """``check(recall=, store=, style_id=)``: why ``store`` may not log a unit of ``style_id`` against ``recall``."""
    if check not in _recall_checks:
        _recall_checks.append(check)


def return_transitions() -> dict[str, ReturnTransition]:
    return dict(_transitions)


def return_panels() -> list[ReturnPanel]:
    return list(_panels)


def return_api_fields() -> dict[str, ReturnApiField]:
    return dict(_api_fields)


def recall_checks() -> list[Callable[..., Sequence[str]]]:
    return list(_recall_checks)


_shipment_callbacks: list[Callable[..., None]] = []


def register_shipment_event(callback: Callable[..., None]) -> None:
    """``callback(user=, shipment=, event=)`` with ``event`` ``"received"`` (a center → store parcel confirmed
    by its store) or ``"cancelled"``: called by ``cases.services`` once the shipment's own transition is done."""
    if callback not in _shipment_callbacks:
        _shipment_callbacks.append(callback)


def shipment_event_callbacks() -> list[Callable[..., None]]:
    return list(_shipment_callbacks)


@dataclass(frozen=True)
class ShipmentPanel:
    """A card of the shipment's page: ``template`` is included below the parcel's units (by ``order``, lower
    first), with ``context(user=, shipment=)`` merged into the page's context."""

    template: str
    context: Callable[..., dict]
    order: int


_shipment_panels: list[ShipmentPanel] = []


def register_shipment_panel(panel: ShipmentPanel) -> None:
    known = next((known for known in _shipment_panels if known.template == panel.template), None)
    _refuse_another(known, panel, f"The shipment panel {panel.template!r}")
    if known is None:
        _shipment_panels.append(panel)
        _shipment_panels.sort(key=lambda item: item.order)


def shipment_panels() -> list[ShipmentPanel]:
    return list(_shipment_panels)


def register_returns_logged(callback: Callable[..., None]) -> None:
    """``callback(user=, returns=)``: called by ``return_log`` with the Returns it just created."""
    if callback not in _logged_callbacks:
        _logged_callbacks.append(callback)


def returns_logged_callbacks() -> list[Callable[..., None]]:
    return list(_logged_callbacks)
