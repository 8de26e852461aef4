"""The home page's tiles of chargeback statements 扣款单: what waits for this user at the month end."""

from __future__ import annotations

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of
from aftersales.views import home_tile
from chargebacks.choices import StatementState
from chargebacks.selectors import chargeback_list


def chargeback_tiles(user) -> list[dict]:
    """Statements a store or supplier has to answer; those finance has to settle or look at again."""
    roles = roles_of(user)
    tiles = []
    if roles & {Role.STORE_STAFF, Role.SUPPLIER_USER}:
        tiles.append(
            home_tile(
                _("Chargeback statements to answer"),
                chargeback_list(user).filter(state=StatementState.ISSUED).exclude(party_type="hq"),
                "chargebacks:chargeback_list",
                urlencode({"state": StatementState.ISSUED}),
            )
        )
    if Role.FINANCE in roles:
        tiles += [
            home_tile(
                _("Statements to settle"),
                chargeback_list(user).filter(state=StatementState.ACKNOWLEDGED),
                "chargebacks:chargeback_list",
                urlencode({"state": StatementState.ACKNOWLEDGED}),
            ),
            home_tile(
                _("Disputed statements"),
                chargeback_list(user).filter(state=StatementState.DISPUTED, revision__isnull=True),
                "chargebacks:chargeback_list",
                urlencode({"state": StatementState.DISPUTED}),
            ),
        ]
    return tiles
