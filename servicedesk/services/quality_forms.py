"""Writes of the quality information form 产品质量信息传递处置单 and of the escalations 上报 (seed 001).

The form: made from a ``quality`` case (its product and problem copied), corrected
while a draft, approved by a ``qa_manager`` with the handling opinion (批示,
``aftersales.fsm.fire``), then frozen: its PDF is rendered once by a task and
stored with its SHA-256; every later edit is a 409.

Escalations: a major quality incident 较大质量事故 or a safety hazard 安全隐患 is
reported to QA and the production VP at once (``escalation_raise``, called by the
intake) with the initial handling opinion and the customer's demand; each of the
two roles acknowledges it for itself (``escalation_acknowledge``), logged on the
case's timeline with who and when.

Refusals follow ``aftersales.fsm``: 409 (state), 403 (who), then 400 (input);
a refused call changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.background import store_document
from aftersales.fsm import Guard, TransitionError, TransitionForbidden, TransitionStateConflict, fire, log_event
from aftersales.notifications import notify
from aftersales.roles import Role, roles_of
from aftersales.services import sequence_take
from aftersales.validation import reject_nul_bytes
from servicedesk.choices import CASE_OPEN_STATES, CaseKind, EscalationKind, QualityFormState
from servicedesk.models import MAX_TEXT, ServiceCase
from servicedesk.models.quality_forms import (
    ESCALATION_ROLES,
    Escalation,
    EscalationAcknowledgement,
    QualityForm,
    may_draft_quality_form,
)

# The stop-using instruction recorded when the agent ticked "told to stop using it" and wrote none of their own.
DEFAULT_STOP_USING = "已告知用户立即停止使用该产品，等待处理。"
# Fields of the form that may be corrected while it is a draft (the handling opinion is QA's alone).
EDITABLE = ("product_name", "production_date", "batch_no", "quantity", "problem", "handling_opinion")


# --- the quality information form 产品质量信息传递处置单 ---


def _form_number(now: dt.datetime) -> str:
    period = timezone.localtime(now).strftime("%Y%m")
    return f"QF-{period}-{sequence_take(name=f'QF-{period}')[0]:04d}"


def qualityform_create_refusal(*, user, case: ServiceCase) -> TransitionError | None:
    """Why ``user`` may not make the form of ``case`` now: a closed, cancelled or already formed case (409), not
    the hotline or QA (403). A case that is not a quality case is a 400 (``qualityform_create``)."""
    if case.state not in CASE_OPEN_STATES:
        return TransitionStateConflict(
            _("The case is “%(state)s”: no quality information form is made for it any more.")
            % {"state": case.get_state_display()},
            transition="quality_form",
        )
    if QualityForm.objects.filter(service_case=case).exists():
        return TransitionStateConflict(
            _("This case already has its quality information form."), transition="quality_form"
        )
    if not may_draft_quality_form(case, user):
        return TransitionForbidden(
            _("Only the hotline or QA fills in quality information forms."), transition="quality_form"
        )
    return None


def _check(errors: dict, *, fields: dict[str, Any]) -> None:
    for name in ("product_name", "batch_no", "problem", "handling_opinion"):
        if name in fields:
            reject_nul_bytes(**{name: fields[name]})
    limits = {"product_name": 120, "batch_no": 40, "problem": MAX_TEXT * 3, "handling_opinion": MAX_TEXT}
    for name, limit in limits.items():
        if name in fields and len(fields[name] or "") > limit:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]
    if "problem" in fields and not (fields["problem"] or "").strip():
        errors["problem"] = [_("Describe the user's problem.")]
    quantity = fields.get("quantity")
    if quantity is not None and (isinstance(quantity, bool) or not 1 <= quantity <= 1_000_000):
        errors["quantity"] = [_("Enter a quantity from 1 to 1,000,000.")]
    produced = fields.get("production_date")
    if produced is not None and produced > timezone.localdate():
        errors["production_date"] = [_("The production date cannot be in the future.")]


@transaction.atomic
def qualityform_create(*, user, case: ServiceCase, now: dt.datetime | None = None, **fields: Any) -> QualityForm:
    """Make the quality information form of a quality case 填写处置单: the product (style, production date,
    batch, quantity) and the user's problem copied from the case; ``fields`` correct them. Logged on the case."""
    now = now or timezone.now()
    row = ServiceCase.objects.select_for_update().get(pk=case.pk)
    refused = qualityform_create_refusal(user=user, case=row)
    if refused is not None:
        raise refused
    if row.kind != CaseKind.QUALITY:
        raise ValidationError(
            {"service_case": [_("Only a quality feedback case (质量反馈) has a quality information form.")]}
        )
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in sorted(unknown)})
    if "handling_opinion" in fields and fields["handling_opinion"] and not permissions_qa(user):
        raise TransitionForbidden(_("The handling opinion is written by QA."), transition="quality_form")
    errors: dict[str, list[str]] = {}
    _check(errors, fields=fields)
    if errors:
        raise ValidationError(errors)
    style = row.style
    values = {
        "product_name": style.name if style is not None else "",
        "production_date": row.production_date,
        "batch_no": row.batch_no,
        "quantity": row.quantity,
        "problem": row.description,
        "handling_opinion": "",
    }
    values.update({name: (value.strip() if isinstance(value, str) else value) for name, value in fields.items()})
    form = QualityForm(number=_form_number(now), service_case=row, style=style, drafted_by=user, **values)
    form.full_clean(exclude=["state"])
    form.save()
    log_event(row, "quality_form", user=user, payload={"number": form.number})
    return form


def permissions_qa(user) -> bool:
    return Role.QA_MANAGER in roles_of(user) if getattr(user, "is_authenticated", False) else False


# Corrections to a draft: the hotline or QA, until it is approved (then 409: the form is frozen).
QUALITYFORM_EDIT = Guard(
    "edit",
    states=[QualityFormState.DRAFT],
    permission=may_draft_quality_form,
    forbidden=gettext_lazy("Only the hotline or QA may change a quality information form."),
    conflict=gettext_lazy("The form is “%(state)s”: it is frozen and cannot change."),
)


@transaction.atomic
def qualityform_update(*, user, form: QualityForm, **fields: Any) -> QualityForm:
    """Correct a draft form's product, problem or (QA only) handling opinion; each change logged with the old value."""
    row = QUALITYFORM_EDIT(form, user=user)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in sorted(unknown)})
    if "handling_opinion" in fields and fields["handling_opinion"] != row.handling_opinion and not permissions_qa(user):
        raise TransitionForbidden(_("The handling opinion is written by QA."), transition="edit")
    errors: dict[str, list[str]] = {}
    _check(errors, fields=fields)
    if errors:
        raise ValidationError(errors)
    changed = {}
    for name, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(row, name) != value:
            changed[name] = {"from": getattr(row, name), "to": value}
            setattr(row, name, value)
    if changed:
        row.full_clean(exclude=["state"])
        row.save()
        log_event(row, "edit", user=user, payload=changed)
    return row


@transaction.atomic
def qualityform_approve(*, user, form: QualityForm, opinion: str | None = None, now=None) -> QualityForm:
    """The department leader's 批示 (``approve``, QA): the handling opinion (given now, or the draft's), who and when.

    The form is frozen from here; its PDF is rendered by a task once this commits and stored with its SHA-256.
    """
    now = now or timezone.now()
    chosen: dict[str, str] = {}

    def check(row: QualityForm) -> None:
        text = (opinion if opinion is not None else row.handling_opinion) or ""
        reject_nul_bytes(handling_opinion=text)
        if not text.strip():
            raise ValidationError({"handling_opinion": [_("Write the handling opinion before approving.")]})
        if len(text) > MAX_TEXT:
            raise ValidationError({"handling_opinion": [_("At most %(limit)s characters.") % {"limit": MAX_TEXT}]})
        chosen["opinion"] = text.strip()

    row = _approve(form, user=user, check=check, chosen=chosen, now=now)
    log_event(row.service_case, "quality_form_approved", user=user, payload={"number": row.number})
    transaction.on_commit(lambda: _enqueue_render(row.pk))
    return row


def _approve(form: QualityForm, *, user, check, chosen: dict, now) -> QualityForm:
    # The opinion is known only once ``check`` has read the locked row, so the transition's arguments are filled
    # in by ``before`` (``fire`` passes the same dict to the method after it).
    arguments: dict[str, Any] = {"by": user, "at": now}

    def before(row: QualityForm) -> None:
        check(row)
        arguments["opinion"] = chosen["opinion"]

    return fire(form, "approve", user=user, before=before, arguments=arguments, payload=chosen)


def _enqueue_render(form_id: int) -> None:
    from servicedesk.tasks import quality_form_pdf_task

    quality_form_pdf_task.delay(form_id)


def qualityform_pdf_render(*, form_id: int) -> str:
    """Render an approved form's PDF and store it with its SHA-256, once 冻结 (the task's service).

    A draft renders nothing (it is previewed on demand, marked 草稿); an approved form whose PDF is stored is left
    as it is, so a redelivered task changes nothing. The file is written under its one name
    (``store_document``), so a render cut short leaves no second file.
    """
    form = QualityForm.objects.filter(pk=form_id).select_related("service_case").first()
    if form is None or form.state != QualityFormState.APPROVED or form.pdf_sha256:
        return "skipped"
    content = quality_form_pdf(form)
    with transaction.atomic():
        locked = QualityForm.objects.select_for_update().get(pk=form_id)
        if locked.pdf_sha256:
            return "skipped"
        locked.pdf_sha256 = store_document(locked, "pdf", f"{locked.number}.pdf", content)
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_sha256", "pdf_rendered_at", "updated_at"])
        log_event(locked, "pdf_stored", user=None, payload={"sha256": locked.pdf_sha256})
    return "stored"


# --- escalations 上报 ---


def escalation_input_errors(
    *, major_incident: bool, safety: bool, initial_opinion: str, customer_demand: str, stop_using_instruction: str
) -> dict[str, list[str]]:
    """What an intake must say for its escalation (400 naming each field): the initial handling opinion and the
    customer's demand for a major incident or a safety case; lengths for all."""
    reject_nul_bytes(
        initial_opinion=initial_opinion, customer_demand=customer_demand, stop_using_instruction=stop_using_instruction
    )
    errors: dict[str, list[str]] = {}
    if major_incident or safety:
        if not initial_opinion.strip():
            errors["initial_opinion"] = [
                _("A major incident or a safety hazard is reported with the initial handling opinion.")
            ]
        if not customer_demand.strip():
            errors["customer_demand"] = [
                _("A major incident or a safety hazard is reported with the customer's demand.")
            ]
    for name, value in (
        ("initial_opinion", initial_opinion),
        ("customer_demand", customer_demand),
        ("stop_using_instruction", stop_using_instruction),
    ):
        if len(value) > MAX_TEXT:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": MAX_TEXT}]
    return errors


def _recipients():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(ESCALATION_ROLES))
        .distinct()
        .order_by("pk")
    )


def escalation_raise(
    *,
    user,
    case: ServiceCase,
    kinds: Sequence[str],
    initial_opinion: str,
    customer_demand: str,
    stop_using_instruction: str = "",
    now: dt.datetime | None = None,
) -> list[Escalation]:
    """Report the case to QA and the production VP at once 立即上报, one escalation per kind (major incident,
    safety), with the initial handling opinion, the customer's demand and the stop-using instruction; a message
    to each of them (inbox and e-mail) and an entry on the case's timeline. Called inside the intake's transaction.
    """
    now = now or timezone.now()
    raised = []
    for kind in kinds:
        escalation = Escalation(
            service_case=case,
            kind=kind,
            initial_opinion=initial_opinion.strip(),
            customer_demand=customer_demand.strip(),
            stop_using_instruction=(
                (stop_using_instruction.strip() or DEFAULT_STOP_USING) if kind == EscalationKind.SAFETY else ""
            ),
            direct_loss=case.direct_loss,
            raised_by=user,
            raised_at=now,
        )
        escalation.full_clean()
        escalation.save()
        raised.append(escalation)
        log_event(case, "escalate", user=user, payload={"kind": kind, "roles": list(ESCALATION_ROLES)})
        template = "service_case_major_incident" if kind == EscalationKind.MAJOR_INCIDENT else "service_case_safety"
        notify(
            recipients=_recipients(),
            kind=template,
            template=template,
            context={"case": case, "loss": case.direct_loss, "escalation": escalation},
            url=reverse("servicedesk:servicecase_detail", args=[case.pk]),
            target=case,
        )
    return raised


def escalation_roles_of(user) -> list[str]:
    """The escalation roles (QA, the production VP) this user holds, each of which acknowledges for itself."""
    if not getattr(user, "is_authenticated", False):
        return []
    held = roles_of(user)
    return [role for role in ESCALATION_ROLES if role in held]


def escalation_acknowledge_refusal(escalation: Escalation, user) -> TransitionError | None:
    """409 when every role of the user has acknowledged it already, 403 for anyone but QA or the production VP."""
    roles = escalation_roles_of(user)
    if not roles:
        return TransitionForbidden(
            _("Only QA or the production vice-president acknowledges an escalation."), transition="acknowledge"
        )
    done = set(escalation.acknowledgements.values_list("role", flat=True))
    if not set(roles) - done:
        return TransitionStateConflict(_("This escalation was acknowledged already."), transition="acknowledge")
    return None


@transaction.atomic
def escalation_acknowledge(
    *, user, escalation: Escalation, note: str = "", now=None
) -> list[EscalationAcknowledgement]:
    """Acknowledge an escalation 已知悉 for each of the user's roles (QA, the VP) that has not yet: who and when,
    on the case's timeline; it then leaves that role's home page. One acknowledgement per role."""
    now = now or timezone.now()
    row = Escalation.objects.select_for_update().select_related("service_case").get(pk=escalation.pk)
    # Lock order: the escalation first, so two acknowledgements of one role queue; the second finds it done (409).
    roles = escalation_roles_of(user)
    if not roles:
        raise escalation_acknowledge_refusal(row, user)
    done = set(row.acknowledgements.values_list("role", flat=True))
    pending = [role for role in roles if role not in done]
    if not pending:
        raise escalation_acknowledge_refusal(row, user)
    reject_nul_bytes(note=note)
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": [_("At most %(limit)s characters.") % {"limit": MAX_TEXT}]})
    made = []
    try:
        with transaction.atomic():
            for role in pending:
                ack = EscalationAcknowledgement(
                    escalation=row, role=role, acknowledged_by=user, acknowledged_at=now, note=note.strip()
                )
                ack.full_clean()
                ack.save()
                made.append(ack)
    except IntegrityError as error:  # a racing acknowledgement of the same role (the constraint decides)
        raise TransitionStateConflict(
            _("This escalation was acknowledged already."), transition="acknowledge"
        ) from error
    log_event(
        row.service_case,
        "escalation_acknowledge",
        user=user,
        payload={"kind": row.kind, "roles": pending, "note": note.strip()},
    )
    return made


# --- on paper: the form's PDF (Chinese A4, like the other documents) ---

CHANNEL_WORDS = {"phone": "电话", "online": "网络", "in_store": "专卖店", "email": "电子邮件", "wechat": "微信"}


def qualityform_context(form: QualityForm) -> dict:
    """What the form prints: the case's facts, the product, the problem, the opinion and who approved it.

    The customer's name and phone are masked (张*, 138****1234): the three copies travel between departments.
    """
    from aftersales.exports.pdf import date_text, label, person
    from cases.permissions import mask_name, mask_phone
    from servicedesk.choices import Channel

    case = form.service_case
    customer = case.customer
    style = form.style
    return {
        "title": "产品质量信息传递处置单",
        "title_en": "Product quality information form",
        "number": form.number,
        "draft": form.state == QualityFormState.DRAFT,
        "case_number": case.number,
        "drafted_on": date_text(form.created_at),
        "channel": label(CHANNEL_WORDS, Channel, case.channel),
        "store": case.store.name if case.store_id else "",
        "customer": mask_name(customer.name) if customer else "",
        "phone": mask_phone(customer.phone) if customer else "",
        "province": customer.province if customer else "",
        "drafted_by": person(form.drafted_by),
        "product": form.product_name,
        "style_no": style.style_no if style else "",
        "supplier": style.supplier.name if style and style.supplier_id else "",
        "production_date": date_text(form.production_date),
        "batch_no": form.batch_no,
        "quantity": form.quantity,
        "problem": form.problem,
        "opinion": form.handling_opinion if form.state == QualityFormState.APPROVED else "",
        "approved_by": person(form.approved_by) if form.approved_by_id else "",
        "approved_on": date_text(form.approved_at),
        "sha256": form.state == QualityFormState.APPROVED,
    }


def quality_form_pdf(form: QualityForm) -> bytes:
    """产品质量信息传递处置单 as an A4 PDF (a draft is marked 草稿 and prints no opinion yet)."""
    from aftersales.exports.pdf import render_pdf

    form = QualityForm.objects.select_related(
        "service_case__customer", "service_case__store", "style__supplier", "drafted_by", "approved_by"
    ).get(pk=form.pk)
    return render_pdf("pdf/quality_form.html", qualityform_context(form))
