"""Schemathesis over the committed schema (docs/openapi.yaml), as a store user and as a technician (issue 19).

Every operation of the schema is called with generated input (the schema's examples, its boundary cases and
random data, valid and invalid) through the Django app in-process (WSGI), with the demo brand loaded and a
demo login's API token. Each answer must be what the schema says it may be:

- never a server error (5xx);
- a status code the operation documents;
- a content type the operation documents for that status (JSON, or the PDF/XLSX/file a download answers);
- a body that matches the documented schema (nullable fields, blank choices and all).

A failure means the API and its schema disagree: fix the schema (drf-spectacular annotations, serializer
fields) or the endpoint, never this check. The run is bounded and reproducible: at most ``MAX_EXAMPLES``
random cases per operation on top of the boundary cases, a fixed seed, derandomized generation, no Hypothesis
database and no deadline. It is marked ``slow`` (``make test`` and CI run it, ``make test-fast`` does not);
each operation of each role is its own test, so ``pytest -n 2`` spreads them over both workers.

State-changing operations are included: the test runs in a transaction that is rolled back, so what one case
changes (a Return cancelled, a list built) only shapes the cases after it. Left out are only the operations
that end the test's own login: ``/api/v1/auth/logout/`` and ``/api/v1/auth/logout-all/`` revoke the token the
run uses (every later call would answer 401), and ``/api/v1/auth/token/`` with generated wrong passwords locks
the address out (django-axes), so later logins in the run would answer 429. Those three have tests of their own
(tests/aftersales/test_api_tokens.py, test_login_throttling.py).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from knox.models import AuthToken
from schemathesis.config import SchemathesisConfig

# Random cases per operation (the boundary cases of the coverage phase come on top). Both roles, 274 operation
# tests: 6 min 10 s with -n 0 on a two-core machine at load ~5 (about 1.3 s each), so about 3 min with -n 2.
MAX_EXAMPLES = 10
SEED = 19
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# The operations that end or lock the run's own login (see the module's docstring).
SKIPPED_PATHS = ("/api/v1/auth/logout/", "/api/v1/auth/logout-all/", "/api/v1/auth/token/")

CONFIG = {
    "seed": SEED,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
    },
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
    "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
}


class DjangoApp:
    """Django's WSGI handler without the per-request connection recycling, which would close the test's
    transaction (Django's own test client disconnects the same handler while it calls the app)."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            # The body is read here, inside the disconnection (request_finished fires when it is closed).
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


def _schema():
    config = SchemathesisConfig.from_dict(CONFIG)
    loaded = schemathesis.openapi.from_path(settings.BASE_DIR / "docs" / "openapi.yaml", config=config)
    loaded.app = DjangoApp()
    return loaded.exclude(path=list(SKIPPED_PATHS))


schema = _schema()
# No deadline (a PDF takes its time on a loaded CI machine), and the token fixture is meant to be the same for
# every case of an operation.
RUN_SETTINGS = hypothesis_settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _token(demo_user, username: str) -> str:
    _, key = AuthToken.objects.create(user=demo_user(username))
    return key


# One token per operation (per test), not per generated case: a login may hold only so many live tokens.
@pytest.fixture
def store_user_token(demo_user):
    return _token(demo_user, "store1")


@pytest.fixture
def technician_token(demo_user):
    return _token(demo_user, "tech1")


@pytest.mark.slow
@schema.parametrize()
@RUN_SETTINGS
def test_the_api_answers_as_its_schema_says_to_a_store_user(case, store_user_token):
    case.call_and_validate(headers={"Authorization": f"Token {store_user_token}"})


@pytest.mark.slow
@schema.parametrize()
@RUN_SETTINGS
def test_the_api_answers_as_its_schema_says_to_a_technician(case, technician_token):
    case.call_and_validate(headers={"Authorization": f"Token {technician_token}"})


# What the run found, each kept as a plain test that failed before its fix.


def test_a_stocktake_id_that_is_not_a_number_is_a_404_not_a_server_error(api_as):
    response = api_as("tech1").get("/api/v1/stocktakes/null,null/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
