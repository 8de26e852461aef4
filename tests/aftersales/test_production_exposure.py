"""Production exposure (issue 19): a Content-Security-Policy on every page with no inline script to break it, user
files never active content under our origin, and with debug off no anonymous schema or docs, no browsable API and
no weak secret key."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.aftersales.test_settings import load_settings
from tests.support.files import png_bytes

PROJECT_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "p9-Lq2_vX7rT4mZ8sW1yB6nC3kD0fG5hJ-aE_uI9oP2lK7jH4gF1dS8",
    "DJANGO_ALLOWED_HOSTS": "aftersales.example.cn",
}


# --- the secret key -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["abc", "x" * 60, "short-but-varied-key-0123456789", "django-insecure-" + "a1b2c3d4e5" * 5]
)
def test_a_weak_secret_key_stops_start_up_when_debug_is_off(key):
    result = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr


def test_a_long_random_secret_key_starts():
    result = load_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_a_weak_key_is_fine_in_development():
    assert load_settings(DJANGO_SECRET_KEY="abc").returncode == 0


# --- the schema, the docs and the browsable API with debug off -----------------------------------------------

PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
get = lambda path, **extra: client.get(path, secure=True, HTTP_HOST="aftersales.example.cn", **extra)
answers = {
    "schema": get("/api/schema/").status_code,
    "docs": get("/api/docs/").status_code,
    "api_html": get("/api/v1/stores/", HTTP_ACCEPT="text/html")["Content-Type"],
    "api_format_api": get("/api/v1/stores/?format=api").status_code,
}
print(json.dumps(answers))
"""


def test_with_debug_off_schema_docs_and_browsable_api_are_closed_to_anonymous_visitors():
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "AFTERSALES_"))}
    environment.pop("DATABASE_URL", None)
    environment.pop("REDIS_URL", None)
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="aftersales.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    # the schema and the docs ask for a login
    assert answers["schema"] == 401 and answers["docs"] == 401
    # the API answers JSON even to a browser, and has no HTML renderer to ask for
    assert answers["api_html"].startswith("application/json")
    assert answers["api_format_api"] == 404


@pytest.mark.django_db
def test_signed_in_the_docs_page_works_without_inline_script(browser_as):
    client = browser_as("tech1")
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), "inline script on the docs page"
    assert "script-src 'self'" in page["Content-Security-Policy"]


# --- the Content-Security-Policy ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/returns/", "/returns/new/", "/no-such-page/"])
def test_every_page_carries_a_policy_allowing_scripts_only_from_our_own_files(browser_as, path):
    response = browser_as("store1").get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in policy
    # and the page itself has no inline script or handler the policy would block
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html)
    assert not re.search(r"\son[a-z]+\s*=", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S))


def test_no_template_has_an_inline_script_or_handler():
    offenders = []
    for template in (PROJECT_DIR / "templates").rglob("*.html"):
        if template.parts[-2] in {"pdf", "emails"} or "pdf" in template.parts or "emails" in template.parts:
            continue  # rendered to PDF or mail, never served as a page
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
            r"\son(click|change|submit|load|input)=", text
        ):
            offenders.append(str(template.relative_to(PROJECT_DIR)))
    assert offenders == []


# --- user files ---------------------------------------------------------------------------------------------

PDF_WITH_SCRIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj\n"
    b"2 0 obj<</S/JavaScript/JS(app.alert('x'))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def upload(client, item, name, content):
    import io

    handle = io.BytesIO(content)
    handle.name = name
    return client.post(f"/api/v1/returns/{item.pk}/attachments/", {"file": handle}, format="multipart")


@pytest.mark.django_db
def test_an_uploaded_pdf_downloads_as_an_attachment_and_never_runs_under_our_origin(api_as, demo):
    from cases.choices import ReturnState
    from tests.support.returns import return_in

    item = return_in(ReturnState.LOGGED)
    client = api_as("store1")
    body = upload(client, item, "report.pdf", PDF_WITH_SCRIPT).json()
    download = client.get(body["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    policy = download["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy


@pytest.mark.django_db
def test_an_uploaded_photo_still_shows_inline_but_sandboxed(api_as, demo):
    from cases.choices import ReturnState
    from tests.support.returns import return_in

    item = return_in(ReturnState.LOGGED)
    client = api_as("store1")
    body = upload(client, item, "p.png", png_bytes()).json()
    download = client.get(body["url"])
    assert download["Content-Disposition"].startswith("inline")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
