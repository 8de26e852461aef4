"""What inspection 鉴定 adds to a Return's page and API, registered with ``cases.hooks`` in ``InspectionConfig.ready``.

The page: the ``inspect`` action (its form, the responsibility hint above it,
the service) and the inspection report's card. The API: the ``inspect``
action and the report nested in the Return's representation.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from cases.api.views import register_return_action
from cases.hooks import (
    ReturnApiField,
    ReturnPanel,
    ReturnTransition,
    register_return_api_field,
    register_return_panel,
    register_return_transition,
)
from inspection.api import views as api_views
from inspection.api.serializers import ReturnInspectionSerializer
from inspection.forms import InspectForm
from inspection.models import InspectionReport
from inspection.views import inspect_initial, inspect_perform, return_inspection_context

INSPECT = ReturnTransition(
    name="inspect",
    form_class=InspectForm,
    perform=inspect_perform,
    label=_("Inspect"),
    initial=inspect_initial,
    intro_template="inspection/partials/_inspect_intro.html",
)
INSPECTION_PANEL = ReturnPanel(
    template="inspection/partials/_return_inspection.html", context=return_inspection_context, order=10
)


def inspection_prefetch() -> Prefetch:
    return Prefetch(
        "inspection", queryset=InspectionReport.objects.select_related("inspector").prefetch_related("defect_codes")
    )


INSPECTION_FIELD = ReturnApiField(
    name="inspection",
    field_class=ReturnInspectionSerializer,
    field_kwargs={"read_only": True, "allow_null": True},
    prefetch=inspection_prefetch,
)


# Rules a higher app adds to resuming a discontinued supplier's inspection (GB/T 2828.1, 9.4): each is called
# with the supplier and QA's reason and answers why not (a message) or None. Quality management's rule: a closed
# rectification order, or the reason citing an open one. Held here so inspection imports nothing above it.
_RESUME_CHECKS: list = []


def register_resume_check(check) -> None:
    if check not in _RESUME_CHECKS:
        _RESUME_CHECKS.append(check)


def resume_checks() -> list:
    return list(_RESUME_CHECKS)


def register() -> None:
    register_return_transition(INSPECT)
    register_return_panel(INSPECTION_PANEL)
    register_return_api_field(INSPECTION_FIELD)
    register_return_action(api_views.inspect)
