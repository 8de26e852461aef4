"""Notifications 通知: one call puts a message in each recipient's inbox and e-mails it after commit.

Every message is rendered from ``templates/emails/<template>_subject.txt``,
``_body.txt`` and ``_body.html`` in the recipient's own language, so a Chinese
store and an English-reading supplier each read their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import translation

from aftersales.models import Notification


def language_of(user) -> str:
    """The language a user reads messages in: the one last picked in the menu, else Chinese.

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
    if email and created:
        from aftersales.tasks import notification_email_task

        for row in created:
            if row.recipient.email:
                transaction.on_commit(lambda pk=row.pk: notification_email_task.delay(pk))
    return created
