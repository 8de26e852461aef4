"""The home page's tiles of paid repair past the warranty 保修期外有偿维修: quotes waiting for the customer's answer
(the hotline and the stores call the customer), and quotes a technician has still to prepare."""

from __future__ import annotations

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of
from aftersales.views import home_tile
from repairs.models import RepairTicketState
from repairs.selectors import repairticket_list
from stores.access import scope_for


def quote_tiles(user) -> list[dict]:
    roles = roles_of(user)
    tiles = []
    if Role.HOTLINE_AGENT in roles or (Role.STORE_STAFF in roles and scope_for(user).staff_store_ids):
        tiles.append(
            home_tile(
                _("Repair quotes waiting for the customer"),
                repairticket_list(user).filter(state=RepairTicketState.QUOTED),
                "repairs:quote_list",
            )
        )
    if Role.TECHNICIAN in roles:
        tiles.append(
            home_tile(
                _("Paid repairs to quote"),
                repairticket_list(user).filter(state=RepairTicketState.QUOTING),
                "repairs:repairticket_list",
                urlencode({"state": RepairTicketState.QUOTING}),
            )
        )
    return tiles
