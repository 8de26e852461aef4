"""The home page's tiles of batch recalls 整款退货: recalls QA has to review, notices a store has to acknowledge."""

from __future__ import annotations

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of
from aftersales.views import home_tile
from recalls.choices import RecallNoticeState, RecallState
from recalls.selectors import recall_list, recallnotice_list


def recall_tiles(user) -> list[dict]:
    roles = roles_of(user)
    tiles = []
    if Role.QA_MANAGER in roles:
        tiles.append(
            home_tile(
                _("Recalls to review"),
                recall_list(user).filter(state=RecallState.PROPOSED),
                "recalls:recall_list",
                urlencode({"state": RecallState.PROPOSED}),
            )
        )
    if Role.STORE_STAFF in roles:
        tiles.append(
            home_tile(
                _("Recall notices to acknowledge"),
                recallnotice_list(user).filter(state=RecallNoticeState.NOTIFIED),
                "recalls:recallnotice_list",
                urlencode({"state": RecallNoticeState.NOTIFIED}),
            )
        )
    return tiles
