"""Writes of batch recalls 整款退货 at the supplier 工厂: the consolidated shipment, late units after it, and the
outcome of each unit (which moves it back to the center or to scrap).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.fsm import Guard, fire, lock, log_event
from aftersales.validation import reject_nul_bytes
from cases.choices import ReturnState
from cases.models import Return
from recalls import permissions
from recalls.choices import RecallOutcome, RecallState
from recalls.models import Recall, RecallUnit
from suppliers.choices import Responsibility

# --- the supplier 工厂 ---


@transaction.atomic
def recall_ship_to_supplier(*, user, recall: Recall, carrier: str, tracking_no: str) -> Recall:
    """Send the collected units received at the center to the supplier in one shipment with tracking (technicians).

    Every recall Return the center has received goes; each becomes a
    recalled unit awaiting its outcome.
    """
    shipped: list[Return] = []
    payload: dict[str, Any] = {}

    def check(row: Recall) -> None:
        reject_nul_bytes(carrier=carrier, tracking_no=tracking_no)
        errors: dict[str, list[str]] = {}
        if not carrier.strip():
            errors["carrier"] = [_("Enter the carrier.")]
        if not tracking_no.strip():
            errors["tracking_no"] = [_("Enter the tracking number.")]
        shipped.extend(_units_at_center(row))
        if not shipped:
            errors["returns"] = [_("No recalled unit has been received at the service center yet.")]
        if errors:
            raise ValidationError(errors)
        payload.update(
            carrier=carrier.strip(), tracking_no=tracking_no.strip(), returns=[item.number for item in shipped]
        )

    row = fire(
        recall,
        "ship_to_supplier",
        user=user,
        before=check,
        arguments={"at": timezone.now(), "carrier": carrier.strip(), "tracking_no": tracking_no.strip()},
        payload=payload,
    )
    _units_to_supplier(user=user, recall=row, items=shipped)
    return row


def _units_at_center(recall: Recall) -> list[Return]:
    """The recall's units received at the service center and not yet sent to the supplier."""
    return list(recall.returns.filter(state=ReturnState.RECEIVED, recall_unit__isnull=True).order_by("id"))


def _units_to_supplier(*, user, recall: Recall, items: Sequence[Return]) -> None:
    """Each unit becomes a recalled unit awaiting its outcome, and goes ``at_supplier`` (``ship_to_supplier``,
    logged): it follows its recall and leaves the single-return queues."""
    RecallUnit.objects.bulk_create(RecallUnit(recall=recall, return_item=item) for item in items)
    for item in lock(Return, [item.pk for item in items]):
        fire(item, "ship_to_supplier", user=user, locked=True, payload={"recall": recall.number})


# Late units: a store's recalled goods that reach the center after the recall's shipment left.
RECALL_SHIP_LATE_UNITS = Guard(
    "ship_late_units",
    states=[RecallState.SHIPPED_TO_SUPPLIER],
    conflict=gettext_lazy(
        "Late units follow a recall already shipped to the supplier (before that, ship them all at once); "
        "the recall is “%(state)s”."
    ),
    permission=permissions.is_technician,
    forbidden=gettext_lazy("Only service-center technicians ship recalled goods to the supplier."),
)


@transaction.atomic
def recall_ship_late_units(*, user, recall: Recall, carrier: str, tracking_no: str) -> list[Return]:
    """Send the units that reached the center after the recall shipped to the supplier, in a parcel of their own
    (technicians).

    They go as the first shipment's did: each becomes a recalled unit awaiting its outcome and goes
    ``at_supplier`` through ``ship_to_supplier``. The recall stays ``shipped_to_supplier``; its log records the
    parcel (carrier, tracking number, units). Nothing late at the center is a 400.
    """
    recall = RECALL_SHIP_LATE_UNITS(recall, user=user)
    reject_nul_bytes(carrier=carrier, tracking_no=tracking_no)
    errors: dict[str, list[str]] = {}
    if not carrier.strip():
        errors["carrier"] = [_("Enter the carrier.")]
    if not tracking_no.strip():
        errors["tracking_no"] = [_("Enter the tracking number.")]
    late = _units_at_center(recall)
    if not late:
        errors["returns"] = [_("No recalled unit is waiting at the service center.")]
    if errors:
        raise ValidationError(errors)
    log_event(
        recall,
        "ship_late_units",
        user=user,
        payload={
            "carrier": carrier.strip(),
            "tracking_no": tracking_no.strip(),
            "returns": [item.number for item in late],
        },
    )
    _units_to_supplier(user=user, recall=recall, items=late)
    return late


# Outcomes: once the units are at the supplier, by technicians.
RECALL_RECORD_OUTCOME = Guard(
    "record_outcome",
    states=[RecallState.SHIPPED_TO_SUPPLIER],
    conflict=gettext_lazy("Outcomes are recorded once the units are at the supplier; the recall is “%(state)s”."),
    permission=permissions.is_technician,
    forbidden=gettext_lazy("Only service-center technicians record outcomes."),
)


@transaction.atomic
def recall_record_outcome(
    *, user, recall: Recall, return_ids: Sequence[int], outcome: str, note: str = ""
) -> list[RecallUnit]:
    """Record what the supplier found for some recalled units (per unit or per group; technicians).

    Repaired by the factory: the unit is back at the center (``receive_from_supplier``, ready to return to
    its own store on the normal shipment). Unrepairable (the supplier's cost, as the recall's cost bearer
    says): the unit goes ``scrap_pending`` for the write-off list, responsibility the supplier's. Our own
    fault needs the accountability note 责任追究; the unit goes ``scrap_pending`` as head office's. Each
    unit's outcome is recorded once, since it moves the unit: a unit that already has one is refused.
    """
    recall = RECALL_RECORD_OUTCOME(recall, user=user)
    reject_nul_bytes(note=note)
    errors: dict[str, list[str]] = {}
    if outcome not in RecallOutcome.values or outcome == RecallOutcome.PENDING:
        errors["outcome"] = [_("Choose repaired by the factory, unrepairable or our own fault.")]
    if outcome == RecallOutcome.OUR_FAULT and not note.strip():
        errors["note"] = [_("Record the accountability: who was at fault and what follows.")]
    wanted = list(dict.fromkeys(return_ids))
    if not wanted:
        errors["returns"] = [_("Choose at least one unit.")]
    units = list(RecallUnit.objects.select_for_update().filter(recall=recall, return_item_id__in=wanted).order_by("pk"))
    strangers = sorted(set(wanted) - {unit.return_item_id for unit in units})
    if strangers:
        errors["returns"] = [
            _("Not sent to the supplier with this recall: %(ids)s.") % {"ids": ", ".join(map(str, strangers))}
        ]
    decided = [unit for unit in units if unit.outcome != RecallOutcome.PENDING]
    if decided:
        numbers = Return.objects.filter(pk__in=[unit.return_item_id for unit in decided]).order_by("pk")
        errors.setdefault("returns", []).append(
            _("These units already have their outcome (they have moved on): %(units)s.")
            % {"units": ", ".join(numbers.values_list("number", flat=True))}
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for unit in units:
        unit.outcome = outcome
        unit.outcome_note = note.strip()
        unit.outcome_recorded_at = now
        unit.outcome_recorded_by = user
        unit.full_clean()
    RecallUnit.objects.bulk_update(units, ["outcome", "outcome_note", "outcome_recorded_at", "outcome_recorded_by"])
    log_event(recall, "record_outcome", user=user, payload={"returns": wanted, "outcome": outcome, "note": note})
    _units_follow_outcome(user=user, recall=recall, units=units, outcome=outcome, note=note.strip(), at=now)
    return units


def _units_follow_outcome(*, user, recall: Recall, units: Sequence[RecallUnit], outcome: str, note: str, at) -> None:
    """Move each unit as its outcome says: repaired back to the center, unrepairable or our fault to scrap."""
    for item in lock(Return, [unit.return_item_id for unit in units]):
        if item.state == ReturnState.RECEIVED:
            # Shipped before recall units followed their recall (issue 13): it goes the way it should have.
            item = fire(item, "ship_to_supplier", user=user, locked=True, payload={"recall": recall.number})
        if item.state != ReturnState.AT_SUPPLIER:
            continue  # an old unit inspected on its own before issue 13: its outcome is recorded, it stays put
        payload = {"recall": recall.number, "outcome": outcome}
        if outcome == RecallOutcome.REPAIRED_BY_FACTORY:
            fire(item, "receive_from_supplier", user=user, locked=True, arguments={"note": note}, payload=payload)
        else:
            responsibility = Responsibility.SUPPLIER if outcome == RecallOutcome.UNREPAIRABLE else Responsibility.HQ
            fire(
                item,
                "scrap_at_supplier",
                user=user,
                locked=True,
                arguments={"responsibility": responsibility, "at": at},
                payload={**payload, "responsibility": responsibility},
            )
