"""The committed OpenAPI schema (docs/openapi.yaml) is what the code generates.

Other programs are built against the committed file; a change to the API that
is not regenerated with ``make schema`` fails here rather than surprising them.
"""

from io import StringIO

from django.conf import settings
from django.core.management import call_command


def test_committed_schema_matches_the_code():
    generated = StringIO()
    call_command("spectacular", "--lang", "en", "--validate", "--fail-on-warn", stdout=generated)
    committed = (settings.BASE_DIR / "docs" / "openapi.yaml").read_text(encoding="utf-8")
    assert generated.getvalue() == committed, "The API changed: run `make schema` and commit docs/openapi.yaml"
