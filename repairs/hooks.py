"""What repairs add to a Return's page, registered with ``cases.hooks`` in ``RepairsConfig.ready``: the repair card."""

from __future__ import annotations

from cases.hooks import ReturnPanel, register_return_panel
from repairs.views import return_repair_context

REPAIR_PANEL = ReturnPanel(template="repairs/partials/_return_repair.html", context=return_repair_context, order=20)


def register() -> None:
    register_return_panel(REPAIR_PANEL)
