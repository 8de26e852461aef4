"""The committed OpenAPI schema (docs/openapi.yaml) is what the code generates.

Other programs are built against the committed file; a change to the API that
is not regenerated with ``make schema`` fails here rather than surprising them.
"""

from django.conf import settings

from tests.support.schema import generated_schema_text


def test_committed_schema_matches_the_code():
    committed = (settings.BASE_DIR / "docs" / "openapi.yaml").read_text(encoding="utf-8")
    assert generated_schema_text() == committed, "The API changed: run `make schema` and commit docs/openapi.yaml"
