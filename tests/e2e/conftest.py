"""Browser tests: headless Chromium, driven by Playwright's sync API, against ``live_server``.

The browser is Debian's Chromium at ``/usr/bin/chromium``; nothing is ever
downloaded (``playwright install`` is never needed). Without that binary the
tests are skipped locally, but fail under ``CI`` where the browser must exist.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.support.browser import ARTIFACTS, DEFAULT_TIMEOUT_MS
from tests.support.demo import DEMO_PASSWORD

# Playwright's sync API runs an event loop in this thread; Django refuses ORM
# calls from a thread with a running loop unless told this is fine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_TEST_TIMEOUT_S = 240
E2E_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: mark only the ones in tests/e2e.
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            # One worker runs the browser tests (--dist loadgroup): they wait on Chromium and the live server more
            # than they compute, so the other worker's tests fill the cores meanwhile, where two workers' browsers
            # at once would fight over them (and each worker would start its own Chromium).
            item.add_marker(pytest.mark.xdist_group("browser"))
            # Every browser call waits at most DEFAULT_TIMEOUT_MS, but a few (evaluate, a dialog's accept) wait
            # forever; a browser test that hangs fails after this instead of stalling its worker for the run.
            item.add_marker(pytest.mark.timeout(E2E_TEST_TIMEOUT_S))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the page fixture knows if the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _e2e_transactional_db(transactional_db):
    """live_server runs in another thread, so data must be committed, not held in a test transaction."""


@pytest.fixture
def demo(demo, _e2e_transactional_db, live_server):
    """The suite-wide ``demo``: loaded once per test process and committed, so the live server sees it."""


@pytest.fixture(scope="session")
def playwright_instance():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}: browser tests need Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so the browser must be installed)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # While Playwright's event loop runs in this thread, Django keeps the thread's database connections apart from
    # the ones it had before (asgiref's Local is context-local when a loop runs), so a connection opened on either
    # side would stay open, unreachable, and keep the test database from being dropped at the end ("is being
    # accessed by other users"). Close them at both crossings.
    _close_idle_connections()
    with sync_playwright() as playwright:
        try:
            yield playwright
        finally:
            _close_idle_connections()


def _close_idle_connections() -> None:
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, request):
    from playwright.sync_api import expect

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the test's failure
            print(f"could not save screenshot for {request.node.nodeid}: {error}")  # noqa: T201
    context.close()


@pytest.fixture
def login(live_server, demo):
    """``login(page, username)`` logs a demo user in through the login form and waits for the home page."""
    from playwright.sync_api import expect

    def do_login(page, username: str, password: str = DEMO_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        expect(page.locator("[data-testid=current-user]")).to_be_visible()
        return page

    return do_login
