"""Pages of the customer's view: the receipt and hang tags printed from a Return's page, and the public
status page 进度查询 behind the receipt's QR code."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from cases.choices import ReturnState
from cases.permissions import mask_phone
from cases.selectors import return_list
from customerview import documents, progress, throttle
from customerview.links import status_path
from customerview.selectors import receipt_returns, return_closed_at, status_return_get
from repairs.models import RepairTicket

STATUS_LANGUAGES = ("zh-hans", "en")


class PrintableReturnMixin(LoginRequiredMixin):
    """A Return the user may see (404 otherwise) that still has a receipt (409 once cancelled)."""

    def printable(self, request, pk):
        item = get_object_or_404(return_list(request.user), pk=pk)
        if item.state == ReturnState.CANCELLED:
            return item, HttpResponse(_("A cancelled return has no receipt."), status=409, content_type="text/plain")
        return item, None


class ReturnReceiptView(PrintableReturnMixin, View):
    """受理回执 of the units logged with this one, A4 or (``?format=80mm``) for a receipt printer."""

    def get(self, request, pk):
        item, refused = self.printable(request, pk)
        if refused:
            return refused
        layout = (request.GET.get("format") or documents.A4).lower()
        if layout not in documents.RECEIPT_FORMATS:
            return HttpResponse(_("Choose “a4” or “80mm”."), status=400, content_type="text/plain")
        data = documents.receipt_pdf(receipt_returns(request.user, item), layout=layout)
        return documents.pdf_response(data, documents.receipt_filename(item, layout))


class ReturnTagsView(PrintableReturnMixin, View):
    """挂牌: a sheet of hang tags for the units logged with this one."""

    def get(self, request, pk):
        item, refused = self.printable(request, pk)
        if refused:
            return refused
        data = documents.tags_pdf(receipt_returns(request.user, item))
        return documents.pdf_response(data, f"{item.number}-tags.pdf")


def return_print_context(*, user, return_item) -> dict:
    """The Return page's card (registered with ``cases.hooks``): print the receipt and tags, the status link.

    The link is left out once it stopped working (``AFTERSALES_STATUS_LINK_DAYS`` after the unit's story ended,
    the status page answers 404 then): the page offers no link that leads nowhere.
    """
    expires_at = progress.link_expires_at(return_item, return_closed_at(return_item))
    expired = expires_at is not None and timezone.now() > expires_at
    return {
        "printable": return_item.state != ReturnState.CANCELLED,
        "status_path": None if expired else status_path(return_item.number),
    }


class PublicStatusPage(View):
    """A public status page (no login) behind a signed link: ``?lang=en`` switches to English (Chinese by
    default, whatever the browser says), and the answer is never cached, indexed or sent on as a referrer.
    ``answer(request, token, language)`` gives the page, the 404 or the 429."""

    def get(self, request, token):
        language = request.GET.get("lang")
        language = language if language in STATUS_LANGUAGES else "zh-hans"
        with translation.override(language):
            response = self.answer(request, token, language)
        response.headers["Content-Language"] = language
        # Personal (if masked) data behind a secret link: never cached on the way, never sent on as a referrer.
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response


class StatusPageView(PublicStatusPage):
    """The public status page 进度查询 of one unit (no login): progress in plain words, the expected date, the
    store to contact, the masked phone, nothing else about the customer or the center's findings.

    ``?lang=en`` switches to English (Chinese by default, whatever the browser says). A token this site did not
    sign, or one whose unit was collected more than ``AFTERSALES_STATUS_LINK_DAYS`` ago, is a 404 and counted
    against the client (``customerview.throttle``); too many requests or wrong tokens answer 429.
    """

    template_name = "customerview/status.html"

    def answer(self, request, token, language):
        if throttle.over_limit(request):
            return render(request, "customerview/status_refused.html", {"too_many": True}, status=429)
        item = status_return_get(token)
        if item is not None:
            expires_at = progress.link_expires_at(item, return_closed_at(item))
            if expires_at is not None and timezone.now() > expires_at:
                item = None
        if item is None:
            throttle.count_miss(request)
            return render(request, "customerview/status_refused.html", {"too_many": False}, status=404)
        stage = progress.stage_of(item.state)
        context = {
            "item": item,
            "brand": settings.AFTERSALES_COMPANY_NAME,
            "style": item.style,
            "store": item.store,
            "phone": mask_phone(item.customer_phone),
            "sentence": stage.sentence,
            "steps": progress.steps_for(item.state),
            "expected_back": progress.expected_back(item),
            "waits_for_dispatch": progress.waits_for_dispatch(item),
            "turnaround_days": settings.AFTERSALES_TURNAROUND_DAYS,
            "language": language,
            "other_language": "en" if language == "zh-hans" else "zh-hans",
            "logged_on": timezone.localtime(item.created_at).date(),
            # A paid repair past the warranty: the quote waiting for the customer's answer, or the amount they pay.
            "paid_repair": RepairTicket.objects.filter(return_item=item, paid=True).first(),
        }
        return render(request, self.template_name, context)
