"""The service desk's home-page tiles: the hotline's breached and unassigned cases, and callbacks due."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of
from aftersales.views import home_tile
from servicedesk.choices import CaseState
from servicedesk.models import ServiceCase


def servicedesk_tiles(user) -> list[dict]:
    if Role.HOTLINE_AGENT not in roles_of(user):
        return []
    cases = ServiceCase.objects.visible_to(user)
    now = timezone.now()
    return [
        home_tile(
            _("Service cases past their SLA"),
            cases.filter(next_due__lt=now),
            "servicedesk:servicecase_list",
            "view=breached",
        ),
        home_tile(
            _("Unassigned service cases"),
            cases.filter(next_due__isnull=False, owner__isnull=True),
            "servicedesk:servicecase_list",
            "view=unassigned",
        ),
        home_tile(_("Callbacks due"), cases.filter(state=CaseState.RESOLVED), "servicedesk:follow_up_list"),
    ]


def escalation_tiles(user) -> list[dict]:
    """QA's and the production VP's tile: escalations (major incidents, safety cases) their role has not
    acknowledged; it stays until that role acknowledges each (issue 15)."""
    from servicedesk.selectors.quality_forms import escalations_pending_count

    if not {Role.QA_MANAGER, Role.PRODUCTION_VP} & set(roles_of(user)):
        return []
    return [
        home_tile(
            _("Escalations to acknowledge"),
            escalations_pending_count(user),
            "servicedesk:escalation_list",
        )
    ]


def compensation_tiles(user) -> list[dict]:
    """QA's tile: compensations above the threshold waiting for approval (issue 15)."""
    from servicedesk.selectors.money import compensations_waiting

    if Role.QA_MANAGER not in roles_of(user):
        return []
    return [
        home_tile(
            _("Compensations waiting for approval"), compensations_waiting(user), "servicedesk:compensation_queue"
        )
    ]
