"""Settings come from the environment; a bad value stops start-up with a message naming it."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from aftersales.env import env_bool, env_decimal, env_int, env_int_list, env_list, env_secret

PROJECT_DIR = Path(__file__).resolve().parents[2]


def load_settings(**variables: str) -> subprocess.CompletedProcess:
    """Import the real settings module in a fresh interpreter with these variables set."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "AFTERSALES_"))}
    environment.pop("DATABASE_URL", None)
    environment.pop("REDIS_URL", None)
    environment.update(variables)
    code = (
        "import aftersales.settings as s, json; "
        "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
        "'conn_max_age': s.DATABASES['default']['CONN_MAX_AGE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
        "'cache': s.CACHES['default']['BACKEND'], 'broker': s.CELERY_BROKER_URL, 'tz': s.TIME_ZONE, "
        "'turnaround': s.AFTERSALES_TURNAROUND_DAYS, 'fee': str(s.AFTERSALES_EXTRA_DISPATCH_FEE)}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=60
    )


def test_development_defaults_need_no_environment():
    # given no variables at all / when the settings load
    result = load_settings()
    # then: SQLite, in-process tasks, local-memory cache, Shanghai time, domain.md's numbers
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.sqlite3"' in result.stdout
    assert '"eager": true' in result.stdout
    assert "LocMemCache" in result.stdout
    assert '"tz": "Asia/Shanghai"' in result.stdout
    assert '"turnaround": 15' in result.stdout
    assert '"fee": "50.00"' in result.stdout


def test_production_variables_switch_to_postgres_and_redis():
    result = load_settings(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="k3y-Z7" * 10,
        DATABASE_URL="postgres://app:secret@db.internal:5432/aftersales",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    assert result.returncode == 0, result.stderr
    # Django's PostgreSQL backend with psycopg's C timestamp loader (aftersales/postgresql/base.py)
    assert '"engine": "aftersales.postgresql"' in result.stdout
    assert '"eager": false' in result.stdout
    assert "RedisCache" in result.stdout
    assert '"broker": "redis://cache.internal:6379/0"' in result.stdout
    # connections are reused rather than opened per request
    assert '"conn_max_age": 600' in result.stdout


def test_refuses_to_start_without_a_secret_when_debug_is_off():
    result = load_settings(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be true or false"),
        ("AFTERSALES_TURNAROUND_DAYS", "fifteen", "AFTERSALES_TURNAROUND_DAYS must be a whole number"),
        ("AFTERSALES_TURNAROUND_DAYS", "0", "AFTERSALES_TURNAROUND_DAYS must be at least 1"),
        ("AFTERSALES_EXTRA_DISPATCH_FEE", "abc", "AFTERSALES_EXTRA_DISPATCH_FEE must be a decimal amount"),
        ("AFTERSALES_EXTRA_DISPATCH_FEE", "-5", "AFTERSALES_EXTRA_DISPATCH_FEE must be at least 0"),
        ("AFTERSALES_DUE_SOON_DAY", "20", "AFTERSALES_DUE_SOON_DAY (20) must not be after"),
        ("DATABASE_URL", "nosuchdb://x/y", "DATABASE_URL is not a database URL"),
        ("DJANGO_EMAIL_PORT", "70000", "DJANGO_EMAIL_PORT must be at most 65535"),
        # A reminder day that is not a number used to be dropped silently (fewer reminders, no word of it).
        ("AFTERSALES_RECALL_REMINDER_DAYS", "3,one", "AFTERSALES_RECALL_REMINDER_DAYS must be whole numbers"),
        ("AFTERSALES_RECALL_REMINDER_DAYS", "3,-1", "AFTERSALES_RECALL_REMINDER_DAYS must hold numbers of at least 0"),
    ],
)
def test_bad_values_stop_start_up_with_a_clear_message(variable, value, message):
    # given a malformed variable / when the settings load
    result = load_settings(**{variable: value})
    # then start-up fails and says which variable is wrong and why
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_env_helpers_parse_and_default():
    environ = {"FLAG": "Yes", "COUNT": " 7 ", "MONEY": "12.50", "HOSTS": "a.example, b.example,,", "EMPTY": "  "}
    assert env_bool("FLAG", False, environ=environ) is True
    assert env_bool("EMPTY", True, environ=environ) is True
    assert env_int("COUNT", 1, environ=environ) == 7
    assert env_decimal("MONEY", "0", environ=environ) == Decimal("12.50")
    assert env_list("HOSTS", [], environ=environ) == ["a.example", "b.example"]
    assert env_list("MISSING", ["x"], environ=environ) == ["x"]
    assert env_int_list("DAYS", [3, 1], environ={"DAYS": "7, 3,1"}) == [7, 3, 1]
    assert env_int_list("MISSING", [3, 1], environ=environ) == [3, 1]


def test_money_settings_are_decimal_not_float():
    with pytest.raises(ImproperlyConfigured, match="finite"):
        env_decimal("MONEY", "0", environ={"MONEY": "NaN"})


def test_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("s3cr3t-from-file\n", encoding="utf-8")
    assert env_secret("API_SECRET", "default", environ={"API_SECRET_FILE": str(secret_file)}) == "s3cr3t-from-file"
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_secret("API_SECRET", environ={"API_SECRET_FILE": str(tmp_path / "missing")})


def test_pdf_rendering_does_not_flood_the_log():
    # Given the project's logging (WeasyPrint logs seven INFO lines per PDF, hundreds while seed_demo runs)
    import logging

    # Then its progress lines are not written, while its warnings still are
    assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
    assert logging.getLogger("weasyprint.progress").isEnabledFor(logging.WARNING)
