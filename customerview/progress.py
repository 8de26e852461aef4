"""A Return's progress in the customer's words 进度: the steps the status page and the receipt show.

The customer sees six steps (received at the store, on the way to the service center, being inspected, being
repaired, on the way back, ready to collect) and one sentence for where the unit is. Internal states map onto
them without telling what the customer must not read: a unit missing from its parcel is still "on the way", a
unit at the supplier is "being repaired", and a unit that cannot be repaired (the scrap path) is "inspected,
the store will contact you" with no verdict, responsibility or cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import ReturnState

STEPS = [
    ("at_store", _("Received at the store")),
    ("to_center", _("On the way to the service center")),
    ("inspecting", _("Being inspected")),
    ("repairing", _("Being repaired")),
    ("returning", _("On the way back to the store")),
    ("ready", _("Ready to collect")),
]
STEP_KEYS = [key for key, _label in STEPS]


@dataclass(frozen=True)
class Stage:
    """Where a state puts the unit for the customer: the step reached (None: off the steps) and the sentence."""

    step: str | None
    sentence: object
    finished: bool = False


STAGES = {
    ReturnState.LOGGED: Stage(
        "at_store", _("The store has received your item and will send it to the service center with its next parcel.")
    ),
    ReturnState.IN_TRANSIT: Stage("to_center", _("Your item is on its way to the service center.")),
    ReturnState.MISSING: Stage(
        "to_center", _("Your item is on its way to the service center; its arrival is being checked.")
    ),
    ReturnState.RECEIVED: Stage("inspecting", _("The service center has your item and is inspecting it.")),
    ReturnState.REPAIRING: Stage("repairing", _("Your item is being repaired.")),
    ReturnState.AT_SUPPLIER: Stage("repairing", _("Your item is being repaired.")),
    ReturnState.READY_TO_RETURN: Stage(
        "repairing", _("Your item has been dealt with and will be sent back to the store shortly.")
    ),
    ReturnState.REFERRED: Stage(
        "repairing", _("Your item is being repaired near you, at the store or a repair point.")
    ),
    ReturnState.RETURNING: Stage("returning", _("Your item is on its way back to the store.")),
    ReturnState.RETURNED: Stage("ready", _("Your item is back at the store and ready to collect."), finished=True),
    ReturnState.RESOLVED_AT_STORE: Stage(None, _("Your item was dealt with at the store."), finished=True),
    ReturnState.CANCELLED: Stage(None, _("This service request was cancelled by the store."), finished=True),
    ReturnState.SCRAP_PENDING: Stage(
        "inspecting", _("Your item has been inspected. The store will contact you about how it is resolved.")
    ),
    ReturnState.WRITTEN_OFF: Stage(
        None, _("Your item has been inspected. The store will contact you about how it is resolved."), finished=True
    ),
    ReturnState.CHARGED_BACK: Stage(
        None, _("Your item has been inspected. The store will contact you about how it is resolved."), finished=True
    ),
}


def stage_of(state: str) -> Stage:
    return STAGES[state]


def steps_for(state: str) -> list[dict]:
    """The six steps, each ``done``, ``current`` or ``todo`` for the unit's state (all ``todo`` off the steps)."""
    return steps_of(stage_of(state), STEPS)


def steps_of(stage: Stage, steps: list) -> list[dict]:
    """``steps`` (key, label), each ``done``, ``current`` or ``todo`` for ``stage`` (all ``todo`` off the steps);
    a Return's six and a service case's four (``customerview.case_status``)."""
    keys = [key for key, _label in steps]
    reached = keys.index(stage.step) if stage.step else -1
    rows = []
    for index, (key, label) in enumerate(steps):
        if index < reached or (index == reached and stage.finished):
            status = "done"
        elif index == reached:
            status = "current"
        else:
            status = "todo"
        rows.append({"key": key, "label": label, "status": status})
    return rows


def expected_back(item) -> dt.date | None:
    """The day the unit is due back at the store: dispatch + the turnaround (``due_at``), while it is on its way."""
    if (
        item.due_at is None
        or stage_of(item.state).finished
        or item.state in (ReturnState.SCRAP_PENDING, ReturnState.REFERRED)
    ):
        return None
    return timezone.localtime(item.due_at).date()


def waits_for_dispatch(item) -> bool:
    """True while the unit waits at the store for its parcel: the date is "within N days of dispatch"."""
    return item.state == ReturnState.LOGGED and item.recall_id is None


def link_expires_at(item, closed_at: dt.datetime | None) -> dt.datetime | None:
    """When the status link stops working: ``AFTERSALES_STATUS_LINK_DAYS`` after the unit's story ended
    (back at the store, dealt with there, cancelled or scrapped); None while it is still under way."""
    if not stage_of(item.state).finished:
        return None
    end = item.returned_at or closed_at
    if end is None:
        return None
    return end + dt.timedelta(days=settings.AFTERSALES_STATUS_LINK_DAYS)
