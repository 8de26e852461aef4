"""Writes of the monthly write-off list 报废清单 and its loss reports 报损单.

The list is built for a month from the units waiting to be scrapped 待报废,
submitted by a technician, confirmed by the logistics manager 物流部经理确认 and
approved by the production VP 生产副总审批 — three different people
(``writeoffs.permissions``). Approval writes every unit off in one transaction
and issues one loss report per responsible supplier and store; the party signs
it. The destruction record 销毁记录 closes the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.files import upload_content_type
from aftersales.fsm import (
    TransitionError,
    TransitionForbidden,
    TransitionStateConflict,
    fire,
    lock,
    log_event,
    require_state,
)
from aftersales.notifications import notify
from aftersales.periods import period_bounds, require_not_future
from aftersales.roles import Role
from aftersales.services import sequence_take
from aftersales.validation import reject_nul_bytes
from cases.choices import ReturnState
from cases.models import Return
from writeoffs import permissions
from writeoffs.choices import PartyType, WriteOffListState
from writeoffs.models import ZERO, DestructionPhoto, LossReport, PartyMixin, WriteOffLine, WriteOffList

User = get_user_model()

# A Return whose responsibility is one of these is charged to that party by a loss report; customer and HQ are not.
PARTY_RESPONSIBILITIES = (PartyType.SUPPLIER, PartyType.STORE)


def writeofflist_number(period: dt.date) -> str:
    return f"WO-{period:%Y%m}"


def live_lines(writeoff_list: WriteOffList):
    return WriteOffLine.objects.filter(writeoff_list=writeoff_list, removed_at__isnull=True)


def _refresh_total(writeoff_list: WriteOffList) -> None:
    total = live_lines(writeoff_list).aggregate(total=Sum("unit_cost"))["total"] or ZERO
    if writeoff_list.total_cost != total:
        writeoff_list.total_cost = Decimal(total).quantize(Decimal("0.01"))
        WriteOffList.objects.filter(pk=writeoff_list.pk).update(total_cost=writeoff_list.total_cost)


def eligible_returns(writeoff_list: WriteOffList):
    """Units waiting to be scrapped, inspected before the month's end, on no live line and not removed from this list.

    A unit removed from this month's draft waits for next month's list, so
    building this month again does not bring it back.
    """
    _start, end = period_bounds(writeoff_list.period)
    on_lists = WriteOffLine.objects.filter(removed_at__isnull=True).values("return_item")
    removed_here = WriteOffLine.objects.filter(writeoff_list=writeoff_list, removed_at__isnull=False).values(
        "return_item"
    )
    return (
        Return.objects.filter(state=ReturnState.SCRAP_PENDING, inspected_at__lt=end)
        .exclude(pk__in=on_lists)
        .exclude(pk__in=removed_here)
        .select_related("style__supplier", "store")
        .order_by("inspected_at", "id")
    )


def _line_for(writeoff_list: WriteOffList, item: Return) -> WriteOffLine:
    supplier = item.style.supplier if item.responsibility == PartyType.SUPPLIER else None
    line = WriteOffLine(
        writeoff_list=writeoff_list,
        return_item=item,
        style_no=item.style.style_no,
        production_year=item.production_year,
        unit_cost=item.style.unit_cost,
        responsibility=item.responsibility or PartyType.HQ,
        supplier=supplier,
        store=item.store,
    )
    line.full_clean(exclude=["writeoff_list", "return_item"], validate_unique=False, validate_constraints=False)
    return line


@transaction.atomic
def writeofflist_build(*, period: dt.date, user=None) -> tuple[WriteOffList, bool]:
    """Build the month's write-off list 报废清单, or answer the existing one; building twice changes nothing.

    The draft collects every ``scrap_pending`` Return inspected before the
    month's end and on no other live line, copying its style number,
    production year, unit cost, responsibility and party, so later changes to
    master data do not change the list. A draft built again takes in units
    judged unrepairable since; a list past draft is answered as it is.
    ``user`` None is the monthly schedule; a person must be a technician.
    """
    if user is not None and not permissions.is_technician(None, user):
        raise TransitionForbidden(
            _("Only the service center's technicians build the write-off list."), transition="build"
        )
    require_not_future(period)
    period = period.replace(day=1)
    writeoff_list = WriteOffList.objects.select_for_update().filter(period=period).first()
    created = writeoff_list is None
    if created:
        writeoff_list = WriteOffList(period=period, number=writeofflist_number(period), created_by=user)
        writeoff_list.full_clean(exclude=["state"])
        writeoff_list.save()
    if writeoff_list.state != WriteOffListState.DRAFT:
        return writeoff_list, created
    items = lock(Return, eligible_returns(writeoff_list).values_list("pk", flat=True))
    # Locked rows come back without their joins; the copies need style and supplier.
    items = list(
        Return.objects.filter(pk__in=[item.pk for item in items], state=ReturnState.SCRAP_PENDING)
        .select_related("style__supplier", "store")
        .order_by("inspected_at", "id")
    )
    lines = WriteOffLine.objects.bulk_create(_line_for(writeoff_list, item) for item in items)
    if lines or created:
        _refresh_total(writeoff_list)
        log_event(
            writeoff_list,
            "build",
            user=user,
            payload={"added": [item.number for item in items], "total_cost": writeoff_list.total_cost},
        )
    return writeoff_list, created


def _users_with_role(role: str):
    return User.objects.filter(is_active=True, groups__name=role).distinct().order_by("pk")


def _notify_list(writeoff_list: WriteOffList, *, recipients, template: str, context: dict | None = None) -> None:
    url = reverse("writeoffs:writeofflist_detail", args=[writeoff_list.pk])
    notify(
        recipients=list(recipients),
        kind=f"writeofflist_{template}",
        template=f"writeofflist_{template}",
        context={"writeoff_list": writeoff_list, "url": url, **(context or {})},
        url=url,
        target=writeoff_list,
    )


@transaction.atomic
def writeofflist_submit(*, writeoff_list: WriteOffList, user) -> WriteOffList:
    """A technician submits the draft 提交 for the logistics manager's confirmation; an empty list cannot go."""

    def check(row: WriteOffList) -> None:
        if not live_lines(row).exists():
            raise ValidationError(_("The list has no units to write off."))

    row = fire(
        writeoff_list,
        "submit",
        user=user,
        before=check,
        arguments={"by": user, "at": timezone.now()},
        payload={"total_cost": writeoff_list.total_cost},
    )
    _notify_list(row, recipients=_users_with_role(Role.LOGISTICS_MANAGER), template="submitted")
    return row


@transaction.atomic
def writeofflist_confirm(*, writeoff_list: WriteOffList, user) -> WriteOffList:
    """物流部经理确认: the first approval, by a logistics manager who did not submit the list."""
    row = fire(writeoff_list, "confirm", user=user, arguments={"by": user, "at": timezone.now()}, payload={})
    _notify_list(row, recipients=_users_with_role(Role.PRODUCTION_VP), template="confirmed")
    return row


@transaction.atomic
def writeofflist_reject(*, writeoff_list: WriteOffList, user, reason: str) -> WriteOffList:
    """Send a submitted or confirmed list back to draft 退回 with a reason; the technicians fix and resubmit it."""
    reject_nul_bytes(reason=reason)
    reason = (reason or "").strip()
    submitter_id = writeoff_list.submitted_by_id

    def check(row: WriteOffList) -> None:
        if not reason:
            raise ValidationError({"reason": [_("Say why the list is sent back.")]})

    row = fire(writeoff_list, "reject", user=user, before=check, arguments={"reason": reason})
    recipients = User.objects.filter(pk=submitter_id) if submitter_id else _users_with_role(Role.TECHNICIAN)
    _notify_list(row, recipients=recipients, template="rejected", context={"reason": reason, "rejected_by": user})
    return row


@transaction.atomic
def writeofflist_approve(*, writeoff_list: WriteOffList, user) -> WriteOffList:
    """生产副总审批: write every unit on the list off, all or none, and issue the loss reports 报损单.

    ``write_off`` fires on every live line's Return in this one transaction;
    if any unit is no longer waiting to be scrapped, nothing is written off,
    the list stays confirmed and the answer names the unit.
    """
    row = fire(writeoff_list, "approve", user=user, arguments={"by": user, "at": timezone.now()}, payload={})
    lines = list(live_lines(row).select_related("return_item"))
    numbers = {line.return_item_id: line.return_item.number for line in lines}
    for item in lock(Return, numbers):
        try:
            fire(item, "write_off", user=None, payload={"writeoff_list": row.number}, locked=True)
        except TransitionError as error:
            raise TransitionStateConflict(
                _(
                    "%(number)s is “%(state)s”, no longer waiting to be scrapped: nothing was written off. "
                    "Send the list back to draft and remove the unit."
                )
                % {"number": item.number, "state": item.get_state_display()},
                transition="approve",
            ) from error
    for report in _issue_loss_reports(row, lines):
        _notify_party(report)
    return row


def _issue_loss_reports(writeoff_list: WriteOffList, lines: Sequence[WriteOffLine]) -> list[LossReport]:
    parties: dict[str, dict] = {}
    for line in lines:
        if line.responsibility == PartyType.SUPPLIER and line.supplier_id is not None:
            key, fields = f"supplier:{line.supplier_id}", {"party_type": PartyType.SUPPLIER, "supplier": line.supplier}
        elif line.responsibility == PartyType.STORE:
            key, fields = f"store:{line.store_id}", {"party_type": PartyType.STORE, "store": line.store}
        else:
            continue
        party = parties.setdefault(key, {**fields, "total": ZERO})
        party["total"] += line.unit_cost
    if not parties:
        return []
    stamp = f"{writeoff_list.period:%Y%m}"
    numbers = sequence_take(name=f"LR-{stamp}", count=len(parties))
    reports = []
    for number, party in zip(numbers, sorted(parties.values(), key=_party_order), strict=True):
        report = LossReport(
            number=f"LR-{stamp}-{number:03d}",
            writeoff_list=writeoff_list,
            period=writeoff_list.period,
            party_type=party["party_type"],
            supplier=party.get("supplier"),
            store=party.get("store"),
            party_key=PartyMixin.key_for(party["party_type"], supplier=party.get("supplier"), store=party.get("store")),
            total_cost=party["total"],
        )
        report.full_clean(exclude=["state"])
        report.save()
        reports.append(report)
    return reports


def _party_order(party: dict) -> tuple[str, str]:
    code = party["supplier"].code if party["party_type"] == PartyType.SUPPLIER else party["store"].code
    return party["party_type"], code


def loss_report_recipients(report: LossReport):
    """Who signs a loss report: the supplier's users, or the store's own staff."""
    if report.party_type == PartyType.SUPPLIER:
        return _users_with_role(Role.SUPPLIER_USER).filter(supplier_memberships__supplier=report.supplier_id)
    return _users_with_role(Role.STORE_STAFF).filter(store_memberships__store=report.store_id)


def _notify_party(report: LossReport) -> None:
    url = reverse("writeoffs:lossreport_detail", args=[report.pk])
    notify(
        recipients=list(loss_report_recipients(report)),
        kind="lossreport_issued",
        template="lossreport_issued",
        context={"loss_report": report, "url": url},
        url=url,
        target=report,
    )


# --- destruction record 销毁记录 ---


def _checked_photo(name: str, content: bytes) -> tuple[str, bytes, str]:
    """A destruction photo: the one upload check (``aftersales.files.upload_content_type``), photos only.

    The type (and so the stored name's extension) is the one sniffed from the bytes, whatever the file's name
    says; a refusal names the file, since a record carries several.
    """
    try:
        content_type = upload_content_type(content)
    except ValidationError:
        content_type = None
    if content_type is None or not content_type.startswith("image/"):
        raise ValidationError({"photos": [_photo_refusal(name, content)]})
    return (name or "photo")[-200:], content, content_type


def _photo_refusal(name: str, content: bytes) -> str:
    limit = settings.AFTERSALES_MAX_UPLOAD_BYTES
    if not content:
        return _("The file %(name)s is empty.") % {"name": name}
    if len(content) > limit:
        return _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": limit // (1024 * 1024)}
    return _("%(name)s is not a photo (JPEG, PNG, GIF or WebP).") % {"name": name or "file"}


@transaction.atomic
def writeofflist_record_destruction(
    *,
    writeoff_list: WriteOffList,
    user,
    destroyed_on: dt.date,
    method: str,
    warehouse_person: str,
    witness: str,
    photos: Iterable[tuple[str, bytes]] = (),
) -> WriteOffList:
    """Record the destruction 销毁记录 of an approved list: date, method, warehouse person, witness 行政监督, photos.

    The date lies between the approval and today. Photos are ``(name, bytes)``
    pairs, checked by their bytes; one bad photo refuses the whole record.
    """
    raw = {"method": method, "warehouse_person": warehouse_person, "witness": witness}
    method, warehouse_person = (method or "").strip(), (warehouse_person or "").strip()
    witness = (witness or "").strip()
    photos = list(photos)
    checked: list[tuple[str, bytes, str]] = []

    def check(row: WriteOffList) -> None:
        reject_nul_bytes(**raw)
        errors: dict[str, list[str]] = {}
        today = timezone.localdate()
        if destroyed_on is None:
            errors["destroyed_on"] = [_("Enter the date of the destruction.")]
        elif destroyed_on > today:
            errors["destroyed_on"] = [_("The destruction date cannot be in the future.")]
        elif row.approved_at and destroyed_on < timezone.localdate(row.approved_at):
            errors["destroyed_on"] = [_("The goods cannot have been destroyed before the list was approved.")]
        for field, value in (("method", method), ("warehouse_person", warehouse_person), ("witness", witness)):
            if not value:
                errors[field] = [_("This field is required.")]
        if errors:
            raise ValidationError(errors)
        checked.extend(_checked_photo(name, content) for name, content in photos)

    row = fire(
        writeoff_list,
        "record_destruction",
        user=user,
        before=check,
        arguments={
            "destroyed_on": destroyed_on,
            "destruction_method": method,
            "warehouse_person": warehouse_person,
            "witness": witness,
            "by": user,
        },
        payload={
            "destroyed_on": destroyed_on,
            "method": method,
            "warehouse_person": warehouse_person,
            "witness": witness,
            "photos": [name for name, _content in photos],
        },
    )
    for name, content, content_type in checked:
        DestructionPhoto.store(content=content, name=name, content_type=content_type, user=user, writeoff_list=row)
    return row


# --- lines ---


def writeoffline_remove_refusal(*, writeoff_list: WriteOffList, user) -> None:
    """Raise the 409 (not a draft) or 403 (not a technician) that refuses taking units off this list."""
    require_state(writeoff_list, [WriteOffListState.DRAFT], action="remove_line")
    if not permissions.is_technician(writeoff_list, user):
        raise TransitionForbidden(_("Only technicians change the write-off list."), transition="remove_line")


@transaction.atomic
def writeoffline_remove(*, line: WriteOffLine, user, reason: str) -> WriteOffLine:
    """Take a unit off a draft list 移出, with a reason; the unit waits for next month's list.

    The line keeps its row (who, when, why) and the list's log records it, so
    nothing leaves a list silently.
    """
    writeoff_list = WriteOffList.objects.select_for_update().get(pk=line.writeoff_list_id)
    writeoffline_remove_refusal(writeoff_list=writeoff_list, user=user)
    reject_nul_bytes(reason=reason)
    line = WriteOffLine.objects.select_for_update().select_related("return_item").get(pk=line.pk)
    if line.removed_at is not None:
        raise ValidationError({"line": [_("This unit was already taken off the list.")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the unit is taken off the list.")]})
    line.removed_at, line.removed_by, line.removal_reason = timezone.now(), user, reason
    line.full_clean(validate_constraints=False)
    line.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    _refresh_total(writeoff_list)
    log_event(
        writeoff_list,
        "remove_line",
        user=user,
        payload={"return": line.return_item.number, "unit_cost": line.unit_cost, "reason": reason},
    )
    return line


# --- loss reports ---


@transaction.atomic
def lossreport_acknowledge(*, loss_report: LossReport, user) -> LossReport:
    """The party signs its loss report 签收报损单: the supplier's user or the store's staff."""
    return fire(loss_report, "acknowledge", user=user, arguments={"by": user, "at": timezone.now()}, payload={})


def finance_users() -> list:
    """Finance 财务部's active people: they charge the loss reports and answer the statements' parties."""
    return list(User.objects.filter(is_active=True, groups__name=Role.FINANCE).distinct().order_by("pk"))


def lossreport_dispute_recipients(report: LossReport) -> list:
    """Who answers a disputed loss report at the center: finance (who charges it) and the technician who
    submitted the list (who knows the units)."""
    recipients = finance_users()
    submitter = report.writeoff_list.submitted_by
    if submitter is not None:
        recipients.append(submitter)
    return recipients


@transaction.atomic
def lossreport_dispute(*, loss_report: LossReport, user, reason: str) -> LossReport:
    """The party disputes 异议 its loss report with a reason instead of signing it; the center is told."""
    reason = (reason or "").strip()

    def check(row) -> None:
        if not reason:
            raise ValidationError({"reason": [_("Say why the loss report is disputed.")]})

    row = fire(
        loss_report,
        "dispute",
        user=user,
        before=check,
        arguments={"reason": reason, "by": user, "at": timezone.now()},
        payload={"reason": reason},
    )
    url = reverse("writeoffs:lossreport_detail", args=[row.pk])
    notify(
        recipients=lossreport_dispute_recipients(row),
        kind="lossreport_disputed",
        template="lossreport_disputed",
        context={"loss_report": row, "url": url, "actor": user},
        url=url,
        target=row,
    )
    return row
