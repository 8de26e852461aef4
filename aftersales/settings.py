"""Settings for aftersales, read from the environment.

Development needs nothing set: SQLite in the project folder, tasks run
in-process, e-mail to the console. Production sets ``DATABASE_URL``,
``REDIS_URL``, ``DJANGO_SECRET_KEY`` and ``DJANGO_DEBUG=false``; every variable
is documented in ``.env.example``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from aftersales.env import env_bool, env_decimal, env_int, env_int_list, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105
DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is off but DJANGO_SECRET_KEY is not set: set DJANGO_SECRET_KEY "
        "(or DJANGO_SECRET_KEY_FILE) to a long random value before running in production."
    )
# What `check --deploy` only warns about stops start-up: a short or repetitive key signs sessions, password
# resets and CSRF tokens that can be forged (Django's own bar: 50 characters, 5 different ones).
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak for production: use at least 50 random characters, for example "
        '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # DRF's forever token is no longer accepted (knox below); the app stays so its table is kept, not lost.
    "rest_framework.authtoken",
    # API tokens per device, hashed, expiring, revocable (aftersales/api/views.py TokenObtainView).
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    # PostgreSQL triggers declared on models (the transition log refuses UPDATE and DELETE).
    "pgtrigger",
    "import_export",
    "django_htmx",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "csp",
    # Login throttling on the login page, the token endpoint and the admin (aftersales/lockout.py).
    "axes",
    # Domain apps, in the order they may import each other (see style.md).
    "suppliers",
    "stores",
    "cases",
    "repairs",
    "inspection",
    "recalls",
    "servicedesk",
    "customerview",
    "writeoffs",
    # Quality management 质量管理: rectification orders, bulletins, the monthly audit, surveys, KPIs.
    "quality",
    "chargebacks",
    "reports",
    # Work chat robots (WeCom, DingTalk) and report subscriptions: reads every app, imported by none but demo.
    "messaging",
    # The demo brand (seed_demo, seed_scale): the top layer, imported by nothing.
    "demo",
    # The core: project-wide commands (sync_roles, sync_schedules, draw_workflow) and shared templates.
    "aftersales",
]

MIDDLEWARE = [
    # First: health probes are answered before host validation and the HTTPS
    # redirect, since probes come by container IP over plain HTTP.
    "aftersales.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: scripts only from our own static files (no inline script or handler anywhere).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aftersales.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A NUL byte in the query string or a posted form is a 400 here, before the database sees it.
    "aftersales.middleware.NullCharacterMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: whether htmx sent the request (its HX-Request header), read by views and error pages.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its answer (aftersales.lockout.lockout_response).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "aftersales.context_processors.navigation",
            ],
            # |money, |date_text, |datetime_text and |person in every template, pages, PDFs and e-mails alike,
            # so no template prints an amount, a date or a user its own way for want of a {% load %}.
            "builtins": ["aftersales.templatetags.display"],
        },
    },
]

# --- Database and cache -----------------------------------------------------

try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
            # Reusing connections matters: a new PostgreSQL connection per request
            # costs ~15x in throughput on this class of machine.
            conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600, minimum=0),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this project understands: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; waiting a little beats "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with psycopg's C loader for timestamps (aftersales/postgresql/base.py says why).
    DATABASES["default"]["ENGINE"] = "aftersales.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: a locked-out username or address is refused before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, loading the session's user with the menu's unread count in the same query (aftersales/backends.py).
    "aftersales.backends.ModelBackend",
    # Sessions started before it named Django's own; they stay logged in (and count the unread apart).
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (aftersales/lockout.py): after 5 failures for one username, or from one address, that username
# or address is locked for 15 minutes (each counts on its own, so neither a guessed password nor a sprayed one
# across many logins gets far). A successful login clears the username's failures. The attempts are rows in
# the database (the admin lists them and deleting one unlocks).
AXES_FAILURE_LIMIT = env_int("AFTERSALES_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AFTERSALES_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aftersales.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "aftersales.lockout.client_ip"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Photos and issued documents live outside the static tree and are served only
# through views that check the viewer's scope.
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
# Files on an S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS) when AFTERSALES_S3_BUCKET is set, so
# several web servers and workers see the same files; else on local disk under MEDIA_ROOT. Either way a file
# written by a transaction that rolls back is deleted, and the daily sweep removes files no row refers to
# (aftersales/storage.py). The bucket stays private: downloads stream through the scope-checked views.
AFTERSALES_S3_BUCKET = env_str("AFTERSALES_S3_BUCKET")
# django-storages' S3Storage options (read whether or not a bucket is set, so every variable is documented);
# empty ones are left to boto3 (its own environment and config files).
_S3_OPTIONS = {
    "bucket_name": AFTERSALES_S3_BUCKET,
    "endpoint_url": env_str("AFTERSALES_S3_ENDPOINT_URL"),
    "access_key": env_str("AFTERSALES_S3_ACCESS_KEY_ID"),
    "secret_key": env_secret("AFTERSALES_S3_SECRET_ACCESS_KEY"),
    "region_name": env_str("AFTERSALES_S3_REGION"),
    "location": env_str("AFTERSALES_S3_PREFIX").strip("/"),
    # "path" for MinIO and most self-hosted servers; "virtual" or empty (boto3 decides) for AWS.
    "addressing_style": env_str("AFTERSALES_S3_ADDRESSING_STYLE"),
    # Never a public-read ACL: files reach users only through the scope-checked views, streamed.
    "default_acl": None,
    # A presigned URL (no page or API hands one out) would expire after this many seconds.
    "querystring_auth": True,
    "querystring_expire": env_int("AFTERSALES_S3_URL_SECONDS", 300, minimum=1, maximum=3600),
    # As on disk: a second file of the same name gets a new name instead of replacing the first.
    "file_overwrite": False,
    "signature_version": "s3v4",
}
_DEFAULT_STORAGE = (
    {
        "BACKEND": "aftersales.storage.S3Storage",
        "OPTIONS": {key: value for key, value in _S3_OPTIONS.items() if value != ""},
    }
    if AFTERSALES_S3_BUCKET
    else {"BACKEND": "aftersales.storage.FileSystemStorage"}
)
# Files in storage that no row refers to are removed by the daily sweep once older than this.
AFTERSALES_UNCLAIMED_FILE_HOURS = env_int("AFTERSALES_UNCLAIMED_FILE_HOURS", 24, minimum=1)
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        # WhiteNoise's hashed and compressed files (aftersales/staticfiles.py: each distinct content compressed once).
        "BACKEND": "aftersales.staticfiles.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail -----------------------------------------------------------------

EMAIL_HOST = env_str("DJANGO_EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_secret("DJANGO_EMAIL_PASSWORD")
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured("DJANGO_EMAIL_USE_SSL and DJANGO_EMAIL_USE_TLS cannot both be true.")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "aftersales@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as users reach it: links in e-mails are built from it.
AFTERSALES_SITE_URL = env_str("AFTERSALES_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Server errors are mailed to these addresses (comma-separated).
ADMINS = [(address, address) for address in env_list("DJANGO_ADMINS", [])]

# --- Security (production) --------------------------------------------------

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading binds every subdomain for months and is hard to undo: a deliberate, per-domain choice.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# Trust X-Forwarded-Proto only behind a proxy that sets it; otherwise any client could claim HTTPS.
# Behind it, login throttling counts the address the proxy forwarded (aftersales.lockout.client_ip).
AFTERSALES_BEHIND_PROXY = env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False)
if AFTERSALES_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload: opt-in above, on purpose
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp), in development too so a page that would break in production breaks here
# first. Scripts only from our own origin (the vendored htmx, Bootstrap, Chart.js and static/js): an injected
# <script> or on*= handler does not run. Inline style attributes stay allowed (Bootstrap and htmx set them), data:
# images are Bootstrap's icons. A user's uploaded file gets a stricter, sandboxing policy of its own
# (aftersales/ui/files.py). Django's own debug pages (DEBUG only) are left without it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF, "'unsafe-inline'"],
        "img-src": [CSP_SELF, "data:", "blob:"],
        "font-src": [CSP_SELF, "data:"],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
# The largest request body apart from its files (form fields, JSON); a larger one is refused with 400.
# Files do not count here: each is checked against AFTERSALES_MAX_UPLOAD_BYTES (aftersales/files.py), and
# Django streams any file above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to a temporary file rather than memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- REST API ---------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first, so an anonymous API call answers 401 with WWW-Authenticate
    # rather than the 403 that session authentication would give.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "aftersales.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # drf-spectacular's, reading read-only fields' nullable and blank columns (aftersales/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "aftersales.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "aftersales.api.exceptions.exception_handler",
    # JSON with a bound on nesting (a body nested thousands of levels deep is a 400, not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "aftersales.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The browsable API (HTML forms over every endpoint) in development only; production answers JSON.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "COERCE_DECIMAL_TO_STRING": True,
}
# API tokens (django-rest-knox): one per login (device or script), stored as a hash, sent as
# `Authorization: Token <token>` like before; each expires after AFTERSALES_API_TOKEN_HOURS (a working day by
# default) and is revoked by /api/v1/auth/logout/ (this one), /api/v1/auth/logout-all/ or a password change.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=env_int("AFTERSALES_API_TOKEN_HOURS", 10, minimum=1)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    # At most this many live tokens per login: a script that logs in on every run cannot pile them up.
    "TOKEN_LIMIT_PER_USER": env_int("AFTERSALES_API_TOKENS_PER_USER", 20, minimum=1),
}
# The blank choice of list filters.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

SPECTACULAR_SETTINGS = {
    "TITLE": "Aftersales API",
    "DESCRIPTION": "After-sales service management: returns, shipments, inspection, repairs, "
    "write-offs, chargebacks and recalls.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page: open in development, signed-in users only in production (they map every
    # endpoint and field, which an anonymous visitor has no need to see).
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny" if DEBUG else "rest_framework.permissions.IsAuthenticated"
    ],
    # Swagger UI assets come from drf-spectacular-sidecar: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's conventional refusals (400/401/403/404) with their JSON bodies (aftersales/api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "aftersales.api.schema.add_refusals"],
    # Several models have a "state" or "kind"; name each choice set after its owner.
    "ENUM_NAME_OVERRIDES": {
        "ReturnStateEnum": "cases.choices.ReturnState",
        "ShipmentStateEnum": "cases.choices.ShipmentState",
        "RepairTicketStateEnum": "repairs.models.RepairTicketState",
        "AttachmentKindEnum": "cases.choices.AttachmentKind",
        "StoreKindEnum": "stores.choices.StoreKind",
        "ResponsibilityEnum": "suppliers.choices.Responsibility",
        "WriteOffListStateEnum": "writeoffs.choices.WriteOffListState",
        "LossReportStateEnum": "writeoffs.choices.LossReportState",
        "RecallStateEnum": "recalls.choices.RecallState",
        "RecallNoticeStateEnum": "recalls.choices.RecallNoticeState",
        "RecallOutcomeEnum": "recalls.choices.RecallOutcome",
        "ShipmentLineOutcomeEnum": "cases.choices.ShipmentLineOutcome",
        "ReturnOnsiteHandlingEnum": "cases.choices.OnsiteHandling",
        "StatementStateEnum": "chargebacks.choices.StatementState",
        "ChargebackLineKindEnum": "chargebacks.choices.ChargebackLineKind",
        "ReportKindEnum": "reports.choices.ReportKind",
        "ReportRunStatusEnum": "reports.choices.ReportRunStatus",
        "ServiceCaseStateEnum": "servicedesk.choices.CaseState",
        "ServiceCaseKindEnum": "servicedesk.choices.CaseKind",
        "ServiceCaseChannelEnum": "servicedesk.choices.Channel",
        "ServiceCaseSeverityEnum": "servicedesk.choices.Severity",
        "ServiceCaseOutcomeEnum": "servicedesk.choices.Outcome",
        "ResponseMethodEnum": "servicedesk.choices.ResponseMethod",
        "RefundMethodEnum": "servicedesk.choices.RefundMethod",
        "ExchangeReasonEnum": "servicedesk.choices.ExchangeReason",
        "FreightReasonEnum": "servicedesk.choices.FreightReason",
        "FreightPayerEnum": "servicedesk.choices.FreightPayer",
        "FreightDirectionEnum": "servicedesk.choices.FreightDirection",
        "CompensationKindEnum": "servicedesk.choices.CompensationKind",
        "CompensationStateEnum": "servicedesk.choices.CompensationState",
        "IncomingLotStateEnum": "inspection.choices.LotState",
        "SamplingSeverityEnum": "inspection.models.SEVERITY_CHOICES",
        "SupplierInspectionSeverityEnum": "suppliers.choices.InspectionSeverity",
        "AqlEnum": "suppliers.choices.AQL_CHOICES",
        "RectificationOrderPartyTypeEnum": "quality.models.orders.PartyType",
        "RectificationOrderStateEnum": "quality.models.orders.OrderState",
        # Named so that a later field of the same name (a freight's direction, an order's party type) leaves these be.
        "PartyTypeEnum": "writeoffs.choices.PartyType",
        "DirectionEnum": "cases.choices.ShipmentDirection",
    },
}

# --- Celery -----------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without Redis there is no worker: tasks run in-process so development and the
# SQLite test pass need no server.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it has finished, and a worker killed mid-task
# hands it back: every task is idempotent (ids or YYYY-MM in, unique keys in
# the services), so running one twice is safe, losing one is not.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The longest task is a monthly report build (minutes at a million Returns).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("AFTERSALES_TASK_SOFT_TIME_LIMIT", 1800, minimum=10)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 120
# Redis hands an unacknowledged task to another worker after the visibility
# timeout: it must outlast the longest task, or a running build would start twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("AFTERSALES_TASK_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 1800, minimum=1)
}
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A cron run missed while beat was down is still sent if beat is back within 3 hours.
CELERY_BEAT_CRON_STARTING_DEADLINE = 3 * 3600
# The single schedule table (Asia/Shanghai). `sync_schedules` (run after every
# migrate) copies it into django-celery-beat's PeriodicTask rows, where the
# admin may change times afterwards; see the README ("Scheduled work").
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "turnaround-alerts": {
        "task": "cases.tasks.turnaround_alerts_task",
        "schedule": crontab(minute="0", hour="8"),
        "options": {"expires": 6 * 3600},
    },
    # The escalation ladder after the alerts: units overdue long enough reach the region manager, then the head.
    "turnaround-escalation": {
        "task": "cases.tasks.turnaround_escalation_task",
        "schedule": crontab(minute="15", hour="8"),
        "options": {"expires": 6 * 3600},
    },
    # A supplier rework past its promised return date 返修逾期, told to the technicians once per unit.
    "supplier-rework-overdue": {
        "task": "inspection.tasks.supplier_rework_overdue_task",
        "schedule": crontab(minute="20", hour="8"),
        "options": {"expires": 6 * 3600},
    },
    # Rectification orders 质量整改令 due soon or overdue, once per order and level.
    "rectification-order-alerts": {
        "task": "quality.tasks.order_overdue_alerts_task",
        "schedule": crontab(minute="30", hour="8"),
        "options": {"expires": 6 * 3600},
    },
    # Low spare-part stock per location, once per part and location until it recovers.
    "low-stock-alerts": {
        "task": "repairs.tasks.low_stock_alerts_task",
        "schedule": crontab(minute="45", hour="7"),
        "options": {"expires": 6 * 3600},
    },
    "recall-candidates": {
        "task": "recalls.tasks.recall_candidates_notify_task",
        "schedule": crontab(minute="30", hour="7"),
        "options": {"expires": 6 * 3600},
    },
    "recall-deadline-reminders": {
        "task": "recalls.tasks.recall_deadline_reminders_task",
        "schedule": crontab(minute="0", hour="9"),
        "options": {"expires": 6 * 3600},
    },
    # Photos uploaded on a form that was never submitted (older than a day).
    "temporary-upload-cleanup": {
        "task": "aftersales.tasks.temporary_upload_cleanup_task",
        "schedule": crontab(minute="30", hour="3"),
        "options": {"expires": 6 * 3600},
    },
    # Files in storage that no row refers to (left by a killed process), older than AFTERSALES_UNCLAIMED_FILE_HOURS.
    "unclaimed-file-sweep": {
        "task": "aftersales.tasks.unclaimed_files_sweep_task",
        "schedule": crontab(minute="45", hour="3"),
        "options": {"expires": 6 * 3600},
    },
    # Service-desk SLA alerts (due soon, breached), once per case, clock and level.
    "service-case-sla-alerts": {
        "task": "servicedesk.tasks.service_case_sla_alerts_task",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    # Contact data of customers with no open case after the retention period.
    "customer-retention-purge": {
        "task": "servicedesk.tasks.customer_retention_purge_task",
        "schedule": crontab(minute="30", hour="2", day_of_month="1"),
        "options": {"expires": 7 * 24 * 3600},
    },
    # For the month before (the task's default period).
    "monthly-reports": {
        "task": "reports.tasks.monthly_build_task",
        "schedule": crontab(minute="0", hour="2", day_of_month="1"),
        "options": {"expires": 7 * 24 * 3600},
    },
    # The satisfaction survey 满意度调查 of the quarter before, on the 1st of January, April, July and October.
    "quarterly-satisfaction-survey": {
        "task": "quality.tasks.satisfaction_survey_task",
        "schedule": crontab(minute="0", hour="3", day_of_month="1", month_of_year="1,4,7,10"),
        "options": {"expires": 7 * 24 * 3600},
    },
}

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs seven INFO lines per PDF (hundreds while seed_demo issues the demo's documents).
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# --- Domain knobs (values of domain.md) ------------------------------------

AFTERSALES_COMPANY_NAME = env_str("AFTERSALES_COMPANY_NAME", "卡宾服饰 售后服务中心")
# Printed under the name in the header of PDF documents (扣款单, 报损单, 报废清单); empty lines are left out.
AFTERSALES_COMPANY_ADDRESS = env_str("AFTERSALES_COMPANY_ADDRESS", "")
AFTERSALES_COMPANY_PHONE = env_str("AFTERSALES_COMPANY_PHONE", "")
# 15-day turnaround from the store's dispatch to the unit being back in the store.
AFTERSALES_TURNAROUND_DAYS = env_int("AFTERSALES_TURNAROUND_DAYS", 15, minimum=1)
AFTERSALES_DUE_SOON_DAY = env_int("AFTERSALES_DUE_SOON_DAY", 12, minimum=1)
if AFTERSALES_DUE_SOON_DAY > AFTERSALES_TURNAROUND_DAYS:
    raise ImproperlyConfigured(
        f"AFTERSALES_DUE_SOON_DAY ({AFTERSALES_DUE_SOON_DAY}) must not be after "
        f"AFTERSALES_TURNAROUND_DAYS ({AFTERSALES_TURNAROUND_DAYS})."
    )
# Human damage found on goods held longer than this is the store's responsibility.
# The escalation ladder of the 15-day turnaround (cases/escalation.py): a unit this many calendar days past its due
# date alerts its store's region manager, and this many days after that the service center's head: the users
# AFTERSALES_CENTER_HEADS names (usernames), or else every member of the role AFTERSALES_CENTER_HEAD_ROLE.
AFTERSALES_ESCALATE_REGION_DAYS = env_int("AFTERSALES_ESCALATE_REGION_DAYS", 5, minimum=1)
AFTERSALES_ESCALATE_CENTER_DAYS = env_int("AFTERSALES_ESCALATE_CENTER_DAYS", 10, minimum=1)
AFTERSALES_CENTER_HEADS = env_list("AFTERSALES_CENTER_HEADS", [])
AFTERSALES_CENTER_HEAD_ROLE = env_str("AFTERSALES_CENTER_HEAD_ROLE", "production_vp")
# Work chat channels (messaging/services.py): connection errors are retried this many times with backoff; a channel
# whose deliveries failed this many times in a row is switched off and the superusers are told.
AFTERSALES_CHAT_RETRIES = env_int("AFTERSALES_CHAT_RETRIES", 4, minimum=0)
AFTERSALES_CHAT_MAX_FAILURES = env_int("AFTERSALES_CHAT_MAX_FAILURES", 5, minimum=1)
# Report subscriptions (messaging/subscriptions.py): files up to this size are attached, larger ones linked.
AFTERSALES_REPORT_MAIL_ATTACH_MAX_BYTES = env_int("AFTERSALES_REPORT_MAIL_ATTACH_MAX_MB", 5, minimum=0) * 1024 * 1024
AFTERSALES_STORE_RESPONSIBILITY_DAYS = env_int("AFTERSALES_STORE_RESPONSIBILITY_DAYS", 7, minimum=0)
AFTERSALES_FREE_DISPATCHES_PER_WEEK = env_int("AFTERSALES_FREE_DISPATCHES_PER_WEEK", 1, minimum=0)
AFTERSALES_EXTRA_DISPATCH_FEE = env_decimal("AFTERSALES_EXTRA_DISPATCH_FEE", "50.00")
AFTERSALES_LABOUR_RATE_PER_HOUR = env_decimal("AFTERSALES_LABOUR_RATE_PER_HOUR", "60.00")
AFTERSALES_RECALL_MIN_RETURNS = env_int("AFTERSALES_RECALL_MIN_RETURNS", 5, minimum=1)
AFTERSALES_RECALL_MIN_STORES = env_int("AFTERSALES_RECALL_MIN_STORES", 3, minimum=1)
AFTERSALES_RECALL_WINDOW_DAYS = env_int("AFTERSALES_RECALL_WINDOW_DAYS", 30, minimum=1)
# Days before a recall's deadline at which stores that have not answered in full are reminded (once per level).
AFTERSALES_RECALL_REMINDER_DAYS = sorted(
    set(env_int_list("AFTERSALES_RECALL_REMINDER_DAYS", [3, 1], minimum=0)), reverse=True
)
AFTERSALES_SLA_FIRST_RESPONSE_HOURS = env_int("AFTERSALES_SLA_FIRST_RESPONSE_HOURS", 24, minimum=1)
AFTERSALES_SLA_ONSITE_IN_PROVINCE_HOURS = env_int("AFTERSALES_SLA_ONSITE_IN_PROVINCE_HOURS", 24, minimum=1)
AFTERSALES_SLA_ONSITE_OUT_OF_PROVINCE_HOURS = env_int("AFTERSALES_SLA_ONSITE_OUT_OF_PROVINCE_HOURS", 48, minimum=1)
AFTERSALES_SLA_REPAIR_APPOINTMENT_HOURS = env_int("AFTERSALES_SLA_REPAIR_APPOINTMENT_HOURS", 2, minimum=1)
# The service center's province 服务中心所在省: a customer there is visited within the in-province hours, anyone
# else within the out-of-province hours (seed 001: 24 h in the province, 48 h outside). Compared as written
# ("广东" and "广东省" are the same province).
AFTERSALES_SERVICE_CENTER_PROVINCE = env_str("AFTERSALES_SERVICE_CENTER_PROVINCE", "广东")
AFTERSALES_MAJOR_INCIDENT_LOSS = env_decimal("AFTERSALES_MAJOR_INCIDENT_LOSS", "20000.00")
# A compensation 补偿 above this value (CNY) waits for a qa_manager's approval; at or below it, approved at once.
AFTERSALES_COMPENSATION_APPROVAL_THRESHOLD = env_decimal("AFTERSALES_COMPENSATION_APPROVAL_THRESHOLD", "500.00")
# Service-desk clocks: "clock" hours, or "china_working_time" (working hours on China's working days: public
# holidays skipped, make-up working days counted, from chinese-calendar); servicedesk/sla.py.
AFTERSALES_SLA_CALENDAR = env_str("AFTERSALES_SLA_CALENDAR", "clock")
if AFTERSALES_SLA_CALENDAR not in ("clock", "china_working_time"):
    raise ImproperlyConfigured("AFTERSALES_SLA_CALENDAR must be 'clock' or 'china_working_time'.")
AFTERSALES_SLA_WORKDAY_HOURS = tuple(env_int_list("AFTERSALES_SLA_WORKDAY_HOURS", [9, 18], minimum=0))
_WORKDAY_START, _WORKDAY_END = (AFTERSALES_SLA_WORKDAY_HOURS + (0, 0))[:2]
if len(AFTERSALES_SLA_WORKDAY_HOURS) != 2 or not _WORKDAY_START < _WORKDAY_END <= 24:
    raise ImproperlyConfigured("AFTERSALES_SLA_WORKDAY_HOURS must be two hours, start before end (9,18).")
# A clock is "due soon" from this share of its span (domain.md: 75 %).
AFTERSALES_SLA_DUE_SOON_PERCENT = env_int("AFTERSALES_SLA_DUE_SOON_PERCENT", 75, minimum=1, maximum=99)
# Who hears of SLA breaches besides the case's owner (usernames); empty: every hotline agent.
AFTERSALES_SERVICE_DESK_LEADS = env_list("AFTERSALES_SERVICE_DESK_LEADS", [])
# Contact data of customers with no open case is anonymised after this many months (monthly task).
AFTERSALES_CUSTOMER_RETENTION_MONTHS = env_int("AFTERSALES_CUSTOMER_RETENTION_MONTHS", 36, minimum=1)
AFTERSALES_AUDIT_SAMPLE_PERCENT = env_int("AFTERSALES_AUDIT_SAMPLE_PERCENT", 10, minimum=1, maximum=100)
# A repair on the same unit for the same defect within this many days of an earlier one is a repeat repair
# 多次维修同一问题 (quality.selectors.kpis; seed 004).
AFTERSALES_REPEAT_REPAIR_DAYS = env_int("AFTERSALES_REPEAT_REPAIR_DAYS", 90, minimum=1)
AFTERSALES_MAX_UPLOAD_BYTES = env_int("AFTERSALES_MAX_UPLOAD_MB", 10, minimum=1) * 1024 * 1024
# The customer's status page (customerview): how long its link works after the unit is collected, and how many
# requests (per minute) and wrong links (per hour) one client address may make before it is refused with 429.
AFTERSALES_STATUS_LINK_DAYS = env_int("AFTERSALES_STATUS_LINK_DAYS", 30, minimum=1)
AFTERSALES_STATUS_RATE_PER_MINUTE = env_int("AFTERSALES_STATUS_RATE_PER_MINUTE", 30, minimum=1)
AFTERSALES_STATUS_MAX_MISSES = env_int("AFTERSALES_STATUS_MAX_MISSES", 20, minimum=1)
# How long a satisfaction survey link 满意度调查链接 works after the quarterly build (one answer, then it is spent).
AFTERSALES_SURVEY_LINK_DAYS = env_int("AFTERSALES_SURVEY_LINK_DAYS", 30, minimum=1)
# The service desk's phone on a service case's status page (the customer's contact); the company's phone if unset.
AFTERSALES_SERVICE_DESK_PHONE = env_str("AFTERSALES_SERVICE_DESK_PHONE", "") or AFTERSALES_COMPANY_PHONE
# A store's reorder level of a spare part when none is set for it (the center's is the part's own level).
AFTERSALES_STORE_REORDER_LEVEL = env_int("AFTERSALES_STORE_REORDER_LEVEL", 2, minimum=0)
# The largest photo in pixels (a phone camera takes 12-50 MP); a larger one, or a small file claiming huge
# dimensions (a decompression bomb), is refused with a 400 before it is decoded.
AFTERSALES_MAX_IMAGE_PIXELS = env_int("AFTERSALES_MAX_IMAGE_MEGAPIXELS", 40, minimum=1) * 1_000_000
# Couriers the brand uses (cases/carriers.py): a shipment whose carrier names one of these (by code, name or
# alias) must carry a tracking number matching its pattern, and links to its tracking page ({number} is replaced).
# Edit here (or override in a deployment's settings) when a courier changes its number format or page.
AFTERSALES_CARRIERS = {
    "SF": {
        "name": "顺丰速运",
        "aliases": ["顺丰", "SF Express", "SF"],
        "pattern": r"SF\d{12,13}|\d{12}",
        "example": "SF1234567890123",
        "tracking_url": "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{number}",
    },
    "JD": {
        "name": "京东物流",
        "aliases": ["京东", "京东快递", "JD Logistics", "JD"],
        "pattern": r"JD[0-9A-Z]{11,15}",
        "example": "JDVA12345678901",
        "tracking_url": "https://www.jdl.com/orderSearch/?waybillCodes={number}",
    },
    "ZTO": {
        "name": "中通快递",
        "aliases": ["中通", "ZTO Express", "ZTO"],
        "pattern": r"7\d{11}(\d{2})?",
        "example": "731234567890",
        "tracking_url": "https://www.zto.com/express/expressCheck.html?txtBill={number}",
    },
    "YTO": {
        "name": "圆通速递",
        "aliases": ["圆通", "YTO Express", "YTO"],
        "pattern": r"YT\d{13}",
        "example": "YT1234567890123",
        "tracking_url": "https://www.yto.net.cn/query?waybillNo={number}",
    },
    "EMS": {
        "name": "中国邮政EMS",
        "aliases": ["EMS", "邮政", "中国邮政", "邮政EMS", "China Post EMS"],
        "pattern": r"[A-Z]{2}\d{9}[A-Z]{2}|[19]\d{12}",
        "example": "1234567890123",
        "tracking_url": "https://www.ems.com.cn/queryList?mailNum={number}",
    },
    "DEPPON": {
        "name": "德邦快递",
        "aliases": ["德邦", "德邦物流", "Deppon", "DBL"],
        "pattern": r"DPK\d{12}|\d{8,10}",
        "example": "DPK123456789012",
        "tracking_url": "https://www.deppon.com/newwebsite/track/ordersearch?nos={number}",
    },
}
