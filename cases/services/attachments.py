"""Photos and PDFs of a Return."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.files import upload_bytes, upload_content_type
from aftersales.fsm import Guard
from aftersales.services import temporary_upload_claim
from aftersales.uploads import temporary_uploads_in
from aftersales.validation import reject_nul_bytes
from cases import permissions
from cases.choices import (
    AttachmentKind,
)
from cases.models import Attachment, Return

# --- attachments ---


def may_attach(return_item: Return, user) -> bool:
    """The store's staff (photos at logging) and technicians (inspection, repair) add photos."""
    return permissions.is_store_staff_of(return_item, user) or permissions.is_technician(return_item, user)


# Photos of a Return, in any state: its store's staff and the technicians.
RETURN_ATTACH = Guard("attach", permission=may_attach, forbidden=gettext_lazy("You may not add files to this return."))


@transaction.atomic
def attachment_add(*, user, return_item: Return, name: str, content: bytes, kind: str = "") -> Attachment:
    """Attach a photo or PDF to a Return, checked by its bytes, at most ``AFTERSALES_MAX_UPLOAD_MB``."""
    row = RETURN_ATTACH(return_item, user=user)
    return attachment_write(user=user, return_item=row, name=name, content=content, kind=kind)


@transaction.atomic
def attachments_add(*, user, return_item: Return, files: Sequence[Any], kind: str = "") -> list[Attachment]:
    """Attach several files to a Return at once, all or none (kept uploads among them are claimed)."""
    row = RETURN_ATTACH(return_item, user=user)
    attachments = [
        attachment_write(user=user, return_item=row, name=upload.name or "", content=upload_bytes(upload), kind=kind)
        for upload in files
    ]
    temporary_upload_claim(user=user, uploads=temporary_uploads_in(files))
    return attachments


def attachment_write(*, user, return_item: Return, name: str, content: bytes, kind: str = "") -> Attachment:
    """Store one file on a Return, the caller having checked who may (RETURN_ATTACH, or logging the Return)."""
    content_type = upload_content_type(content)
    if not kind:
        kind = AttachmentKind.LOGGING if permissions.is_store_staff_of(return_item, user) else AttachmentKind.INSPECTION
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("Unknown kind of attachment.")]})
    reject_nul_bytes(name=name)
    return Attachment.store(
        content=content, name=name, content_type=content_type, user=user, return_item=return_item, kind=kind
    )
