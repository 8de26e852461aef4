"""What the service desk registers with lower apps (cases.hooks): new Returns join their customer's record.

And what higher apps add to a service case (the customer's view, ``customerview.hooks``), since the desk imports
no app above it: ``register_case_panel`` (a card of the case's page: a template and the context it reads) and
``register_case_status_url`` (the case's public status link, ``status_url`` in its API detail).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CasePanel:
    """A card of the case's page, in its right-hand column: ``template`` with ``context(user=, case=)`` merged
    into the page's context."""

    template: str
    context: Callable[..., dict]


_case_panels: list[CasePanel] = []
_status_url: list[Callable[..., str | None]] = []


def register_case_panel(panel: CasePanel) -> None:
    if panel not in _case_panels:
        _case_panels.append(panel)


def case_panels() -> list[CasePanel]:
    return list(_case_panels)


def register_case_status_url(builder: Callable[..., str | None]) -> None:
    """``builder(case)``: the absolute link of the case's public status page (None when it has none)."""
    _status_url[:] = [builder]


def case_status_url(case) -> str | None:
    return _status_url[0](case) if _status_url else None


def register() -> None:
    from cases import hooks
    from servicedesk.services import customer_join_returns

    hooks.register_returns_logged(customer_join_returns)
    # The case page's card of its escalations and its quality information form (issue 15).
    from servicedesk.views.quality_forms import quality_panel_context

    register_case_panel(CasePanel("servicedesk/partials/_quality_card.html", quality_panel_context))
    # The visits card 现场服务 of a case's page (its own module, like the panels higher apps add).
    from servicedesk.views.visits import visits_panel_context

    register_case_panel(CasePanel(template="servicedesk/partials/_visits_card.html", context=visits_panel_context))
    # The money card of a case's page: refunds, exchanges, freight and compensation 补偿 (issue 15).
    from servicedesk.views.money import MONEY_PANEL

    register_case_panel(MONEY_PANEL)
