"""Small files for upload tests: one PNG maker instead of one per test module."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes(colour: str = "red", size: int = 4) -> bytes:
    """A real ``size`` × ``size`` PNG of one colour (different colours give different bytes)."""
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png", colour: str = "red") -> SimpleUploadedFile:
    """``png_bytes`` as an uploaded file, the way a form receives a photo."""
    return SimpleUploadedFile(name, png_bytes(colour), content_type="image/png")
