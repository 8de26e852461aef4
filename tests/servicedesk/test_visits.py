"""On-site service 现场服务 (issue 15, seed 001): the province SLA, the crew and its lead, arrival after dispatch,
findings, the signed result feedback form 处置结果反馈单 (a Chinese A4 PDF with the signature image, rendered by a
task and frozen), and the arrival clock joining the case's clocks and its once-per-level alerts."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import Alert, Notification
from servicedesk import services
from servicedesk.alerts import service_case_sla_scan
from servicedesk.choices import SignatureSource, SlaClock, VisitState
from servicedesk.models import ServiceCase, Visit, VisitSignature, VisitTechnician
from servicedesk.services.visits import in_service_center_province, visit_form_pdf
from tests.support.files import png_bytes
from tests.support.printed import flat, page_size_mm, pdf_text
from tests.support.servicedesk import in_progress, resolved, user
from tests.support.visits import (
    OUT_OF_PROVINCE,
    arrived,
    dispatched,
    quality_case,
    signature_png,
    signed,
    with_findings,
)


def pdf_images(data: bytes) -> list[tuple[int, int]]:
    """(width, height) of every image in the PDF (pdfimages -list, poppler-utils)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.pdf"
        path.write_bytes(data)
        listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True)
    rows = listing.stdout.splitlines()[2:]
    return [(int(row.split()[3]), int(row.split()[4])) for row in rows]


# --- the SLA: the customer's province decides it ---


@pytest.mark.django_db
def test_in_province_visit_is_due_in_24_hours_and_out_of_province_in_48(demo):
    # Given the service center in Guangdong (the default) and two callers
    inside = dispatched(quality_case())  # 广东
    outside = dispatched(quality_case(caller={**OUT_OF_PROVINCE, "phone": "13900139000"}))  # 湖南省
    # Then the arrival due time follows the province
    assert inside.in_province and inside.arrival_due == inside.dispatched_at + dt.timedelta(hours=24)
    assert not outside.in_province and outside.arrival_due == outside.dispatched_at + dt.timedelta(hours=48)
    assert (inside.province, outside.province) == ("广东", "湖南省")


@pytest.mark.django_db
def test_the_service_center_province_and_the_spans_are_settings(demo, settings):
    settings.AFTERSALES_SERVICE_CENTER_PROVINCE = "湖南"
    settings.AFTERSALES_SLA_ONSITE_IN_PROVINCE_HOURS = 12
    visit = dispatched(quality_case(caller=OUT_OF_PROVINCE))
    assert visit.in_province and visit.arrival_due == visit.dispatched_at + dt.timedelta(hours=12)
    # the suffix does not matter; a different province does
    assert in_service_center_province("湖南省") and not in_service_center_province("广东省")
    # the site's province given at dispatch wins over the customer's
    other = dispatched(quality_case(caller=OUT_OF_PROVINCE), province="广东省")
    assert not other.in_province


@pytest.mark.django_db
def test_a_site_without_a_province_is_refused(demo):
    case = quality_case(caller={"name": "王", "phone": "13700137000", "consent": True})  # no province on record
    with pytest.raises(ValidationError) as refused:
        dispatched(case)
    assert "province" in refused.value.message_dict
    assert not Visit.objects.filter(service_case=case).exists()


# --- the crew ---


@pytest.mark.django_db
def test_one_technician_is_the_lead_and_several_need_one_named(demo):
    alone = dispatched()
    assert [(row.user.username, row.lead) for row in alone.crew.all()] == [("tech1", True)]
    with pytest.raises(ValidationError) as refused:
        dispatched(technicians=("tech1", "tech2"))
    assert "lead" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        dispatched(technicians=("tech1",), lead="tech2")
    assert "lead" in refused.value.message_dict
    crew = dispatched(technicians=("tech1", "tech2"), lead="tech2")
    assert crew.lead().username == "tech2"
    assert VisitTechnician.objects.filter(visit=crew, lead=True).count() == 1


@pytest.mark.django_db
def test_only_technicians_go_on_site(demo):
    with pytest.raises(ValidationError) as refused:
        dispatched(technicians=("tech1", "hotline1"), lead="tech1")
    assert "hotline1" in str(refused.value.message_dict["technicians"])


@pytest.mark.django_db
def test_the_database_keeps_one_lead_per_visit(demo):
    visit = dispatched()
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitTechnician.objects.create(visit=visit, user=user("tech2"), lead=True)


@pytest.mark.django_db
def test_the_technicians_are_told(demo):
    visit = dispatched(technicians=("tech1", "tech2"), lead="tech1")
    told = Notification.objects.filter(kind="visit_dispatched").values_list("recipient__username", flat=True)
    assert sorted(told) == ["tech1", "tech2"] and visit.number.startswith(visit.service_case.number)


@pytest.mark.django_db
def test_no_visit_for_a_resolved_case_nor_from_a_technician(demo):
    with pytest.raises(TransitionStateConflict):
        dispatched(resolved(quality_case()))
    case = quality_case()
    with pytest.raises(TransitionForbidden):
        services.visit_dispatch(
            user=user("tech1"), case=case, technicians=[user("tech1")], planned_arrival=case.created_at
        )


# --- arrival ---


@pytest.mark.django_db
def test_an_arrival_before_the_dispatch_is_refused_and_changes_nothing(demo):
    visit = dispatched()
    with pytest.raises(ValidationError) as refused:
        services.visit_arrive(user=user("tech1"), visit=visit, at=visit.dispatched_at - dt.timedelta(minutes=1))
    assert "arrived_at" in refused.value.message_dict
    visit.refresh_from_db()
    assert visit.state == VisitState.DISPATCHED and visit.arrived_at is None


@pytest.mark.django_db
def test_only_the_visits_technicians_record_the_arrival(demo):
    visit = dispatched(technicians=("tech1",))
    with pytest.raises(TransitionForbidden):
        services.visit_arrive(user=user("tech2"), visit=visit)
    assert services.visit_arrive(user=user("tech1"), visit=visit).state == VisitState.ARRIVED


# --- the case's arrival clock and its alerts ---


@pytest.mark.django_db
def test_the_arrival_joins_the_case_clocks_and_stops_on_arrival(demo):
    case = in_progress(quality_case())  # the first-response clock stopped
    visit = dispatched(case)
    case.refresh_from_db()
    assert case.arrival_due == visit.arrival_due and case.next_due == visit.arrival_due
    clock = next(row for row in case.clocks(visit.dispatched_at) if row["clock"] == SlaClock.ARRIVAL)
    assert clock["status"] == "running"
    arrived(visit)
    case.refresh_from_db()
    assert case.arrival_warn is None and case.next_due is None and case.arrived_at is not None
    clock = next(row for row in case.clocks(visit.dispatched_at) if row["clock"] == SlaClock.ARRIVAL)
    assert clock["status"] == "met"


@pytest.mark.django_db
def test_a_second_visit_keeps_the_earliest_due_and_cancelling_stops_the_clock(demo):
    case = in_progress(quality_case())
    first = dispatched(case)
    second = dispatched(case, province="湖南")  # 48 h: later
    case.refresh_from_db()
    assert case.arrival_due == first.arrival_due
    services.visit_cancel(user=user("hotline1"), visit=first, reason="客户改约")
    case.refresh_from_db()
    assert case.arrival_due == second.arrival_due and case.arrival_warn is not None
    services.visit_cancel(user=user("qa1"), visit=second, reason="客户已自行解决")
    case.refresh_from_db()
    assert case.arrival_warn is None and case.next_due is None


@pytest.mark.django_db
def test_arrival_alerts_once_per_case_and_level(demo, django_capture_on_commit_callbacks):
    case = in_progress(quality_case())
    visit = dispatched(case)
    start = visit.dispatched_at

    def scan(hours):
        with django_capture_on_commit_callbacks(execute=True):
            return service_case_sla_scan(now=start + dt.timedelta(hours=hours))

    def arrival_alerts():
        return list(Alert.objects.filter(object_id=case.pk, kind="sla_arrival").values_list("level", flat=True))

    scan(17)
    assert arrival_alerts() == []
    assert scan(18.5)["due_soon"] == 1  # 75 % of 24 h
    scan(19)
    assert arrival_alerts() == ["due_soon"]
    assert scan(24.5)["breached"] == 1
    scan(30)
    assert sorted(arrival_alerts()) == ["breached", "due_soon"]
    # a second visit's breach on the same case does not alert again (once per case per level)
    dispatched(case)
    scan(80)
    assert sorted(arrival_alerts()) == ["breached", "due_soon"]


# --- findings ---


@pytest.mark.django_db
def test_findings_need_the_engineers_on_site_and_say_whether_it_was_misused(demo):
    visit = dispatched()
    with pytest.raises(TransitionStateConflict):
        services.visit_record_findings(user=user("tech1"), visit=visit, misuse=False, handling="compensated",
                                       findings="x")  # fmt: skip
    visit = arrived(visit)
    with pytest.raises(ValidationError) as refused:
        services.visit_record_findings(user=user("tech1"), visit=visit, misuse=None, handling="nonsense", findings="")
    assert {"misuse", "handling", "findings"} <= set(refused.value.message_dict)
    visit = with_findings(dispatched())
    assert (visit.misuse, visit.handling, visit.quantity_used) == (False, "exchanged_or_returned", 1)


# --- the signed form ---


@pytest.mark.django_db
def test_signing_needs_the_findings_first(demo):
    visit = arrived()
    with pytest.raises(ValidationError) as refused:
        services.visit_sign(user=user("tech1"), visit=visit, content=signature_png(), source="drawn",
                            signer_name="李娜")  # fmt: skip
    assert "findings" in refused.value.message_dict
    assert not VisitSignature.objects.filter(visit=visit).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.4 not a picture", id="pdf"),
        pytest.param(b"just some text", id="text"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, id="truncated-png"),
        pytest.param(b"", id="empty"),
    ],
)
def test_a_signature_that_is_not_an_image_is_refused_and_changes_nothing(demo, content):
    visit = with_findings()
    with pytest.raises(ValidationError) as refused:
        services.visit_sign(user=user("tech1"), visit=visit, content=content, source="photo", signer_name="李娜")
    assert "signature" in refused.value.message_dict
    visit.refresh_from_db()
    assert visit.state == VisitState.ARRIVED and not VisitSignature.objects.filter(visit=visit).exists()


@pytest.mark.django_db
def test_a_signature_above_the_pixel_limit_is_refused(demo, settings):
    settings.AFTERSALES_MAX_IMAGE_PIXELS = 10_000
    visit = with_findings()
    with pytest.raises(ValidationError) as refused:
        services.visit_sign(user=user("tech1"), visit=visit, content=png_bytes(size=200), source="photo",
                            signer_name="李娜")  # fmt: skip
    assert "signature" in refused.value.message_dict


@pytest.mark.django_db
def test_a_canvas_data_url_signs_and_a_bad_one_is_refused(demo):
    import base64

    visit = with_findings()
    with pytest.raises(ValidationError) as refused:
        services.visit_sign(user=user("tech1"), visit=visit, data_url="data:text/plain;base64,aGVsbG8=",
                            source="drawn", signer_name="李娜")  # fmt: skip
    assert "signature" in refused.value.message_dict
    url = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    visit = services.visit_sign(user=user("tech1"), visit=visit, data_url=url, source="drawn", signer_name="李娜")
    assert visit.state == VisitState.SIGNED and visit.signature.content_type == "image/png"


@pytest.mark.django_db
def test_the_signed_form_is_a_chinese_a4_pdf_with_the_signature_image(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit = signed(content=signature_png(300, 120))
    visit.refresh_from_db()
    # the task rendered and froze it
    assert visit.form_sha256 and visit.form_pdf
    with visit.form_pdf.open("rb") as handle:
        data = handle.read()
    import hashlib

    assert hashlib.sha256(data).hexdigest() == visit.form_sha256
    text = flat(pdf_text(data))
    for words in ("处置结果反馈单", visit.number, visit.service_case.number, "李娜", "温控器失灵，外壳局部变形",
                  "换货或退货", "二车间", "B2026-11", "省内", "138****8000"):  # fmt: skip
        assert flat(words) in text, words
    assert "13800138000" not in text  # the paper travels: the phone is masked
    width, height = page_size_mm(data)
    assert round(width) == 210 and round(height) == 297
    assert (300, 120) in pdf_images(data)


@pytest.mark.django_db
def test_the_form_is_rendered_once(demo, django_capture_on_commit_callbacks):
    from servicedesk.services.visits import visit_form_render

    with django_capture_on_commit_callbacks(execute=True):
        visit = signed()
    visit.refresh_from_db()
    first = visit.form_sha256
    assert visit_form_render(visit_id=visit.pk) == "done"
    visit.refresh_from_db()
    assert visit.form_sha256 == first


@pytest.mark.django_db
def test_a_photo_of_the_paper_prints_as_a_photo(demo):
    visit = with_findings()
    visit = services.visit_sign(user=user("tech1"), visit=visit, content=png_bytes("blue", 60), source="photo",
                                signer_name="李娜", filename="paper.png")  # fmt: skip
    assert visit.signature.source == SignatureSource.PHOTO
    assert "纸质签字拍照" in flat(pdf_text(visit_form_pdf(visit)))


@pytest.mark.django_db
def test_closing_the_case_stops_a_pending_arrival_clock(demo):
    case = in_progress(quality_case())
    dispatched(case)
    case = services.servicecase_resolve(user=user("hotline1"), case=case, resolution="已换新", outcome="exchanged")
    case = services.servicecase_follow_up(user=user("hotline1"), case=case, satisfaction=5)
    row = ServiceCase.objects.get(pk=case.pk)
    assert row.arrival_warn is None and row.next_due is None
