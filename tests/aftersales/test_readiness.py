"""``/readyz/`` (issue 19): ready when the database, Redis (if used) and a Celery worker (if tasks go to workers)
answer; 503 naming what does not; answered before the Host check like ``/healthz/``."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from aftersales import health


@pytest.fixture(autouse=True)
def _forget_the_worker():
    health._worker_seen.update(at=0.0, ok=False)


@pytest.mark.django_db
def test_ready_when_everything_it_uses_answers(client):
    response = client.get("/readyz/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["redis"] == ("ok" if settings.REDIS_URL else "not used")
    # the suite runs tasks in-process: no worker to ask
    assert body["worker"] == "not used"


@pytest.mark.django_db
def test_not_ready_without_the_database(client, monkeypatch):
    monkeypatch.setattr(health, "database_ok", lambda: False)
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_not_ready_when_redis_does_not_answer(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["redis"] == "unreachable"


@pytest.mark.django_db
def test_not_ready_until_a_worker_answers_and_its_answer_is_remembered(client, monkeypatch):
    from aftersales.celery import app

    pings = []
    answers = {"replies": []}

    def ping(timeout):
        pings.append(timeout)
        return answers["replies"]

    monkeypatch.setattr(app.control, "ping", ping)
    monkeypatch.setattr(health, "redis_ok", lambda: True)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        # no worker answers: not ready
        response = client.get("/readyz/")
        assert response.status_code == 503 and response.json()["worker"] == "unreachable"
        # a worker answers: ready, and the next probes within a few seconds do not ping again
        answers["replies"] = [{"celery@worker-1": {"ok": "pong"}}]
        assert client.get("/readyz/").status_code == 200
        assert client.get("/readyz/").json()["worker"] == "ok"
    assert len(pings) == 2


def test_healthz_stays_the_cheap_liveness_probe():
    from django.urls import resolve

    assert resolve("/healthz/").url_name == "healthz"
    assert resolve("/readyz/").url_name == "readyz"
