"""The OpenAPI schema the code generates, made once per test process: drf-spectacular takes seconds for it."""

from __future__ import annotations

import functools
from io import StringIO

import yaml
from django.core.management import call_command

# libyaml's loader when PyYAML was built with it: the pure-Python one takes seconds over the 600 KB schema.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def generated_schema_text() -> str:
    """``manage.py spectacular --lang en --validate --fail-on-warn``, as ``make schema`` writes docs/openapi.yaml."""
    out = StringIO()
    call_command("spectacular", "--lang", "en", "--validate", "--fail-on-warn", stdout=out)
    return out.getvalue()


def generated_schema() -> dict:
    return yaml.load(generated_schema_text(), Loader=YAML_LOADER)  # noqa: S506 - a safe loader, C or Python
