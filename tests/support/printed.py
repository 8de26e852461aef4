"""Reading printed documents back in tests: a PDF's text (pdftotext, from poppler-utils) and the QR codes on its
pages (the page drawn by pdftoppm, the codes read by zxing-cpp), as a person with a scanner would."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image


def pdf_text(data: bytes) -> str:
    """The PDF's text in reading order, without the spaces pdftotext puts between CJK characters."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True).stdout
    return text.decode()


def flat(text: str) -> str:
    return "".join(text.split())


def page_size_mm(data: bytes) -> tuple[float, float]:
    """The first page's width and height in millimetres (pdfinfo)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    line = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, _x, height = line.split(":", 1)[1].split()[:3]
    return float(width) * 25.4 / 72, float(height) * 25.4 / 72


def qr_codes(data: bytes, *, dpi: int = 200) -> list[str]:
    """The text of every QR code on every page, page by page, top to bottom and left to right."""
    found: list[tuple[int, int, int, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(path), str(Path(folder) / "page")], check=True)
        for page_number, image_path in enumerate(sorted(Path(folder).glob("page*.png"))):
            with Image.open(image_path) as image:
                for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                    corner = barcode.position.top_left
                    found.append((page_number, corner.y // 40, corner.x, barcode.text))
    return [text for *_order, text in sorted(found)]
