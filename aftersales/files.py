"""The one upload check: a file's type from its bytes (never its name), its size, and whether a photo decodes.

Every form and API that takes a photo or PDF (Returns, inspections, recall test reports, destruction photos,
temporary uploads) goes through these, so a renamed ``.exe`` or a truncated JPEG is refused the same way
everywhere.
"""

from __future__ import annotations

import warnings
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
)


def sniff_content_type(head: bytes) -> str | None:
    """The file's real type from its first bytes (never from its name): JPEG, PNG, GIF, WebP or PDF."""
    for signature, offset, content_type in ALLOWED_SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_is_readable(content: bytes) -> bool:
    """Whether the bytes decode as an image (a photo cut off in upload, or a fake header, does not)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content)) as image:
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def image_pixels(content: bytes) -> int | None:
    """The pixels an image's header claims (width × height), read without decoding it; None if unreadable."""
    try:
        with warnings.catch_warnings():
            # Image.open only reads the header; the bomb check is ours (check_image_size), not a warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content)) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return settings.AFTERSALES_MAX_IMAGE_PIXELS * 2 + 1
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return width * height


def check_image_size(content: bytes) -> None:
    """Refuse a photo above ``AFTERSALES_MAX_IMAGE_PIXELS`` (or a small file claiming huge dimensions) with a 400."""
    limit = settings.AFTERSALES_MAX_IMAGE_PIXELS
    pixels = image_pixels(content)
    if pixels is not None and pixels > limit:
        raise ValidationError({"file": [_("The photo is larger than %(mp)s megapixels.") % {"mp": limit // 1_000_000}]})


def upload_content_type(content: bytes) -> str:
    """The type of an uploaded photo or PDF, checked by its bytes; refuses empty, too large or other files."""
    limit = settings.AFTERSALES_MAX_UPLOAD_BYTES
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    if len(content) > limit:
        raise ValidationError({"file": [_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}]})
    content_type = sniff_content_type(content[:16])
    if content_type is not None and content_type.startswith("image/"):
        check_image_size(content)
    if content_type is None or (content_type.startswith("image/") and not image_is_readable(content)):
        raise ValidationError({"file": [_("Only photos (JPEG, PNG, GIF, WebP) and PDF files can be attached.")]})
    return content_type


def upload_bytes(upload) -> bytes:
    """An uploaded file's bytes from its start, at most one byte past the limit.

    ``upload_content_type`` refuses anything longer, so a huge file is never held in memory. Works for a
    posted file and for a photo kept from an earlier try of a form (``aftersales.uploads.KeptFile``).
    """
    upload.seek(0)
    return upload.read(settings.AFTERSALES_MAX_UPLOAD_BYTES + 1)
