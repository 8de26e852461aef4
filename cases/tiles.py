"""The home page's tiles of the return workflow: what waits for this user 待办, per role, as counts with links."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aftersales.roles import Role, has_role_permission, roles_of, sees_everything
from cases import escalation, selectors
from cases.choices import ReturnState, ShipmentDirection, ShipmentState


def _link(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def work_summary(user) -> list[dict]:
    """What waits for this user 待办, as counts with links: per role, a handful of cheap indexed counts (QuerySets)."""
    roles = roles_of(user)
    returns = selectors.return_list(user)
    shipments = selectors.shipment_list(user)
    # (label, count, link, marked when not zero): the counts are QuerySets (or lists of them to add up), which
    # the home page counts together in one query (aftersales.counts).
    tiles: list[tuple[str, Any, str | None, bool]] = []
    staff_stores = list(selectors.store_staff_stores(user))
    if staff_stores:
        unshipped = [selectors.shippable_returns(user, store, ShipmentDirection.TO_CENTER) for store in staff_stores]
        tiles += [
            (_("Logged, not yet shipped"), unshipped, _link("cases:shipment_create", "direction=to_center"), False),
            (
                _("Shipments packed, not dispatched"),
                shipments.filter(
                    store__in=staff_stores, direction=ShipmentDirection.TO_CENTER, state=ShipmentState.DRAFT
                ),
                _link("cases:shipment_list", urlencode({"direction": "to_center", "state": "draft"})),
                False,
            ),
            (
                _("Parcels back from the center to confirm"),
                shipments.filter(
                    store__in=staff_stores, direction=ShipmentDirection.TO_STORE, state=ShipmentState.IN_TRANSIT
                ),
                _link("cases:shipment_list", urlencode({"direction": "to_store", "state": "in_transit"})),
                False,
            ),
            (
                _("Missing on arrival"),
                returns.filter(state=ReturnState.MISSING),
                _link("cases:return_list", "state=missing"),
                True,
            ),
        ]
    if Role.TECHNICIAN in roles:
        repair_url = _link("repairs:repairticket_list") or _link("cases:return_list", "state=repairing")
        tiles += [
            (_("Inbound parcels"), selectors.inbound_shipments(user), _link("cases:inbound"), False),
            (
                _("To inspect"),
                returns.filter(state=ReturnState.RECEIVED),
                _link("inspection:inspection_queue"),
                False,
            ),
            (_("In repair"), returns.filter(state=ReturnState.REPAIRING), repair_url, False),
            (
                _("At the supplier"),
                returns.filter(state=ReturnState.AT_SUPPLIER),
                _link("cases:supplier_queue"),
                False,
            ),
            (_("Missing units"), returns.filter(state=ReturnState.MISSING), _link("cases:missing_queue"), True),
            (
                _("Ready to return"),
                returns.filter(state=ReturnState.READY_TO_RETURN),
                _link("cases:ready_queue"),
                False,
            ),
        ]
    if Role.REGION_MANAGER in roles:
        tiles.append(
            (
                _("Parcels waiting for your sign-off"),
                selectors.sign_off_queue(user),
                _link("cases:sign_off_queue"),
                True,
            )
        )
    if Role.REGION_MANAGER in roles and not staff_stores and Role.TECHNICIAN not in roles:
        tiles.append(
            (
                _("Logged at the stores, not yet shipped"),
                returns.filter(state=ReturnState.LOGGED),
                _link("cases:return_list", "state=logged"),
                False,
            )
        )
    if escalation.reaches(user):
        tiles.append(
            (
                _("Overdue units escalated to you"),
                escalation.escalated_returns(user),
                _link("cases:escalation_list"),
                True,
            )
        )
    reads_returns = has_role_permission(user, "cases.view_return")
    if (tiles or Role.REGION_MANAGER in roles or sees_everything(user)) and reads_returns:
        tiles += [
            (_("Due back soon"), returns.due_soon(), _link("cases:return_list", "due=due_soon"), True),
            (_("Overdue"), returns.overdue(), _link("cases:return_list", "due=overdue"), True),
        ]
    return [
        {"label": label, "count": count, "url": url, "attention": attention} for label, count, url, attention in tiles
    ]
