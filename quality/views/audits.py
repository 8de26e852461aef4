"""Pages of the monthly audit 每月抽查 (QA only; anyone else gets a 404, like an object outside their scope)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.exports.xlsx import XLSX_CONTENT_TYPE
from aftersales.fsm import TransitionError
from quality.documents.audits import audit_xlsx
from quality.forms.audits import AuditDrawForm, AuditOrderForm, AuditReviewForm, order_initial
from quality.models.audits import CHECKLIST, SampleKind
from quality.selectors.audits import audit_get, audit_list, audit_samples, audit_scores, sample_get
from quality.selectors.kpis import is_repeat_repair
from quality.services.audits import (
    audit_draw,
    audit_report_request,
    auditsample_open_order,
    auditsample_review,
    is_qa,
    order_defaults,
)


def _require_qa(request) -> None:
    if not is_qa(request.user):
        raise Http404


def _errors_to_form(form, error: ValidationError) -> None:
    for name, texts in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        target = name if name in form.fields else None
        for text in texts:
            form.add_error(target, text)


@login_required
def audit_list_view(request):
    """The audits by month, with the form that draws a past month (the 1st draws last month by itself)."""
    _require_qa(request)
    form = AuditDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            audit, created = audit_draw(period=form.cleaned_data["period"], user=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Audit drawn.") if created else _("This month was drawn before; here it is."))
            return redirect("quality:audit_detail", pk=audit.pk)
    audits = list(audit_list(request.user)[:120])
    return render(request, "quality/monthlyaudit_list.html", {
        "title": _("Monthly audits"), "audits": audits, "form": form}, status=400 if form.errors else 200)  # fmt: skip


@login_required
def audit_detail_view(request, pk: int):
    _require_qa(request)
    audit = audit_get(request.user, pk)
    if request.method == "POST" and request.POST.get("action") == "report":
        audit_report_request(audit=audit, user=request.user)
        messages.info(request, _("The report is being rendered; reload in a moment."))
        return redirect("quality:audit_detail", pk=audit.pk)
    samples = list(audit_samples(audit))
    return render(request, "quality/monthlyaudit_detail.html", {
        "title": _("Monthly audit %(period)s") % {"period": f"{audit.period:%Y-%m}"},
        "audit": audit,
        "samples": samples,
        "scores": audit_scores(audit),
        "checklist": CHECKLIST,
    })  # fmt: skip


@login_required
def audit_pdf_view(request, pk: int):
    _require_qa(request)
    audit = audit_get(request.user, pk)
    if not audit.report_pdf:
        raise Http404
    return FileResponse(audit.report_pdf.open("rb"), content_type="application/pdf",
                        filename=f"monthly-audit-{audit.period:%Y-%m}.pdf")  # fmt: skip


def audit_xlsx_response(audit) -> HttpResponse:
    response = HttpResponse(audit_xlsx(audit), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="monthly-audit-{audit.period:%Y-%m}.xlsx"'
    return response


@login_required
def audit_xlsx_view(request, pk: int):
    _require_qa(request)
    return audit_xlsx_response(audit_get(request.user, pk))


@login_required
def sample_detail_view(request, pk: int):
    """One sample: what was drawn, the checklist review, and the order a finding opened (or the button)."""
    _require_qa(request)
    sample = sample_get(request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    review_form = AuditReviewForm(request.POST if action == "review" else None, sample=sample)
    defaults = order_defaults(sample) if sample.findings else None
    order_form = AuditOrderForm(request.POST if action == "order" else None,
                                initial=order_initial(defaults) if defaults else None)  # fmt: skip
    status = 200
    if action == "review":
        if review_form.is_valid():
            try:
                auditsample_review(sample=sample, user=request.user, answers=review_form.answers(),
                                   score=review_form.cleaned_data["score"],
                                   findings=review_form.cleaned_data["findings"])  # fmt: skip
            except ValidationError as error:
                _errors_to_form(review_form, error)
            else:
                messages.success(request, _("Review saved."))
                return redirect("quality:sample_detail", pk=sample.pk)
        status = 400
    elif action == "order":
        if order_form.is_valid():
            try:
                auditsample_open_order(sample=sample, user=request.user, **order_form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(order_form, error)
            except TransitionError as error:
                order_form.add_error(None, error.message)
            else:
                messages.success(request, _("Rectification order opened."))
                return redirect("quality:sample_detail", pk=sample.pk)
        status = 400
    return render(request, "quality/auditsample_detail.html", {
        "title": _("Audit sample %(number)s") % {"number": sample.subject.number},
        "sample": sample,
        "subject": sample.subject,
        "is_return": sample.kind == SampleKind.RETURN,
        "review_form": review_form,
        "order_form": order_form,
        "order_party": defaults,
        "answers": [(text, sample.answers.get(key)) for key, text in CHECKLIST.items()] if sample.reviewed else [],
        "repeat_repair": is_repeat_repair(sample.return_item) if sample.kind == SampleKind.RETURN else None,
    }, status=status)  # fmt: skip
