"""The service desk's selectors, one module per part of the desk.

``cases`` holds the desk itself; visits, money and quality forms get modules of their own. Every name is
importable from here."""

from servicedesk.selectors.cases import (
    LIST_RELATED,
    QUEUE_FIELDS,
    case_contact,
    customer_by_phone,
    customer_cases,
    customer_get,
    customer_list,
    customer_returns,
    follow_up_list,
    open_case_count,
    queue_narrow,
    queue_rows,
    servicecase_get,
    servicecase_list,
    servicecase_queue,
    servicecase_timeline,
)
from servicedesk.selectors.visits import case_visits, visit_get, visit_list, visit_timeline, visits_waiting_for

__all__ = [
    "LIST_RELATED",
    "QUEUE_FIELDS",
    "case_contact",
    "customer_by_phone",
    "customer_cases",
    "customer_get",
    "customer_list",
    "customer_returns",
    "follow_up_list",
    "open_case_count",
    "queue_narrow",
    "queue_rows",
    "servicecase_get",
    "servicecase_list",
    "servicecase_queue",
    "servicecase_timeline",
    "case_visits",
    "visit_get",
    "visit_list",
    "visit_timeline",
    "visits_waiting_for",
]
