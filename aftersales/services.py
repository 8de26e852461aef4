"""Write helpers shared by every app's services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction

if TYPE_CHECKING:
    from aftersales.models import Notification

ModelT = TypeVar("ModelT", bound=models.Model)


@transaction.atomic
def upsert(model: type[ModelT], *, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[ModelT, bool]:
    """Create the row found by ``lookup`` or bring it to ``values``, validating it first.

    Saves only when something differs, so re-running a seed or an import
    leaves untouched rows untouched (their ``updated_at`` included).
    Returns the row and whether it was created.
    """
    instance = model.objects.select_for_update().filter(**lookup).first()
    created = instance is None
    if created:
        instance = model(**lookup)
    changed = created
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.many_to_one:
            # Compare related rows by id: reading an unset relation would raise.
            current, wanted = getattr(instance, field.attname), (value.pk if value is not None else None)
        else:
            current, wanted = getattr(instance, name), value
        if current != wanted:
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.full_clean()
        instance.save()
    return instance, created


def sequence_take(*, name: str, count: int = 1) -> range:
    """Take ``count`` consecutive numbers from the named sequence (e.g. ``RT-202611``).

    The counter row is locked for the rest of the caller's transaction, so two
    concurrent callers can never take the same number; the first use of a
    name creates its row, and a racing creator simply waits for the lock.
    """
    from aftersales.models import Sequence

    if count < 1:
        raise ValueError("count must be at least 1")
    with transaction.atomic():
        sequence, _ = Sequence.objects.select_for_update().get_or_create(name=name)
        first = sequence.last_value + 1
        sequence.last_value += count
        sequence.save(update_fields=["last_value"])
    return range(first, first + count)


def notification_email_send(*, notification_id: int) -> str:
    """E-mail an inbox message to its recipient once; a message already e-mailed is not sent again."""
    from django.core.mail import EmailMultiAlternatives
    from django.utils import timezone

    from aftersales.models import Notification

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or not notification.recipient.email:
            return "skipped"
        message = EmailMultiAlternatives(
            subject=notification.subject, body=notification.body, to=[notification.recipient.email]
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        message.send()
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return "sent"


@transaction.atomic
def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own inbox messages read 标为已读 (reading it twice keeps the first time).

    Another user's message is not found (``Notification.DoesNotExist``), so its existence does not leak.
    """
    from django.utils import timezone

    from aftersales.models import Notification

    notification = Notification.objects.for_user(user).select_for_update().get(pk=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.full_clean()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    """Mark every unread message of the user's inbox read 全部已读; returns how many changed."""
    from django.utils import timezone

    from aftersales.models import Notification

    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


@transaction.atomic
def userpreference_set_language(*, user, language: str) -> None:
    """Remember the language the user picked 语言偏好, for messages rendered without a request (e-mails)."""
    from django.conf import settings

    from aftersales.models import UserPreference

    if not getattr(user, "is_authenticated", False) or language not in dict(settings.LANGUAGES):
        return
    preference, _created = UserPreference.objects.get_or_create(user=user)
    if preference.language != language:
        preference.language = language
        preference.full_clean()
        preference.save(update_fields=["language"])
