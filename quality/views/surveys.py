"""Pages of the satisfaction survey 满意度调查: QA's quarters and results (chart, XLSX, refused links), the hotline's
links to read out, and the customer's public page (no login, rate-limited, nothing personal)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aftersales.exports.xlsx import XLSX_CONTENT_TYPE, XlsxColumn, workbook_bytes
from aftersales.roles import Role
from customerview import throttle
from customerview.views import STATUS_LANGUAGES, PublicStatusPage
from quality.models.surveys import MissReason, SatisfactionSurvey
from quality.selectors import surveys as selectors
from quality.services import surveys as services
from quality.views.access import RoleRequiredMixin
from servicedesk.models import ServiceCase
from servicedesk.services import phone_access_record

QA = (Role.QA_MANAGER,)
HOTLINE = (Role.HOTLINE_AGENT,)


def survey_path(token: str) -> str:
    return reverse("quality:survey_answer", kwargs={"token": token})


def survey_url(token: str) -> str:
    """The short link read out or sent to the customer (the site's public address, not the request's)."""
    return services.survey_link(token)


class SurveyListView(RoleRequiredMixin, TemplateView):
    """QA: every quarter's survey with its response rate and mean, building one on demand, refused links."""

    roles = QA
    template_name = "quality/survey_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        misses = selectors.link_misses()
        context.update(
            title=_("Satisfaction surveys"),
            surveys=list(selectors.survey_list(self.request.user)),
            misses=misses,
            miss_totals=[(value, label, misses["totals"].get(value, 0)) for value, label in MissReason.choices],
            suggested=services.previous_quarter(),
        )
        return context


class SurveyBuildView(RoleRequiredMixin, View):
    """QA builds (or completes) a past quarter's survey; the same as the quarterly task, so never twice."""

    roles = QA

    def post(self, request):
        quarter = (request.POST.get("quarter") or "").strip()
        try:
            summary = services.survey_build(quarter=quarter, user=request.user)
        except ValidationError as error:
            context = SurveyListView(request=request, kwargs={}).get_context_data()
            context.update(errors=error.message_dict, quarter=quarter)
            return render(request, "quality/survey_list.html", context, status=400)
        messages.success(
            request,
            _("%(quarter)s: %(count)d customers invited.") % {"quarter": quarter, "count": summary["invited"]},
        )
        return redirect("quality:survey_detail", pk=summary["survey"])


class SurveyDetailView(RoleRequiredMixin, View):
    """QA: one quarter's results (response rate, mean, distribution drawn as a chart, the answers), how each link
    was delivered (mailed, read out, waiting) with the counts per channel; XLSX."""

    roles = QA
    invitations_per_page = 100

    def get(self, request, pk):
        try:
            survey = selectors.survey_get(request.user, pk)
        except SatisfactionSurvey.DoesNotExist as error:
            raise Http404 from error
        results = selectors.survey_results(survey)
        answers = selectors.survey_answers(survey)
        if request.GET.get("export") == "xlsx":
            return self.export(survey, results, answers)
        invitations = Paginator(selectors.survey_invitations(survey), self.invitations_per_page).get_page(
            request.GET.get("page")
        )
        chart = {
            "scores": {
                "type": "bar",
                "label": _("Answers"),
                "labels": [str(row["score"]) for row in results["distribution"]],
                "values": [row["count"] for row in results["distribution"]],
                "integer": True,
            }
        }
        return render(
            request,
            "quality/survey_detail.html",
            {
                "title": _("Satisfaction survey %(quarter)s") % {"quarter": survey.quarter},
                "survey": survey,
                "results": results,
                "answers": answers,
                "invitations": invitations,
                "charts": chart if results["answered"] else {},
            },
        )

    def export(self, survey, results, answers) -> HttpResponse:
        title = _("Satisfaction survey %(quarter)s") % {"quarter": survey.quarter}
        rows = [
            (a.case.number, a.case.get_kind_display(), a.case.store, a.case.owner, a.score, a.comment,
             timezone.localtime(a.answered_at))
            for a in answers
        ]  # fmt: skip
        summary = [
            (title,),
            (_("Invited"), results["invited"], _("Answered"), results["answered"], _("Mean"),
             round(results["mean"], 2) if results["mean"] is not None else ""),
        ]  # fmt: skip
        content = workbook_bytes(
            title=title,
            title_rows=summary,
            columns=[
                XlsxColumn(_("Service case"), 18),
                XlsxColumn(_("Kind"), 12),
                XlsxColumn(_("Store"), 24),
                XlsxColumn(_("Owner"), 16),
                XlsxColumn(_("Score"), 8),
                XlsxColumn(_("Comment"), 40),
                XlsxColumn(_("Answered at"), 18),
            ],
            rows=rows,
            created=survey.built_at,
            sheet_title=survey.quarter,
        )
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="survey-{survey.quarter}.xlsx"'
        return response


class SurveySendAgainView(RoleRequiredMixin, View):
    """QA mails again the survey's links whose mail has not gone out (the mail server refused it); a link
    already mailed is never sent twice."""

    roles = QA

    def post(self, request, pk):
        try:
            survey = selectors.survey_get(request.user, pk)
        except SatisfactionSurvey.DoesNotExist as error:
            raise Http404 from error
        count = services.survey_emails_resend(user=request.user, survey=survey)
        messages.success(request, _("%(count)d survey e-mails queued.") % {"count": count})
        return redirect("quality:survey_detail", pk=survey.pk)


class ReadOutListView(RoleRequiredMixin, TemplateView):
    """The hotline's list of survey links to read out: the customer to call and the short link."""

    roles = HOTLINE
    template_name = "quality/survey_readout.html"
    limit = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(selectors.readout_list(self.request.user)[: self.limit])
        # The hotline calls these customers: the full phone is shown, and that is logged like everywhere else.
        phone_access_record(
            user=self.request.user, customers=[row.case.customer for row in rows], where="page:survey_readout"
        )
        context.update(
            title=_("Survey links to read out"),
            rows=[{"invitation": row, "link": survey_url(row.pending_token)} for row in rows],
        )
        return context


class ReadOutView(RoleRequiredMixin, View):
    """The agent has read this link out: it leaves the list (its plain token is dropped)."""

    roles = HOTLINE

    def post(self, request, pk):
        invitation = get_object_or_404(selectors.readout_list(request.user), pk=pk)
        services.invitation_read_out(user=request.user, invitation=invitation)
        messages.success(request, _("Marked as read out."))
        return redirect("quality:survey_readout")


def case_description(case: ServiceCase) -> str:
    """What the customer is asked about, with nothing personal: the kind of request and the month it closed."""
    closed = timezone.localtime(case.closed_at)
    return _("Your request (%(kind)s), completed in %(month)s") % {
        "kind": case.get_kind_display(),
        "month": closed.strftime("%Y-%m"),
    }


class SurveyAnswerView(PublicStatusPage):
    """The customer's survey page 满意度调查 (no login, a phone-sized page): 1–5 and a comment, once.

    A reused, expired or unknown token is a 404 (the same page whatever the reason, so nothing is learnt from it),
    counted per day and reason for QA and against the client by the status page's rate limit
    (``customerview.throttle``): too many requests or wrong links answer 429.
    """

    # The form posts back to this page: with "no-referrer" the browser sends ``Origin: null`` and the CSRF check
    # refuses the answer. "same-origin" still sends nothing (the token in the URL) to any other site.
    referrer_policy = "same-origin"

    def get(self, request, token):
        response = super().get(request, token)
        response.headers["Referrer-Policy"] = self.referrer_policy
        return response

    def post(self, request, token):
        language = request.POST.get("lang") or request.GET.get("lang")
        language = language if language in STATUS_LANGUAGES else "zh-hans"
        with translation.override(language):
            response = self.submit(request, token, language)
        response.headers["Content-Language"] = language
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Referrer-Policy"] = self.referrer_policy
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def refused(self, request, reason: str):
        services.link_miss_count(reason=reason)
        throttle.count_miss(request)
        return render(request, "quality/survey_refused.html", {"too_many": False}, status=404)

    def context(self, invitation, language, **extra) -> dict:
        return {
            "brand": settings.AFTERSALES_COMPANY_NAME,
            "description": case_description(invitation.case),
            "language": language,
            "other_language": "en" if language == "zh-hans" else "zh-hans",
            "scores": range(1, 6),
            **extra,
        }

    def answer(self, request, token, language):
        if throttle.over_limit(request):
            return render(request, "quality/survey_refused.html", {"too_many": True}, status=429)
        invitation, reason = services.invitation_for_token(token)
        if invitation is None:
            return self.refused(request, reason)
        return render(request, "quality/survey_answer.html", self.context(invitation, language))

    def submit(self, request, token, language):
        if throttle.over_limit(request):
            return render(request, "quality/survey_refused.html", {"too_many": True}, status=429)
        score, comment = request.POST.get("score"), request.POST.get("comment", "")
        try:
            invitation, reason = services.invitation_answer(token=token, score=score, comment=comment)
        except ValidationError as error:
            found, _reason = services.invitation_for_token(token)
            context = self.context(found, language, errors=error.message_dict, score=score, comment=comment)
            return render(request, "quality/survey_answer.html", context, status=400)
        if invitation is None:
            return self.refused(request, reason)
        return render(
            request,
            "quality/survey_thanks.html",
            {"brand": settings.AFTERSALES_COMPANY_NAME, "language": language},
        )
