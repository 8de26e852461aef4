"""Writes of Returns 退货: logging at the counter (windows, reasons, receipts), resolution at the store, cancelling,
finding, the supplier's return, and a store's batch alarm."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.files import upload_bytes
from aftersales.fsm import Guard, TransitionError, TransitionForbidden, fire, log_event
from aftersales.notifications import notify
from aftersales.roles import Role, roles_of
from aftersales.services import sequence_take, temporary_upload_claim
from aftersales.uploads import temporary_uploads_in
from aftersales.validation import add_months, reject_nul_bytes
from cases import hooks, permissions
from cases.choices import (
    OnsiteHandling,
    ReasonKind,
    ReturnState,
    ShipmentDirection,
    ShipmentLineOutcome,
)
from cases.models import BatchAlarm, ReceiptSubmission, Return, ShipmentLine
from cases.services.attachments import attachment_write
from stores.choices import StoreKind
from stores.models import Store
from suppliers.models import Style


@dataclass(frozen=True)
class ReturnUnit:
    """One unit of a receipt being logged: what differs from unit to unit."""

    style: Style
    color: str
    size: str
    production_year: int
    defect_description: str
    batch_no: str = ""
    reported_defect: Any = None  # suppliers.DefectCode or None
    recall: Any = None  # recalls.Recall the unit is returned for, or None
    photos: Sequence[Any] = ()  # files of this unit alone (the page's per-unit photos)


class ReceiptAlreadyLogged(Exception):
    """The same form was submitted again (its one-time token was used): nothing more is logged.

    ``returns`` are the Returns the first submit logged, to send the clerk to them.
    """

    def __init__(self, returns: Sequence[Return]):
        super().__init__("receipt already logged")
        self.returns = list(returns)


class SameReceiptToday(Exception):
    """The receipt number already has units logged at the store today: log more only when the clerk confirms.

    ``returns`` are those units (not cancelled), to link to them.
    """

    def __init__(self, returns: Sequence[Return]):
        super().__init__("receipt number already logged today")
        self.returns = list(returns)


def receipt_submission_returns(*, token: str) -> list[Return] | None:
    """The Returns logged by the form that carried ``token``, or None when no form with it was submitted yet."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    submission = ReceiptSubmission.objects.filter(token=token).first()
    return None if submission is None else list(submission.returns.order_by("id"))


def returns_of_receipt_today(*, store: Store, receipt_no: str, today: dt.date) -> list[Return]:
    """The units of ``receipt_no`` logged at ``store`` on ``today`` (local date), cancelled ones left out."""
    return list(
        Return.objects.filter(store=store, receipt_no=receipt_no.strip(), created_at__date=today)
        .exclude(state=ReturnState.CANCELLED)
        .order_by("id")
    )


def policy_problem(
    *,
    style: Style,
    purchase_date: dt.date,
    onsite_handling: str,
    today: dt.date,
    reason_kind: str = ReasonKind.QUALITY,
) -> str | None:
    """Why a return is outside the category's policy 三包政策, or None when it is inside.

    A change of mind must come within the change-of-mind window. For a quality
    problem, a refund or exchange must come within the quality-return window,
    a local repair within the warranty (past it, paid repair is offered where
    the category allows it: ``paid_repair_offer``). Outside them the store may
    still log it, with a written reason, and the Return is flagged.
    """
    category = style.category
    days = (today - purchase_date).days
    if reason_kind == ReasonKind.CHANGE_OF_MIND:
        if days > category.change_of_mind_days:
            return _("Bought %(days)s days ago: outside the %(window)s-day change-of-mind window of %(category)s.") % {
                "days": days,
                "window": category.change_of_mind_days,
                "category": category.name,
            }
        return None
    if onsite_handling in (OnsiteHandling.REFUND, OnsiteHandling.EXCHANGE):
        if days > category.quality_return_days:
            return _("Bought %(days)s days ago: outside the %(window)s-day quality-return window of %(category)s.") % {
                "days": days,
                "window": category.quality_return_days,
                "category": category.name,
            }
        return None
    if out_of_warranty(style=style, purchase_date=purchase_date, today=today):
        return (
            _("Bought on %(date)s: outside the %(months)s-month warranty of %(category)s.")
            % {
                "date": purchase_date.isoformat(),
                "months": category.warranty_months,
                "category": category.name,
            }
            + " "
            + (
                _("Offer the customer paid repair.")
                if category.paid_repair_offered
                else _("The category offers no paid repair, so the unit cannot be accepted without a written reason.")
            )
        )
    return None


def out_of_warranty(*, style: Style, purchase_date: dt.date, today: dt.date) -> bool:
    return add_months(purchase_date, style.category.warranty_months) < today


def paid_repair_offer(
    *, style: Style, purchase_date: dt.date, onsite_handling: str, today: dt.date, reason_kind: str
) -> bool:
    """A quality repair past the warranty, in a category that offers paid repair 保修期外有偿维修."""
    return (
        reason_kind == ReasonKind.QUALITY
        and onsite_handling == OnsiteHandling.LOCAL_REPAIR
        and style.category.paid_repair_offered
        and out_of_warranty(style=style, purchase_date=purchase_date, today=today)
    )


def acceptance_refusal(*, onsite_handling: str, reason_kind: str, resaleable: bool) -> tuple[str, str] | None:
    """Why the unit cannot be accepted at all (no written reason helps), as (field, message), or None.

    A change of mind is refunded or exchanged at the store, and only for goods
    fit to sell again (tags and packaging intact, checked at the counter). (A
    repair past the warranty in a category without paid repair is a policy
    problem: the page says why it cannot be accepted, and only a written
    reason logs it, flagged.)
    """
    if reason_kind != ReasonKind.CHANGE_OF_MIND:
        return None
    if onsite_handling not in (OnsiteHandling.REFUND, OnsiteHandling.EXCHANGE):
        return "onsite_handling", _("A change of mind is resolved at the store by a refund or an exchange.")
    if not resaleable:
        return "resaleable", _(
            "Not accepted as a change of mind: the goods must be fit to sell again, with tags and packaging intact."
        )
    return None


def _check_receipt(
    *,
    purchase_date: dt.date,
    onsite_handling: str,
    units: Sequence[ReturnUnit],
    today: dt.date,
    reason_kind: str = ReasonKind.QUALITY,
    resaleable: bool = False,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if purchase_date > today:
        errors.setdefault("purchase_date", []).append(_("The purchase date cannot be in the future."))
    if onsite_handling not in OnsiteHandling.values:
        errors.setdefault("onsite_handling", []).append(_("Choose refund, exchange or local repair."))
    if reason_kind not in ReasonKind.values:
        errors.setdefault("reason_kind", []).append(_("Choose quality or change of mind."))
    else:
        refusal = acceptance_refusal(onsite_handling=onsite_handling, reason_kind=reason_kind, resaleable=resaleable)
        if refusal is not None:
            errors.setdefault(refusal[0], []).append(refusal[1])
        if reason_kind == ReasonKind.CHANGE_OF_MIND and any(unit.recall is not None for unit in units):
            errors.setdefault("reason_kind", []).append(_("Recalled goods are not a change of mind."))
    for unit in units:
        if not 2000 <= unit.production_year <= today.year:
            errors.setdefault("production_year", []).append(
                _("The production year must be between 2000 and %(year)s.") % {"year": today.year}
            )
        elif unit.production_year > purchase_date.year:
            errors.setdefault("production_year", []).append(
                _("The production year cannot be after the year of purchase.")
            )
        if not unit.defect_description.strip():
            errors.setdefault("defect_description", []).append(_("Describe the defect the customer reported."))
    return {field: sorted(set(messages)) for field, messages in errors.items()}


@transaction.atomic
def return_log(
    *,
    user,
    store: Store,
    receipt_no: str,
    purchase_date: dt.date,
    onsite_handling: str,
    units: Sequence[ReturnUnit],
    customer_name: str = "",
    customer_phone: str = "",
    policy_exception_reason: str = "",
    reason_kind: str = ReasonKind.QUALITY,
    resaleable: bool = False,
    form_token: uuid.UUID | None = None,
    warn_same_receipt: bool = False,
    photos: Sequence[Any] = (),
) -> list[Return]:
    """Log the Returns 退货登记 of one receipt: one Return per unit, numbered ``RT-YYYYMM-NNNNNN``.

    Only the store's own staff may log. The purchase date is checked against
    each unit's category windows and warranty; a unit outside them needs a
    written reason and is flagged. Numbers come from a locked per-month
    sequence, so concurrent logging never collides and no number is reused.

    ``form_token`` is the one-time token of the browser form: a second submit
    with it logs nothing and raises ``ReceiptAlreadyLogged``. It is recorded
    under a unique constraint (not checked first), so two submits arriving at
    once cannot both log. With ``warn_same_receipt``, a receipt number that
    already has units logged at the store today raises ``SameReceiptToday``
    instead of logging (the form asks the clerk to confirm).

    ``photos`` (the receipt's, attached to every unit) and each unit's own
    ``photos`` — files uploaded, or kept from an earlier try of the page's
    form, which are claimed — are attached in the same transaction; the API
    attaches its own afterwards.
    """
    refused = return_log_refusal(user=user)
    if refused is not None:
        raise refused
    if not permissions.is_store_staff_of(store_proxy(store), user):
        raise TransitionForbidden(_("Only the store's own staff may log its returns."), transition="log")
    submission = None
    if form_token is not None:
        try:
            with transaction.atomic():
                submission = ReceiptSubmission.objects.create(token=form_token, store=store, submitted_by=user)
        except IntegrityError:
            earlier = ReceiptSubmission.objects.filter(token=form_token).first()
            raise ReceiptAlreadyLogged(earlier.returns.order_by("id") if earlier else []) from None
    if not units:
        raise ValidationError({"units": [_("Add at least one unit.")]})
    reject_nul_bytes(
        receipt_no=receipt_no,
        customer_name=customer_name,
        customer_phone=customer_phone,
        policy_exception_reason=policy_exception_reason,
        **{
            f"units.{index}": [unit.color, unit.size, unit.batch_no, unit.defect_description]
            for index, unit in enumerate(units)
        },
    )
    now = timezone.now()
    today = timezone.localdate(now)
    errors = _check_receipt(
        purchase_date=purchase_date,
        onsite_handling=onsite_handling,
        units=units,
        today=today,
        reason_kind=reason_kind,
        resaleable=resaleable,
    )
    if errors:
        raise ValidationError(errors)
    _check_recall(store=store, onsite_handling=onsite_handling, units=units)
    problems = [
        problem
        for unit in units
        if (
            problem := policy_problem(
                style=unit.style,
                purchase_date=purchase_date,
                onsite_handling=onsite_handling,
                today=today,
                reason_kind=reason_kind,
            )
        )
    ]
    reason = policy_exception_reason.strip()
    if problems and not reason:
        raise ValidationError(
            {"policy_exception_reason": [*sorted(set(problems)), _("Give a written reason to log it anyway.")]}
        )

    if warn_same_receipt and (earlier := returns_of_receipt_today(store=store, receipt_no=receipt_no, today=today)):
        raise SameReceiptToday(earlier)

    period = timezone.localtime(now).strftime("%Y%m")
    numbers = sequence_take(name=f"RT-{period}", count=len(units))
    created = []
    for number, unit in zip(numbers, units, strict=True):
        flagged = (
            policy_problem(
                style=unit.style,
                purchase_date=purchase_date,
                onsite_handling=onsite_handling,
                today=today,
                reason_kind=reason_kind,
            )
            is not None
        )
        paid_repair = paid_repair_offer(
            style=unit.style,
            purchase_date=purchase_date,
            onsite_handling=onsite_handling,
            today=today,
            reason_kind=reason_kind,
        )
        item = Return(
            number=f"RT-{period}-{number:06d}",
            store=store,
            style=unit.style,
            color=unit.color.strip(),
            size=unit.size.strip(),
            batch_no=unit.batch_no.strip(),
            production_year=unit.production_year,
            purchase_date=purchase_date,
            receipt_no=receipt_no.strip(),
            defect_description=unit.defect_description.strip(),
            reported_defect=unit.reported_defect,
            onsite_handling=onsite_handling,
            reason_kind=reason_kind,
            resaleable=bool(resaleable),
            paid_repair=paid_repair,
            recall=unit.recall,
            customer_name=customer_name.strip(),
            customer_phone=customer_phone.strip(),
            policy_exception=flagged,
            policy_exception_reason=reason if flagged else "",
            logged_by=user,
        )
        item.full_clean(exclude=["state"])
        item.save()
        log_event(
            item,
            "log",
            user=user,
            payload={
                "receipt_no": item.receipt_no,
                "policy_exception": flagged,
                "reason_kind": reason_kind,
                "resaleable": item.resaleable,
                "paid_repair": paid_repair,
            },
        )
        created.append(item)
    for item, unit in zip(created, units, strict=True):
        for upload in [*unit.photos, *photos]:
            attachment_write(user=user, return_item=item, name=upload.name or "", content=upload_bytes(upload))
    # A receipt's photo goes to every unit but is claimed once.
    kept = temporary_uploads_in([*photos, *(upload for unit in units for upload in unit.photos)])
    temporary_upload_claim(user=user, uploads=kept)
    if submission is not None:
        submission.returns.set(created)
    for callback in hooks.returns_logged_callbacks():
        callback(user=user, returns=created)
    return created


def return_log_refusal(*, user) -> TransitionError | None:
    """Only store staff log returns (403); ``return_log`` then asks for the store it is given.

    The API asks it for input that is bad anyway, which never reaches ``return_log``.
    """
    if Role.STORE_STAFF not in roles_of(user):
        return TransitionForbidden(_("Only store staff log returns."), transition="log")
    return None


def _check_recall(*, store: Store, onsite_handling: str, units: Sequence[ReturnUnit]) -> None:
    """A unit logged against a batch recall must be one the store was notified of, while the recall collects.

    What "may" means is the recalls app's: it registers its checks (``cases.hooks.register_recall_check``).
    """
    problems: list[str] = []
    for recall in {unit.recall.pk: unit.recall for unit in units if unit.recall is not None}.values():
        styles = {unit.style.pk for unit in units if unit.recall is not None and unit.recall.pk == recall.pk}
        for style_id in sorted(styles):
            for check in hooks.recall_checks():
                problems.extend(check(recall=recall, store=store, style_id=style_id))
    if onsite_handling == OnsiteHandling.RECALL and any(unit.recall is None for unit in units):
        problems.append(_("Goods recalled from stock are logged against a batch recall."))
    if problems:
        raise ValidationError({"recall": sorted(set(problems))})


def store_proxy(store: Store):
    """Transition predicates read ``store_id``; a store is its own store."""

    @dataclass(frozen=True)
    class _OfStore:
        store_id: int

    return _OfStore(store_id=store.pk)


@transaction.atomic
def return_resolve_at_store(*, user, return_item: Return, note: str = "") -> Return:
    """The store repaired the unit on site 现场处理; the Return ends there."""
    return fire(
        return_item,
        "resolve_at_store",
        user=user,
        before=lambda row: reject_nul_bytes(note=note),
        arguments={"note": note.strip()},
    )


def repair_points_for(item: Return):
    """Where the center may refer a unit for a local repair: its own store, or an active authorized repair point."""
    return Store.objects.filter(Q(pk=item.store_id) | Q(kind=StoreKind.REPAIR_POINT, active=True)).order_by("code")


@transaction.atomic
def return_refer_to_repair_point(*, user, return_item: Return, repair_point: Store | None, note: str) -> Return:
    """A simple fix 简单工艺: the center refers a received unit to its store or an authorized repair point 特约维修点
    for a local repair (seed 000, 三 2.2), saying what to repair (technicians). That store's staff are told, and
    resolve it there (``resolve_at_store``)."""

    def check(row: Return) -> None:
        reject_nul_bytes(note=note)
        errors: dict[str, list[str]] = {}
        if repair_point is None or not repair_points_for(row).filter(pk=repair_point.pk).exists():
            errors["repair_point"] = [_("Choose the unit's own store or an active authorized repair point.")]
        if not note.strip():
            errors["note"] = [_("Say what the repair point should repair.")]
        if errors:
            raise ValidationError(errors)

    row = fire(
        return_item,
        "refer_to_repair_point",
        user=user,
        before=check,
        arguments={"repair_point": repair_point, "note": note.strip(), "at": timezone.now()},
        payload={"repair_point": getattr(repair_point, "code", ""), "note": note.strip()},
    )
    try:
        url = reverse("cases:return_detail", args=[row.pk])
    except NoReverseMatch:
        url = ""
    staff = get_user_model().objects.filter(
        store_memberships__store=repair_point, groups__name=Role.STORE_STAFF, is_active=True
    )
    notify(
        recipients=staff.distinct().order_by("pk"),
        kind="referral",
        template="referral",
        context={"item": row},
        url=url,
        target=row,
    )
    return row


@transaction.atomic
def return_cancel(*, user, return_item: Return, reason: str) -> Return:
    """Void a Return logged by mistake (only before it ships); its number is never reused."""

    def check(row: Return) -> None:
        reject_nul_bytes(reason=reason)
        if not reason.strip():
            raise ValidationError({"reason": [_("Say why the return is cancelled.")]})

    return fire(return_item, "cancel", user=user, before=check, arguments={"reason": reason.strip()})


@transaction.atomic
def return_found(*, user, return_item: Return) -> Return:
    """A unit the shipment arrived without 缺件 turned up at the center: it counts as received."""
    row = fire(return_item, "found", user=user, arguments={"at": timezone.now()}, payload={})
    ShipmentLine.objects.filter(
        return_item=row, outcome=ShipmentLineOutcome.MISSING, shipment__direction=ShipmentDirection.TO_CENTER
    ).update(outcome=ShipmentLineOutcome.FOUND)
    return row


@transaction.atomic
def return_receive_from_supplier(*, user, return_item: Return, note: str = "") -> Return:
    """The supplier's rework 供应商返修 came back to the center; the unit waits to go back to its store."""
    return fire(
        return_item,
        "receive_from_supplier",
        user=user,
        before=lambda row: reject_nul_bytes(note=note),
        arguments={"note": note.strip()},
    )


# --- a store's own alarm of a suspected batch problem 专卖店预警 (seed 000, 2.1) ---


def _alarm_not_raised(return_item: Return) -> str | None:
    if BatchAlarm.objects.filter(return_item=return_item).exists():
        return gettext_lazy("A batch alarm was raised on this return already.")
    return None


# From any state but cancelled, by the store's own staff, once per Return.
RETURN_BATCH_ALARM = Guard(
    "raise_batch_alarm",
    states=[state for state in ReturnState.values if state != ReturnState.CANCELLED],
    permission=permissions.is_store_staff_of,
    forbidden=gettext_lazy("Only the store's own staff raise a batch alarm on its returns."),
    related_state=_alarm_not_raised,
)


@transaction.atomic
def return_raise_batch_alarm(*, user, return_item: Return, note: str) -> BatchAlarm:
    """The store suspects a batch problem 批量质量问题: several of its customers report this on the style.

    One click with a note; the service center and QA are told, and the
    style and defect count toward a recall candidate even when every report
    comes from this one store.
    """
    row = RETURN_BATCH_ALARM(return_item, user=user)
    reject_nul_bytes(note=note)
    if not note.strip():
        raise ValidationError({"note": [_("Say what the customers report.")]})
    alarm = BatchAlarm(
        return_item=row,
        store_id=row.store_id,
        style_id=row.style_id,
        defect_code_id=row.reported_defect_id,
        note=note.strip(),
        raised_by=user,
    )
    alarm.full_clean()
    alarm.save()
    log_event(row, "raise_batch_alarm", user=user, payload={"note": alarm.note})
    recipients = (
        get_user_model().objects.filter(groups__name__in=[Role.TECHNICIAN, Role.QA_MANAGER], is_active=True).distinct()
    )
    try:
        url = reverse("cases:return_detail", args=[row.pk])
    except NoReverseMatch:
        url = ""
    notify(
        recipients=recipients.order_by("pk"),
        kind="batch_alarm",
        template="batch_alarm",
        context={"alarm": alarm, "item": row, "store": row.store, "style": row.style},
        url=url,
        target=row,
    )
    return alarm
