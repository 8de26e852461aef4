"""Abstract bases shared by every domain app."""

from __future__ import annotations

import hashlib
import uuid

import pgtrigger
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.scoping import scope_for


class TimeStampedModel(models.Model):
    """Creation and last-change times, which every record of the domain keeps."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which rows a user may see (数据权限).

    Subclasses say how a row reaches a store, a region or a supplier; the
    user's scope (``aftersales.scoping.scope_for``, resolved by the app that
    holds the memberships) says which of those the user has.
    Service-center roles and superusers see every row; roles in ``open_to``
    see every row of this model (catalogue data such as styles); everyone else
    sees the rows that reach one of their stores, regions or suppliers.
    """

    store_lookup: str | None = None
    region_lookup: str | None = None
    supplier_lookup: str | None = None
    open_to: frozenset[str] = frozenset()

    def visible_to(self, user) -> ScopedQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        scope = scope_for(user)
        if scope.everything or scope.roles & self.open_to:
            return self
        condition = Q()
        granted = False
        for lookup, ids in (
            (self.store_lookup, scope.store_ids),
            (self.region_lookup, scope.region_ids),
            (self.supplier_lookup, scope.supplier_ids),
        ):
            if lookup and ids:
                condition |= Q(**{f"{lookup}__in": sorted(ids)})
                granted = True
        return self.filter(condition) if granted else self.none()


class TransitionLogQuerySet(models.QuerySet):
    # The audit trail is append-only: no bulk edits or deletes either.
    def update(self, **kwargs):
        raise PermissionError("Transition log entries are immutable.")

    def delete(self):
        raise PermissionError("Transition log entries are immutable.")

    def for_object(self, instance: models.Model) -> TransitionLogQuerySet:
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True), object_id=instance.pk
        )


class TransitionLog(models.Model):
    """The audit trail 操作记录 of every state change: who fired which transition, when, from, to, with what.

    Rows are written once by ``aftersales.fsm.fire`` and never changed or
    deleted: saving an existing row or deleting one raises.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    transition = models.CharField(_("transition"), max_length=40)
    source_state = models.CharField(_("from state"), max_length=40)
    target_state = models.CharField(_("to state"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system fired it (for example on approval of a write-off list)."),
    )
    at = models.DateTimeField(_("at"), db_index=False)
    payload = models.JSONField(_("arguments"), default=dict, blank=True)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="transitionlog_object_idx")]
        # Immutable in the database too (PostgreSQL; django-pgtrigger): raw SQL cannot change or delete a row
        # either. TRUNCATE (a test database's flush) is not a row change and still works.
        triggers = [
            pgtrigger.Protect(name="transitionlog_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.transition}: {self.source_state} → {self.target_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Transition log entries are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Transition log entries are immutable.")


class Sequence(models.Model):
    """A named counter for document numbers (RT-202611-000123) that never hands out a number twice.

    Numbers are taken under a row lock inside the caller's transaction, so
    concurrent callers queue and no two committed records share a number.
    """

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    last_value = models.PositiveBigIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in one user's inbox 通知 (turnaround alerts, recall notices, documents awaiting a signature).

    The subject and body are rendered once, in the recipient's language, when
    the notification is created; the e-mail copy is sent after commit and its
    sending time recorded here.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # The e-mail's HTML part, rendered with the text so the e-mail task only needs the row's id.
    body_html = models.TextField(_("HTML"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("kind of record"),
    )  # fmt: skip
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class Alert(models.Model):
    """That an alert was raised for one object at one level, so it is raised once, ever (每个对象每个级别一次).

    The unique constraint is the guarantee: a second scan inserting the same
    (kind, object, level) conflicts and is skipped, whoever runs it and when.
    """

    kind = models.CharField(_("kind"), max_length=40)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    level = models.CharField(_("level"), max_length=20)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "content_type", "object_id", "level"], name="alert_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.level}"


class UserPreference(models.Model):
    """A user's own settings 个人设置: the language e-mails and notifications are written in.

    Set when the user switches the language in the menu, so a message
    rendered later by a worker (with no request) speaks the user's language.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language or '-'}"


# The stored file's extension, from the type sniffed from its bytes (``aftersales.files``), never from its name.
STORED_FILE_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}


class StoredFile(models.Model):
    """A photo or PDF kept under MEDIA_ROOT for a record: a Return's attachment, a recall's test report, a
    destruction photo.

    Its type comes from its bytes (``aftersales.files.upload_content_type``), and so does the stored name's
    extension; the uploader's file name is kept only to be shown. The file is served only by a scope-checked
    view (``aftersales.ui.files.StoredFileView`` or ``aftersales.api.views.StoredFileAPIView``). The concrete
    model adds the record it belongs to and its ``file`` field (each app stores under its own folder).
    """

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def store(cls, *, content: bytes, name: str, content_type: str, user, **record):
        """Keep ``content`` as a new file of this kind for its record (``record``: the owning row's field):
        size and checksum from the bytes, the stored name ours, the uploader's name (its end, with the
        extension) only to be shown. The caller has checked who may and what the bytes are."""
        stored = cls(
            original_name=(name or "file")[-200:],
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=user,
            **record,
        )
        stored.file.save("upload", ContentFile(content), save=False)
        stored.full_clean()
        stored.save()
        return stored

    @property
    def extension(self) -> str:
        """The stored name's extension, from the sniffed content type (``.jpg``, ``.png``, ... ``.pdf``)."""
        return STORED_FILE_EXTENSIONS.get(self.content_type, "")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def temporary_upload_path(instance: TemporaryUpload, filename: str) -> str:
    # The stored name is ours, not the uploader's: no path tricks, no clashes.
    return f"temporary/{instance.created_at:%Y/%m/%d}/{instance.token.hex}"


class TemporaryUpload(models.Model):
    """A photo chosen on a form before the form is submitted 临时上传.

    Uploaded as soon as it is chosen, so a form that fails validation comes
    back with its photos; the successful submit claims it (its bytes become
    the record's attachment). Only its owner may view or claim it. Unclaimed
    uploads older than a day are removed by the daily cleanup task.
    """

    token = models.UUIDField(_("token"), unique=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    file = models.FileField(_("file"), upload_to=temporary_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("temporary upload")
        verbose_name_plural = _("temporary uploads")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
