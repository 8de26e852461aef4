"""On-site visits put into each state through the services, and one snapshot for the refusal battery."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from aftersales.models import TransitionLog
from servicedesk import services
from servicedesk.choices import CaseKind, SignatureSource, VisitHandling
from servicedesk.models import ServiceCase, Visit, VisitSignature
from tests.support.servicedesk import CALLER, open_case, user

OUT_OF_PROVINCE = {**CALLER, "province": "湖南省"}


def quality_case(*, caller=None, **fields) -> ServiceCase:
    """A quality case 质量反馈 from a caller in Guangdong (the service center's province by default)."""
    return open_case(kind=CaseKind.QUALITY, description="电暖器外壳发烫变形", customer=caller or CALLER, **fields)


def dispatched(case: ServiceCase | None = None, *, technicians=("tech1",), lead=None, **fields) -> Visit:
    case = case or quality_case()
    return services.visit_dispatch(
        user=user("hotline1"),
        case=case,
        technicians=[user(name) for name in technicians],
        lead=user(lead) if lead else None,
        planned_arrival=timezone.now() + dt.timedelta(hours=4),
        **fields,
    )


def arrived(visit: Visit | None = None) -> Visit:
    visit = visit or dispatched()
    return services.visit_arrive(user=user("tech1"), visit=visit)


FINDINGS = {
    "product": "NSB-2000 电暖器",
    "batch_no": "B2026-11",
    "production_point": "二车间",
    "production_date": dt.date(2026, 10, 12),
    "quantity_used": 1,
    "misuse": False,
    "findings": "温控器失灵，外壳局部变形",
    "handling": VisitHandling.EXCHANGED_OR_RETURNED,
    "handling_notes": "现场换新",
}


def with_findings(visit: Visit | None = None) -> Visit:
    visit = arrived(visit)
    return services.visit_record_findings(user=user("tech1"), visit=visit, **FINDINGS)


def signature_png(width: int = 300, height: int = 120) -> bytes:
    """A drawn signature: dark strokes on white, as the canvas exports it."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(10, 90), (80, 20), (150, 100), (290, 30)], fill=(10, 31, 68), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def signed(visit: Visit | None = None, *, content: bytes | None = None) -> Visit:
    visit = with_findings(visit)
    return services.visit_sign(
        user=user("tech1"),
        visit=visit,
        content=content or signature_png(),
        source=SignatureSource.DRAWN,
        signer_name="李娜",
    )


def snapshot(visit: Visit):
    """Everything a refused request must leave as it was: the visit, its log, its signature, its case's clock."""
    row = Visit.objects.filter(pk=visit.pk).values().get()
    row.pop("updated_at")
    case = (
        ServiceCase.objects.filter(pk=visit.service_case_id)
        .values("state", "arrival_due", "arrival_warn", "arrived_at", "next_due")
        .get()
    )
    return (
        row,
        case,
        list(TransitionLog.objects.for_object(visit).values_list("transition", "target_state")),
        VisitSignature.objects.filter(visit=visit).count(),
        Visit.objects.count(),
    )


def case_snapshot(case: ServiceCase):
    return (
        ServiceCase.objects.filter(pk=case.pk).values("state", "arrival_due", "arrival_warn", "next_due").get(),
        Visit.objects.filter(service_case=case).count(),
    )
