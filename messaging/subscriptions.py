"""Report subscriptions 报表订阅: the month's report mailed to its subscribers when its build is done.

``report_run_done`` is the reports app's done-listener (declared in ``MessagingConfig``): when a run is built it
queues ``report_subscriptions_send_task``, which mails every active subscription of the run's kind:

- a user's own subscription: in the user's language, with the figures cut to the user's scope as the report pages
  cut them (``reports.selectors.report_scope``): the center gets the stored PDF and XLSX; a store's staff, a region
  manager or a supplier get the XLSX of their own figures (the full PDF is the center's, as on the pages);
- an admin's list of addresses: the whole report, in the subscription's language.

The mail has the summary of the figures (the report's totals) and the files attached, or links to them when they
are larger than ``AFTERSALES_REPORT_MAIL_ATTACH_MAX_BYTES``. Each (subscription, month, address) is mailed once
(``ReportMailing``, a unique constraint): a rebuild, a second version of the month's report or a redelivered task
sends nothing, unless ``resend=True`` asks for it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aftersales.notifications import absolute_url, language_of
from aftersales.roles import has_role_permission
from messaging.models import ReportMailing, ReportSubscription
from reports.choices import ReportKind, ReportRunStatus
from reports.documents import report_xlsx
from reports.models import ReportRun
from reports.selectors import report_figures, report_kinds_for, report_scope

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The summary's lines: the report's totals, in this order, with their labels.
SUMMARY_LABELS = {
    "units": _("Units"),
    "cost": _("Cost (CNY)"),
    "logged": _("Returns logged"),
    "scrap_units": _("Units scrapped"),
    "scrap_cost": _("Scrap cost (CNY)"),
    "repairs": _("Repairs"),
    "repair_cost": _("Repair cost (CNY)"),
    "chargebacks": _("Chargebacks (CNY)"),
    "returned": _("Units back at the store"),
    "on_time": _("Back on time"),
    "late": _("Back late"),
    "on_time_share": _("On-time share (%)"),
    "median_days": _("Median days"),
}


def report_run_done(*, run_id: int) -> None:
    """Queue the mailing of a run just built (the reports app calls this once the run is done)."""
    from messaging.tasks import report_subscriptions_send_task

    transaction.on_commit(lambda: report_subscriptions_send_task.delay(run_id))


def summary_lines(figures: dict) -> list[tuple[object, object]]:
    """The report's totals as (label, value); the labels stay lazy, translated when the mail is rendered."""
    totals = figures.get("totals") or {}
    return [(label, totals[key]) for key, label in SUMMARY_LABELS.items() if key in totals]


def _may_read_reports(user) -> bool:
    return user.is_active and bool(user.email) and has_role_permission(user, "reports.view_reportrun")


def _files_for(run: ReportRun, user) -> tuple[dict, list[tuple[str, bytes, str]], bool]:
    """(figures, files, whole report?) for a recipient: the stored files for the center (or an address list,
    ``user`` None), the XLSX of the user's own figures for everyone else."""
    scope = report_scope(user) if user is not None else None
    label = f"{run.period:%Y-%m}"
    if scope is None or scope.everything:
        files = []
        for field, content_type in (("pdf", "application/pdf"), ("xlsx", XLSX_TYPE)):
            stored = getattr(run, field)
            if stored:
                with stored.open("rb") as handle:
                    files.append((f"report-{run.kind}-{label}.{field}", handle.read(), content_type))
        return run.data, files, True
    figures = report_figures(run.kind, run.period, scope)
    with translation.override(language_of(user)):
        content = report_xlsx(run, figures, title_suffix=f" ({translation.gettext('your figures')})")
    return figures, [(f"report-{run.kind}-{label}-mine.xlsx", content, XLSX_TYPE)], False


def _mail(*, run: ReportRun, address: str, language: str, recipient, figures: dict, files, whole: bool) -> bool:
    """Send one mail; answers whether the files were attached (else linked)."""
    size = sum(len(content) for _name, content, _type in files)
    attach = size <= settings.AFTERSALES_REPORT_MAIL_ATTACH_MAX_BYTES
    context = {
        "recipient": recipient,
        "kind_label": ReportKind(run.kind).label,
        "period": run.period,
        "summary": summary_lines(figures),
        "whole": whole,
        "attached": attach,
        "links": [] if attach else [
            (name, absolute_url(reverse("reports:reportrun_download", args=[run.pk, name.rsplit(".", 1)[1]])))
            for name, _content, _type in files
        ],
        "link": absolute_url(reverse("reports:reportrun_detail", args=[run.pk])),
        "site_url": settings.AFTERSALES_SITE_URL,
    }  # fmt: skip
    with translation.override(language):
        subject = " ".join(render_to_string("emails/report_subscription_subject.txt", context).split())
        text = render_to_string("emails/report_subscription_body.txt", context).strip()
        html = render_to_string("emails/report_subscription_body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[address])
    message.attach_alternative(html, "text/html")
    if attach:
        for name, content, content_type in files:
            message.attach(name, content, content_type)
    message.send()
    return attach


def _claim(subscription: ReportSubscription, run: ReportRun, address: str, *, resend: bool) -> ReportMailing | None:
    """Record the mailing before sending it: None when this month's report already went to this address."""
    try:
        with transaction.atomic():
            return ReportMailing.objects.create(
                subscription=subscription, run=run, kind=run.kind, period=run.period, address=address, resend=resend
            )
    except IntegrityError:
        return None


def report_subscriptions_send(*, run_id: int, resend: bool = False, subscription_ids=None) -> dict:
    """Mail a done run to its kind's active subscribers (see the module); answers what was sent and skipped."""
    run = ReportRun.objects.filter(pk=run_id, status=ReportRunStatus.DONE).first()
    summary = {"run": run_id, "sent": 0, "skipped": 0}
    if run is None:
        return summary
    subscriptions = ReportSubscription.objects.filter(kind=run.kind, active=True).select_related("user__preference")
    if subscription_ids is not None:
        subscriptions = subscriptions.filter(pk__in=list(subscription_ids))
    for subscription in subscriptions.order_by("pk"):
        user = subscription.user
        if user is not None:
            if not _may_read_reports(user) or run.kind not in report_kinds_for(user):
                continue
            recipients = [(user.email, language_of(user), user)]
        else:
            recipients = [(address, subscription.language or settings.LANGUAGE_CODE, None)
                          for address in subscription.address_list()]  # fmt: skip
        for address, language, recipient in recipients:
            mailing = _claim(subscription, run, address, resend=resend)
            if mailing is None:
                summary["skipped"] += 1
                continue
            try:
                figures, files, whole = _files_for(run, recipient)
                attached = _mail(
                    run=run, address=address, language=language, recipient=recipient, figures=figures, files=files,
                    whole=whole,
                )  # fmt: skip
            except Exception:
                # Not sent: forget the claim so the retry (or a resend) mails it.
                mailing.delete()
                raise
            if not attached:
                ReportMailing.objects.filter(pk=mailing.pk).update(attached=False)
            summary["sent"] += 1
    return summary


def report_subscription_set(*, user, kinds: list[str]) -> list[ReportSubscription]:
    """A user's own subscriptions become exactly ``kinds`` (the page's checkboxes); answers the active ones."""
    wanted = [kind for kind in kinds if kind in report_kinds_for(user)]
    with transaction.atomic():
        for kind in ReportKind.values:
            if kind in wanted:
                ReportSubscription.objects.update_or_create(user=user, kind=kind, defaults={"active": True})
            else:
                ReportSubscription.objects.filter(user=user, kind=kind).update(active=False)
    return list(ReportSubscription.objects.filter(user=user, active=True))


def report_subscriptions_resend_newest(*, subscriptions: list[ReportSubscription]) -> int:
    """Send each subscription its kind's newest done report again (the admin's action: sending twice is asked)."""
    sent = 0
    for subscription in subscriptions:
        run = (
            ReportRun.objects.filter(kind=subscription.kind, status=ReportRunStatus.DONE)
            .order_by("-period", "-version")
            .first()
        )
        if run is not None:
            result = report_subscriptions_send(run_id=run.pk, resend=True, subscription_ids=[subscription.pk])
            sent += result["sent"]
    return sent
