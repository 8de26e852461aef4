"""``/readyz/``: the readiness probe, beside ``/healthz/`` (the cheap liveness probe).

Ready means able to do the work: the database answers, Redis answers (when ``REDIS_URL`` is set: the cache and
the task queue), and a Celery worker answered a ping recently (when tasks go to workers; with tasks in-process,
the default without Redis, there is no worker to ask). Written by hand rather than with django-health-check:
three small checks, no new app, tables or URLs to maintain. The worker's answer is remembered for
``WORKER_CHECK_SECONDS`` so a probe every few seconds does not broadcast a ping every time. Like ``/healthz/``
it is answered before the Host check and the HTTPS redirect (``aftersales.middleware.HealthCheckMiddleware``),
and a failure's reason goes to the log, not to the probe.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)

WORKER_CHECK_SECONDS = 20
_worker_seen = {"at": 0.0, "ok": False}


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means not ready
        logger.exception("Readiness: the database is unreachable")
        return False
    return True


def redis_ok() -> bool | None:
    """None when no Redis is configured."""
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001
        logger.exception("Readiness: Redis is unreachable")
        return False


def worker_ok() -> bool | None:
    """None when tasks run in-process; else whether a worker answered a ping within the last few seconds."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    now = time.monotonic()
    if _worker_seen["ok"] and now - _worker_seen["at"] < WORKER_CHECK_SECONDS:
        return True
    from aftersales.celery import app

    try:
        replies = app.control.ping(timeout=1.0)
    except Exception:  # noqa: BLE001
        logger.exception("Readiness: cannot ask the Celery workers")
        replies = []
    _worker_seen.update(at=now, ok=bool(replies))
    if not replies:
        logger.error("Readiness: no Celery worker answered the ping")
    return bool(replies)


def readyz(request):
    checks = {"database": database_ok(), "redis": redis_ok(), "worker": worker_ok()}
    words = {True: "ok", False: "unreachable", None: "not used"}
    body = {name: words[value] for name, value in checks.items()}
    ready = all(value is not False for value in checks.values())
    body["status"] = "ok" if ready else "error"
    return JsonResponse(body, status=200 if ready else 503)
