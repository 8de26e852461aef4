"""Write helpers shared by every app's services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

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
