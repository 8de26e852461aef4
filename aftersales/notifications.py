"""Notifications 通知: one call puts a message in each recipient's inbox and e-mails it after commit.

Every message is rendered from ``templates/emails/<template>_subject.txt``,
``_body.txt`` and ``_body.html`` in the recipient's own language, so a Chinese
store and an English-reading supplier each read their own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import translation

from aftersales.models import Notification

logger = logging.getLogger(__name__)


def language_of(user) -> str:
    """The language a user reads messages in: the one they saved with the menu's switch (the same the pages use
    after their next login, see ``aftersales.inbox``), else Chinese.

    Load recipients with ``select_related("preference")`` to avoid a query per user.
    """
    try:
        chosen = user.preference.language
    except ObjectDoesNotExist:
        chosen = ""
    except AttributeError:  # an unsaved or anonymous user
        chosen = ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def absolute_url(path: str) -> str:
    """A link for an e-mail: the site's address (``AFTERSALES_SITE_URL``) plus the path."""
    if not path or "://" in path:
        return path
    return f"{settings.AFTERSALES_SITE_URL}{path}"


def notification_list(user, *, unread: bool | None = None):
    """The user's own inbox 收件箱, newest first (nobody sees anyone else's messages)."""
    notifications = Notification.objects.for_user(user)
    if unread is True:
        notifications = notifications.unread()
    elif unread is False:
        notifications = notifications.filter(read_at__isnull=False)
    return notifications


def notification_unread_count(user) -> int:
    """How many unread messages the menu badge shows (one COUNT on the partial unread index)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    from aftersales.backends import UNREAD_ATTRIBUTE

    folded = getattr(user, UNREAD_ATTRIBUTE, None)  # loaded with the session's user (aftersales/backends.py)
    if folded is not None:
        return folded
    return Notification.objects.for_user(user).unread().count()


def render_message(template: str, context: dict[str, Any], *, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of ``emails/<template>_*`` in ``language``."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        text = render_to_string(f"emails/{template}_body.txt", context).strip()
        html = render_to_string(f"emails/{template}_body.html", context)
    return subject, text, html


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    template: str,
    context: dict[str, Any],
    url: str = "",
    target: models.Model | None = None,
    email: bool = True,
) -> list[Notification]:
    """Put one message per recipient in the inbox, and e-mail it once the transaction commits.

    Recipients are de-duplicated and inactive users skipped; ``target`` is the
    record the message is about (its link opens it).
    """
    content_type = ContentType.objects.get_for_model(target) if target is not None else None
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        subject, text, html = render_message(
            template,
            {**context, "recipient": user, "link": absolute_url(url), "site_url": settings.AFTERSALES_SITE_URL},
            language=language_of(user),
        )
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                subject=subject[:200],
                body=text,
                body_html=html if email and user.email else "",
                url=url,
                content_type=content_type,
                object_id=target.pk if target is not None else None,
            )
        )
    created = Notification.objects.bulk_create(rows)
    if created:
        _tell_listeners(
            kind=kind, template=template, context=context, url=url, recipients=[row.recipient for row in created],
            target=target,
        )  # fmt: skip
    if email and created:
        from aftersales.tasks import notification_email_task

        for row in created:
            if row.recipient.email:
                transaction.on_commit(lambda pk=row.pk: notification_email_task.delay(pk))
    return created


def _tell_listeners(**message) -> None:
    """Hand the message to the apps that also deliver it elsewhere (``notification_listeners``: the work chat
    robots). A listener's failure is logged and rolled back to its savepoint: the inbox and e-mail still go out."""
    from aftersales import registry

    for listener in registry.notification_listeners():
        try:
            with transaction.atomic():
                listener(**message)
        except Exception:
            logger.exception("Notification listener %s failed", getattr(listener, "__qualname__", listener))


def notification_body_for_page(notification) -> str:
    """The message as the inbox shows it: without the e-mail's "open in the system: <address>" line, since the
    page has its own button for the link (a bare /cases/returns/123/ means nothing to a reader)."""
    link = absolute_url(notification.url) if notification.url else None

    def is_address(line: str) -> bool:
        text = line.strip()
        if link and text.endswith(link):
            return True
        # A line that is nothing but an address of this site (the e-mail's per-record links).
        return (
            bool(text) and " " not in text and (text.startswith("/") or text.startswith(settings.AFTERSALES_SITE_URL))
        )

    return "\n".join(line for line in notification.body.splitlines() if not is_address(line)).strip()


def notification_link_label(notification) -> str:
    """The button to the record a message is about, named by what it opens: 打开退货 R2612170001."""
    from django.utils.translation import gettext as _

    if notification.content_type_id and notification.object_id:
        model = notification.content_type.model_class()
        target = model._default_manager.filter(pk=notification.object_id).first() if model is not None else None
        if target is not None:
            return _("Open %(kind)s %(name)s") % {"kind": model._meta.verbose_name, "name": target}
    return _("Open")
