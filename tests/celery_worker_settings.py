"""Settings of the real Celery worker that ``tests/celery_worker.py`` starts for the PostgreSQL + Redis pass.

The test settings, except that tasks really go through Redis (never eager),
e-mail is written to files the test reads, stored files go to a folder the
test process shares, and the worker listens on the test's own queue so two
pytest-xdist processes sharing one Redis database never take each other's
tasks.
"""

import os
from pathlib import Path

from aftersales.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["AFTERSALES_TEST_CELERY_QUEUE"]

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["AFTERSALES_TEST_MAIL_DIR"]

MEDIA_ROOT = Path(os.environ["AFTERSALES_TEST_MEDIA_ROOT"])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
