"""Rectification orders 质量整改令: opening one (QA), the party's answer under 四不放过, QA's verification, who hears.

Every state change goes through ``aftersales.fsm.fire`` (locked row, 409 → 403 → 400); opening is logged with
``log_event``. The PDF for the party is rendered by a task once the transaction commits
(``quality.tasks.order_document_render_task``), after opening and after each answer or verification, so the
party always downloads the order as it stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.fsm import TransitionForbidden, fire, log_event
from aftersales.services import sequence_take
from aftersales.validation import reject_nul_bytes
from quality.models.orders import (
    FOUR_NOTS,
    MAX_TEXT,
    DocumentsStatus,
    OrderState,
    PartyType,
    RectificationOrder,
    is_qa,
)

FOUR_NOTS_LABELS = {
    "root_cause": "原因分析",
    "corrective_action": "纠正措施",
    "accountability": "责任追究",
    "staff_education": "员工教育",
}


# --- who hears about it ---


def party_users(order: RectificationOrder) -> list:
    """The people who answer for the party: its supplier's logins, its store's staff, QA for a department."""
    from django.contrib.auth import get_user_model

    from aftersales.roles import Role

    users = get_user_model().objects.filter(is_active=True)
    if order.party_type == PartyType.SUPPLIER:
        users = users.filter(groups__name=Role.SUPPLIER_USER, supplier_memberships__supplier=order.supplier_id)
    elif order.party_type == PartyType.STORE:
        users = users.filter(groups__name=Role.STORE_STAFF, store_memberships__store=order.store_id)
    else:
        users = users.filter(groups__name=Role.QA_MANAGER)
    return list(users.distinct().order_by("pk"))


def qa_users() -> list:
    from django.contrib.auth import get_user_model

    from aftersales.roles import Role

    return list(get_user_model().objects.filter(is_active=True, groups__name=Role.QA_MANAGER).distinct().order_by("pk"))


def _notify(order: RectificationOrder, recipients: list, template: str, **context) -> None:
    from django.urls import reverse

    from aftersales.notifications import notify

    notify(
        recipients=recipients,
        kind=f"rectification_{template}",
        template=f"rectification_{template}",
        context={"order": order, **context},
        url=reverse("quality:order_detail", args=[order.pk]),
        target=order,
    )


def documents_enqueue(order_id: int) -> None:
    """Queue the order's PDF once the transaction commits (never under the order's lock)."""
    from quality.tasks import order_document_render_task

    RectificationOrder.objects.filter(pk=order_id).update(documents_status=DocumentsStatus.QUEUED, documents_error="")
    transaction.on_commit(lambda: order_document_render_task.delay(order_id))


# --- opening ---


def _text(value: Any, field: str, *, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    reject_nul_bytes(**{field: text})
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: [_("At most %(count)d characters.") % {"count": MAX_TEXT}]})
    return text


def _party_fields(party_type: str, party: Any) -> dict[str, Any]:
    from stores.models import Store
    from suppliers.models import Supplier

    if party_type == PartyType.SUPPLIER:
        if not isinstance(party, Supplier):
            raise ValidationError({"party": [_("Name the supplier responsible.")]})
        return {"supplier": party, "store": None, "department": ""}
    if party_type == PartyType.STORE:
        if not isinstance(party, Store):
            raise ValidationError({"party": [_("Name the store responsible.")]})
        return {"supplier": None, "store": party, "department": ""}
    if party_type == PartyType.INTERNAL:
        department = _text(party if isinstance(party, str) else "", "party")
        if len(department) > 60:
            raise ValidationError({"party": [_("At most %(count)d characters.") % {"count": 60}]})
        return {"supplier": None, "store": None, "department": department}
    raise ValidationError({"party_type": [_("Choose a supplier, a store or an internal department.")]})


def _common(values: Iterable[Any]):
    """The one value all the sources share, or None when they differ or there is none."""
    found = {value for value in values if value is not None}
    return found.pop() if len(found) == 1 else None


def _derive_style_and_defect(*, recall, lot, returns: list, style, defect):
    """What the recurrence count matches, from the sources when QA did not name it: the recall's style and defect,
    the rejected lot's style and its most frequent defect, or what the Returns have in common."""
    if style is None:
        style = getattr(recall, "style", None) or getattr(lot, "style", None) or _common(unit.style for unit in returns)
    if defect is None:
        if recall is not None:
            defect = recall.defect_code
        elif lot is not None:
            from inspection.models import LotDefect
            from suppliers.models import DefectCode

            top = (
                LotDefect.objects.filter(inspection__lot=lot)
                .values("defect_code")
                .annotate(found=Sum("quantity"))
                .order_by("-found", "defect_code")
                .first()
            )
            defect = DefectCode.objects.filter(pk=top["defect_code"]).first() if top else None
        else:
            defect = _common(unit.reported_defect for unit in returns)
    return style, defect


@transaction.atomic
def open_order(
    *,
    by,
    party_type: str,
    party,
    problem: str,
    due_date: dt.date,
    returns: Iterable = (),
    recall=None,
    lot=None,
    service_cases: Iterable = (),
    style=None,
    defect=None,
) -> RectificationOrder:
    """QA opens 下达 a rectification order for ``party`` (a Supplier, a Store, or a department's name for
    ``internal``), from any of a recall, a rejected lot, Returns and service cases (all optional: an audit finding
    opens one without them). The style and defect the recurrence count matches come from the sources unless given.
    """
    if not is_qa(None, by):
        raise TransitionForbidden(_("Only QA opens rectification orders."), transition="open")
    problem = _text(problem, "problem")
    party_fields = _party_fields(party_type, party)
    today = timezone.localdate()
    if not isinstance(due_date, dt.date) or isinstance(due_date, dt.datetime):
        raise ValidationError({"due_date": [_("Give the due date.")]})
    if due_date < today:
        raise ValidationError({"due_date": [_("The due date cannot be in the past.")]})
    returns, service_cases = list(returns), list(service_cases)
    # A lot is a source once inspection rejected it (rejected, or since reworked, conceded or returned).
    if lot is not None and not lot.inspections.filter(accepted=False).exists():
        raise ValidationError({"lot": [_("Only a rejected lot can be the source of a rectification order.")]})
    style, defect = _derive_style_and_defect(recall=recall, lot=lot, returns=returns, style=style, defect=defect)
    now = timezone.now()
    prefix = f"RO-{timezone.localtime(now):%Y%m}"
    number = f"{prefix}-{sequence_take(name=prefix)[0]:03d}"
    order = RectificationOrder(
        number=number,
        party_type=party_type,
        problem=problem,
        due_date=due_date,
        recall=recall,
        lot=lot,
        style=style,
        defect=defect,
        issued_by=by,
        issued_at=now,
        **party_fields,
    )
    # The state field is the FSM's to set (a new order starts issued); validating it would assign it.
    order.full_clean(exclude=["state"])
    order.save()
    if returns:
        order.returns.set(returns)
    if service_cases:
        order.service_cases.set(service_cases)
    log_event(
        order,
        "open",
        user=by,
        payload={
            "party": order.party_name,
            "due_date": due_date,
            "recall": getattr(recall, "number", None),
            "lot": getattr(lot, "number", None),
            "returns": [unit.number for unit in returns],
            "service_cases": [case.number for case in service_cases],
        },
    )
    _notify(order, party_users(order), "issued")
    documents_enqueue(order.pk)
    return order


# --- the party's answer and QA's verification ---


def _answers(answers: dict[str, Any]) -> dict[str, str]:
    """All four answers 四不放过, each required: a blank one is a 400 naming it."""
    cleaned, errors = {}, {}
    for name in FOUR_NOTS:
        value = answers.get(name)
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            errors[name] = [_("Required: every one of the four nots 四不放过 must be answered (%(label)s).")
                            % {"label": FOUR_NOTS_LABELS[name]}]  # fmt: skip
        elif len(text) > MAX_TEXT:
            errors[name] = [_("At most %(count)d characters.") % {"count": MAX_TEXT}]
        else:
            reject_nul_bytes(**{name: text})
            cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def order_respond(*, order: RectificationOrder, user, answers: dict[str, Any]) -> RectificationOrder:
    """The party answers an issued order under 四不放过 (its supplier's or store's users; QA for a department)."""
    cleaned: dict[str, str] = {}

    def check(row) -> None:
        cleaned.update(_answers(answers))

    row = fire(
        order,
        "respond",
        user=user,
        before=check,
        arguments={"answers": cleaned, "by": user, "at": timezone.now()},
        payload=cleaned,
    )
    _notify(row, qa_users(), "responded", actor=user)
    documents_enqueue(row.pk)
    return row


@transaction.atomic
def order_verify(*, order: RectificationOrder, user, effective: Any, notes: str = "") -> RectificationOrder:
    """QA verifies a responded order: effective closes it; not effective sends it back (the reason required)."""
    arguments: dict[str, Any] = {}

    def check(row) -> None:
        if not isinstance(effective, bool):
            raise ValidationError({"effective": [_("Say whether the rectification was effective.")]})
        text = notes.strip() if isinstance(notes, str) else ""
        reject_nul_bytes(notes=text)
        if len(text) > MAX_TEXT:
            raise ValidationError({"notes": [_("At most %(count)d characters.") % {"count": MAX_TEXT}]})
        if not effective and not text:
            raise ValidationError({"notes": [_("Give the reason the rectification is not effective.")]})
        arguments.update(effective=effective, notes=text, by=user, at=timezone.now())

    recurrences = order_recurrences(order)
    row = fire(
        order,
        "verify",
        user=user,
        before=check,
        arguments=arguments,
        payload={"effective": effective, "notes": notes if isinstance(notes, str) else "", **recurrences},
    )
    _notify(row, party_users(row), "closed" if row.state == OrderState.CLOSED else "sent_back", actor=user)
    documents_enqueue(row.pk)
    return row


# --- recurrences ---


def recurrence_querysets(order: RectificationOrder):
    """The Returns of the order's defect on its style (or, without a style, on its supplier's styles) logged since
    the response, and the incoming lots whose inspection found that defect and were rejected since then.

    Without a response yet the count starts at the order's issue; without a defect there is nothing to match.
    """
    from cases.models import Return
    from inspection.models import IncomingLot

    since = order.responded_at or order.issued_at
    if order.defect_id is None or (order.style_id is None and order.supplier_id is None):
        return Return.objects.none(), IncomingLot.objects.none()
    # The defect as the store reported it or as inspection found it (a Return may carry both: counted once).
    returns = Return.objects.filter(
        Q(reported_defect_id=order.defect_id) | Q(inspection__defect_codes=order.defect_id), created_at__gte=since
    )
    lots = IncomingLot.objects.filter(
        inspections__accepted=False,
        inspections__inspected_at__gte=since,
        inspections__defects__defect_code=order.defect_id,
    )
    if order.style_id is not None:
        returns, lots = returns.filter(style_id=order.style_id), lots.filter(style_id=order.style_id)
    else:
        returns = returns.filter(style__supplier_id=order.supplier_id)
        lots = lots.filter(supplier_id=order.supplier_id)
    return returns, lots


def order_recurrences(order: RectificationOrder) -> dict[str, int]:
    """The recurrence count QA weighs before closing: ``{"returns": n, "lots": n, "total": n}`` (two aggregates)."""
    returns, lots = recurrence_querysets(order)
    returned = returns.aggregate(count=Count("pk", distinct=True))["count"] or 0
    rejected = lots.aggregate(count=Count("pk", distinct=True))["count"] or 0
    return {"returns": returned, "lots": rejected, "total": returned + rejected}


# --- the PDF for the party, rendered by a task ---


def order_document_render(*, order_id: int) -> str:
    """Render the order's PDF as it stands now and store it with its SHA-256 (``quality.tasks``).

    Safe to run twice: the file goes under one name per content (its checksum's head), and a render that finds
    the stored checksum equal to the new one changes nothing.
    """
    import hashlib

    from aftersales.background import store_document
    from quality.documents.orders import order_pdf

    order = RectificationOrder.objects.select_related("supplier", "store", "style", "defect", "recall", "lot",
                                                      "issued_by", "responded_by", "verified_by").filter(
        pk=order_id
    ).first()  # fmt: skip
    if order is None:
        return "missing"
    RectificationOrder.objects.filter(pk=order_id).update(documents_status=DocumentsStatus.RUNNING)
    content = order_pdf(order)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        locked = RectificationOrder.objects.select_for_update().get(pk=order_id)
        if locked.pdf_sha256 != digest or not locked.pdf:
            locked.pdf_sha256 = store_document(locked, "pdf", f"{locked.number}-{digest[:12]}.pdf", content)
        locked.documents_status, locked.documents_error = DocumentsStatus.DONE, ""
        locked.save(update_fields=["pdf", "pdf_sha256", "documents_status", "documents_error", "updated_at"])
    return DocumentsStatus.DONE


def order_document_failed(*, order_id: int, error: BaseException, final: bool) -> None:
    from aftersales.background import error_text

    RectificationOrder.objects.filter(pk=order_id).update(
        documents_status=DocumentsStatus.FAILED if final else DocumentsStatus.QUEUED, documents_error=error_text(error)
    )


# --- overdue alerts ---

DUE_SOON_DAYS = 3
ALERT_KIND = "rectification_due"
LEVEL_DUE_SOON, LEVEL_OVERDUE = "due_soon", "overdue"


def order_overdue_alerts(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: each issued order due within ``DUE_SOON_DAYS`` days alerts once at ``due_soon``, and past its due
    date once at ``overdue``; the ``Alert`` unique constraint is the once-per-level guarantee (two runs at once, or
    a redelivered task, never alert twice). The party and QA hear of it."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError

    from aftersales.models import Alert

    today = today or timezone.localdate()
    content_type = ContentType.objects.get_for_model(RectificationOrder)
    candidates = RectificationOrder.objects.filter(
        state=OrderState.ISSUED, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
    ).select_related("supplier", "store")
    raised = {LEVEL_DUE_SOON: 0, LEVEL_OVERDUE: 0}
    qa = None
    for order in candidates.order_by("pk"):
        level = LEVEL_OVERDUE if order.due_date < today else LEVEL_DUE_SOON
        try:
            with transaction.atomic():
                Alert.objects.create(kind=ALERT_KIND, content_type=content_type, object_id=order.pk, level=level)
                qa = qa_users() if qa is None else qa
                _notify(order, [*party_users(order), *qa], level, today=today)
        except IntegrityError:
            continue
        raised[level] += 1
    return raised


# --- resuming a discontinued supplier's incoming inspection (registered with inspection.hooks) ---


def supplier_resume_check(*, supplier, reason: str) -> str | None:
    """A discontinued supplier's inspection resumes only by closing or citing its rectification order: a closed
    order to the supplier since it was discontinued, or QA's reason naming the number of one of its open orders."""
    from inspection.models import SeveritySwitch
    from suppliers.choices import InspectionSeverity

    switch = (
        SeveritySwitch.objects.filter(supplier=supplier, to_severity=InspectionSeverity.DISCONTINUED)
        .order_by("-id")
        .first()
    )
    since = getattr(switch, "created_at", None)
    orders = RectificationOrder.objects.filter(party_type=PartyType.SUPPLIER, supplier=supplier)
    closed = orders.filter(state=OrderState.CLOSED)
    if since is not None:
        closed = closed.filter(closed_at__gte=since)
    if closed.exists():
        return None
    open_numbers = orders.exclude(state=OrderState.CLOSED).values_list("number", flat=True)
    if any(number in (reason or "") for number in open_numbers):
        return None
    return _(
        "Inspection resumes only with the supplier's rectification order closed, or cited: name the number of its "
        "open rectification order (RO-…) in the reason."
    )
