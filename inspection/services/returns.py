"""Writes of the defect-code catalogue, of a Return's inspection 鉴定 and of the supplier's rework answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.fsm import fire
from aftersales.services import upsert
from aftersales.validation import reject_nul_bytes
from cases.choices import AttachmentKind, Verdict
from cases.models import Return
from cases.services import attachments_add
from inspection.choices import ReworkAnswer
from inspection.models import InspectionReport
from repairs.services import repairticket_open
from suppliers.choices import Responsibility
from suppliers.models import DefectCode


def defectcode_upsert(*, code: str, **values: Any) -> DefectCode:
    """Create or update a defect code 缺陷代码 by its code."""
    return upsert(DefectCode, lookup={"code": code}, values=values)[0]


def _inspection_errors(
    *, verdict: str, responsibility: str, supplier_promised_date: dt.date | None, today: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if verdict not in Verdict.values:
        errors["verdict"] = [_("Choose repairable, supplier_rework, unrepairable or no_defect.")]
    if responsibility and responsibility not in Responsibility.values:
        errors["responsibility"] = [_("Choose supplier, store, customer or hq.")]
    elif verdict == Verdict.UNREPAIRABLE and not responsibility:
        errors["responsibility"] = [
            _("An unrepairable unit needs a responsible party; choose hq when supplier and store cannot be told apart.")
        ]
    if supplier_promised_date is not None and supplier_promised_date < today:
        errors["supplier_promised_date"] = [_("The supplier's promised return date cannot be in the past.")]
    return errors


@transaction.atomic
def return_inspect(
    *,
    user,
    return_item: Return,
    verdict: str,
    responsibility: str = "",
    defect_codes: Sequence[DefectCode] = (),
    notes: str = "",
    supplier_agreement: str = "",
    supplier_promised_date: dt.date | None = None,
    photos: Sequence[Any] = (),
) -> InspectionReport:
    """Inspect 鉴定 a received Return: write its InspectionReport and move it as the verdict says.

    ``repairable`` opens a repair ticket, ``supplier_rework`` sends it to the
    supplier (with the supplier's agreement and promised date),
    ``no_defect`` readies it to go back, ``unrepairable`` (which needs a
    responsible party) makes it wait for the monthly write-off list.
    ``photos`` (files: uploaded, or kept from an earlier try of the page's
    form, which are claimed) are attached to the Return as inspection photos,
    in the same transaction; the page sends them, the API attaches its own.
    """
    now = timezone.now()

    def check(row: Return) -> None:
        reject_nul_bytes(notes=notes, supplier_agreement=supplier_agreement)
        if row.recall_id:
            raise ValidationError(
                {
                    "recall": [
                        _(
                            "A batch recall's unit is not inspected on its own: it goes to the supplier with its "
                            "recall, whose outcome decides where it goes."
                        )
                    ]
                }  # fmt: skip
            )
        errors = _inspection_errors(
            verdict=verdict,
            responsibility=responsibility,
            supplier_promised_date=supplier_promised_date,
            today=timezone.localdate(now),
        )
        if errors:
            raise ValidationError(errors)

    codes = list(dict.fromkeys(defect_codes))
    row = fire(
        return_item,
        "inspect",
        user=user,
        before=check,
        arguments={"verdict": verdict, "responsibility": responsibility, "at": now},
        payload={
            "verdict": verdict,
            "responsibility": responsibility,
            "defect_codes": [code.code for code in codes],
            "notes": notes,
        },
    )
    report = InspectionReport(
        return_item=row,
        inspector=user,
        inspected_at=now,
        verdict=verdict,
        responsibility=responsibility,
        notes=notes.strip(),
        supplier_agreement=supplier_agreement.strip() if verdict == Verdict.SUPPLIER_REWORK else "",
        supplier_promised_date=supplier_promised_date if verdict == Verdict.SUPPLIER_REWORK else None,
        # A rework verdict asks the supplier, in its portal, to agree with its promised return date.
        rework_answer=ReworkAnswer.REQUESTED if verdict == Verdict.SUPPLIER_REWORK else ReworkAnswer.NOT_ASKED,
    )
    # The answer is set once here and then only by its transitions; validating it would assign it (protected).
    report.full_clean(exclude=["rework_answer"])
    report.save()
    report.defect_codes.set(codes)
    if verdict == Verdict.REPAIRABLE:
        repairticket_open(user=user, return_item=row)
    if photos:
        attachments_add(user=user, return_item=row, files=photos, kind=AttachmentKind.INSPECTION)
    return report


def inspectionreport_agree_rework(*, user, report: InspectionReport, promised_date: dt.date | None) -> InspectionReport:
    """The supplier agrees to rework the unit 经工厂同意, promising its return date (today or later)."""
    now = timezone.now()

    def check(row: InspectionReport) -> None:
        if promised_date is None:
            raise ValidationError({"promised_date": [_("Give the date the reworked unit will be back.")]})
        if promised_date < timezone.localdate(now):
            raise ValidationError({"promised_date": [_("The promised return date cannot be in the past.")]})

    return fire(
        report,
        "agree_rework",
        user=user,
        before=check,
        arguments={"promised_date": promised_date, "by": user, "at": now},
        payload={"promised_date": promised_date},
    )


def inspectionreport_decline_rework(*, user, report: InspectionReport, reason: str) -> InspectionReport:
    """The supplier declines the rework, saying why; the technicians take the unit back."""
    now = timezone.now()
    reason = (reason or "").strip()

    def check(row: InspectionReport) -> None:
        reject_nul_bytes(reason=reason)
        if not reason:
            raise ValidationError({"reason": [_("Say why the rework is declined.")]})

    return fire(
        report,
        "decline_rework",
        user=user,
        before=check,
        arguments={"reason": reason, "by": user, "at": now},
        payload={"reason": reason},
    )
