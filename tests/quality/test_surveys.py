"""The satisfaction survey 满意度调查: the quarterly build (idempotent), the public page (once, expiry, guesses, no
personal data, rate limit), the hotline's read-out list, QA's results, and every page's permission matrix."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.utils import timezone
from openpyxl import load_workbook

from quality.models import SatisfactionSurvey, SurveyInvitation, SurveyLinkMiss
from quality.models.surveys import token_digest
from quality.services import surveys as services
from servicedesk.models import PhoneAccessLog, ServiceCase
from tests.support.servicedesk import CALLER, closed, open_case

pytestmark = pytest.mark.django_db


def last_quarter() -> tuple[str, dt.date]:
    quarter = services.previous_quarter()
    first, _last = services.quarter_bounds(quarter)
    return quarter, first


def closed_in(quarter_day: dt.date, **caller) -> ServiceCase:
    """A case closed in the middle of the quarter starting ``quarter_day`` (its customer consented)."""
    case = closed() if not caller else None
    if case is None:
        from servicedesk import services as desk
        from tests.support.servicedesk import resolved, user

        case = desk.servicecase_follow_up(user=user("hotline1"), case=resolved(open_case(customer=caller)),
                                          satisfaction=4)  # fmt: skip
    at = timezone.make_aware(dt.datetime.combine(quarter_day + dt.timedelta(days=40), dt.time(10)))
    ServiceCase.objects.filter(pk=case.pk).update(closed_at=at)
    return ServiceCase.objects.get(pk=case.pk)


def built(*cases) -> tuple[SatisfactionSurvey, dict[int, str]]:
    """The last quarter's survey and each case's plain token (read from the hotline's pending token)."""
    quarter, _first = last_quarter()
    summary = services.survey_build(quarter=quarter)
    survey = SatisfactionSurvey.objects.get(pk=summary["survey"])
    return survey, dict(survey.invitations.values_list("case_id", "pending_token"))


# --- the build ---


def test_the_build_invites_the_quarters_closed_cases_whose_customer_consented_once(demo):
    # given a case closed last quarter, one closed this quarter, and one still open
    quarter, first = last_quarter()
    inside = closed_in(first)
    this_quarter = closed_in(first, name="王强", phone="13900139000", province="江苏", consent=True)
    ServiceCase.objects.filter(pk=this_quarter.pk).update(closed_at=timezone.now())
    open_case(customer={"name": "赵六", "phone": "13700137000", "province": "上海", "consent": True})
    # when the quarter's survey is built twice
    first_run = services.survey_build(quarter=quarter)
    second_run = services.survey_build(quarter=quarter)
    # then the last quarter's closed case alone is invited, once, with a 128-bit token stored only as its digest
    assert first_run["invited"] == 1 and second_run == {**first_run, "created": False, "invited": 0}
    invitation = SurveyInvitation.objects.get()
    assert invitation.case == inside and SatisfactionSurvey.objects.count() == 1
    assert len(invitation.pending_token) >= 22 and invitation.token_hash == token_digest(invitation.pending_token)
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=29)


def test_a_customer_erased_or_without_consent_is_not_invited(demo):
    quarter, first = last_quarter()
    case = closed_in(first)
    case.customer.__class__.objects.filter(pk=case.customer_id).update(
        name="", phone="", consent_at=None, consent_purpose="", erased_at=timezone.now()
    )
    assert services.survey_build(quarter=quarter)["invited"] == 0


@pytest.mark.parametrize("quarter", ["2026-Q5", "2026Q1", "", "x" * 50])
def test_a_malformed_quarter_is_a_400_naming_it(browser_as, demo, quarter):
    response = browser_as("qa1").post("/quality/surveys/build/", {"quarter": quarter})
    assert response.status_code == 400 and 'data-testid="error-quarter"' in response.content.decode()
    assert SatisfactionSurvey.objects.count() == 0


def test_a_quarter_not_over_is_refused(browser_as, demo):
    current = services.quarter_of(timezone.localdate())
    response = browser_as("qa1").post("/quality/surveys/build/", {"quarter": current})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-quarter"' in html and f"{current} 尚未结束" in html
    assert SatisfactionSurvey.objects.count() == 0


def test_qa_builds_a_past_quarter_on_demand(browser_as, demo):
    quarter, first = last_quarter()
    closed_in(first)
    response = browser_as("qa1").post("/quality/surveys/build/", {"quarter": quarter})
    survey = SatisfactionSurvey.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/quality/surveys/{survey.pk}/"
    assert survey.built_by.username == "qa1" and survey.invitations.count() == 1


def test_the_task_surveys_the_quarter_before(demo):
    from quality.tasks import satisfaction_survey_task

    _quarter, first = last_quarter()
    closed_in(first)
    assert satisfaction_survey_task.delay().get()["invited"] == 1
    assert satisfaction_survey_task.delay().get()["invited"] == 0


def test_the_beat_schedule_runs_it_on_the_first_of_each_quarter(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["quarterly-satisfaction-survey"]
    assert entry["task"] == "quality.tasks.satisfaction_survey_task"
    schedule = entry["schedule"]
    assert schedule.month_of_year == {1, 4, 7, 10} and schedule.day_of_month == {1}


# --- the public page ---


def test_the_customer_answers_once_without_login_and_sees_nothing_personal(client, demo):
    _quarter, first = last_quarter()
    case = closed_in(first)
    _survey, tokens = built(case)
    url = f"/survey/{tokens[case.pk]}/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'name="score"' in html
    # nothing personal: not the name, not the phone (whole or masked), not the case number
    for personal in (CALLER["name"], CALLER["phone"], "138****8000", case.number):
        assert personal not in html
    assert page["Cache-Control"] == "private, no-store"
    answered = client.post(url, {"score": "4", "comment": "师傅很耐心"})
    assert answered.status_code == 200 and 'data-testid="thanks"' in answered.content.decode()
    invitation = SurveyInvitation.objects.get()
    assert (invitation.score, invitation.comment, invitation.pending_token) == (4, "师傅很耐心", "")
    # a second answer with the same link: 404, counted, the first answer kept
    again = client.post(url, {"score": "1"})
    assert again.status_code == 404 and SurveyInvitation.objects.get().score == 4
    assert client.get(url).status_code == 404
    assert SurveyLinkMiss.objects.get(reason="answered").count == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [({"score": "6"}, "score"), ({"score": "abc"}, "score"), ({}, "score"), ({"score": "3", "comment": "x" * 1001},
                                                                           "comment"),
     ({"score": "3", "comment": "a\x00b"}, "comment")],
)  # fmt: skip
def test_a_bad_answer_is_a_400_naming_the_field_and_nothing_is_stored(client, demo, data, field):
    _quarter, first = last_quarter()
    case = closed_in(first)
    _survey, tokens = built(case)
    response = client.post(f"/survey/{tokens[case.pk]}/", data)
    assert response.status_code == 400 and f'data-testid="error-{field}"' in response.content.decode()
    assert SurveyInvitation.objects.get().answered_at is None


def test_an_expired_link_is_a_404_and_counted(client, demo):
    _quarter, first = last_quarter()
    case = closed_in(first)
    _survey, tokens = built(case)
    SurveyInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/survey/{tokens[case.pk]}/").status_code == 404
    assert client.post(f"/survey/{tokens[case.pk]}/", {"score": "5"}).status_code == 404
    assert SurveyInvitation.objects.get().answered_at is None
    assert SurveyLinkMiss.objects.get(reason="expired").count == 2


@pytest.mark.parametrize("token", ["guess", "A" * 22, "x" * 500])
def test_a_guessed_token_is_a_404_and_counted(client, demo, token):
    response = client.get(f"/survey/{token}/")
    assert response.status_code == 404 and 'data-testid="refused"' in response.content.decode()
    assert SurveyLinkMiss.objects.get(reason="unknown").count == 1


def test_the_public_page_is_rate_limited(client, demo, settings):
    cache.clear()  # the counters of the tests before
    settings.AFTERSALES_STATUS_MAX_MISSES = 3
    statuses = [client.get(f"/survey/guess{n}/").status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    # refused by the limit, not looked up: only the three tried tokens are counted
    assert SurveyLinkMiss.objects.get(reason="unknown").count == 3


# --- the hotline's read-out list and QA's results ---


def test_the_hotline_reads_the_link_out_and_it_leaves_the_list(browser_as, demo):
    _quarter, first = last_quarter()
    case = closed_in(first)
    _survey, tokens = built(case)
    client = browser_as("hotline1")
    page = client.get("/quality/surveys/read-out/").content.decode()
    assert f"/survey/{tokens[case.pk]}/" in page and CALLER["phone"] in page
    assert PhoneAccessLog.objects.filter(user__username="hotline1", where="page:survey_readout").count() == 1
    invitation = SurveyInvitation.objects.get()
    assert client.post(f"/quality/surveys/read-out/{invitation.pk}/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.delivered_by.username == "hotline1" and invitation.pending_token == ""
    assert tokens[case.pk] not in client.get("/quality/surveys/read-out/").content.decode()
    # the link still works for the customer: only its digest was kept
    assert client.get(f"/survey/{tokens[case.pk]}/").status_code == 200


def test_qa_sees_the_quarters_results_and_downloads_them(browser_as, demo):
    _quarter, first = last_quarter()
    cases = [closed_in(first)]
    for n, phone in enumerate(["13900000001", "13900000002"]):
        cases.append(closed_in(first, name=f"客户{n}", phone=phone, province="浙江", consent=True))
    survey, tokens = built(*cases)
    services.invitation_answer(token=tokens[cases[0].pk], score=5, comment="很好")
    services.invitation_answer(token=tokens[cases[1].pk], score=3)
    client = browser_as("qa1")
    html = client.get(f"/quality/surveys/{survey.pk}/").content.decode()
    assert 'data-testid="invited">3<' in html and 'data-testid="answered">2<' in html
    assert 'data-testid="response-rate">67 %' in html and 'data-testid="mean">4.00<' in html
    assert 'data-chart="scores"' in html and "很好" in html
    download = client.get(f"/quality/surveys/{survey.pk}/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(download.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert cases[0].number in values and "很好" in values and 5 in values
    listing = client.get("/quality/surveys/").content.decode()
    assert f'data-quarter="{survey.quarter}"' in listing


def test_the_survey_list_counts_in_fixed_queries(browser_as, demo, django_assert_max_num_queries):
    for year in range(2001, 2021):
        services.survey_build(quarter=f"{year}-Q1")
    client = browser_as("qa1")
    client.get("/quality/surveys/")
    with django_assert_max_num_queries(12):
        response = client.get("/quality/surveys/")
    assert response.content.decode().count("data-quarter=") == 20


# --- who may open which page ---

PAGES = {
    "list": ("get", lambda s, i: "/quality/surveys/"),
    "detail": ("get", lambda s, i: f"/quality/surveys/{s.pk}/"),
    "build": ("post", lambda s, i: "/quality/surveys/build/"),
    "readout": ("get", lambda s, i: "/quality/surveys/read-out/"),
    "read_out": ("post", lambda s, i: f"/quality/surveys/read-out/{i.pk}/"),
}
QA_PAGES = ("list", "detail", "build")
HOTLINE_PAGES = ("readout", "read_out")


def matrix():
    for page in PAGES:
        allowed = "qa1" if page in QA_PAGES else "hotline1"
        yield pytest.param(page, None, 302, id=f"{page}-anonymous")
        for wrong in ("store1", "supplier1", "tech1", "hotline1" if page in QA_PAGES else "qa1"):
            yield pytest.param(page, wrong, 403, id=f"{page}-wrong_role-{wrong}")
        yield pytest.param(page, allowed, 200, id=f"{page}-allowed")


@pytest.mark.parametrize(("page", "who", "expected"), list(matrix()))
def test_page_matrix(client, browser_as, demo, page, who, expected):
    _quarter, first = last_quarter()
    case = closed_in(first)
    survey, _tokens = built(case)
    invitation = SurveyInvitation.objects.get()
    before = list(SurveyInvitation.objects.values()), SatisfactionSurvey.objects.count()
    method, url = PAGES[page]
    http = client if who is None else browser_as(who)
    data = {"quarter": survey.quarter} if page == "build" else {}
    response = getattr(http, method)(url(survey, invitation), data)
    if expected == 302 and who is None:
        assert response.status_code == 302 and "/login" in response["Location"]
    elif expected == 200:
        # the page opens; a form that was sent redirects to where its result shows
        assert response.status_code == (302 if method == "post" else 200)
        return
    else:
        assert response.status_code == expected
    assert (list(SurveyInvitation.objects.values()), SatisfactionSurvey.objects.count()) == before
