"""A real Celery worker for the PostgreSQL + Redis pass (``make test-postgres``).

The fixtures are registered for the whole suite by ``tests/conftest.py``::

    @pytest.mark.django_db(transaction=True)
    def test_something(celery_worker):
        result = some_task.delay(42)           # goes through Redis to the worker
        assert result.get(timeout=60) == ...   # or: celery_worker.wait_for(lambda: ...)

``celery_worker`` starts ``celery -A aftersales worker --pool=prefork
--concurrency=1`` as a subprocess on the pytest test database (read from
``connection.settings_dict``) and ``REDIS_URL``, waits until it answers a ping,
switches this process from eager to sending tasks through the broker, and stops
the worker at the end of the test. ``celery_worker_factory(**env)`` starts more
(or differently configured) workers, for example to start a second one after
killing the first.

Each worker listens on a queue of its own, and this process routes tasks there
while the fixture is active, so two pytest-xdist processes sharing one Redis
database never take each other's tasks. Stored files go to a temporary folder
shared by the worker and this process (``worker.media_root``); e-mail is
written to files under ``worker.mail_dir`` (``worker.sent_mail()``).

The tests need PostgreSQL (SQLite cannot be shared with a worker safely) and
``REDIS_URL``; without them they are skipped, as in the SQLite pass. Under
``CI``, a PostgreSQL pass without a reachable Redis fails instead of skipping,
so the real-worker tests cannot quietly stop running.
"""

from __future__ import annotations

import contextlib
import email
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 90
STOP_TIMEOUT = 15


def real_worker_unavailable() -> str | None:
    """Why a real worker cannot run here, or None when it can."""
    if connection.vendor != "postgresql":
        return "a real Celery worker needs PostgreSQL (DATABASE_URL); this pass runs on SQLite"
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        reason = "a real Celery worker needs Redis: REDIS_URL is not set"
    else:
        try:
            import redis

            redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
            return None
        except Exception as error:  # noqa: BLE001 - any failure means "no broker"
            reason = f"Redis at REDIS_URL={redis_url} does not answer: {error}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the PostgreSQL pass must bring Redis)", pytrace=False)
    return reason


def _database_url() -> str:
    # The worker must use the very database this test runs in: pytest-django's
    # test_<name> (with an xdist suffix), not the configured one.
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


@dataclass
class CeleryWorker:
    """A running ``celery worker`` subprocess and what a test may observe of it."""

    process: subprocess.Popen
    hostname: str
    queue: str
    media_root: Path
    mail_dir: Path
    log_path: Path
    _stopped: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def ping(self, timeout: float = 1.0) -> bool:
        from aftersales.celery import app

        return bool(app.control.ping(destination=[self.hostname], timeout=timeout))

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            if self.ping():
                return
            time.sleep(0.5)
        raise RuntimeError(f"the Celery worker did not answer a ping within {timeout}s:\n{self.log()[-4000:]}")

    def child_pids(self) -> list[int]:
        """The prefork pool's processes (the ones that run tasks)."""
        children: list[int] = []
        task_dir = Path(f"/proc/{self.pid}/task")
        if task_dir.exists():
            for thread in task_dir.iterdir():
                text = (thread / "children").read_text() if (thread / "children").exists() else ""
                children += [int(pid) for pid in text.split()]
        return children

    def wait_for(self, condition: Callable[[], object], *, timeout: float = 60, what: str = "the condition"):
        """Poll ``condition`` until it returns something truthy; fail with the worker's log otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout}s waiting for {what}; worker log:\n{self.log()[-4000:]}")
            if self.process.poll() is not None and not self._stopped:
                pytest.fail(f"the worker died while waiting for {what}; log:\n{self.log()[-4000:]}")
            time.sleep(0.2)

    def sent_mail(self) -> list[Message]:
        """E-mails the worker sent, oldest first (the file backend writes one file per connection)."""
        messages: list[Message] = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            # Messages in one file are separated by a line of 79 dashes.
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.strip()))
        return messages

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole worker (main process and pool) at once, as a crash or an OOM kill would."""
        self._stopped = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)
        self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if it hangs."""
        if self.process.poll() is not None:
            return
        self._stopped = True
        try:
            os.killpg(self.pid, signal.SIGTERM)
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)
        except ProcessLookupError:
            pass


@pytest.fixture
def celery_worker_factory(transactional_db, tmp_path, settings) -> Iterator[Callable[..., CeleryWorker]]:
    """Start real Celery workers on the test database; all are stopped when the test ends.

    Keyword arguments become environment variables of the worker (e.g.
    ``CELERY_VISIBILITY_TIMEOUT="5"``). All workers of one test share the
    queue, the media folder and the mail folder.
    """
    reason = real_worker_unavailable()
    if reason:
        pytest.skip(reason)
    from aftersales.celery import app

    queue = f"aftersales-test-{uuid.uuid4().hex[:12]}"
    media_root = tmp_path / "media"
    mail_dir = tmp_path / "mail"
    media_root.mkdir()
    mail_dir.mkdir()
    # This process stores files where the worker does, and sends tasks to the worker's queue.
    settings.MEDIA_ROOT = media_root
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    previous = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    workers: list[CeleryWorker] = []

    def start(**extra_env: str) -> CeleryWorker:
        hostname = f"test-{uuid.uuid4().hex[:8]}@%h"
        log_path = tmp_path / f"worker-{len(workers)}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.celery_worker_settings",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "DJANGO_CONN_MAX_AGE": "0",
            "AFTERSALES_TEST_CELERY_QUEUE": queue,
            "AFTERSALES_TEST_MAIL_DIR": str(mail_dir),
            "AFTERSALES_TEST_MEDIA_ROOT": str(media_root),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH", "")])),
            **extra_env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "aftersales", "worker",
            "--pool=prefork", "--concurrency=1", "-l", "info",
            "-Q", queue, "-n", hostname, "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with log_path.open("wb") as log:
            # A session of its own, so stop() and kill() reach the pool processes too.
            process = subprocess.Popen(  # noqa: S603 - fixed command line
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        worker = CeleryWorker(
            process=process,
            hostname=hostname.replace("%h", _celery_host()),
            queue=queue,
            media_root=media_root,
            mail_dir=mail_dir,
            log_path=log_path,
        )
        workers.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
        # Leave nothing behind in the shared Redis database: the queue and kombu's binding record of it.
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(f"_kombu.binding.{queue}")
        for key, value in previous.items():
            app.conf[key] = value


def _celery_host() -> str:
    import socket

    return socket.gethostname()


@pytest.fixture
def celery_worker(celery_worker_factory) -> CeleryWorker:
    """One real worker (prefork, concurrency 1) on this test's database and queue."""
    return celery_worker_factory()


@pytest.fixture
def celery_worker_process(celery_worker) -> CeleryWorker:
    """The same worker under the name the issue's notes use."""
    return celery_worker
