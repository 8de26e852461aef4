"""Every write of on-site service 现场服务: dispatch, arrival, findings and handling, the signed feedback form.

Refusals follow ``aftersales.fsm``: wrong state 409, wrong person 403, then bad
input 400, and a refused call changes nothing (each service is one
transaction). The visit's arrival clock runs on its case too
(``arrival_due``/``arrival_warn``): the earliest arrival due among the case's
visits still on their way, stopped when none is; so the case's queue order,
its clocks card and the 15-minute alert scan (once per case per level) see it.

The result feedback form 处置结果反馈单 is rendered after the signature commits,
by a Celery task (``servicedesk.tasks.visit_form_task``, with the document
tasks' delivery options), as a Chinese A4 PDF carrying the signature image; it
is stored once with its SHA-256 and served from then on, never rendered again.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.background import error_text
from aftersales.files import upload_content_type
from aftersales.fsm import Guard, fire, log_event
from aftersales.notifications import notify
from aftersales.roles import Role, roles_of
from aftersales.validation import reject_nul_bytes
from servicedesk import permissions, sla
from servicedesk.choices import PROMISE_STATES, CaseKind, SignatureSource, VisitHandling, VisitState
from servicedesk.models import MAX_TEXT, ServiceCase, Visit, VisitSignature, VisitTechnician

logger = logging.getLogger(__name__)

MAX_TECHNICIANS = 10
# A phone's clock may run a little ahead of the server's: an arrival "now" from a tablet is not in the future.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)
# Province names are compared without their administrative suffix: 广东 = 广东省, 上海 = 上海市, 广西 = 广西壮族自治区.
PROVINCE_SUFFIX = re.compile(r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$")
DATA_URL = re.compile(r"^data:(?P<type>[\w/+.-]+);base64,(?P<data>[A-Za-z0-9+/=\s]*)$")


def province_key(province: str) -> str:
    return PROVINCE_SUFFIX.sub("", (province or "").strip())


def in_service_center_province(province: str) -> bool:
    """Whether a site in ``province`` is in the service center's province (``AFTERSALES_SERVICE_CENTER_PROVINCE``)."""
    key = province_key(province)
    return bool(key) and key == province_key(settings.AFTERSALES_SERVICE_CENTER_PROVINCE)


def arrival_hours(in_province: bool) -> int:
    """The on-site arrival span of seed 001: 24 h in the province, 48 h outside (settings)."""
    if in_province:
        return settings.AFTERSALES_SLA_ONSITE_IN_PROVINCE_HOURS
    return settings.AFTERSALES_SLA_ONSITE_OUT_OF_PROVINCE_HOURS


def _case_arrival_refresh(case: ServiceCase) -> None:
    """The case's arrival clock from its visits still on their way (the caller holds the case's lock).

    Due at the earliest of their arrival due times and due soon from 75 % of
    that visit's span; stopped (the due time kept for the record) when no
    visit is on its way any more.
    """
    waiting = (
        Visit.objects.filter(service_case=case, state=VisitState.DISPATCHED)
        .order_by("arrival_due", "id")
        .values_list("dispatched_at", "arrival_due")
        .first()
    )
    if waiting is not None:
        dispatched_at, due = waiting
        case.arrival_due, case.arrival_warn = due, sla.warn_at(dispatched_at, due)
    else:
        case.arrival_warn = None
    if case.arrived_at is None:
        case.arrived_at = (
            Visit.objects.filter(service_case=case, arrived_at__isnull=False)
            .order_by("arrived_at")
            .values_list("arrived_at", flat=True)
            .first()
        )
    case.refresh_next_due()
    case.save(update_fields=["arrival_due", "arrival_warn", "arrived_at", "next_due", "updated_at"])


def _lock_case(case_id: int) -> ServiceCase:
    # The case first, then the visit: every visit service locks in that order, so two of them never deadlock.
    return ServiceCase.objects.select_for_update().get(pk=case_id)


# --- dispatch 派工 ---

# A visit is sent while the case is being worked on (open or in progress), by the hotline or QA.
VISIT_DISPATCH = Guard(
    "dispatch_visit",
    states=PROMISE_STATES,
    permission=permissions.may_dispatch,
    forbidden=gettext_lazy("Only the hotline or QA dispatch engineers on site."),
    conflict=gettext_lazy("The case is “%(state)s”: no more visits can be sent."),
)


def _check_crew(technicians: Sequence[Any], lead) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not technicians:
        errors["technicians"] = [_("Send at least one technician.")]
        return errors
    if len(technicians) > MAX_TECHNICIANS:
        errors["technicians"] = [_("Send at most %(count)s technicians.") % {"count": MAX_TECHNICIANS}]
        return errors
    if len({user.pk for user in technicians}) != len(technicians):
        errors["technicians"] = [_("Name each technician once.")]
        return errors
    not_technicians = [
        user.get_username() for user in technicians if not user.is_active or Role.TECHNICIAN not in roles_of(user)
    ]
    if not_technicians:
        errors["technicians"] = [
            _("Not an active technician: %(names)s.") % {"names": ", ".join(sorted(not_technicians))}
        ]
    if len(technicians) > 1 and lead is None:
        errors["lead"] = [_("Name the lead when several technicians go.")]
    elif lead is not None and lead.pk not in {user.pk for user in technicians}:
        errors["lead"] = [_("The lead must be one of the technicians sent.")]
    return errors


@transaction.atomic
def visit_dispatch(
    *,
    user,
    case: ServiceCase,
    technicians: Sequence[Any],
    planned_arrival: dt.datetime | None,
    lead=None,
    province: str = "",
    address: str = "",
    now: dt.datetime | None = None,
) -> Visit:
    """Dispatch engineers on site 派工 for a case: one or more technicians (one lead when several), planned arrival.

    The site's province (the customer's unless given) decides the arrival SLA:
    ``AFTERSALES_SLA_ONSITE_IN_PROVINCE_HOURS`` in the service center's province,
    the out-of-province hours elsewhere. The arrival due time is stored on the
    visit and runs as the case's ``arrival`` clock. The technicians are told.
    """
    now = now or timezone.now()
    row = VISIT_DISPATCH(case, user=user)
    reject_nul_bytes(province=province, address=address)
    technicians = list(technicians)
    errors = _check_crew(technicians, lead)
    site_province = (province or "").strip() or (row.customer.province if row.customer_id else "")
    if not site_province:
        errors["province"] = [_("Give the province of the site: the customer's record has none.")]
    elif len(site_province) > 20:
        errors["province"] = [_("At most 20 characters.")]
    if len(address) > 200:
        errors["address"] = [_("At most 200 characters.")]
    if planned_arrival is None:
        errors["planned_arrival"] = [_("This field is required.")]
    elif planned_arrival < now - CLOCK_TOLERANCE:
        errors["planned_arrival"] = [_("The planned arrival cannot be before the dispatch.")]
    elif planned_arrival > now + dt.timedelta(days=366):
        errors["planned_arrival"] = [_("The planned arrival must be within a year.")]
    if errors:
        raise ValidationError(errors)
    in_province = in_service_center_province(site_province)
    due = sla.add_hours(now, arrival_hours(in_province))
    sequence = Visit.objects.filter(service_case=row).count() + 1
    visit = Visit(
        service_case=row,
        number=f"{row.number}-V{sequence}",
        dispatched_by=user,
        dispatched_at=now,
        planned_arrival=planned_arrival,
        address=address.strip(),
        province=site_province,
        in_province=in_province,
        arrival_due=due,
    )
    visit.full_clean(exclude=["state"])
    visit.save()
    if lead is None:
        lead = technicians[0]
    VisitTechnician.objects.bulk_create(
        [VisitTechnician(visit=visit, user=technician, lead=technician.pk == lead.pk) for technician in technicians]
    )
    _case_arrival_refresh(row)
    log_event(
        visit,
        "dispatch",
        user=user,
        payload={
            "technicians": [technician.get_username() for technician in technicians],
            "lead": lead.get_username(),
            "planned_arrival": planned_arrival,
            "province": site_province,
            "in_province": in_province,
            "arrival_due": due,
        },
    )
    log_event(row, "visit_dispatch", user=user, payload={"visit": visit.number, "arrival_due": due})
    notify(
        recipients=technicians,
        kind="visit_dispatched",
        template="visit_dispatched",
        context={"visit": visit, "case": row, "lead": lead},
        url=reverse("servicedesk:visit_detail", args=[visit.pk]),
        target=visit,
    )
    return visit


# --- on site ---


@transaction.atomic
def visit_arrive(*, user, visit: Visit, at: dt.datetime | None = None, now: dt.datetime | None = None) -> Visit:
    """The engineers arrived 到达现场 (``at``, now by default): never before the dispatch, never in the future."""
    now = now or timezone.now()
    at = at or now
    case = _lock_case(visit.service_case_id)

    def check(row: Visit) -> None:
        if at < row.dispatched_at:
            raise ValidationError({"arrived_at": [_("The arrival cannot be before the dispatch.")]})
        if at > now + CLOCK_TOLERANCE:
            raise ValidationError({"arrived_at": [_("The arrival cannot be in the future.")]})

    row = fire(
        visit, "arrive", user=user, before=check, arguments={"at": at, "by": user},
        payload={"arrived_at": at, "on_time": at <= visit.arrival_due},
    )  # fmt: skip
    _case_arrival_refresh(case)
    return row


# Findings and handling: recorded (and corrected) by the visit's technicians while they are on site.
VISIT_FINDINGS = Guard(
    "record_findings",
    states=(VisitState.ARRIVED,),
    permission=permissions.is_visit_technician,
    forbidden=gettext_lazy("Only the technicians sent on this visit record its findings."),
    conflict=gettext_lazy("The visit is “%(state)s”: findings are recorded while the engineers are on site."),
)


@transaction.atomic
def visit_record_findings(
    *,
    user,
    visit: Visit,
    misuse: bool | None,
    handling: str,
    findings: str = "",
    product: str = "",
    batch_no: str = "",
    production_point: str = "",
    production_date: dt.date | None = None,
    quantity_used: int | None = None,
    handling_notes: str = "",
    now: dt.datetime | None = None,
) -> Visit:
    """Findings 现场调查 (product, batch, production point and time, quantity used, whether the user operated it
    wrongly) and the handling 处理方式 (repaired on site, exchanged or returned, compensated); logged each time."""
    now = now or timezone.now()
    row = VISIT_FINDINGS(visit, user=user)
    reject_nul_bytes(
        findings=findings, product=product, batch_no=batch_no, production_point=production_point,
        handling_notes=handling_notes,
    )  # fmt: skip
    errors: dict[str, list[str]] = {}
    if misuse is None:
        errors["misuse"] = [_("Say whether the user operated it wrongly.")]
    if handling not in VisitHandling.values:
        errors["handling"] = [_("Choose how it was handled.")]
    for name, value, limit in (
        ("product", product, 200),
        ("batch_no", batch_no, 40),
        ("production_point", production_point, 100),
        ("findings", findings, MAX_TEXT),
        ("handling_notes", handling_notes, MAX_TEXT),
    ):
        if len(value) > limit:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]
    if not findings.strip():
        errors["findings"] = [_("Describe what you found.")]
    if production_date is not None and production_date > timezone.localdate(now):
        errors["production_date"] = [_("The production date cannot be in the future.")]
    if quantity_used is not None and not 0 <= quantity_used <= 1_000_000:
        errors["quantity_used"] = [_("Enter a quantity from 0 to 1,000,000.")]
    if errors:
        raise ValidationError(errors)
    row.product, row.batch_no, row.production_point = product.strip(), batch_no.strip(), production_point.strip()
    row.production_date, row.quantity_used, row.misuse = production_date, quantity_used, misuse
    row.findings, row.handling, row.handling_notes = findings.strip(), handling, handling_notes.strip()
    row.findings_recorded_at = now
    row.full_clean(exclude=["state"])
    row.save()
    log_event(
        row,
        "record_findings",
        user=user,
        payload={"handling": handling, "misuse": misuse, "quantity_used": quantity_used, "batch_no": row.batch_no},
    )
    return row


# --- the result feedback form 处置结果反馈单 ---


def signature_bytes_from_data_url(value: str) -> bytes:
    """The bytes of a canvas's ``toDataURL()`` (``data:image/png;base64,...``); 400 naming ``signature`` otherwise."""
    limit = settings.AFTERSALES_MAX_UPLOAD_BYTES
    match = DATA_URL.match(value or "") if len(value or "") <= limit * 4 // 3 + 100 else None
    if match is None:
        raise ValidationError({"signature": [_("The signature is not an image.")]})
    try:
        return base64.b64decode(re.sub(r"\s", "", match["data"]), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError({"signature": [_("The signature is not an image.")]}) from error


def signature_content_type(content: bytes) -> str:
    """The signature's type from its bytes: a photo (JPEG, PNG, GIF, WebP) within the upload limits, else 400."""
    try:
        content_type = upload_content_type(content)
    except ValidationError as error:
        raise ValidationError({"signature": error.messages}) from error
    if not content_type.startswith("image/"):
        raise ValidationError({"signature": [_("The signature is not an image.")]})
    return content_type


@transaction.atomic
def visit_sign(
    *,
    user,
    visit: Visit,
    source: str,
    signer_name: str,
    content: bytes | None = None,
    data_url: str = "",
    filename: str = "",
    now: dt.datetime | None = None,
) -> Visit:
    """The customer signs the result feedback form 处置结果反馈单: drawn on the screen (the canvas's PNG, as bytes
    or as its ``data:`` URL) or a photo of the signed paper. Needs the findings and handling; the signature must
    be an image within the upload limits (``aftersales.files``), else a 400 naming ``signature``. The form's
    PDF is rendered by a task once this commits."""
    now = now or timezone.now()
    checked: dict[str, Any] = {}

    def check(row: Visit) -> None:
        reject_nul_bytes(signer_name=signer_name)
        errors: dict[str, list[str]] = {}
        if not row.findings_complete:
            errors["findings"] = [_("Record the findings and the handling before the customer signs.")]
        if source not in SignatureSource.values:
            errors["source"] = [_("Say whether the form was signed on the screen or on paper.")]
        if not signer_name.strip():
            errors["signer_name"] = [_("Enter the name of the person who signs.")]
        elif len(signer_name) > 60:
            errors["signer_name"] = [_("At most 60 characters.")]
        try:
            checked["content"] = content if content is not None else signature_bytes_from_data_url(data_url)
            checked["content_type"] = signature_content_type(checked["content"])
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    row = fire(
        visit, "sign", user=user, before=check, arguments={"signer_name": signer_name.strip(), "at": now},
        payload={"signer_name": signer_name.strip(), "source": source},
    )  # fmt: skip
    default_name = "signature.png" if source == SignatureSource.DRAWN else "signed-form"
    VisitSignature.store(
        content=checked["content"],
        name=filename or default_name,
        content_type=checked["content_type"],
        user=user,
        visit=row,
        source=source,
    )
    visit_form_enqueue(row.pk)
    return row


# Called off before the engineers arrive, by whoever dispatches.
@transaction.atomic
def visit_cancel(*, user, visit: Visit, reason: str) -> Visit:
    """Call a visit off before arrival (the customer cancelled, a duplicate); its arrival clock stops."""
    case = _lock_case(visit.service_case_id)

    def check(_row) -> None:
        reject_nul_bytes(reason=reason)
        if not reason.strip():
            raise ValidationError({"reason": [_("This field is required.")]})
        if len(reason) > MAX_TEXT:
            raise ValidationError({"reason": [_("At most %(limit)s characters.") % {"limit": MAX_TEXT}]})

    row = fire(visit, "cancel", user=user, before=check, arguments={"reason": reason.strip()})
    _case_arrival_refresh(case)
    return row


# --- the form's PDF, rendered by a task ---


HANDLING_TEXT = {
    VisitHandling.REPAIRED_ON_SITE: "现场维修 Repaired on site",
    VisitHandling.EXCHANGED_OR_RETURNED: "换货或退货 Exchanged or returned",
    VisitHandling.COMPENSATED: "补偿 Compensated",
}
KIND_TEXT = {
    CaseKind.CONSULTATION: "咨询",
    CaseKind.COMPLAINT: "投诉",
    CaseKind.QUALITY: "质量反馈",
    CaseKind.RETURN_EXCHANGE: "退换货",
    CaseKind.REPAIR: "报修",
}
SOURCE_TEXT = {SignatureSource.DRAWN: "屏幕签名 Signed on screen", SignatureSource.PHOTO: "纸质签字拍照 Photo of paper"}


def visit_form_context(visit: Visit) -> dict:
    """What the form prints: the case, the customer (masked phone: the paper travels), the crew, the SLA, the
    findings, the handling and the signature image (a ``data:`` URL: the renderer fetches nothing else)."""
    from aftersales.display import display_name, format_document_date
    from aftersales.exports.pdf import label
    from cases.permissions import mask_phone

    case = visit.service_case
    crew = list(visit.crew.select_related("user").order_by("-lead", "id"))
    signature = VisitSignature.objects.filter(visit=visit).first()
    image = ""
    if signature is not None:
        with signature.file.open("rb") as handle:
            image = f"data:{signature.content_type};base64,{base64.b64encode(handle.read()).decode('ascii')}"
    zone = timezone.get_current_timezone()

    def moment(value):
        return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M") if value else ""

    customer = case.customer
    return {
        "title": "处置结果反馈单",
        "title_en": "Result feedback form",
        "number": visit.number,
        "visit": visit,
        "case": case,
        "kind": label(KIND_TEXT, CaseKind, case.kind),
        "customer_name": customer.name if customer else "",
        "customer_phone": mask_phone(customer.phone) if customer else "",
        "crew": [{"name": display_name(row.user), "lead": row.lead} for row in crew],
        "province": visit.province,
        "sla_hours": arrival_hours(visit.in_province),
        "in_province": visit.in_province,
        "dispatched": moment(visit.dispatched_at),
        "planned": moment(visit.planned_arrival),
        "due": moment(visit.arrival_due),
        "arrived": moment(visit.arrived_at),
        "on_time": visit.arrived_at is not None and visit.arrived_at <= visit.arrival_due,
        "production_date": format_document_date(visit.production_date) if visit.production_date else "",
        "handling": HANDLING_TEXT.get(visit.handling, visit.handling),
        "misuse": {True: "是 Yes", False: "否 No"}.get(visit.misuse, ""),
        "signer_name": visit.signer_name,
        "signed_on": moment(visit.signed_at),
        "signature_image": image,
        "signature_source": SOURCE_TEXT.get(signature.source, "") if signature else "",
    }


def visit_form_pdf(visit: Visit) -> bytes:
    from aftersales.exports.pdf import render_pdf

    return render_pdf("pdf/visit_feedback_form.html", visit_form_context(visit))


def visit_form_enqueue(visit_id: int) -> None:
    from servicedesk.tasks import visit_form_task

    transaction.on_commit(lambda: visit_form_task.delay(visit_id))


def visit_form_name(visit: Visit) -> str:
    return f"visits/forms/{visit.number}.pdf"


def visit_form_render(*, visit_id: int) -> str:
    """Render a signed visit's feedback form and store it once with its SHA-256 (``done``); later calls change
    nothing. Rendering happens outside the lock; storing, under it, so two attempts never keep two files."""
    visit = Visit.objects.filter(pk=visit_id, state=VisitState.SIGNED).first()
    if visit is None:
        return "skipped"
    if visit.form_sha256:
        return "done"
    content = visit_form_pdf(visit)
    with transaction.atomic():
        row = Visit.objects.select_for_update().get(pk=visit_id)
        if row.form_sha256:
            return "done"
        storage = row.form_pdf.storage
        path = visit_form_name(row)
        if storage.exists(path):  # a partial file an attempt killed mid-write left
            storage.delete(path)
        row.form_pdf.save(f"{row.number}.pdf", ContentFile(content), save=False)
        row.form_sha256, row.form_error = hashlib.sha256(content).hexdigest(), ""
        row.save(update_fields=["form_pdf", "form_sha256", "form_error", "updated_at"])
        log_event(row, "form_stored", user=None, payload={"sha256": row.form_sha256})
    return "done"


def visit_form_failed(*, visit_id: int, error: BaseException | str) -> None:
    """Keep why the render failed, for the page to say (the download queues it again)."""
    Visit.objects.filter(pk=visit_id, form_sha256="").update(form_error=error_text(error), updated_at=timezone.now())


def visit_form_requeue(visit: Visit) -> None:
    """A download of a form whose render failed queues it again (the error is cleared meanwhile)."""
    Visit.objects.filter(pk=visit.pk, form_sha256="").update(form_error="", updated_at=timezone.now())
    visit_form_enqueue(visit.pk)


def technicians_for_choice():
    """Active technicians, for the dispatch form and the API's lookup by username."""
    return get_user_model().objects.filter(is_active=True, groups__name=Role.TECHNICIAN).distinct().order_by("username")
