"""The service desk's forms, one module per part of the desk.

``cases`` holds the desk itself; visits, money and quality forms get modules of their own. Every name is
importable from here."""

from servicedesk.forms.cases import (
    DATE_INPUT,
    SATISFACTION_CHOICES,
    AttachForm,
    CancelForm,
    FollowUpForm,
    PromiseForm,
    ResolveForm,
    RespondForm,
    ServiceCaseOpenForm,
    StoreChoiceField,
)

__all__ = [
    "AttachForm",
    "CancelForm",
    "DATE_INPUT",
    "FollowUpForm",
    "PromiseForm",
    "ResolveForm",
    "RespondForm",
    "SATISFACTION_CHOICES",
    "ServiceCaseOpenForm",
    "StoreChoiceField",
]
