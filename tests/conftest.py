"""Fixtures shared by the whole suite.

``demo`` loads the demo brand through ``seed_demo`` (the real services), so
tests speak of the contract's stores (S001, S002, S101), suppliers (SUP01,
SUP02) and logins (store1, tech1, supplier1, ...).
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

# The real Celery worker of the PostgreSQL + Redis pass (skipped on SQLite).
from tests.celery_worker import celery_worker, celery_worker_factory, celery_worker_process  # noqa: F401

DEMO_PASSWORD = "demo12345"


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--no-history", "--password", DEMO_PASSWORD, stdout=StringIO())


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
        token, _ = Token.objects.get_or_create(user=demo_user(username))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def browser_as(client, demo_user):
    """A Django test client logged in as a demo login."""

    def make(username: str):
        client.force_login(demo_user(username))
        return client

    return make
