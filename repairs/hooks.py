"""What repairs add to a Return's page and API, registered with ``cases.hooks`` in ``RepairsConfig.ready``: the
repair card, the card of parts a local repair at the store used, the ``store-parts/`` action, the kit card of a
parcel's page, and the booking of a parcel's spare-part kit when the parcel is received or cancelled."""

from __future__ import annotations

from cases.api.views import register_return_action
from cases.hooks import (
    ReturnPanel,
    ShipmentPanel,
    register_return_panel,
    register_shipment_event,
    register_shipment_panel,
)
from repairs.api.return_actions import store_parts
from repairs.kits import shipment_kit_context
from repairs.services import shipment_kit_event
from repairs.views import return_repair_context, return_store_parts_context

REPAIR_PANEL = ReturnPanel(template="repairs/partials/_return_repair.html", context=return_repair_context, order=20)
STORE_PARTS_PANEL = ReturnPanel(
    template="repairs/partials/_return_store_parts.html", context=return_store_parts_context, order=25
)

KIT_PANEL = ShipmentPanel(template="repairs/partials/_shipment_kit.html", context=shipment_kit_context, order=10)


def register() -> None:
    register_return_panel(REPAIR_PANEL)
    register_return_panel(STORE_PARTS_PANEL)
    register_return_action(store_parts)
    # A kit of spare parts riding a center → store parcel: into the store's stock on receipt, back on cancel.
    register_shipment_event(shipment_kit_event)
    # The kit card of a center → store parcel's page: what is packed, and the technicians' form while packing.
    register_shipment_panel(KIT_PANEL)
