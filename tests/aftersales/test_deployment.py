"""The deployment files agree with the settings module and with each other.

No Docker engine runs where the suite runs, so these tests read Dockerfile,
docker-compose.yml, .dockerignore and .env.example and check them against what
``aftersales.settings`` actually reads: a renamed variable, a service pointing
at the wrong host or a missing system package fails here instead of at deploy
time.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import pytest
import yaml
from django.conf import settings
from django.urls import resolve

from aftersales.middleware import HealthCheckMiddleware
from tests.support.environment import clean_environment

PROJECT_DIR = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")
SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk", "gettext")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:?[-?])(?P<argument>[^}]*))?\}")


# --- helpers -------------------------------------------------------------------


@cache
def known_variables() -> frozenset[str]:
    """``KNOWN_VARIABLES`` after importing ``aftersales.settings`` in a fresh interpreter.

    A fresh interpreter, because in this process other tests call the env
    readers with names of their own (and ``env_secret`` skips ``NAME`` when
    ``NAME_FILE`` happens to be set), which would blur the set.
    """
    code = "import json, aftersales.settings, aftersales.env as e; print(json.dumps(sorted(e.KNOWN_VARIABLES)))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    names = frozenset(json.loads(result.stdout))
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE"} <= names
    return names


def interpolate(value: str) -> str:
    """Resolve compose ``${...}`` the way it would with nothing set in .env."""

    def replace(match: re.Match) -> str:
        operator = match["operator"] or ""
        if "?" in operator:
            return f"<{match['name']}>"
        if "-" in operator:
            return match["argument"]
        return ""

    return INTERPOLATION.sub(replace, value).replace("$$", "$")


@cache
def compose() -> dict:
    return yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text(encoding="utf-8"))


def service(name: str) -> dict:
    return compose()["services"][name]


def environment_of(name: str) -> dict[str, str]:
    """A service's ``environment`` as a mapping, whether written as a list or a mapping."""
    raw = service(name).get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {key: "" if value is None else str(value) for key, value in raw.items()}


def command_of(name: str) -> list[str]:
    command = service(name).get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def healthcheck_test(name: str) -> str:
    test = service(name)["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def depends_on(name: str) -> dict[str, str]:
    """``depends_on`` as {service: condition}; the short list form means ``service_started``."""
    raw = service(name).get("depends_on") or {}
    if isinstance(raw, list):
        return dict.fromkeys(raw, "service_started")
    return {other: (options or {}).get("condition", "service_started") for other, options in raw.items()}


def mounts_of(name: str) -> dict[str, str]:
    """A service's volumes as {target path: source}."""
    mounts = {}
    for volume in service(name).get("volumes") or []:
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        mounts[target] = source
    return mounts


@cache
def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    instructions = []
    current = ""
    for line in (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        keyword, _, arguments = (current + stripped).partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        current = ""
    return instructions


def shell_steps() -> list[list[str]]:
    """Every ``&&``-separated command of every RUN instruction, as tokens."""
    steps = []
    for keyword, arguments in dockerfile():
        if keyword == "RUN":
            steps += [shlex.split(step) for step in arguments.split("&&") if step.strip()]
    return steps


def env_example_names() -> list[str]:
    """Names assigned in .env.example, whether active (NAME=...) or commented out (# NAME=...)."""
    text = (PROJECT_DIR / ".env.example").read_text(encoding="utf-8")
    return re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE)


# --- docker-compose.yml: services and commands ------------------------------------


def test_compose_defines_the_eight_services():
    # given docker-compose.yml / then it runs the whole stack, MinIO and its bucket's one-shot included
    assert set(compose()["services"]) == {"db", "redis", "minio", "minio-bucket", "migrate", "web", "worker", "beat"}


def test_database_and_broker_images_are_pinned_to_major_versions():
    assert service("db")["image"] == "postgres:16"
    assert service("redis")["image"] == "redis:7"
    # MinIO has no major versions: its images are pinned to a release
    assert re.fullmatch(r"minio/minio:RELEASE\.[0-9T-]+Z", service("minio")["image"])
    assert re.fullmatch(r"minio/mc:RELEASE\.[0-9T-]+Z", service("minio-bucket")["image"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_application_services_are_built_from_the_dockerfile(name):
    build = service(name)["build"]
    context, dockerfile_name = (
        (build, "Dockerfile") if isinstance(build, str) else (build["context"], build.get("dockerfile", "Dockerfile"))
    )
    assert (PROJECT_DIR / context / dockerfile_name).resolve() == PROJECT_DIR / "Dockerfile"


def test_web_serves_the_wsgi_application_with_gunicorn_on_port_8000():
    # given the web service / when its command is read
    command = command_of("web")
    # then gunicorn serves aftersales.wsgi on 8000, published on the host
    assert command[0] == "gunicorn"
    assert "aftersales.wsgi:application" in command
    assert command[command.index("--bind") + 1] == "0.0.0.0:8000"
    assert settings.WSGI_APPLICATION == "aftersales.wsgi.application"
    assert any(str(port).endswith("8000:8000") for port in service("web")["ports"])


def test_worker_runs_a_celery_worker_of_the_project_app():
    assert command_of("worker")[:4] == ["celery", "-A", "aftersales", "worker"]


def test_beat_runs_celery_beat_with_the_scheduler_named_in_settings():
    # given the beat service / when its command is read
    command = command_of("beat")
    # then it is celery beat with the scheduler settings.CELERY_BEAT_SCHEDULER names
    assert command[:4] == ["celery", "-A", "aftersales", "beat"]
    scheduler = next(
        (part.split("=", 1)[1] for part in command if part.startswith(("--scheduler=", "-S="))), None
    ) or next(command[i + 1] for i, part in enumerate(command) if part in {"--scheduler", "-S"})
    assert scheduler == settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_migrate_is_a_one_shot_that_the_application_waits_for():
    # given the migrate service
    assert command_of("migrate")[:3] == ["python", "manage.py", "migrate"]
    assert "--noinput" in command_of("migrate")
    assert str(service("migrate").get("restart", "no")) == "no"
    assert depends_on("migrate").get("db") == "service_healthy"
    # then web, worker and beat start only once it has succeeded
    for name in ("web", "worker", "beat"):
        assert depends_on(name).get("migrate") == "service_completed_successfully", name


# --- docker-compose.yml: health ----------------------------------------------------


def test_database_and_redis_have_health_checks():
    assert "pg_isready" in healthcheck_test("db")
    assert "redis-cli ping" in healthcheck_test("redis")


def test_web_waits_for_a_healthy_database_and_redis():
    assert depends_on("web").get("db") == "service_healthy"
    assert depends_on("web").get("redis") == "service_healthy"


def test_web_health_check_fetches_the_readiness_probe_in_a_way_the_settings_let_through():
    # given the web health check
    test = healthcheck_test("web")
    assert "urllib" in test
    url = re.search(r"https?://[^'\"\s]+", test)[0]
    parts = urlsplit(url)
    # then it asks the running server on its own port for the readiness probe (database, Redis, a worker);
    # /healthz/ stays the cheap liveness probe for whatever restarts containers
    assert (parts.scheme, parts.hostname, parts.port) == ("http", "localhost", 8000)
    assert parts.path == HealthCheckMiddleware.ready_path == "/readyz/"
    assert HealthCheckMiddleware.path == "/healthz/"
    assert resolve(HealthCheckMiddleware.path).url_name == "healthz"
    # and it is answered before the HTTPS redirect and Host validation (probes come over plain HTTP by IP)
    health_index = settings.MIDDLEWARE.index("aftersales.middleware.HealthCheckMiddleware")
    assert health_index < settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    assert health_index < settings.MIDDLEWARE.index("django.middleware.common.CommonMiddleware")


# --- docker-compose.yml: environment -----------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_application_environment_names_only_variables_the_settings_read(name):
    # given the variables compose gives the service / then settings read every one of them
    unknown = set(environment_of(name)) - known_variables()
    assert not unknown, f"{name} sets variables aftersales.settings never reads: {sorted(unknown)}"


def test_application_services_share_one_environment():
    environments = {name: environment_of(name) for name in APP_SERVICES}
    assert all(environment == environments["web"] for environment in environments.values())


def test_compose_interpolates_only_variables_the_settings_read():
    # given every ${NAME} in docker-compose.yml / then NAME is a setting (so .env.example documents it)
    text = (PROJECT_DIR / "docker-compose.yml").read_text(encoding="utf-8")
    names = {match["name"] for match in INTERPOLATION.finditer(text)}
    assert names - known_variables() == set()


def test_production_mode_requires_a_secret_key():
    environment = environment_of("web")
    assert interpolate(environment["DJANGO_DEBUG"]).lower() == "false"
    # ${DJANGO_SECRET_KEY:?...}: compose refuses to start without a key
    assert re.fullmatch(r"\$\{DJANGO_SECRET_KEY:\?[^}]*\}", environment["DJANGO_SECRET_KEY"])


def test_database_url_points_at_the_db_service_with_its_credentials():
    # given the DATABASE_URL compose gives the application
    database = dj_database_url.parse(interpolate(environment_of("web")["DATABASE_URL"]))
    db = {key: interpolate(str(value)) for key, value in service("db")["environment"].items()}
    # then it is PostgreSQL on the db service, with the database and user the db service creates
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db"
    assert int(database["PORT"]) == 5432
    assert database["NAME"] == db["POSTGRES_DB"]
    assert database["USER"] == db["POSTGRES_USER"]
    assert database["PASSWORD"] == db["POSTGRES_PASSWORD"]


def test_redis_url_points_at_the_redis_service():
    url = urlsplit(interpolate(environment_of("web")["REDIS_URL"]))
    assert url.scheme == "redis"
    assert url.hostname == "redis"
    assert url.hostname in compose()["services"]


def test_database_data_lives_in_a_named_volume():
    source = mounts_of("db")["/var/lib/postgresql/data"]
    assert source in (compose().get("volumes") or {})


def test_files_live_on_the_minio_bucket_of_the_stack():
    # given the storage variables compose gives the application
    environment = {key: interpolate(value) for key, value in environment_of("web").items()}
    minio = {key: interpolate(str(value)) for key, value in service("minio")["environment"].items()}
    # then files go to the minio service's bucket, with the credentials MinIO is started with
    endpoint = urlsplit(environment["AFTERSALES_S3_ENDPOINT_URL"])
    assert (endpoint.scheme, endpoint.hostname, endpoint.port) == ("http", "minio", 9000)
    assert environment["AFTERSALES_S3_BUCKET"] == "aftersales"
    assert environment["AFTERSALES_S3_ACCESS_KEY_ID"] == minio["MINIO_ROOT_USER"]
    assert environment["AFTERSALES_S3_SECRET_ACCESS_KEY"] == minio["MINIO_ROOT_PASSWORD"]
    assert environment["AFTERSALES_S3_ADDRESSING_STYLE"] == "path"
    # and compose refuses to start without a secret, which is never a default
    assert re.fullmatch(
        r"\$\{AFTERSALES_S3_SECRET_ACCESS_KEY:\?[^}]*\}", environment_of("web")["AFTERSALES_S3_SECRET_ACCESS_KEY"]
    )
    # and MinIO keeps its data in a named volume, and is healthy before its bucket is made
    assert mounts_of("minio")["/data"] in (compose().get("volumes") or {})
    assert "ready" in healthcheck_test("minio")
    assert depends_on("minio-bucket").get("minio") == "service_healthy"


def test_the_bucket_one_shot_creates_the_applications_bucket_private():
    # given the one-shot's command and environment
    command = " ".join(command_of("minio-bucket"))
    environment = {key: interpolate(str(value)) for key, value in service("minio-bucket")["environment"].items()}
    # then it makes the bucket the application uses (if missing) and allows no anonymous access to it
    assert environment["BUCKET"] == interpolate(environment_of("web")["AFTERSALES_S3_BUCKET"])
    assert "mc mb --ignore-existing store/$BUCKET" in command.replace("$$", "$")
    assert "mc anonymous set none store/$BUCKET" in command.replace("$$", "$")
    assert urlsplit(environment["MC_HOST_store"]).hostname == "minio"
    assert str(service("minio-bucket").get("restart", "no")) == "no"
    # and the services that write files start only once the bucket is there
    for name in ("web", "worker"):
        assert depends_on(name).get("minio-bucket") == "service_completed_successfully", name


# --- Dockerfile -------------------------------------------------------------------


def test_dockerfile_builds_on_python_311_slim_bookworm():
    assert dockerfile()[0] == ("FROM", "python:3.11-slim-bookworm")
    assert re.search(r"3\.11", (PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("package", SYSTEM_PACKAGES)
def test_dockerfile_installs_system_package(package):
    # given the apt-get install commands of the Dockerfile
    installs = [step for step in shell_steps() if step[:2] == ["apt-get", "install"]]
    assert installs, "no apt-get install in the Dockerfile"
    # then the package is installed without recommends, and apt lists are cleaned
    assert any(package in step and "--no-install-recommends" in step for step in installs)
    assert any(step[:2] == ["rm", "-rf"] and "/var/lib/apt/lists/*" in step for step in shell_steps())


def test_dockerfile_installs_the_pinned_requirements():
    assert ["pip", "install", "-r", "requirements.txt"] in [step[:4] for step in shell_steps()]
    assert any(keyword == "COPY" and "requirements.txt" in arguments for keyword, arguments in dockerfile())
    requirements = [
        line.strip()
        for line in (PROJECT_DIR / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert all("==" in line for line in requirements)
    assert any(line.lower().startswith("gunicorn==") for line in requirements)


def test_dockerfile_runs_as_a_non_root_user_and_serves_on_8000():
    users = [arguments for keyword, arguments in dockerfile() if keyword == "USER"]
    assert users, "the image runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert ("EXPOSE", "8000") in dockerfile()
    command = json.loads(next(arguments for keyword, arguments in dockerfile() if keyword == "CMD"))
    assert command == command_of("web")


def test_dockerfile_compiles_messages_and_collects_static_with_a_build_only_secret():
    steps = shell_steps()
    assert any(step[-2:] == ["manage.py", "compilemessages"] for step in steps)
    # given the collectstatic step
    collect = next(step for step in steps if "collectstatic" in step)
    assert "--noinput" in collect
    assignments = dict(token.split("=", 1) for token in collect if re.fullmatch(r"[A-Z_]+=.*", token))
    # then it runs with DEBUG off (so the manifest storage is used) and a throw-away key
    assert assignments.get("DJANGO_DEBUG") == "false"
    assert assignments.get("DJANGO_SECRET_KEY") not in {None, "", settings.DEVELOPMENT_SECRET_KEY}
    # and that key is not baked into the image's environment
    for keyword, arguments in dockerfile():
        if keyword in {"ENV", "ARG"}:
            assert "DJANGO_SECRET_KEY" not in arguments


@pytest.mark.slow  # minutes: every static file hashed and compressed, as the image build does
def test_collectstatic_succeeds_the_way_the_image_build_runs_it(tmp_path):
    # given the environment of the Dockerfile's collectstatic step
    collect = next(step for step in shell_steps() if "collectstatic" in step)
    assignments = dict(token.split("=", 1) for token in collect if re.fullmatch(r"[A-Z_]+=.*", token))
    # when collectstatic runs with it (into a scratch folder)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=PROJECT_DIR,
        env=clean_environment(**assignments, DJANGO_STATIC_ROOT=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # then it succeeds and writes the manifest the production storage needs
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()


def test_dockerignore_keeps_local_state_out_of_the_image():
    entries = {
        line.strip().rstrip("/")
        for line in (PROJECT_DIR / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", ".git", "media", "staticfiles", "db.sqlite3", ".env", "**/__pycache__"} <= entries


# --- .env.example -----------------------------------------------------------------


def test_env_example_documents_exactly_the_variables_the_settings_read():
    # given the names in .env.example and the variables aftersales.settings reads
    names = env_example_names()
    # then no name is missing, unknown or repeated
    assert sorted(known_variables() - set(names)) == [], "missing from .env.example"
    assert sorted(set(names) - known_variables()) == [], "in .env.example but never read by settings"
    assert len(names) == len(set(names)), "a name appears twice in .env.example"


def test_every_env_example_variable_has_a_comment_with_its_default():
    lines = (PROJECT_DIR / ".env.example").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^#?\s*[A-Z][A-Z0-9_]*=", line):
            comment = lines[index - 1]
            assert comment.startswith("# ") and not re.match(r"^#\s*[A-Z][A-Z0-9_]*=", comment), line
            assert "default" in comment.lower(), line
