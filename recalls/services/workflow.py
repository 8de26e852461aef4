"""Writes of batch recalls 整款退货: opening, QA's decision, the notices, stores' answers, the supplier, the outcome.

Kept beside ``cases.services`` (Returns and shipments) so neither module
grows past the house limit; recall Returns are still logged by
``cases.services.return_log``, so they ride the normal weekly shipment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.files import upload_bytes, upload_content_type
from aftersales.fsm import Guard, TransitionError, TransitionForbidden, fire, log_event, refusal
from aftersales.notifications import notify
from aftersales.roles import Role
from aftersales.services import sequence_take, temporary_upload_claim
from aftersales.uploads import temporary_uploads_in
from aftersales.validation import reject_nul_bytes
from cases.choices import OnsiteHandling, ReturnState
from cases.models import Return
from cases.services import ReturnUnit, return_log
from recalls import permissions
from recalls.choices import (
    RECALL_COLLECTING_STATES,
    RECALL_OPEN_STATES,
    RecallCostBearer,
    RecallNoticeState,
    RecallOutcome,
    RecallReturnMethod,
    RecallState,
)
from recalls.models import Recall, RecallAttachment, RecallNotice
from recalls.selectors import recall_candidates
from stores.models import Region, Store
from suppliers.models import Style

MAX_RECALL_UNITS_PER_REQUEST = 500
# Returns that ended at the store or were voided never travel, so they need no outcome.
NEVER_SHIPPED_STATES = (ReturnState.CANCELLED, ReturnState.RESOLVED_AT_STORE)


def _url(name: str, *args) -> str:
    # The recall pages are built separately; a message without its link is still a message.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _today() -> dt.date:
    return timezone.localdate()


# --- opening 立项 ---


@transaction.atomic
def recall_open(
    *,
    user,
    style: Style,
    defect_code,
    test_report: str,
    handling_plan: str = "",
    deadline: dt.date | None = None,
    return_method: str = "",
    cost_bearer: str = "",
    reported_return_ids: Sequence[int] | None = None,
    photos: Sequence[Any] = (),
) -> Recall:
    """Open a batch recall 整款退货 with the style test report 检测报告 (technicians only).

    The Returns other stores reported are linked: those given, or by default
    the Returns behind the current candidate for this style and code. A
    style and defect code already under an open recall are refused, and so
    is a proposed deadline in the past. ``photos`` (files: uploaded, or kept
    from an earlier try of the page's form, which are claimed) go with the
    test report, in the same transaction; the API attaches its own.
    """
    refused = recall_open_refusal(user=user)
    if refused is not None:
        raise refused
    reject_nul_bytes(test_report=test_report, handling_plan=handling_plan)
    errors: dict[str, list[str]] = {}
    if not test_report.strip():
        errors["test_report"] = [_("Describe the tests run on the style and their results.")]
    if deadline is not None and deadline < _today():
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if return_method and return_method not in RecallReturnMethod.values:
        errors["return_method"] = [_("Unknown return method.")]
    if cost_bearer and cost_bearer not in RecallCostBearer.values:
        errors["cost_bearer"] = [_("Unknown cost bearer.")]
    if Recall.objects.filter(style=style, defect_code=defect_code, state__in=RECALL_OPEN_STATES).exists():
        errors["style"] = [_("This style already has an open recall for this defect code.")]
    reported: list[Return] = []
    if reported_return_ids is None:
        for candidate in recall_candidates():
            if candidate.style.pk == style.pk and candidate.defect_code.pk == defect_code.pk:
                reported = candidate.returns
    else:
        wanted = list(dict.fromkeys(reported_return_ids))
        reported = list(Return.objects.filter(pk__in=wanted, style=style))
        if len(reported) != len(wanted):
            errors["reported_returns"] = [_("Link only Returns of this style.")]
    if errors:
        raise ValidationError(errors)
    period = timezone.localtime().strftime("%Y%m")
    number = sequence_take(name=f"RC-{period}")[0]
    recall = Recall(
        number=f"RC-{period}-{number:03d}",
        style=style,
        defect_code=defect_code,
        test_report=test_report.strip(),
        handling_plan=handling_plan.strip(),
        deadline=deadline,
        return_method=return_method,
        cost_bearer=cost_bearer,
        opened_by=user,
    )
    recall.full_clean(exclude=["state"])
    recall.save()
    recall.reported_returns.set(reported)
    log_event(recall, "open", user=user, payload={"reported_returns": [item.number for item in reported]})
    if photos:
        recall_attachments_add(user=user, recall=recall, files=photos)
    return recall


def recall_open_refusal(*, user) -> TransitionError | None:
    """Only service-center technicians open batch recalls (403); the API asks it before reading bad input."""
    if not permissions.is_technician(None, user):
        return TransitionForbidden(_("Only service-center technicians open batch recalls."), transition="open")
    return None


def _may_edit_test_report(recall: Recall, user) -> bool:
    return permissions.is_technician(recall, user) or permissions.is_qa_manager(recall, user)


# Photos of the style test report 检测报告: technicians and QA, until the recall ends.
RECALL_ATTACH = Guard(
    "attach",
    states=RECALL_OPEN_STATES,
    permission=_may_edit_test_report,
    forbidden=gettext_lazy("You may not add files to this recall."),
    conflict=gettext_lazy("The recall is “%(state)s”: its test report is final."),
)


@transaction.atomic
def recall_attachment_add(*, user, recall: Recall, name: str, content: bytes) -> RecallAttachment:
    """Attach a photo or PDF to the style test report 检测报告 (technicians and QA, until the recall ends)."""
    row = RECALL_ATTACH(recall, user=user)
    return _recall_attachment_create(user=user, recall=row, name=name, content=content)


@transaction.atomic
def recall_attachments_add(*, user, recall: Recall, files: Sequence[Any]) -> list[RecallAttachment]:
    """Attach the page's files to the test report at once: all or none (kept uploads among them are claimed)."""
    row = RECALL_ATTACH(recall, user=user)
    attachments = [
        _recall_attachment_create(user=user, recall=row, name=upload.name or "", content=upload_bytes(upload))
        for upload in files
    ]
    temporary_upload_claim(user=user, uploads=temporary_uploads_in(files))
    return attachments


def _recall_attachment_create(*, user, recall: Recall, name: str, content: bytes) -> RecallAttachment:
    content_type = upload_content_type(content)
    reject_nul_bytes(name=name)
    return RecallAttachment.store(content=content, name=name, content_type=content_type, user=user, recall=recall)


# --- QA's decision ---


@transaction.atomic
def recall_approve(
    *,
    user,
    recall: Recall,
    deadline: dt.date | None = None,
    return_method: str = "",
    handling_plan: str = "",
    cost_bearer: str = "",
    regions: Sequence[Region] | None = None,
) -> Recall:
    """QA approves the recall with the handling agreed with the supplier (qa_manager only).

    Return method, deadline, plan and who bears the cost are required; what
    the technician proposed stands where nothing new is given. A deadline in
    the past is refused. ``regions``, when given, are the regions QA means
    to notify (``recall_regions_plan``), recorded with the approval.
    """
    # Filled by ``check`` from the locked row: ``fire`` reads both only after calling it.
    arguments: dict[str, Any] = {}
    agreed: dict[str, Any] = {}

    def check(row: Recall) -> None:
        reject_nul_bytes(handling_plan=handling_plan)
        agreed["deadline"] = deadline or row.deadline
        agreed["return_method"] = return_method or row.return_method
        agreed["handling_plan"] = handling_plan.strip() or row.handling_plan
        agreed["cost_bearer"] = cost_bearer or row.cost_bearer
        errors: dict[str, list[str]] = {}
        if agreed["deadline"] is None:
            errors["deadline"] = [_("Set the deadline by which stores return the goods.")]
        elif agreed["deadline"] < _today():
            errors["deadline"] = [_("The deadline cannot be in the past.")]
        if agreed["return_method"] not in RecallReturnMethod.values:
            errors["return_method"] = [_("Choose how the goods are returned.")]
        if not agreed["handling_plan"]:
            errors["handling_plan"] = [_("Record the handling plan agreed with the supplier.")]
        if agreed["cost_bearer"] not in RecallCostBearer.values:
            errors["cost_bearer"] = [_("Choose who bears the cost.")]
        if errors:
            raise ValidationError(errors)
        arguments.update(by=user, at=timezone.now(), **agreed)

    row = fire(recall, "approve", user=user, before=check, arguments=arguments, payload=agreed)
    if regions:
        row = recall_regions_plan(user=user, recall=row, regions=regions)
    return row


@transaction.atomic
def recall_reject(*, user, recall: Recall, reason: str) -> Recall:
    """QA rejects the proposed recall, saying why (qa_manager only)."""

    def check(row: Recall) -> None:
        reject_nul_bytes(reason=reason)
        if not reason.strip():
            raise ValidationError({"reason": [_("Say why the recall is rejected.")]})

    return fire(
        recall,
        "reject",
        user=user,
        before=check,
        arguments={"by": user, "at": timezone.now(), "reason": reason.strip()},
        payload={"reason": reason.strip()},
    )


# --- the notice 通知 ---


def store_staff_of(stores: Iterable[Store]) -> list:
    """The people who act for these stores: their store staff and designated contacts."""
    store_ids = [store.pk for store in stores]
    users = get_user_model().objects.filter(
        store_memberships__store__in=store_ids, groups__name=Role.STORE_STAFF, is_active=True
    )
    contacts = get_user_model().objects.filter(contact_for_stores__in=store_ids, is_active=True)
    return list((users | contacts).distinct().order_by("pk"))


@transaction.atomic
def recall_issue_notice(*, user, recall: Recall, regions: Sequence[Region] | None = None) -> Recall:
    """Issue the recall notice to every active store of the chosen regions (QA's plan, or all, when none given).

    Each store gets a notice to acknowledge, and its staff a message in the
    inbox and by e-mail.
    """
    # Regions given here, else those QA planned at approval, else every region.
    chosen: list[Region] = (
        list(regions or []) or list(recall.regions.order_by("code")) or list(Region.objects.order_by("code"))
    )
    stores: list[Store] = []
    payload: dict[str, Any] = {}

    def check(row: Recall) -> None:
        stores.extend(Store.objects.filter(region__in=chosen, active=True).order_by("code"))
        if not stores:
            raise ValidationError({"regions": [_("The chosen regions have no active store.")]})
        payload.update(regions=[region.code for region in chosen], stores=[store.code for store in stores])

    row = fire(recall, "issue_notice", user=user, before=check, arguments={"at": timezone.now()}, payload=payload)
    row.regions.set(chosen)
    url = _url("recalls:recallnotice_list")
    notices = RecallNotice.objects.bulk_create(RecallNotice(recall=row, store=store) for store in stores)
    for notice in notices:
        notice.full_clean(exclude=["state"])
    notify(
        recipients=store_staff_of(stores),
        kind="recall_notice",
        template="recall_notice",
        # A notice issued after the deadline QA agreed says it is overdue rather than asking for a past date.
        context={
            "recall": row,
            "style": row.style,
            "defect_code": row.defect_code,
            "url": url,
            "days_left": (row.deadline - _today()).days if row.deadline else None,
        },
        url=url,
        target=row,
    )
    return row


def _start_collecting(recall_id: int) -> None:
    """The first store's answer starts the collection (a system transition, logged without a person)."""
    recall = Recall.objects.select_for_update().get(pk=recall_id)
    if recall.state == RecallState.NOTICE_ISSUED:
        fire(recall, "start_collecting", user=None, arguments={"at": timezone.now()}, locked=True)


def _recall_not_collecting(message):
    """A notice's 409 from its recall's state: ``message`` (naming ``%(state)s``) once the recall takes no returns."""

    def problem(notice: RecallNotice) -> str | None:
        state = Recall.objects.filter(pk=notice.recall_id).values_list("state", flat=True).first()
        if state in RECALL_COLLECTING_STATES:
            return None
        return str(message) % {"state": RecallState(state).label}

    return problem


# Before the notice's own ``acknowledge`` (which ``fire`` checks): its recall must still collect.
RECALLNOTICE_ACKNOWLEDGE = Guard(
    "acknowledge",
    related_state=_recall_not_collecting(
        gettext_lazy("The recall is “%(state)s”: its notice can no longer be acknowledged.")
    ),
)


def recallnotice_acknowledge_refusal(*, user, notice: RecallNotice) -> TransitionError | None:
    """The 409 or 403 ``recallnotice_acknowledge`` gives before reading its input, or None."""
    first = RECALLNOTICE_ACKNOWLEDGE.refusal(notice, user)
    return first or refusal(notice, "acknowledge", user, check_conditions=False)


@transaction.atomic
def recallnotice_acknowledge(*, user, notice: RecallNotice, on_hand: int) -> RecallNotice:
    """The store acknowledges the recall notice 确认 with the units of the style it holds (its own staff only)."""
    locked = RECALLNOTICE_ACKNOWLEDGE(notice, user=user)

    def check(row: RecallNotice) -> None:
        if isinstance(on_hand, bool) or not isinstance(on_hand, int) or on_hand < 0:
            raise ValidationError({"on_hand": [_("Enter the number of units on hand (0 or more).")]})

    row = fire(
        locked,
        "acknowledge",
        user=user,
        before=check,
        arguments={"by": user, "at": timezone.now(), "on_hand": on_hand},
        payload={"on_hand": on_hand},
        locked=True,
    )
    _start_collecting(row.recall_id)
    return row


# Correcting the acknowledged figure: only once acknowledged, while the recall collects, by the store's own staff.
RECALLNOTICE_CORRECT_ON_HAND = Guard(
    "correct_on_hand",
    states=[RecallNoticeState.ACKNOWLEDGED],
    conflict=gettext_lazy("Acknowledge the notice with the units on hand first; a correction changes that figure."),
    related_state=_recall_not_collecting(
        gettext_lazy("The recall is “%(state)s”: the on-hand quantity can no longer be corrected.")
    ),
    permission=permissions.is_store_staff_of,
    forbidden=gettext_lazy("Only the notified store's own staff may correct its on-hand quantity."),
)


@transaction.atomic
def recallnotice_correct_on_hand(*, user, notice: RecallNotice, on_hand: int, reason: str) -> RecallNotice:
    """The store corrects the on-hand quantity it acknowledged 更正在库数量, saying why (its own staff only).

    The only way to log more units than first counted. Logged on the
    notice with who, when, the old and new figure and the reason. Refused
    below the units already logged (cancel those first), and once the
    recall no longer takes returns.
    """
    row = RECALLNOTICE_CORRECT_ON_HAND(notice, user=user)
    reject_nul_bytes(reason=reason)
    errors: dict[str, list[str]] = {}
    if isinstance(on_hand, bool) or not isinstance(on_hand, int) or on_hand < 0:
        errors["on_hand"] = [_("Enter the number of units on hand (0 or more).")]
    else:
        logged = _logged_units(row).count()
        if on_hand < logged:
            errors["on_hand"] = [
                _(
                    "The store has already logged %(logged)s unit(s): the on-hand quantity cannot be lower. "
                    "Cancel the units logged by mistake first."
                )
                % {"logged": logged}
            ]
        elif on_hand == row.on_hand:
            errors["on_hand"] = [_("The on-hand quantity is already %(count)s.") % {"count": on_hand}]
    if not reason.strip():
        errors["reason"] = [_("Say why the on-hand quantity changes.")]
    if errors:
        raise ValidationError(errors)
    before = row.on_hand
    # Not a transition (the state stays acknowledged), so the figure is written directly, then logged.
    RecallNotice.objects.filter(pk=row.pk).update(on_hand=on_hand, updated_at=timezone.now())
    row.refresh_from_db()
    log_event(row, "correct_on_hand", user=user, payload={"from": before, "to": on_hand, "reason": reason.strip()})
    return row


def recall_return_problems(*, recall: Recall, store: Store, style_id: int) -> list[str]:
    """Why a store may not log a unit of ``style_id`` against ``recall`` now (empty when it may)."""
    problems = []
    current = Recall.objects.filter(pk=recall.pk).values_list("state", "style_id").first()
    state, recall_style_id = current if current else (recall.state, recall.style_id)
    if state not in RECALL_COLLECTING_STATES:
        problems.append(
            _("Recall %(number)s is “%(state)s”: it takes no returns now.")
            % {"number": recall.number, "state": RecallState(state).label}
        )
    if not RecallNotice.objects.filter(recall_id=recall.pk, store_id=store.pk).exists():
        problems.append(
            _("Store %(store)s was not notified of recall %(number)s.") % {"store": store.code, "number": recall.number}
        )
    if style_id != recall_style_id:
        problems.append(_("Recall %(number)s is for another style.") % {"number": recall.number})
    return problems


def _logged_units(notice: RecallNotice):
    # Cancelled Returns were logged by mistake: they free their place.
    return Return.objects.filter(recall_id=notice.recall_id, store_id=notice.store_id).exclude(
        state=ReturnState.CANCELLED
    )


def recall_document_no_uses(*, store: Store, document_no: str) -> dict[str, int]:
    """Recall numbers (and units) under which ``store`` already logged recall units with this document number."""
    uses: dict[str, int] = {}
    rows = (
        Return.objects.filter(store=store, receipt_no=document_no.strip(), recall__isnull=False)
        .exclude(state=ReturnState.CANCELLED)
        .values_list("recall__number", flat=True)
        .order_by("recall__number")
    )
    for number in rows:
        uses[number] = uses.get(number, 0) + 1
    return uses


# A store's recall Returns: its own staff only. Whether the recall still takes them is the input's check (400 with
# the reason, ``recall_return_problems``), as for a Return logged against a recall on the receipt form.
RECALL_RETURNS_LOG = Guard(
    "log",
    permission=permissions.is_store_staff_of,
    forbidden=gettext_lazy("Only the notified store's own staff may return its goods."),
)


@transaction.atomic
def recall_returns_log(
    *,
    notice: RecallNotice,
    user,
    lines: Sequence[dict],
    document_no: str,
    confirm_reused_document_no: bool = False,
) -> list[Return]:
    """Log a store's recall Returns in bulk 整款退货登记: ``quantity`` units per colour and size.

    Each unit is a Return of the recall's style logged through
    ``return_log`` with the store's system return document number, so the
    units go to the center with the store's weekly shipment. Refused, with
    nothing created, for another store, a recall not taking returns, a
    quantity that is not a whole number above zero, a notice not yet
    acknowledged, or more units in all than the store acknowledged on hand
    (it corrects the on-hand figure first, ``recallnotice_correct_on_hand``).
    A document number the store already used for recall units is refused
    until ``confirm_reused_document_no``: a second submit of the same paper
    is the likelier cause than a second paper with the same number.
    """
    # The notice row is the lock: two submits of the same store count the logged units one after the other.
    notice = RECALL_RETURNS_LOG(notice, user=user)
    reject_nul_bytes(document_no=document_no, **{f"lines.{i}": [str(line.get("color", "")), str(line.get("size", ""))]
                                                 for i, line in enumerate(lines)})  # fmt: skip
    recall = Recall.objects.select_related("style", "defect_code").get(pk=notice.recall_id)
    errors: dict[str, list[str]] = {}
    if not document_no.strip():
        errors["document_no"] = [_("Enter the store system's return document number.")]
    if not lines:
        errors["lines"] = [_("Add at least one colour and size.")]
    total = 0
    for index, line in enumerate(lines, start=1):
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            errors.setdefault("lines", []).append(
                _("Line %(line)s: the quantity must be a whole number above zero.") % {"line": index}
            )
            continue
        if not str(line.get("color", "")).strip() or not str(line.get("size", "")).strip():
            errors.setdefault("lines", []).append(_("Line %(line)s: give the colour and size.") % {"line": index})
        total += quantity
    if total > MAX_RECALL_UNITS_PER_REQUEST:
        errors.setdefault("lines", []).append(
            _("At most %(max)s units at once.") % {"max": MAX_RECALL_UNITS_PER_REQUEST}
        )
    problems = recall_return_problems(recall=recall, store=notice.store, style_id=recall.style_id)
    if problems:
        errors["recall"] = problems
    if not problems and "lines" not in errors:
        if notice.state != RecallNoticeState.ACKNOWLEDGED or notice.on_hand is None:
            errors["lines"] = [_("Acknowledge the notice with the units on hand before logging returns.")]
        else:
            logged = _logged_units(notice).count()
            if logged + total > notice.on_hand:
                errors["lines"] = [
                    _(
                        "The store acknowledged %(on_hand)s unit(s) on hand and has logged %(logged)s: at most "
                        "%(left)s more can be logged, not %(count)s. If the store holds more, correct the on-hand "
                        "quantity first."
                    )
                    % {
                        "on_hand": notice.on_hand,
                        "logged": logged,
                        "left": max(notice.on_hand - logged, 0),
                        "count": total,
                    }
                ]
    reused = recall_document_no_uses(store=notice.store, document_no=document_no) if document_no.strip() else {}
    if reused and not confirm_reused_document_no and "document_no" not in errors:
        errors["document_no"] = [
            _(
                "Return document number %(number)s was already used by this store for recall %(recalls)s "
                "(%(count)s unit(s)). Check the number; if it is right, confirm it and submit again."
            )
            % {
                "number": document_no.strip(),
                "recalls": ", ".join(reused),
                "count": sum(reused.values()),
            }
        ]
    if errors:
        raise ValidationError(errors)
    today = _today()
    description = _("Batch recall %(number)s: %(defect)s") % {
        "number": recall.number,
        "defect": recall.defect_code.name,
    }
    units = [
        ReturnUnit(
            style=recall.style,
            color=str(line["color"]).strip(),
            size=str(line["size"]).strip(),
            production_year=max(2000, min(recall.style.year, today.year)),
            defect_description=description,
            reported_defect=recall.defect_code,
            recall=recall,
        )
        for line in lines
        for _unit in range(line["quantity"])
    ]
    created = return_log(
        user=user,
        store=notice.store,
        receipt_no=document_no,
        purchase_date=today,
        onsite_handling=OnsiteHandling.RECALL,
        units=units,
    )
    log_event(
        recall,
        "recall_returns",
        user=user,
        payload={
            "store": notice.store.code,
            "document_no": document_no.strip(),
            "units": len(created),
            **({"document_no_reused": sorted(reused)} if reused else {}),
        },
    )
    _start_collecting(recall.pk)
    return created


def recall_open_units(recall: Recall) -> list[str]:
    """Numbers of the recall's units whose outcome is not known yet (never shipped, or no outcome recorded)."""
    never_shipped = (
        recall.returns.exclude(state__in=NEVER_SHIPPED_STATES)
        .filter(recall_unit__isnull=True)
        .values_list("number", flat=True)
    )
    pending = recall.units.filter(outcome=RecallOutcome.PENDING).values_list("return_item__number", flat=True)
    return sorted({*never_shipped, *pending})


@transaction.atomic
def recall_close(*, user, recall: Recall, note: str = "") -> Recall:
    """Close the recall once every unit's outcome is known (QA)."""

    def check(row: Recall) -> None:
        reject_nul_bytes(note=note)
        open_units = recall_open_units(row)
        if open_units:
            shown = ", ".join(open_units[:20]) + ("…" if len(open_units) > 20 else "")
            raise ValidationError({"returns": [_("These units have no outcome yet: %(units)s.") % {"units": shown}]})

    return fire(recall, "close", user=user, before=check, arguments={"at": timezone.now(), "note": note.strip()})


# QA's choice of regions for the notice 通知范围, made at approval and used when the notice is issued: the
# approval page asks QA for the regions too, so the issue-notice form can start from them.
RECALL_REGIONS_PLAN = Guard(
    "plan_regions",
    states=[RecallState.PROPOSED, RecallState.APPROVED],
    permission=permissions.is_qa_manager,
    forbidden=gettext_lazy("Only QA chooses the regions of a recall notice."),
)


@transaction.atomic
def recall_regions_plan(*, user, recall: Recall, regions: Sequence[Region]) -> Recall:
    """Record the regions QA means to notify (qa_manager only, before the notice is issued)."""
    row = RECALL_REGIONS_PLAN(recall, user=user)
    chosen = sorted(regions, key=lambda region: region.code)
    row.regions.set(chosen)
    log_event(row, "plan_regions", user=user, payload={"regions": [region.code for region in chosen]})
    return row
