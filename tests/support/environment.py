"""A settings-free environment for running the project in a fresh process (``manage.py``, ``python -c``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def clean_environment(**variables: str) -> dict[str, str]:
    """This process's environment without any of the project's settings, plus ``variables``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AFTERSALES_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(variables)
    return environment


def manage(*arguments: str, **variables: str) -> subprocess.CompletedProcess:
    """``manage.py`` in a fresh process with the production settings module and ``variables`` as its environment."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env=clean_environment(DJANGO_SETTINGS_MODULE="aftersales.settings", **variables),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
