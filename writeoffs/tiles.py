"""The home page's tiles of write-offs 报废 and loss reports 报损单: what waits for this user at the month end."""

from __future__ import annotations

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of
from aftersales.views import home_tile
from writeoffs.choices import LossReportState
from writeoffs.selectors import lossreport_list, writeofflist_awaiting


def writeoff_tiles(user) -> list[dict]:
    """Write-off lists awaiting the user's approval; loss reports a store or supplier has to sign."""
    roles = roles_of(user)
    tiles = []
    if roles & {Role.TECHNICIAN, Role.LOGISTICS_MANAGER, Role.PRODUCTION_VP}:
        awaiting = writeofflist_awaiting(user)
        tiles.append(home_tile(_("Write-off lists awaiting you"), awaiting, "writeoffs:writeofflist_awaiting"))
    if roles & {Role.STORE_STAFF, Role.SUPPLIER_USER}:
        tiles.append(
            home_tile(
                _("Loss reports to sign"),
                lossreport_list(user).filter(state=LossReportState.ISSUED),
                "writeoffs:lossreport_list",
                urlencode({"state": LossReportState.ISSUED}),
            )
        )
    return tiles
