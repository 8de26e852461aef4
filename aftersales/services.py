"""Write helpers shared by every app's services."""

from __future__ import annotations

import datetime as dt
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
        from aftersales.backends import forget_unread_count

        forget_unread_count(user)
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    """Mark every unread message of the user's inbox read 全部已读; returns how many changed."""
    from django.utils import timezone

    from aftersales.backends import forget_unread_count
    from aftersales.models import Notification

    forget_unread_count(user)
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


# --- temporary uploads 临时上传 ---

TEMPORARY_UPLOAD_MAX_AGE = dt.timedelta(days=1)


@transaction.atomic
def temporary_upload_create(*, user, name: str, content: bytes):
    """Keep a photo chosen on a form until the form is submitted; checked by its bytes like any attachment."""
    from django.core.files.base import ContentFile

    from aftersales.files import upload_content_type
    from aftersales.models import TemporaryUpload
    from aftersales.validation import reject_nul_bytes

    content_type = upload_content_type(content)
    reject_nul_bytes(name=name)
    upload = TemporaryUpload(
        owner=user,
        original_name=(name or "file")[-200:],
        content_type=content_type,
        size=len(content),
    )
    upload.file.save("upload", ContentFile(content), save=False)
    upload.save()
    return upload


def temporary_uploads_of(*, user, tokens) -> list:
    """The user's own unclaimed uploads of ``tokens``, in that order; another's, a claimed or an unknown one refuses."""
    import uuid

    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from aftersales.models import TemporaryUpload

    wanted = []
    for token in tokens:
        try:
            wanted.append(uuid.UUID(str(token)))
        except ValueError:
            raise ValidationError(_("A photo uploaded earlier is no longer available: attach it again.")) from None
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return []
    found = {
        upload.token: upload
        for upload in TemporaryUpload.objects.filter(
            token__in=wanted, owner_id=getattr(user, "pk", None), claimed_at=None
        )
    }
    if len(found) != len(wanted):
        raise ValidationError(_("A photo uploaded earlier is no longer available: attach it again."))
    return [found[token] for token in wanted]


@transaction.atomic
def temporary_upload_claim(*, user, uploads) -> None:
    """Mark the uploads claimed by the record they were attached to, in the caller's transaction.

    The update only touches the user's still-unclaimed rows, so two submits
    racing for one upload cannot both claim it: the second one fails and its
    whole transaction is rolled back. The temporary file goes once committed
    (its bytes now live in the record's attachment).
    """
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from aftersales.models import TemporaryUpload

    ids = {upload.pk for upload in uploads}
    if not ids:
        return
    rows = TemporaryUpload.objects.filter(pk__in=ids, owner_id=user.pk, claimed_at=None)
    names = list(rows.values_list("file", flat=True))
    if rows.update(claimed_at=timezone.now(), file="") != len(ids):
        raise ValidationError(_("A photo uploaded earlier is no longer available: attach it again."))
    storage = TemporaryUpload._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])


def temporary_upload_cleanup(*, now=None) -> int:
    """Remove unclaimed uploads older than a day, and their files; claimed and fresh ones stay. Returns the count."""
    from django.utils import timezone

    from aftersales.models import TemporaryUpload

    cutoff = (now or timezone.now()) - TEMPORARY_UPLOAD_MAX_AGE
    removed = 0
    storage = TemporaryUpload._meta.get_field("file").storage
    for upload in TemporaryUpload.objects.filter(claimed_at=None, created_at__lt=cutoff).iterator():
        # Delete the row first: a file without a row is harmless, a row without its file is not.
        name = upload.file.name
        deleted, _details = TemporaryUpload.objects.filter(pk=upload.pk, claimed_at=None).delete()
        if deleted:
            if name:
                storage.delete(name)
            removed += 1
    return removed
