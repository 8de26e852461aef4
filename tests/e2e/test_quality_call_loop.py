"""The closed loop of seed 001 in a real browser (issue 15): a quality call → the quality information form approved
by QA → on-site service → the customer signs the result feedback form 处置结果反馈单 on the technician's tablet →
resolution → the callback closes the case.

The hotline agent takes a ``quality`` call, makes its quality information form (QA writes the handling opinion and
approves it in their own browser) and dispatches an engineer from the case's page; the technician, on a
touch tablet, finds the visit on their home page, records the arrival and the findings, and hands the tablet to
the customer, who signs on the canvas (drawn here with mouse events); the signed form's PDF is made and served.
Back at the desk the agent resolves the case and records the callback, which closes it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from servicedesk.choices import CaseState, VisitState
from servicedesk.models import ServiceCase, Visit
from tests.support.browser import ARTIFACTS
from tests.support.printed import flat, pdf_text

# A 10-inch tablet held landscape (wide enough for the top bar the login helper checks), with touch.
TABLET = {"viewport": {"width": 1280, "height": 800}, "has_touch": True, "locale": "zh-CN"}


def open_action(page, panel: str, name: str) -> None:
    """Open an action's form (a lone action's form is open already; a click would close it)."""
    details = page.locator(f"{panel} details[data-action={name}]")
    if details.get_attribute("open") is None:
        page.click(f"{panel} [data-testid=open-{name}]")


def draw_signature(page) -> None:
    """A few strokes across the canvas with the mouse (pointer events, as a finger gives them)."""
    box = page.locator("[data-testid=signature-canvas]").bounding_box()
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    for start, points in (
        ((0.1, 0.7), [(0.2, 0.3), (0.3, 0.75), (0.45, 0.25), (0.55, 0.7)]),
        ((0.6, 0.4), [(0.7, 0.6), (0.8, 0.3), (0.9, 0.65)]),
    ):
        page.mouse.move(left + width * start[0], top + height * start[1])
        page.mouse.down()
        for x, y in points:
            page.mouse.move(left + width * x, top + height * y, steps=6)
        page.mouse.up()


# Three browsers (desk, QA, tablet), two PDFs and a dozen pages: more than the suite's 240 s on a busy machine.
@pytest.mark.timeout(600)
def test_a_quality_call_runs_to_a_signed_feedback_form_and_a_callback(page, browser, live_server, login, demo):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # Given the agent takes a quality call from a customer in Guangdong
    login(page, "hotline1")
    page.goto(f"{live_server.url}/service-desk/intake/")
    form = page.locator("[data-testid=intake-form]")
    form.locator("#id_phone").fill("13600136000")
    form.locator("#id_name").fill("陈静")
    form.locator("#id_province").fill("广东")
    form.locator("#id_consent").check()
    form.locator("#id_kind").select_option("quality")
    form.locator("#id_description").fill("电暖器使用中外壳发烫变形")
    form.locator("button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}/service-desk/cases/*/")
    case = ServiceCase.objects.get(customer__phone="13600136000")
    assert case.kind == "quality"

    # When they answer and dispatch tech1 on site, arriving in two hours
    open_action(page, "#case-panel", "respond")
    page.fill("#case-panel [data-action=respond] textarea[name=message]", "已安排工程师上门")
    page.click("[data-testid=submit-respond]")
    expect(page.locator("[data-testid=case-panel]")).to_have_attribute("data-state", "in_progress")
    # and make the quality information form 产品质量信息传递处置单, which QA approves with the handling opinion
    page.click("[data-testid=make-quality-form]")
    page.wait_for_url(f"{live_server.url}/service-desk/cases/{case.pk}/quality-form/")
    qa_context = browser.new_context(locale="zh-CN")
    try:
        qa = qa_context.new_page()
        login(qa, "qa1")
        qa.goto(f"{live_server.url}/service-desk/cases/{case.pk}/quality-form/")
        open_action(qa, "#qualityform-panel", "approve")
        qa.fill(
            "#qualityform-panel [data-action=approve] textarea[name=handling_opinion]", "派工程师上门核实，属实即换新"
        )
        qa.click("#qualityform-panel [data-testid=submit-approve]")
        expect(qa.locator("[data-testid=qualityform-panel]")).to_have_attribute("data-state", "approved")
    finally:
        qa_context.close()
    page.goto(f"{live_server.url}/service-desk/cases/{case.pk}/")
    card = page.locator("[data-testid=visits-card]")
    card.locator("[data-testid=open-dispatch_visit]").click()
    card.locator("input[name=technicians]").first.check()  # tech1 (ordered by username)
    planned = timezone.localtime() + dt.timedelta(hours=2)
    card.locator("input[name=planned_arrival]").fill(planned.strftime("%Y-%m-%dT%H:%M"))
    card.locator("input[name=address]").fill("广州市天河区体育西路1号")
    card.locator("[data-testid=submit-dispatch_visit]").click()

    # Then the visit shows on the case, due within 24 h (in the service center's province)
    expect(page.locator("[data-testid=visit-row]")).to_have_count(1)
    expect(page.locator("[data-clock=arrival]")).to_be_visible()
    visit = Visit.objects.get(service_case=case)
    assert visit.in_province and visit.arrival_due == visit.dispatched_at + dt.timedelta(hours=24)
    assert [row.user.username for row in visit.crew.all()] == ["tech1"]

    # When the technician, on a touch tablet, opens the visit from their home page
    tablet_context = browser.new_context(**TABLET)
    try:
        tablet = tablet_context.new_page()
        login(tablet, "tech1")
        tablet.locator("a[href='/service-desk/visits/?mine=1']").first.click()
        tablet.click(f"text={visit.number}")
        panel = tablet.locator("[data-testid=visit-panel]")
        expect(panel).to_have_attribute("data-state", "dispatched")

        # and records the arrival, then the findings and the handling
        open_action(tablet, "#visit-panel", "arrive")
        tablet.click("#visit-panel [data-testid=submit-arrive]")
        expect(panel).to_have_attribute("data-state", "arrived")
        open_action(tablet, "#visit-panel", "record_findings")
        findings = tablet.locator("#visit-panel [data-action=record_findings]")
        findings.locator("input[name=product]").fill("NSB-2000 电暖器")
        findings.locator("input[name=batch_no]").fill("B2026-11")
        findings.locator("input[name=production_point]").fill("二车间")
        findings.locator("select[name=misuse]").select_option("no")
        findings.locator("textarea[name=findings]").fill("温控器失灵，外壳局部变形")
        findings.locator("select[name=handling]").select_option("exchanged_or_returned")
        tablet.click("#visit-panel [data-testid=submit-record_findings]")
        expect(tablet.locator("[data-testid=visit-handling]")).to_be_visible()

        # and the customer signs on the canvas
        tablet.click("[data-testid=open-sign]")
        expect(tablet.locator("[data-testid=signature-canvas]")).to_be_visible()
        tablet.locator("#id_signer_name").fill("陈静")
        draw_signature(tablet)
        tablet.screenshot(path=str(ARTIFACTS / "visit_signature_pad.png"), full_page=True)
        tablet.click("[data-testid=submit-sign]")

        # Then the visit is signed, the signature shows and the form's PDF is there
        expect(tablet.locator("[data-testid=visit-panel]")).to_have_attribute("data-state", "signed")
        expect(tablet.locator("[data-testid=signature-image]")).to_be_visible()
        expect(tablet.locator("[data-testid=visit-form-link]")).to_be_visible()
        tablet.screenshot(path=str(ARTIFACTS / "visit_signed.png"), full_page=True)
        pdf = tablet.request.get(f"{live_server.url}/service-desk/visits/{visit.pk}/form.pdf")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        text = flat(pdf_text(pdf.body()))
        assert "处置结果反馈单" in text and "陈静" in text and flat("温控器失灵，外壳局部变形") in text
    finally:
        tablet_context.close()
    visit.refresh_from_db()
    assert visit.state == VisitState.SIGNED and visit.signature.source == "drawn"
    assert visit.signature.size > 500  # strokes, not an empty canvas

    # When the agent resolves the case and records the callback
    page.reload()
    expect(page.locator("[data-testid=visit-form-link]")).to_be_visible()
    open_action(page, "#case-panel", "resolve")
    page.select_option("#case-panel [data-action=resolve] select[name=outcome]", "exchanged")
    page.fill("#case-panel [data-action=resolve] textarea[name=resolution]", "上门确认温控器失灵，已换新")
    page.click("[data-testid=submit-resolve]")
    expect(page.locator("[data-testid=case-panel]")).to_have_attribute("data-state", "resolved")
    open_action(page, "#case-panel", "follow_up")
    page.select_option("#case-panel [data-action=follow_up] select[name=satisfaction]", "5")
    page.click("[data-testid=submit-follow_up]")

    # Then the case is closed, the loop complete
    expect(page.locator("[data-testid=case-panel]")).to_have_attribute("data-state", "closed")
    page.screenshot(path=str(ARTIFACTS / "quality_call_closed.png"), full_page=True)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.satisfaction == 5 and case.arrived_at is not None
    assert case.quality_form.state == "approved"
