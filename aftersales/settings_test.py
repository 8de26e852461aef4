"""Test settings: the real settings with a fast hasher and in-memory extras.

``DATABASE_URL`` and ``REDIS_URL`` are still honoured, so the CI pass on
PostgreSQL and Redis runs the very same suite against real services.
"""

from aftersales.settings import *  # noqa: F403
from aftersales.settings import REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Eager unless a test pass brings a real broker and worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
LOGGING = {"version": 1, "disable_existing_loggers": False}
