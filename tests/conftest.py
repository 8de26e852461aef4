"""Fixtures shared by the whole suite.

``demo`` is the demo brand that ``seed_demo`` makes through the real services, so tests speak of the contract's
stores (S001, S002, S101), suppliers (SUP01, SUP02) and logins (store1, tech1, supplier1, ...). It is loaded once
per test process, committed, when the test database is created; each test runs in a transaction that is rolled
back, so what one test changes no other sees. A test that does not ask for ``demo`` has the demo's rows deleted
inside that transaction and starts from the database as migrations left it (``tests/support/demo.py``).

Tests on committed data (``transaction=True``, ``live_server``, a Celery worker, threads) cannot be rolled back:
instead of Django's flush (which empties every table) they end by putting back the tables as the demo's loading
left them (``DemoData.restore``, ``_restore_instead_of_flush`` below). One the copy does not fit still gets the
flush, and the demo is loaded again before the next test (``pytest_runtest_teardown`` below).
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TransactionTestCase
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.support.demo import DEMO, seed_demo

DEMO_HIDDEN = pytest.StashKey[bool]()

pytest_plugins = [
    # The real Celery worker of the PostgreSQL + Redis pass (skipped on SQLite).
    "tests.celery_worker",
    "tests.fixtures.chargebacks",
    # The demo's full history, seeded once for the tests that check it.
    "tests.fixtures.demo_history",
    # A real S3-compatible server (moto's server mode) and a bucket per test as the default storage.
    "tests.fixtures.s3",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the demo brand loaded once (committed).

    The database is made from the models (``--no-migrations`` in pyproject.toml); django-pgtrigger's schema
    editor installs a model's triggers with its table, so the transition log's append-only guard is there too.
    ``make migration-check`` proves that migrations make the same schema."""
    with django_db_blocker.unblock():
        DEMO.load()
    DEMO.blocker = django_db_blocker
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", _restore_instead_of_flush)
        yield


FLUSH = TransactionTestCase._fixture_teardown


def _restore_instead_of_flush(test_case: TransactionTestCase) -> None:
    """The end of a test on committed data: the demo's tables put back as loaded, or (when that does not fit) the
    flush, after which ``pytest_runtest_teardown`` loads the demo again."""
    fits = (
        DEMO.committed is not None
        and test_case.available_apps is None
        and not test_case.serialized_rollback
        and set(test_case._databases_names(include_mirrors=False)) == {connection.alias}
        and not connection.in_atomic_block
    )
    if fits:
        DEMO.restore()
    else:
        DEMO.loaded = False  # the flush empties every table
        FLUSH(test_case)


@pytest.fixture(autouse=True)
def _demo_only_when_asked(request):
    """A test that uses the database but not ``demo`` sees no demo rows (on committed data, until its end)."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if not (marker or "_django_db_helper" in names or "live_server" in names):
        return
    request.getfixturevalue("_django_db_helper")
    if "demo" not in names:
        DEMO.hide()
        request.node.stash[DEMO_HIDDEN] = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After a flush (every fixture is torn down by now), load the demo again for the tests that follow.
        if nextitem is not None and not DEMO.loaded and DEMO.blocker is not None:
            with DEMO.blocker.unblock():
                DEMO.load()


@pytest.fixture
def demo(db, request):
    """The demo brand (loaded once per test process; this test's changes to it are rolled back)."""
    if request.node.stash.get(DEMO_HIDDEN, False):
        # Asked for late (request.getfixturevalue) after the demo rows were hidden: seed them again here.
        seed_demo()


@pytest.fixture
def demo_user(demo):
    def get(username: str):
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(demo_user):
    """An API client authenticated with the token of a demo login."""

    def make(username: str) -> APIClient:
        client = APIClient()
        _, token = AuthToken.objects.create(user=demo_user(username))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture
def browser_as(client, demo_user):
    """A Django test client logged in as a demo login."""

    def make(username: str):
        client.force_login(demo_user(username))
        return client

    return make
