"""clm settings: one module, configured from the environment (django-environ).

Every variable has a default that works on a laptop with nothing else installed: SQLite under var/, a filesystem
Celery broker under var/, and e-mail written as files under var/mail/. Production sets DATABASE_URL,
CELERY_BROKER_URL, EMAIL_URL, SITE_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG=0 and DJANGO_ALLOWED_HOSTS.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
_INSECURE_KEY = "django-insecure-clm-development-only-key-change-me"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_INSECURE_KEY if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Chat robots and webhooks: only https URLs on public addresses, unless this is 1 (tests: http and loopback).
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
# One chat or webhook request: seconds to connect and per read; the whole exchange at most twice that.
OUTBOUND_TIMEOUT = env.float("OUTBOUND_TIMEOUT", default=5.0)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "core",
    "accounts",
    "vendors",
    "contracts",
    "obligations",
    "amendments",
    "sla",
    "review",
    "imports",
    "reports",
    "notifications",
    "pdf",
    "exports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the collected static files (STATIC_ROOT) itself, so DEBUG off needs no web server in front for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clm.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "clm.wsgi.application"

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it adds tens of milliseconds to every report query and never pays back on queries this short.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a web server, a worker and beat at once: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Login rate limit (django-axes): a real lockout, recorded in the database and logged.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# An API token (POST /api/v1/auth/token/) works for this many days after it was issued; then it answers 401.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# English prose dates are written out in full ("March 1, 2026"); see clm/formats/en/formats.py.
FORMAT_MODULE_PATH = ["clm.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Uploaded contract documents.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A contract's edit form posts every field of every SLA and fee row: 200 rows of each (MAX_TERM_ROWS) make about
# 3,000 fields on the page and 4,300 in the admin, plus the ids of the admin's read-only inlines (clauses,
# obligations, documents). Django's default of 1,000 would refuse such a save.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Our own legal identity (甲方), printed on every contract PDF. The defaults are demo values with a valid credit code.
COMPANY_NAME = env.str("COMPANY_NAME", default="上海示范科技有限公司")
COMPANY_CREDIT_CODE = env.str("COMPANY_CREDIT_CODE", default="91310115MA1H8K2P7X")
COMPANY_LEGAL_REPRESENTATIVE = env.str("COMPANY_LEGAL_REPRESENTATIVE", default="王明")
COMPANY_ADDRESS = env.str("COMPANY_ADDRESS", default="上海市浦东新区张江路100号")

# Contract PDFs render in a child process that is killed after this many seconds or past this much memory.
PDF_RENDER_TIMEOUT = env.float("PDF_RENDER_TIMEOUT", default=20.0)
PDF_RENDER_MEMORY_MB = env.int("PDF_RENDER_MEMORY_MB", default=1536)
# A contract file uploaded to be read (imports, "Reading a signed contract") is read in the same kind of child process.
EXTRACTION_TIMEOUT = env.float("EXTRACTION_TIMEOUT", default=20.0)
EXTRACTION_MEMORY_MB = env.int("EXTRACTION_MEMORY_MB", default=768)
PDF_EXPORT_MAX_CONTRACTS = env.int("PDF_EXPORT_MAX_CONTRACTS", default=1000)
# A finished bulk export (ZIP) can be downloaded for this many days; then a periodic task deletes the file.
PDF_EXPORT_KEEP_DAYS = env.int("PDF_EXPORT_KEEP_DAYS", default=7)
# Optional PAdES signature of every contract PDF: PEM certificate and private key files (blank: unsigned).
PDF_SIGNING_CERT = env.str("PDF_SIGNING_CERT", default="")
PDF_SIGNING_KEY = env.str("PDF_SIGNING_KEY", default="")
PDF_SIGNING_KEY_PASSPHRASE = env.str("PDF_SIGNING_KEY_PASSPHRASE", default="")

# E-mail: messages written as files under var/mail/ unless EMAIL_URL says otherwise.
_email = env.email_url("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
if _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend") and not _email["EMAIL_FILE_PATH"].startswith("/"):
    _email["EMAIL_FILE_PATH"] = "/" + _email["EMAIL_FILE_PATH"]
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="clm <clm@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20

# Celery: the embedded default is kombu's filesystem transport, so worker and beat need no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    # Redis redelivers an unacknowledged task after the visibility timeout. Tasks here are short and never use
    # far-future ETAs, so one hour is ample and keeps a crashed worker's task from waiting a day to be retried.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # The reminder sweep is idempotent and claims rows with SKIP LOCKED, so two beats running at once are harmless.
    "reminders-sweep": {
        "task": "obligations.sweep_reminders",
        "schedule": env.float("REMINDER_SWEEP_SECONDS", default=300.0),
        "options": {"expires": 240},
    },
    # Approved amendments come into force on their day, before the contracts roll so it sees the amended terms.
    "amendments-apply-daily": {
        "task": "amendments.apply_due_amendments_daily",
        "schedule": crontab(hour=0, minute=20),
        "options": {"expires": 6 * 3600},
    },
    # Auto-renewals roll into their next term and ended contracts expire, just after local midnight; idempotent.
    "contracts-roll-daily": {
        "task": "contracts.roll_contracts_daily",
        "schedule": crontab(hour=0, minute=30),
        "options": {"expires": 6 * 3600},
    },
    # The contract review again, after the roll: certificates lapse and terms roll over with the date. Idempotent.
    "review-contracts-daily": {
        "task": "review.review_all_daily",
        "schedule": crontab(hour=1, minute=15),
        "options": {"expires": 6 * 3600},
    },
    # Bulk PDF exports older than PDF_EXPORT_KEEP_DAYS lose their ZIP file (the record stays, shown as expired).
    "contracts-purge-pdf-exports": {
        "task": "contracts.purge_expired_pdf_exports",
        "schedule": crontab(minute=45),
        "options": {"expires": 3000},
    },
    # The obligation tally behind the manager's obligations report: appended rows folded together; idempotent.
    "reports-compact-tally": {
        "task": "reports.compact_tally",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    # Reminders to chat robots, in their own task so a slow robot never delays the e-mails; idempotent.
    "notifications-chat-sweep": {
        "task": "notifications.sweep_chat",
        "schedule": env.float("REMINDER_SWEEP_SECONDS", default=300.0),
        "options": {"expires": 240},
    },
    # Webhook deliveries due (new, or waiting for a retry) and the day's obligation events; idempotent.
    "notifications-webhooks": {
        "task": "notifications.deliver_webhooks",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
}
CELERY_IMPORTS = ("exports.tasks", "notifications.tasks")

REST_FRAMEWORK = {
    # Token first: an anonymous API call then gets 401 with `WWW-Authenticate: Token`, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies nested absurdly deep are a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "clm API",
    "DESCRIPTION": "Contract lifecycle management for outsourced customer-service vendors.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ContractStatusEnum": "contracts.models.Contract.Status",
        "ContractCategoryEnum": "contracts.models.Contract.Category",
        "ClauseStatusEnum": "contracts.models.Clause.Status",
        "ClauseCategoryEnum": "contracts.models.ClauseCategory",
        "DocumentKindEnum": "contracts.models.Document.Kind",
        "ObligationStatusEnum": "obligations.models.Obligation.Status",
        "ObligationKindEnum": "obligations.models.Obligation.Kind",
        "VendorStatusEnum": "vendors.models.Vendor.Status",
        "CertificationKindEnum": "vendors.models.Certification.Kind",
        "ChatChannelKindEnum": "notifications.models.ChatChannel.Kind",
        "ShareLevelEnum": ["view", "change", "none"],
        "GrantLevelEnum": ["view", "change"],
        "SharePermissionEnum": "contracts.serializers.SHARE_PERMISSIONS",
    },
}

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Security: strict by default in production; `manage.py check --deploy` passes with DJANGO_DEBUG=0.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The demo (scripts/run.sh) serves plain http on 127.0.0.1 and turns these off; production keeps them on.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # A refused request (401, 403, 404) is one line with the user and the path, without a traceback.
    "filters": {"refused": {"()": "core.request_log.RefusedRequestFilter"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG on) would print each of its lines a second time beside the root's.
        "django": {"handlers": [], "level": "INFO"},
        "django.request": {"filters": ["refused"]},
        "django.security.csrf": {"filters": ["refused"]},
        "axes": {"level": "WARNING"},
        # weasyprint.progress logs every rendering step at INFO; its warnings (e.g. an ignored CSS rule) still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
