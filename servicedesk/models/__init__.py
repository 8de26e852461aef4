"""The service desk's models, one module per part of the desk; every model is importable from here.

- ``cases``: the customer archive 客户档案, service cases 服务单, their photos and the phone access log.
- ``visits``: on-site service 现场服务 and the signed result feedback form 处置结果反馈单.
- ``money``: refunds, exchanges, freight and compensation 补偿 on a case.
- ``quality_forms``: the quality information form 产品质量信息传递处置单 and escalations of major incidents.
"""

from servicedesk.models.cases import (
    MAX_DESCRIPTION,
    MAX_TEXT,
    ZERO,
    Customer,
    CustomerQuerySet,
    PhoneAccessLog,
    ServiceCase,
    ServiceCaseAttachment,
    ServiceCaseQuerySet,
    case_attachment_path,
)
from servicedesk.models.money import MAX_MONEY, Compensation, Exchange, Freight, Refund, freight_payer
from servicedesk.models.quality_forms import (
    ESCALATION_ROLES,
    Escalation,
    EscalationAcknowledgement,
    QualityForm,
)
from servicedesk.models.visits import (
    Visit,
    VisitQuerySet,
    VisitSignature,
    VisitTechnician,
    visit_signature_path,
)

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_TEXT",
    "ZERO",
    "Customer",
    "CustomerQuerySet",
    "PhoneAccessLog",
    "ServiceCase",
    "ServiceCaseAttachment",
    "ServiceCaseQuerySet",
    "case_attachment_path",
    "Visit",
    "VisitQuerySet",
    "VisitSignature",
    "VisitTechnician",
    "visit_signature_path",
    "MAX_MONEY",
    "Compensation",
    "Exchange",
    "Freight",
    "Refund",
    "freight_payer",
    "ESCALATION_ROLES",
    "Escalation",
    "EscalationAcknowledgement",
    "QualityForm",
]
