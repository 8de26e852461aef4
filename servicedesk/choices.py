"""Choices of the service desk 服务台: channels, kinds, severities, states, outcomes and SLA clocks (domain.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    """How the customer reached us."""

    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")
    IN_STORE = "in_store", _("In store")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")


class CaseKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")
    QUALITY = "quality", _("Quality feedback")
    RETURN_EXCHANGE = "return_exchange", _("Return or exchange")
    REPAIR = "repair", _("Repair request")


class Severity(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("service case severity", "Normal")
    URGENT = "urgent", _("Urgent")
    # 安全隐患: the customer is told to stop using the product and QA is told at once.
    SAFETY = "safety", _("Safety hazard")


class CaseState(models.TextChoices):
    """States of a service case 服务单 (domain.md); the names are part of the API."""

    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# A case still being worked on: its customer's contact data is kept, and its clocks run.
CASE_OPEN_STATES = (CaseState.OPEN, CaseState.IN_PROGRESS, CaseState.RESOLVED)
# A case whose promise can still be made or changed.
PROMISE_STATES = (CaseState.OPEN, CaseState.IN_PROGRESS)


class ResponseMethod(models.TextChoices):
    """How the first response 首次响应 reached the customer."""

    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    IN_PERSON = "in_person", _("In person")


class Outcome(models.TextChoices):
    """What the resolution 处理结果 gave the customer."""

    EXPLAINED = "explained", _("Explained")
    REPAIRED = "repaired", _("Repaired")
    EXCHANGED = "exchanged", _("Exchanged")
    REFUNDED = "refunded", _("Refunded")
    COMPENSATED = "compensated", _("Compensated")
    REJECTED = "rejected", _("Rejected")


class VisitState(models.TextChoices):
    """States of an on-site visit 现场服务 (domain.md, seed 001); the names are part of the API."""

    DISPATCHED = "dispatched", pgettext_lazy("visit", "Dispatched")
    ARRIVED = "arrived", _("Engineers on site")
    SIGNED = "signed", _("Feedback form signed")
    CANCELLED = "cancelled", pgettext_lazy("visit", "Cancelled")


# A visit whose engineers are still expected or still on site: it waits for its technicians.
VISIT_OPEN_STATES = (VisitState.DISPATCHED, VisitState.ARRIVED)


class VisitHandling(models.TextChoices):
    """How the engineers handled it on site 处理方式 (seed 001)."""

    REPAIRED_ON_SITE = "repaired_on_site", _("Repaired on site")
    EXCHANGED_OR_RETURNED = "exchanged_or_returned", _("Exchanged or returned")
    COMPENSATED = "compensated", _("Compensated")


class SignatureSource(models.TextChoices):
    """How the customer signed the result feedback form 处置结果反馈单."""

    DRAWN = "drawn", _("Signed on the screen")
    PHOTO = "photo", _("Photo of the signed paper")


class SlaClock(models.TextChoices):
    """The service-level clocks a case runs (settings ``AFTERSALES_SLA_*``); each is an alert kind."""

    FIRST_RESPONSE = "first_response", _("First response")
    APPOINTMENT = "appointment", _("Repair appointment")
    RESOLUTION = "resolution", _("Resolution by the promise")
    # On-site service 现场服务: the engineers' arrival, 24 h in the service center's province, 48 h outside.
    ARRIVAL = "arrival", _("On-site arrival")


class SlaStatus(models.TextChoices):
    """Where a running clock stands; the alert levels (once per case per clock per level)."""

    DUE_SOON = "due_soon", _("Due soon")
    BREACHED = "breached", _("Breached")


# Satisfaction 满意度 of the callback: 1–2 reopens the case (once), 3–5 closes it.
SATISFACTION_MIN, SATISFACTION_MAX = 1, 5
REOPEN_BELOW = 3


class QualityFormState(models.TextChoices):
    """States of the quality information form 产品质量信息传递处置单: drafted, then approved (批示) by QA and frozen."""

    DRAFT = "draft", pgettext_lazy("quality form", "Draft")
    APPROVED = "approved", pgettext_lazy("quality form", "Approved")


class EscalationKind(models.TextChoices):
    """Why a case was escalated to QA and the production VP at once (seed 001: 较大质量事故; domain.md: 安全隐患)."""

    MAJOR_INCIDENT = "major_incident", _("Major quality incident")
    SAFETY = "safety", _("Safety hazard")


# --- money at the desk (seeds 002, 004; servicedesk/models/money.py) ---


class RefundMethod(models.TextChoices):
    """How a refund 退款 reached the customer (seed 002: 现金、银行卡、电子支付; seed 004: 原支付账户)."""

    ORIGINAL_PAYMENT = "original_payment", _("Back to the original payment")
    CASH = "cash", _("Cash")
    BANK_CARD = "bank_card", _("Bank card")
    E_PAYMENT = "e_payment", _("Electronic payment")


class ExchangeReason(models.TextChoices):
    """Why goods were exchanged 换货: a quality exchange is free, a change of mind may cost a fee (seed 002)."""

    QUALITY = "quality", _("Quality problem")
    CHANGE_OF_MIND = "change_of_mind", _("Change of mind")


class FreightReason(models.TextChoices):
    """What a parcel was sent for; it decides who pays the freight 运费 (seed 004)."""

    WARRANTY_REPAIR = "warranty_repair", _("Repair under warranty")
    QUALITY = "quality", _("Quality return or exchange")
    CHANGE_OF_MIND = "change_of_mind", _("Change of mind")
    PAID_REPAIR = "paid_repair", _("Paid repair after the warranty")


class FreightPayer(models.TextChoices):
    BRAND = "brand", _("The brand")
    CUSTOMER = "customer", _("The customer")


class FreightDirection(models.TextChoices):
    INBOUND = "inbound", _("Sent in by the customer")
    OUTBOUND = "outbound", _("Sent back to the customer")


class CompensationKind(models.TextChoices):
    """What a compensation 补偿 gives (seed 002: 优惠券、小礼品)."""

    COUPON = "coupon", _("Coupon")
    GIFT = "gift", _("Gift")
    PRODUCT = "product", _("Product")
    MONEY = "money", _("Money")


class CompensationState(models.TextChoices):
    """A compensation above the threshold waits for QA; at or below it, it is approved at once."""

    PROPOSED = "proposed", _("Waiting for approval")
    APPROVED = "approved", pgettext_lazy("compensation", "Approved")
    REJECTED = "rejected", pgettext_lazy("compensation", "Rejected")
    GIVEN = "given", _("Given")
