"""The service desk's services, one module per part of the desk.

``cases`` holds the desk itself; visits, money and quality forms get modules of their own. Every name is
importable from here."""

from servicedesk.services.cases import (
    COUNTER_CONSENT_PURPOSE,
    SERVICECASE_ATTACH,
    SERVICECASE_PROMISE,
    customer_erase,
    customer_erase_refusal,
    customer_join_returns,
    customer_retention_purge,
    phone_access_record,
    phone_clean,
    servicecase_attachments_add,
    servicecase_cancel,
    servicecase_follow_up,
    servicecase_open,
    servicecase_open_answered,
    servicecase_open_refusal,
    servicecase_promise,
    servicecase_resolve,
    servicecase_respond,
)

__all__ = [
    "COUNTER_CONSENT_PURPOSE",
    "SERVICECASE_ATTACH",
    "SERVICECASE_PROMISE",
    "customer_erase",
    "customer_erase_refusal",
    "customer_join_returns",
    "customer_retention_purge",
    "phone_access_record",
    "phone_clean",
    "servicecase_attachments_add",
    "servicecase_cancel",
    "servicecase_follow_up",
    "servicecase_open",
    "servicecase_open_answered",
    "servicecase_open_refusal",
    "servicecase_promise",
    "servicecase_resolve",
    "servicecase_respond",
]
