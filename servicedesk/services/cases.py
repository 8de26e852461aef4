"""Every write of the service desk 服务台: intake, the workflow, the promise, photos, the customer archive.

Refusals follow ``aftersales.fsm``: the wrong person 403 before bad input
400, and a refused call changes nothing (each service is one transaction).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.files import upload_bytes, upload_content_type
from aftersales.fsm import Guard, TransitionError, TransitionForbidden, fire, log_event
from aftersales.roles import Role
from aftersales.services import sequence_take, temporary_upload_claim
from aftersales.uploads import temporary_uploads_in
from aftersales.validation import add_months, reject_nul_bytes, validate_phone
from cases.models import Return
from servicedesk import permissions, sla
from servicedesk.choices import (
    CASE_OPEN_STATES,
    PROMISE_STATES,
    SATISFACTION_MAX,
    SATISFACTION_MIN,
    CaseKind,
    Channel,
    EscalationKind,
    Outcome,
    ResponseMethod,
    Severity,
)
from servicedesk.models import MAX_DESCRIPTION, MAX_TEXT, Customer, PhoneAccessLog, ServiceCase, ServiceCaseAttachment
from servicedesk.models.cases import CONSENT_REQUIRED
from servicedesk.services.quality_forms import escalation_input_errors, escalation_raise

# Consent recorded for contact data a store took at the counter with a Return (the data migration uses the same).
COUNTER_CONSENT_PURPOSE = "售后退货登记 (given at the store counter for the Return)"
#: The longest e-mail address kept (``Customer.email``, an EmailField of 254 characters).
MAX_EMAIL = 254


def phone_clean(phone: str) -> str:
    """A phone as stored and looked up: without the spaces and dashes people type between groups."""
    return re.sub(r"[\s-]", "", phone or "")


# --- the customer archive 客户档案 ---


def _customer_for_contact(*, contact: dict[str, Any] | None, now: dt.datetime) -> Customer | None:
    """The customer record for the intake's contact data (one per phone), created or brought up to date.

    Contact data (a name, a phone or an e-mail address) is kept only with ``consent`` true; the
    purpose defaults to handling this service case. A customer found by phone gets the e-mail filled in when
    the intake gives one.
    """
    if not contact:
        return None
    name = (contact.get("name") or "").strip()
    phone = phone_clean(contact.get("phone") or "")
    email = (contact.get("email") or "").strip()
    province = (contact.get("province") or "").strip()
    purpose = (contact.get("purpose") or "").strip() or str(gettext_lazy("Handling this service case 服务单处理"))
    reject_nul_bytes(name=name, phone=phone, email=email, province=province, purpose=purpose)
    if not (name or phone or email):
        return None
    errors: dict[str, list[str]] = {}
    if contact.get("consent") is not True:
        errors["consent"] = [str(CONSENT_REQUIRED)]
    try:
        validate_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
        if len(email) > MAX_EMAIL:
            errors["email"] = [_("At most %(limit)s characters.") % {"limit": MAX_EMAIL}]
    if len(name) > 60:
        errors["name"] = [_("At most 60 characters.")]
    if len(province) > 20:
        errors["province"] = [_("At most 20 characters.")]
    if len(purpose) > 200:
        errors["purpose"] = [_("At most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    customer = Customer.objects.select_for_update().filter(phone=phone).first() if phone else None
    if customer is None:
        customer = Customer(phone=phone)
    customer.name = name or customer.name
    customer.email = email or customer.email
    customer.province = province or customer.province
    customer.consent_at, customer.consent_purpose = now, purpose
    customer.full_clean()
    customer.save()
    return customer


def customer_join_returns(*, user, returns: Sequence[Return]) -> None:
    """Returns logged with a customer's phone join that customer's record (created with the counter's consent)."""
    for item in returns:
        phone = phone_clean(item.customer_phone)
        if not phone:
            continue
        customer = Customer.objects.filter(phone=phone).first()
        if customer is None:
            customer = Customer.objects.create(
                phone=phone,
                name=item.customer_name,
                consent_at=item.created_at,
                consent_purpose=COUNTER_CONSENT_PURPOSE,
            )
        elif item.customer_name and not customer.name:
            customer.name = item.customer_name
            customer.save(update_fields=["name", "updated_at"])
        customer.returns.add(item)


def _anonymise(customers: Iterable[Customer], *, user, now: dt.datetime) -> int:
    """Blank name, phone and e-mail on the customers, name and phone on every Return of theirs (by link or by
    phone); keep the rows."""
    rows = list(customers)
    if not rows:
        return 0
    ids = [row.pk for row in rows]
    phones = [row.phone for row in rows if row.phone]
    Return.objects.filter(Q(customers__in=ids) | Q(customer_phone__in=phones)).update(
        customer_name="", customer_phone="", updated_at=now
    )
    return Customer.objects.filter(pk__in=ids).update(
        name="", phone="", email="", erased_at=now, erased_by=user, updated_at=now
    )


def customer_erase_refusal(*, user) -> TransitionError | None:
    if not permissions.is_hotline(None, user):
        return TransitionForbidden(_("Only the hotline erases customer data."), transition="erase")
    return None


@transaction.atomic
def customer_erase(*, user, customer: Customer) -> Customer:
    """Erase on request 删除个人信息: name, phone and e-mail go from the record, its cases and its Returns; records
    stay."""
    refused = customer_erase_refusal(user=user)
    if refused is not None:
        raise refused
    row = Customer.objects.select_for_update().get(pk=customer.pk)
    _anonymise([row], user=user, now=timezone.now())
    row.refresh_from_db()
    return row


@transaction.atomic
def customer_retention_purge(*, now: dt.datetime | None = None) -> dict:
    """Monthly: anonymise customers with no open case whose last contact is older than the retention period.

    The last contact is the latest of the record's own change and its cases'
    changes; a customer with a case still open keeps the data.
    """
    from django.db.models import Max
    from django.db.models.functions import Coalesce, Greatest

    now = now or timezone.now()
    cutoff_day = add_months(timezone.localdate(now), -settings.AFTERSALES_CUSTOMER_RETENTION_MONTHS)
    cutoff = dt.datetime.combine(cutoff_day, dt.time.min, tzinfo=timezone.get_current_timezone())
    candidates = (
        Customer.objects.exclude(phone="", name="", email="")
        .exclude(cases__state__in=CASE_OPEN_STATES)
        .annotate(last_case=Max("cases__updated_at"))
        .annotate(last_contact=Greatest("updated_at", Coalesce("last_case", "updated_at")))
        .filter(last_contact__lt=cutoff)
    )
    count = _anonymise(list(candidates), user=None, now=now)
    return {"cutoff": cutoff_day.isoformat(), "anonymised": count}


def phone_access_record(*, user, customers: Iterable[Customer | None], where: str, service_case=None) -> int:
    """Write one access-log row per customer whose full phone ``user`` is being shown (one INSERT)."""
    rows = [
        PhoneAccessLog(user=user, customer=customer, service_case=service_case, where=where[:60])
        for customer in {customer.pk: customer for customer in customers if customer and customer.phone}.values()
    ]
    PhoneAccessLog.objects.bulk_create(rows)
    return len(rows)


# --- intake 受理 ---


def servicecase_open_refusal(*, user, channel: str, store_id: int | None) -> TransitionError | None:
    """The hotline opens any case; store staff only ``in_store`` cases for their own store (403)."""
    if not permissions.may_open_case(user, channel=channel, store_id=store_id):
        return TransitionForbidden(
            _("Only the hotline logs service cases; store staff log in-store cases for their own store."),
            transition="open",
        )
    return None


def _case_number(now: dt.datetime) -> str:
    period = timezone.localtime(now).strftime("%Y%m")
    return f"SC-{period}-{sequence_take(name=f'SC-{period}')[0]:05d}"


def _check_text(errors: dict, **fields: tuple[str, int, bool]) -> None:
    for name, (value, limit, required) in fields.items():
        if required and not value.strip():
            errors[name] = [_("This field is required.")]
        elif len(value) > limit:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]


@transaction.atomic
def servicecase_open(
    *,
    user,
    channel: str,
    kind: str,
    description: str,
    severity: str = Severity.NORMAL,
    customer: dict[str, Any] | None = None,
    store=None,
    style=None,
    batch_no: str = "",
    production_date: dt.date | None = None,
    quantity: int | None = None,
    return_ids: Sequence[int] = (),
    direct_loss: Decimal | None = None,
    told_to_stop_using: bool = False,
    files: Sequence[Any] = (),
    now: dt.datetime | None = None,
    initial_opinion: str = "",
    customer_demand: str = "",
    stop_using_instruction: str = "",
) -> ServiceCase:
    """Log a service case 服务单 with its customer (kept only with consent), product, links and photos.

    A ``safety`` case records that the customer was told to stop using the
    product and tells QA at once; a direct loss at or above
    ``AFTERSALES_MAJOR_INCIDENT_LOSS`` flags a major quality incident 较大质量事故
    and tells QA and the production VP at once. The SLA clocks start now.

    Both are escalations 上报 (``servicedesk.services.quality_forms.escalation_raise``): the initial handling
    opinion and the customer's demand are required for them, and each stays on QA's and the VP's home page
    until that role acknowledges it.
    """
    now = now or timezone.now()
    refused = servicecase_open_refusal(user=user, channel=channel, store_id=getattr(store, "pk", None))
    if refused is not None:
        raise refused
    reject_nul_bytes(description=description, batch_no=batch_no)
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if kind not in CaseKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if severity not in Severity.values:
        errors["severity"] = [_("Unknown severity.")]
    _check_text(errors, description=(description, MAX_DESCRIPTION, True), batch_no=(batch_no, 40, False))
    if severity == Severity.SAFETY and not told_to_stop_using:
        errors["told_to_stop_using"] = [_("Tell the customer to stop using the product, and record that you did.")]
    if quantity is not None and not 1 <= quantity <= 1_000_000:
        errors["quantity"] = [_("Enter a quantity from 1 to 1,000,000.")]
    loss = direct_loss if direct_loss is not None else Decimal("0.00")
    if loss < 0 or loss >= Decimal("1e12"):
        errors["direct_loss"] = [_("Enter an amount from 0 to 999,999,999,999.99.")]
    errors.update(
        escalation_input_errors(
            major_incident=loss >= settings.AFTERSALES_MAJOR_INCIDENT_LOSS,
            safety=severity == Severity.SAFETY,
            initial_opinion=initial_opinion or "",
            customer_demand=customer_demand or "",
            stop_using_instruction=stop_using_instruction or "",
        )
    )
    if production_date is not None and production_date > timezone.localdate(now):
        errors["production_date"] = [_("The production date cannot be in the future.")]
    wanted = list(dict.fromkeys(return_ids))
    linked = list(Return.objects.visible_to(user).filter(pk__in=wanted)) if wanted else []
    if len(linked) != len(wanted):
        errors["returns"] = [_("Link only Returns you can see.")]
    try:
        contact = _customer_for_contact(contact=customer, now=now)
    except ValidationError as error:
        contact = None
        errors.update({f"customer.{name}": messages for name, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    first_due = sla.add_hours(now, settings.AFTERSALES_SLA_FIRST_RESPONSE_HOURS)
    case = ServiceCase(
        number=_case_number(now),
        channel=channel,
        kind=kind,
        severity=severity,
        customer=contact,
        store=store,
        logging_store=store if channel == Channel.IN_STORE and permissions.has_role(user, Role.STORE_STAFF) else None,
        style=style,
        batch_no=batch_no.strip(),
        production_date=production_date,
        quantity=quantity,
        description=description.strip(),
        told_to_stop_using=told_to_stop_using,
        direct_loss=loss.quantize(Decimal("0.01")),
        major_incident=loss >= settings.AFTERSALES_MAJOR_INCIDENT_LOSS,
        opened_by=user,
        owner=user if permissions.is_hotline(None, user) else None,
        first_response_due=first_due,
        first_response_warn=sla.warn_at(now, first_due),
    )
    if kind == CaseKind.REPAIR:
        case.appointment_due = sla.add_hours(now, settings.AFTERSALES_SLA_REPAIR_APPOINTMENT_HOURS)
        case.appointment_warn = sla.warn_at(now, case.appointment_due)
    case.refresh_next_due()
    case.full_clean(exclude=["state"])
    case.save()
    if linked:
        case.returns.set(linked)
        if contact is not None:
            contact.returns.add(*linked)
    log_event(
        case,
        "open",
        user=user,
        payload={"channel": channel, "kind": kind, "severity": severity, "returns": [r.number for r in linked]},
    )
    if files:
        _attachments_create(user=user, case=case, files=files)
    escalated = [EscalationKind.MAJOR_INCIDENT] if case.major_incident else []
    escalated += [EscalationKind.SAFETY] if severity == Severity.SAFETY else []
    if escalated:
        escalation_raise(
            user=user,
            case=case,
            kinds=escalated,
            initial_opinion=initial_opinion or "",
            customer_demand=customer_demand or "",
            stop_using_instruction=stop_using_instruction or "",
            now=now,
        )
    return case


@transaction.atomic
def servicecase_open_answered(
    *, user, answer: str, satisfaction: int, now: dt.datetime | None = None, **fields: Any
) -> ServiceCase:
    """A consultation 咨询 answered on the call and closed in one go: opened, answered, resolved and rated.

    Each step is its own logged transition (``respond``, ``resolve``,
    ``follow_up`` with the caller's rating asked at the end of the call).
    """
    now = now or timezone.now()
    errors = {}
    if fields.get("kind") != CaseKind.CONSULTATION:
        errors["kind"] = [_("Only a consultation is answered and closed in one go.")]
    reject_nul_bytes(answer=answer)
    _check_text(errors, answer=(answer, MAX_TEXT, True))
    if not (isinstance(satisfaction, int) and SATISFACTION_MIN <= satisfaction <= SATISFACTION_MAX):
        errors["satisfaction"] = [_("Enter a satisfaction from 1 to 5.")]
    elif satisfaction < 3:
        errors["satisfaction"] = [_("An unhappy caller's case stays open: log it and follow it up instead.")]
    refused = servicecase_open_refusal(
        user=user, channel=fields.get("channel", ""), store_id=getattr(fields.get("store"), "pk", None)
    )
    if refused is not None:
        raise refused
    if errors:
        raise ValidationError(errors)
    case = servicecase_open(user=user, now=now, **fields)
    method = ResponseMethod.PHONE if case.channel == Channel.PHONE else ResponseMethod.IN_PERSON
    case = servicecase_respond(user=user, case=case, method=method, message=answer, now=now)
    case = servicecase_resolve(user=user, case=case, resolution=answer, outcome=Outcome.EXPLAINED, now=now)
    return servicecase_follow_up(
        user=user, case=case, satisfaction=satisfaction, remarks=str(gettext_lazy("Rated on the call.")), now=now
    )


# --- the workflow ---


@transaction.atomic
def servicecase_respond(*, user, case: ServiceCase, method: str, message: str, now=None) -> ServiceCase:
    """The first response 首次响应 and how it was given; for a repair case, the appointment confirmed."""
    now = now or timezone.now()

    def check(_row) -> None:
        reject_nul_bytes(message=message)
        errors: dict[str, list[str]] = {}
        if method not in ResponseMethod.values:
            errors["method"] = [_("Unknown response method.")]
        _check_text(errors, message=(message, MAX_TEXT, True))
        if errors:
            raise ValidationError(errors)

    return fire(
        case,
        "respond",
        user=user,
        before=check,
        arguments={"how": method, "message": message.strip(), "at": now, "by": user},
        payload={"method": method, "message": message.strip()},
    )


@transaction.atomic
def servicecase_resolve(*, user, case: ServiceCase, resolution: str, outcome: str, now=None) -> ServiceCase:
    """The resolution 处理结果 and its outcome; the case then waits for the callback."""
    now = now or timezone.now()

    def check(_row) -> None:
        reject_nul_bytes(resolution=resolution)
        errors: dict[str, list[str]] = {}
        if outcome not in Outcome.values:
            errors["outcome"] = [_("Unknown outcome.")]
        _check_text(errors, resolution=(resolution, MAX_TEXT, True))
        if errors:
            raise ValidationError(errors)

    return fire(
        case,
        "resolve",
        user=user,
        before=check,
        arguments={"resolution": resolution.strip(), "outcome": outcome, "at": now},
        payload={"resolution": resolution.strip(), "outcome": outcome},
    )


@transaction.atomic
def servicecase_follow_up(*, user, case: ServiceCase, satisfaction: Any, remarks: str = "", now=None) -> ServiceCase:
    """The callback 回访 with satisfaction 1–5: 3–5 closes; 1–2 reopens the case once (logged), later closes."""
    now = now or timezone.now()

    def check(_row) -> None:
        reject_nul_bytes(remarks=remarks)
        errors: dict[str, list[str]] = {}
        if (
            isinstance(satisfaction, bool)
            or not isinstance(satisfaction, int)
            or not (SATISFACTION_MIN <= satisfaction <= SATISFACTION_MAX)
        ):
            errors["satisfaction"] = [_("Enter a satisfaction from 1 to 5.")]
        _check_text(errors, remarks=(remarks, MAX_TEXT, False))
        if errors:
            raise ValidationError(errors)

    reopens = isinstance(satisfaction, int) and satisfaction < 3 and case.reopened_count == 0
    return fire(
        case,
        "follow_up",
        user=user,
        before=check,
        arguments={"satisfaction": satisfaction, "remarks": remarks.strip(), "at": now},
        payload={"satisfaction": satisfaction, "remarks": remarks.strip(), "reopened": reopens},
    )


@transaction.atomic
def servicecase_cancel(*, user, case: ServiceCase, reason: str, now=None) -> ServiceCase:
    """Cancel an open case (a duplicate, or not a case) with the reason; the number stays used."""
    now = now or timezone.now()

    def check(_row) -> None:
        reject_nul_bytes(reason=reason)
        errors: dict[str, list[str]] = {}
        _check_text(errors, reason=(reason, MAX_TEXT, True))
        if errors:
            raise ValidationError(errors)

    return fire(
        case, "cancel", user=user, before=check, arguments={"reason": reason.strip(), "at": now},
        payload={"reason": reason.strip()},
    )  # fmt: skip


# The promise 承诺: made and changed by whoever handles the case, until it is resolved.
SERVICECASE_PROMISE = Guard(
    "promise",
    states=PROMISE_STATES,
    permission=permissions.may_handle,
    forbidden=gettext_lazy("You may not make promises on this case."),
    conflict=gettext_lazy("The case is “%(state)s”: its promise can no longer change."),
)


@transaction.atomic
def servicecase_promise(*, user, case: ServiceCase, deadline: dt.datetime, outcome: str, now=None) -> ServiceCase:
    """Make or change the promise 承诺 (deadline and expected outcome); each change is logged with the previous one.

    The resolution clock runs to the promised deadline, due soon from 75 % of
    the span from now. A deadline in the past is refused.
    """
    now = now or timezone.now()
    row = SERVICECASE_PROMISE(case, user=user)
    reject_nul_bytes(outcome=outcome)
    errors: dict[str, list[str]] = {}
    if deadline is None or deadline <= now:
        errors["deadline"] = [_("The promised deadline must be in the future.")]
    _check_text(errors, outcome=(outcome, 200, True))
    if errors:
        raise ValidationError(errors)
    previous = {"previous_deadline": row.promise_deadline, "previous_outcome": row.promise_outcome}
    row.promise_deadline, row.promise_outcome = deadline, outcome.strip()
    row.resolution_due, row.resolution_warn = deadline, sla.warn_at(now, deadline)
    row.refresh_next_due()
    row.full_clean(exclude=["state"])
    row.save()
    log_event(row, "promise", user=user, payload={"deadline": deadline, "outcome": row.promise_outcome, **previous})
    return row


# Photos and PDFs: whoever may handle the case, until it is closed or cancelled.
SERVICECASE_ATTACH = Guard(
    "attach",
    states=CASE_OPEN_STATES,
    permission=permissions.may_handle,
    forbidden=gettext_lazy("You may not add files to this case."),
    conflict=gettext_lazy("The case is “%(state)s”: its files are final."),
)


def _attachments_create(*, user, case: ServiceCase, files: Sequence[Any]) -> list[ServiceCaseAttachment]:

    created = []
    for index, upload in enumerate(files):
        content = upload_bytes(upload)
        try:
            content_type = upload_content_type(content)
        except ValidationError as error:
            raise ValidationError({"files": [f"{index + 1}: {message}" for message in error.messages]}) from error
        created.append(
            ServiceCaseAttachment.store(
                content=content,
                name=getattr(upload, "name", "") or "upload",
                content_type=content_type,
                user=user,
                service_case=case,
            )
        )
    temporary_upload_claim(user=user, uploads=temporary_uploads_in(list(files)))
    return created


@transaction.atomic
def servicecase_attachments_add(*, user, case: ServiceCase, files: Sequence[Any]) -> list[ServiceCaseAttachment]:
    row = SERVICECASE_ATTACH(case, user=user)
    if not files:
        raise ValidationError({"files": [_("Choose at least one file.")]})
    created = _attachments_create(user=user, case=row, files=files)
    log_event(row, "attach", user=user, payload={"files": [item.original_name for item in created]})
    return created
