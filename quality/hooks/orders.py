"""Rectification orders on the pages of their sources: a Return's and a service case's page list the orders they
are a source of (``cases.hooks``, ``servicedesk.hooks``); the recall's and the lot's pages do the same from their
own templates, which only read the reverse relation and reverse URL names. Inspection's rule for resuming a
discontinued supplier is ``quality.services.orders.supplier_resume_check``."""

from __future__ import annotations

from cases.hooks import ReturnPanel, register_return_panel
from inspection.hooks import register_resume_check
from servicedesk.hooks import CasePanel, register_case_panel

TEMPLATE = "quality/partials/_linked_orders.html"


def _context(user, **link) -> dict:
    from quality.models.orders import is_qa
    from quality.selectors.orders import orders_linked

    return {"linked_orders": list(orders_linked(user, **link)), "may_open_order": is_qa(None, user)}


def return_orders_context(*, user, return_item) -> dict:
    return {**_context(user, returns=return_item), "open_order_query": f"returns={return_item.pk}"}


def case_orders_context(*, user, case) -> dict:
    return {**_context(user, service_cases=case), "open_order_query": f"service_cases={case.pk}"}


def register() -> None:
    from quality.services.orders import supplier_resume_check

    register_return_panel(ReturnPanel(template=TEMPLATE, context=return_orders_context, order=80))
    register_case_panel(CasePanel(template=TEMPLATE, context=case_orders_context))
    register_resume_check(supplier_resume_check)
