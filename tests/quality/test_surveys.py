"""The satisfaction survey 满意度调查: the quarterly build (idempotent), the link mailed to customers with an e-mail
address (once, retried after a failed send), the public page (once, expiry, guesses, no personal data, rate
limit), the hotline's read-out list, QA's results and delivery, and every page's permission matrix."""

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


# --- the e-mail channel ---

EMAIL = "li.na@example.com"
WITH_EMAIL = {**CALLER, "email": EMAIL}


def mailed_link(message) -> str:
    """The survey link in a mail's text part (the one line that is a URL)."""
    return next(line.strip() for line in message.body.splitlines() if line.strip().startswith("http"))


def test_the_build_mails_each_email_customer_once_and_leaves_the_others_to_the_hotline(
    client, demo, mailoutbox, django_capture_on_commit_callbacks, settings
):
    # given a quarter's closed case of a customer with an e-mail and one of a customer with a phone only
    settings.AFTERSALES_SITE_URL = "https://service.example.com"
    quarter, first = last_quarter()
    by_email = closed_in(first, **WITH_EMAIL)
    by_phone = closed_in(first, name="王强", phone="13900139000", province="江苏", consent=True)
    # when the quarter's survey is built (the mail goes once the build has committed)
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.survey_build(quarter=quarter)
    # then one mail went, to the e-mail customer, and that link is delivered (only its digest kept)
    assert summary["invited"] == 2 and summary["to_mail"] == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [EMAIL]
    mailed = SurveyInvitation.objects.get(case=by_email)
    assert mailed.delivery == "email" and mailed.delivered_at is not None and mailed.pending_token == ""
    assert mailed.delivered_by is None
    # the phone-only customer's link waits in the hotline's list, the mailed one is not in it
    called = SurveyInvitation.objects.get(case=by_phone)
    assert called.delivery == "hotline" and called.delivered_at is None and called.pending_token
    assert list(services_readout()) == [called.pk]
    # the mail: in Chinese, the quarter, the expiry date, a greeting by name, nothing else personal
    message = mailoutbox[0]
    html = message.alternatives[0][0]
    expires = timezone.localtime(mailed.expires_at).date().isoformat()
    assert quarter in message.subject and "满意" in message.subject
    for text in (message.body, html):
        assert quarter in text and expires in text and CALLER["name"] in text
        for personal in (CALLER["phone"], "138****8000", by_email.number, EMAIL):
            assert personal not in text
    # and the link is an absolute one that opens the survey page, with nothing personal on it
    link = mailed_link(message)
    assert link.startswith("https://service.example.com/survey/") and link in html
    page = client.get(link.removeprefix("https://service.example.com"))
    assert page.status_code == 200 and 'name="score"' in page.content.decode()
    for personal in (CALLER["name"], CALLER["phone"], EMAIL, by_email.number):
        assert personal not in page.content.decode()
    assert mailed.token_hash == token_digest(link.rstrip("/").rsplit("/", 1)[1])
    # when the build runs again, nothing new is invited or mailed
    with django_capture_on_commit_callbacks(execute=True):
        again = services.survey_build(quarter=quarter)
    assert (again["invited"], again["to_mail"], len(mailoutbox)) == (0, 0, 1)


def services_readout():
    from quality.selectors.surveys import readout_list
    from tests.support.servicedesk import user

    return readout_list(user("hotline1")).values_list("pk", flat=True)


def test_a_failed_send_leaves_the_link_waiting_and_a_retry_mails_it_once(
    demo, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from smtplib import SMTPServerDisconnected

    from django.core.mail import EmailMultiAlternatives

    from quality.tasks import survey_invitations_email_task

    quarter, first = last_quarter()
    case = closed_in(first, **WITH_EMAIL)
    real_send = EmailMultiAlternatives.send

    def refused(self, fail_silently=False):
        raise SMTPServerDisconnected("the mail server went away")

    # given a mail server that refuses, when the survey is built
    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_build(quarter=quarter)["invited"] == 1
    # then nothing went and the link waits, undelivered, with its plain token (not in the hotline's list)
    invitation = SurveyInvitation.objects.get(case=case)
    assert mailoutbox == [] and invitation.delivered_at is None and invitation.pending_token
    assert list(services_readout()) == []
    # when the mail server is back and the task tries again, the link goes once
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    assert survey_invitations_email_task.delay([invitation.pk]).get() == {"sent": 1, "skipped": 0, "failed": 0}
    assert len(mailoutbox) == 1 and mailed_link(mailoutbox[0]).endswith(f"/survey/{invitation.pending_token}/")
    invitation.refresh_from_db()
    assert invitation.delivered_at is not None and invitation.pending_token == ""
    # and a second retry, or the next build, sends no duplicate
    assert survey_invitations_email_task.delay([invitation.pk]).get()["skipped"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_build(quarter=quarter)["to_mail"] == 0
    assert len(mailoutbox) == 1


def test_the_next_build_mails_what_a_failed_send_left_waiting(
    demo, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from smtplib import SMTPException

    from django.core.mail import EmailMultiAlternatives

    quarter, first = last_quarter()
    closed_in(first, **WITH_EMAIL)
    real_send = EmailMultiAlternatives.send
    monkeypatch.setattr(EmailMultiAlternatives, "send", lambda self, fail_silently=False: (_ for _ in ()).throw(
        SMTPException("451 try again later")))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_build(quarter=quarter)
    assert mailoutbox == []
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.survey_build(quarter=quarter)
    assert (second["invited"], second["to_mail"], len(mailoutbox)) == (0, 1, 1)
    assert SurveyInvitation.objects.get().delivered_at is not None


def test_qa_sees_how_each_link_went_and_sends_the_waiting_mails_again(
    browser_as, demo, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from smtplib import SMTPException

    from django.core.mail import EmailMultiAlternatives

    quarter, first = last_quarter()
    mailed = closed_in(first, **WITH_EMAIL)
    waiting = closed_in(first, name="赵六", phone="13700137000", email="zhao@example.com", consent=True)
    called = closed_in(first, name="王强", phone="13900139000", province="江苏", consent=True)
    real_send = EmailMultiAlternatives.send

    def send(self, fail_silently=False):
        if self.to == ["zhao@example.com"]:
            raise SMTPException("mailbox unavailable")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    client = browser_as("qa1")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/quality/surveys/build/", {"quarter": quarter}).status_code == 302
    survey = SatisfactionSurvey.objects.get()
    # the hotline reads its link out
    hotline_invitation = SurveyInvitation.objects.get(case=called)
    services.invitation_read_out(user=hotline_invitation.case.owner, invitation=hotline_invitation)
    html = client.get(f"/quality/surveys/{survey.pk}/").content.decode()
    assert 'data-testid="count-emailed">1<' in html and 'data-testid="count-email-waiting">1<' in html
    assert 'data-testid="count-read-out">1<' in html and 'data-testid="count-readout-waiting">0<' in html
    rows = {
        number: html.split(f"<td>{number}</td>", 1)[1].split("</tr>", 1)[0]
        for number in (mailed.number, waiting.number, called.number)
    }
    assert "邮件已发送" in rows[mailed.number] and "等待中" in rows[waiting.number] and "已告知" in rows[called.number]
    for personal in (EMAIL, "zhao@example.com", CALLER["phone"], "13900139000"):
        assert personal not in html
    assert 'data-testid="send-again"' in html
    listing = client.get("/quality/surveys/").content.decode()
    assert 'data-testid="emailed">1<' in listing and 'data-testid="read-out">1<' in listing
    assert 'data-testid="waiting">1<' in listing
    # when the address works again and QA sends the waiting mails again, that one goes, once
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/quality/surveys/{survey.pk}/send/")
    assert response.status_code == 302 and response["Location"] == f"/quality/surveys/{survey.pk}/"
    assert [m.to for m in mailoutbox] == [[EMAIL], ["zhao@example.com"]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/quality/surveys/{survey.pk}/send/")
    assert len(mailoutbox) == 2
    assert 'data-testid="send-again"' not in client.get(f"/quality/surveys/{survey.pk}/").content.decode()


def test_a_customer_erased_before_the_mail_went_is_not_mailed(demo, mailoutbox):
    from quality.tasks import survey_invitations_email_task
    from servicedesk.services import customer_erase
    from tests.support.servicedesk import user

    quarter, first = last_quarter()
    case = closed_in(first, **WITH_EMAIL)
    services.survey_build(quarter=quarter)  # the mail is queued on commit, which this test never reaches
    customer_erase(user=user("hotline1"), customer=case.customer)
    invitation = SurveyInvitation.objects.get()
    assert survey_invitations_email_task.delay([invitation.pk]).get()["skipped"] == 1 and mailoutbox == []


def test_the_task_retries_only_the_failed_sends_when_a_worker_runs_it(demo, monkeypatch):
    from celery.exceptions import Retry

    from quality import tasks

    # given a worker (not in-process) run in which one of two sends failed
    monkeypatch.setattr(
        "quality.services.surveys.survey_invitations_email",
        lambda invitation_ids: {"sent": 1, "skipped": 0, "failed": [invitation_ids[1]]},
    )
    task = tasks.survey_invitations_email_task
    task.push_request(is_eager=False, retries=0, id="x", delivery_info={})
    try:
        with pytest.raises(Retry), monkeypatch.context() as patch:
            retried = {}
            patch.setattr(task, "retry", lambda **kwargs: retried.update(kwargs) or Retry())
            task.run([11, 12])
    finally:
        task.pop_request()
    # then only the failed id is tried again, later
    assert retried["args"] == ([12],) and retried["countdown"] >= 0


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
    "send": ("post", lambda s, i: f"/quality/surveys/{s.pk}/send/"),
}
QA_PAGES = ("list", "detail", "build", "send")
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
