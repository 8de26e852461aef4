"""Pictures anyone can look at: the returns list on a phone, and a chargeback statement's PDF page.

    .venv/bin/python bench/screenshot.py                       # against `make run` on http://127.0.0.1:8000
    .venv/bin/python bench/screenshot.py --start               # starts a server on the configured database
    .venv/bin/python bench/screenshot.py --url http://host:port --width 768 --height 1024 --out shots

It logs in as ``store1`` (``--user``), opens ``/returns/`` (``--path``) at 390×844 and saves a PNG of the whole
page; then logs in as ``finance1``, downloads the first chargeback statement on the list (or ``--chargeback ID``)
as PDF and turns its first page (``--pdf-page``) into a PNG with ``pdftoppm`` (Debian's poppler-utils). The
browser is Debian's Chromium at /usr/bin/chromium, driven by Playwright (a test dependency); nothing is
downloaded. The database needs the demo data (``seed_demo``); the PNGs go to ``test-artifacts/`` by default.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    """``manage.py runserver`` on a free port, on whatever database the environment configures."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz/", timeout=1)  # noqa: S310 - our own local server
            return server, url
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server on {url} did not answer")


def log_in(context, url: str, username: str, password: str):
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{url}/")
    return page


def returns_list(browser, args, url: str) -> Path:
    context = browser.new_context(locale="zh-CN", viewport={"width": args.width, "height": args.height})
    page = log_in(context, url, args.user, args.password)
    page.goto(f"{url}{args.path}")
    out = args.out / f"returns-{args.user}-{args.width}.png"
    page.screenshot(path=str(out), full_page=True)
    context.close()
    return out


def chargeback_page(browser, args, url: str) -> Path:
    if not shutil.which("pdftoppm"):
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    context = browser.new_context(locale="zh-CN")
    page = log_in(context, url, args.finance_user, args.password)
    if args.chargeback is not None:
        ids = [args.chargeback]
    else:
        page.goto(f"{url}/month-end/chargebacks/")
        hrefs = page.locator("a[href^='/month-end/chargebacks/']").evaluate_all("links => links.map(a => a.pathname)")
        ids = [int(match.group(1)) for href in hrefs if (match := re.fullmatch(r"/month-end/chargebacks/(\d+)/", href))]
    # A draft has no PDF yet (409): the first statement that has one.
    for statement in ids:
        response = page.request.get(f"{url}/month-end/chargebacks/{statement}/pdf/")
        if response.ok:
            body = response.body()
            break
    else:
        raise SystemExit("no issued chargeback statement with a PDF: seed the demo with its history (seed_demo)")
    context.close()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "statement.pdf"
        pdf.write_bytes(body)
        stem = args.out / f"chargeback-{statement}-page{args.pdf_page}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "110", "-f", str(args.pdf_page), "-l", str(args.pdf_page), "-singlefile"]
            + [str(pdf), str(stem)],
            check=True,
        )
    return stem.with_suffix(".png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a running server (default: make run's)")
    parser.add_argument("--start", action="store_true", help="start a server on a free port instead")
    parser.add_argument("--user", default="store1")
    parser.add_argument("--finance-user", default="finance1")
    parser.add_argument("--password", default="demo12345")
    parser.add_argument("--path", default="/returns/")
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--height", type=int, default=844)
    parser.add_argument("--chargeback", type=int, help="statement id (default: the first on finance's list)")
    parser.add_argument("--pdf-page", type=int, default=1)
    parser.add_argument("--no-pdf", action="store_true", help="only the returns list")
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    server, url = start_server() if args.start else (None, args.url.rstrip("/"))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            print(returns_list(browser, args, url))  # noqa: T201
            if not args.no_pdf:
                print(chargeback_page(browser, args, url))  # noqa: T201
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
