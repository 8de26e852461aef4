"""Test settings: the real settings with a fast hasher and in-memory extras.

``DATABASE_URL`` and ``REDIS_URL`` are still honoured, so the CI pass on
PostgreSQL and Redis runs the very same suite against real services.
"""

from aftersales.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "aftersales.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process in every pass, also when REDIS_URL is set: a test that
# wants the real broker and worker asks for tests/celery_worker.py's fixture,
# which routes this process's tasks to a worker of its own (never eager).
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
