"""Writes of the inspection app, one module per unit of work; callers import them from here.

- ``returns``: the defect-code catalogue, a Return's inspection 鉴定 and the supplier's rework answer;
- ``lots``: incoming sample inspection 成衣抽检, an incoming lot from registration to release.

The switching rules and QA's severity decisions are ``inspection.switching``; the daily inspection
report's figures are ``inspection.selectors.daily_inspection_report``.
"""

from inspection.services.lots import (
    cartons_to_open,
    incominglot_approve_concession,
    incominglot_record_result,
    incominglot_register,
    incominglot_release,
    incominglot_review,
    incominglot_start_inspection,
    lot_plan,
    registration_severity,
    verdict,
)
from inspection.services.returns import (
    defectcode_upsert,
    inspectionreport_agree_rework,
    inspectionreport_decline_rework,
    return_inspect,
)

__all__ = [
    "cartons_to_open",
    "defectcode_upsert",
    "incominglot_approve_concession",
    "incominglot_record_result",
    "incominglot_register",
    "incominglot_release",
    "incominglot_review",
    "incominglot_start_inspection",
    "inspectionreport_agree_rework",
    "inspectionreport_decline_rework",
    "lot_plan",
    "registration_severity",
    "return_inspect",
    "verdict",
]
