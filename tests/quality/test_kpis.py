"""People's KPIs 绩效 and the service star 服务之星 on a small known month: the figures, the repeat repair, the star by
the formula the page shows, who sees what, the fixed query count, and the XLSX."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from aftersales.validation import add_months
from cases.models import Return
from quality.models.surveys import SatisfactionSurvey, SurveyInvitation
from quality.selectors import kpis
from servicedesk.choices import CaseState
from suppliers.models import DefectCode
from tests.factories.cases import ReturnFactory
from tests.factories.inspection import InspectionReportFactory
from tests.factories.repairs import RepairTicketFactory
from tests.support.audits import PERIOD, at, closed_case

KPI = "/quality/kpi/"


def user(username: str):
    return get_user_model().objects.get(username=username)


def survey_answer(case, score: int, day: int) -> SurveyInvitation:
    survey, _ = SatisfactionSurvey.objects.get_or_create(
        quarter="2020-Q1", defaults={"starts_on": dt.date(2020, 1, 1), "ends_on": dt.date(2020, 3, 31)}
    )
    return SurveyInvitation.objects.create(
        survey=survey, case=case, token_hash=f"{case.pk:064d}", delivery="email", expires_at=at(28),
        answered_at=at(day), score=score,
    )  # fmt: skip


def agent_month(owner) -> None:
    """hotline1's March: 4 cases, 3 answered on time, 3 resolved or closed, ratings 5, 4, 3 and a survey's 2."""
    first = closed_case("SC-202003-00001", day=2, owner=owner, satisfaction=5)
    closed_case("SC-202003-00002", day=3, owner=owner, satisfaction=4)
    closed_case("SC-202003-00003", day=4, owner=owner, satisfaction=3, responded_at=at(6))  # late: due on the 5th
    closed_case("SC-202003-00004", day=5, owner=owner, state=CaseState.IN_PROGRESS, resolved_at=None,
                closed_at=None, followed_up_at=None, satisfaction=None)  # fmt: skip
    closed_case("SC-202003-00005", day=6, owner=owner, state=CaseState.CANCELLED, satisfaction=None,
                followed_up_at=None)  # cancelled: not counted  # fmt: skip
    survey_answer(first, 2, day=20)


def technician_month(technician, other) -> dict:
    """tech1's March: 2 inspections and 3 repairs, all on time; one of those repairs comes back (tech2 repairs the
    same unit for the same defect on the 20th)."""
    defect = DefectCode.objects.first()
    for day in (3, 4):
        InspectionReportFactory(inspector=technician, inspected_at=at(day))
    repairs = [RepairTicketFactory(technician=technician, completed_at=at(day), state="completed")
               for day in (5, 6, 7)]  # fmt: skip
    unit = repairs[0].return_item
    Return.objects.filter(pk=unit.pk).update(reported_defect=defect)
    unit.refresh_from_db()
    again = ReturnFactory(store=unit.store, style=unit.style, color=unit.color, size=unit.size,
                          receipt_no=unit.receipt_no, reported_defect=defect, state="repairing")  # fmt: skip
    later = RepairTicketFactory(return_item=again, technician=other)
    RepairTicketFactory._meta.model.objects.filter(pk=later.pk).update(created_at=at(20))
    # A different unit of the same receipt with another defect is not a repeat.
    other_defect = DefectCode.objects.exclude(pk=defect.pk).first()
    different = ReturnFactory(store=unit.store, style=unit.style, color=unit.color, size=unit.size,
                              receipt_no=unit.receipt_no, reported_defect=other_defect, state="repairing")  # fmt: skip
    unrelated = RepairTicketFactory(return_item=different, technician=other)
    RepairTicketFactory._meta.model.objects.filter(pk=unrelated.pk).update(created_at=at(21))
    return {"repairs": repairs}


def row_of(rows, username):
    return next(row for row in rows if row.extra["username"] == username)


@pytest.mark.django_db
def test_an_agents_month(demo):
    agent_month(user("hotline1"))
    rows = kpis.kpi_rows(PERIOD, PERIOD)
    row = row_of(rows, "hotline1")
    assert row.role == kpis.AGENT
    assert row.handled == 4
    assert row.on_time == 3 and row.on_time_share == Decimal("75.0")
    assert row.resolution_rate == Decimal("75.0")
    # Callbacks 5, 4, 3 and the survey's 2
    assert row.ratings == 4 and row.satisfaction == Decimal("3.50")
    # The formula: 40 × 0.75 + 30 × 0.75 + 30 × (3.5 − 1) / 4 − 0 = 30 + 22.5 + 18.75 = 71.25 → 71.3
    assert row.star_score == Decimal("71.3")


@pytest.mark.django_db
def test_a_technicians_month_with_a_repeat_repair(demo):
    technician_month(user("tech1"), user("tech2"))
    rows = kpis.kpi_rows(PERIOD, PERIOD)
    row = row_of(rows, "tech1")
    assert (row.inspections, row.repairs, row.visits, row.handled) == (2, 3, 0, 5)
    assert row.on_time_share == Decimal("100.0")
    # One of three repairs came back for the same defect within 90 days: counted against tech1, not tech2
    assert row.repeat_repairs == 1
    assert row.resolution_rate == Decimal("66.7")
    assert all(other.repeat_repairs == 0 for other in rows if other.extra["username"] != "tech1")
    # No rating: satisfaction counts half its weight. 40 × 0.667 + 30 × 1 + 30 × 0.5 − 5 × 1
    assert row.satisfaction is None
    assert row.star_score == (Decimal("40") * Decimal("66.7") / 100 + 30 + 15 - 5).quantize(Decimal("0.1"))


@pytest.mark.django_db
def test_a_repair_outside_the_window_is_not_a_repeat(demo, settings):
    settings.AFTERSALES_REPEAT_REPAIR_DAYS = 10
    technician_month(user("tech1"), user("tech2"))  # the repeat comes 15 days after the repair
    assert row_of(kpis.kpi_rows(PERIOD, PERIOD), "tech1").repeat_repairs == 0


@pytest.mark.django_db
def test_the_service_star_is_the_best_score_among_those_who_handled_enough(demo):
    agent_month(user("hotline1"))
    technician_month(user("tech1"), user("tech2"))
    rows = kpis.kpi_rows(PERIOD, PERIOD)
    stars = [row for row in rows if row.star]
    # hotline1 71.3 against tech1 66.7; tech2 handled too little to qualify
    assert [row.extra["username"] for row in stars] == ["hotline1"]
    assert all(not row.qualifies for row in rows if row.extra["username"] == "tech2")


@pytest.mark.django_db
def test_the_page_shows_the_formula_and_everyone_to_qa_and_the_vp(client, demo_user):
    agent_month(user("hotline1"))
    technician_month(user("tech1"), user("tech2"))
    for username in ("qa1", "vp1"):
        client.force_login(demo_user(username))
        page = client.get(KPI, {"period": "2020-03"})
        html = page.content.decode()
        assert page.status_code == 200
        assert 'data-user="hotline1"' in html and 'data-user="tech1"' in html
        # The page speaks Chinese by default: the formula as QA reads it
        assert "得分 = 40 × 解决率 + 30 × 及时率 + 30 × (满意度 − 1) ÷ 4 − 5 × 多次维修次数" in html
        assert "report-charts" in html


@pytest.mark.django_db
def test_an_agent_or_technician_sees_only_their_own_row_and_the_star(client, demo_user):
    agent_month(user("hotline1"))
    technician_month(user("tech1"), user("tech2"))
    client.force_login(demo_user("tech1"))
    html = client.get(KPI, {"period": "2020-03"}).content.decode()
    assert 'data-user="tech1"' in html and 'data-user="hotline1"' not in html
    assert user("hotline1").get_full_name() in html  # named as the month's star


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["store1", "region1", "logistics1", "finance1", "supplier1"])
def test_the_kpi_page_is_404_to_other_roles(client, demo_user, username):
    client.force_login(demo_user(username))
    assert client.get(KPI).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(client):
    response = client.get(KPI)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_a_bad_month_is_said_and_last_month_shown(client, demo_user):
    client.force_login(demo_user("qa1"))
    page = client.get(KPI, {"period": "2020-13"})
    assert page.status_code == 200 and 'data-testid="period-error"' in page.content.decode()


@pytest.mark.django_db
def test_the_figures_take_a_fixed_number_of_queries(demo, django_assert_num_queries):
    # Given one month's small data, counted
    agent_month(user("hotline1"))
    technician_month(user("tech1"), user("tech2"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        kpis.kpi_rows(add_months(PERIOD, -5), PERIOD)
    # every figure in one UNION ALL query, and the people's names in one more (the page stays within 8)
    assert len(small.captured_queries) == 2
    # When many more cases and repairs are added across the months
    for month in range(1, 3):
        for n in range(12):
            closed_case(f"SC-2020{month:02d}-{n:05d}", day=1 + n, period=PERIOD.replace(month=month),
                        owner=user("hotline1"))  # fmt: skip
    for day in range(8, 18):
        RepairTicketFactory(technician=user("tech2"), completed_at=at(day), state="completed")
    # Then the same number of queries
    with django_assert_num_queries(len(small.captured_queries)):
        rows = kpis.kpi_rows(add_months(PERIOD, -5), PERIOD)
    assert row_of([row for row in rows if row.period == PERIOD.replace(month=1)], "hotline1").handled == 12


@pytest.mark.django_db
def test_the_xlsx_has_the_months_rows(client, demo_user):
    agent_month(user("hotline1"))
    client.force_login(demo_user("qa1"))
    response = client.get(KPI, {"period": "2020-03", "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    name = user("hotline1").get_full_name()
    line = next(row for row in rows if row[0] == name)
    assert line[2] == 4 and line[3] == 75.0 and line[5] == 3.5 and line[9] == "★"


@pytest.mark.django_db
def test_the_audit_sees_whether_a_returns_repair_repeats_an_earlier_one(demo):
    made = technician_month(user("tech1"), user("tech2"))
    again = Return.objects.filter(repair_ticket__technician=user("tech2")).order_by("pk").first()
    different = Return.objects.filter(repair_ticket__technician=user("tech2")).order_by("pk").last()
    assert kpis.is_repeat_repair(again) is True
    assert kpis.is_repeat_repair(different) is False
    assert kpis.is_repeat_repair(made["repairs"][1].return_item) is False
