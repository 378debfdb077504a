"""One settings file, driven by environment variables (see docs/deployment.md)."""

from __future__ import annotations

import os
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def _default_var_dir() -> Path:
    """var/ beside a source checkout; else the user's data directory (XDG), never the
    installed package's folder (site-packages)."""
    if (PROJECT_DIR / "pyproject.toml").is_file():
        return PROJECT_DIR / "var"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "tongket"


VAR_DIR = Path(os.environ.get("TONGKET_VAR_DIR") or _default_var_dir())


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# TONGKET_PUBLIC_DEV_SECRET_KEY=1: sign sessions with the development key written below, which
# anyone can read; so only with DEBUG on (a development machine), never in production.
PUBLIC_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
if env_bool("TONGKET_PUBLIC_DEV_SECRET_KEY", False):
    if not DEBUG:
        raise ImproperlyConfigured(
            "TONGKET_PUBLIC_DEV_SECRET_KEY dùng khóa công khai, chỉ được dùng khi DEBUG=1."
        )
    SECRET_KEY = SECRET_KEY or PUBLIC_DEV_SECRET_KEY
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY chưa được đặt. Đặt biến môi trường SECRET_KEY "
            "(hoặc DEBUG=1 khi phát triển)."
        )
    SECRET_KEY = PUBLIC_DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Before django.contrib.auth, so that its `createsuperuser` (in Vietnamese) is the one run.
    "tongket.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "rest_framework.authtoken",
    "tongket.core",
    "tongket.audit",
    "tongket.people",
    "tongket.evaluation",
    "tongket.scoring",
    "tongket.criteria",
    "tongket.selfassessment",
    "tongket.dossier",
    "tongket.awards",
    "tongket.programs",
    "tongket.meetings",
    "tongket.reports",
    "tongket.exchange",
    "tongket.synth",
    "tongket.notifications",
]

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g.
# "127.0.0.1,::1" for nginx on the same machine): tongket.core.proxy.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")

MIDDLEWARE = [
    "tongket.core.proxy.ClientAddressMiddleware",
    "tongket.core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tongket.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tongket.accounts.middleware.PendingPasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tongket.urls"
WSGI_APPLICATION = "tongket.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Forms explain their terms of art (tongket/core/terms.py) with the article they come from.
FORM_RENDERER = "tongket.core.renderers.Renderer"

# SQLite file under var/ unless DATABASE_URL is set (PostgreSQL in production).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "tongket.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so a quota check and its write cannot interleave
    # with another writer's (SQLite has no SELECT ... FOR UPDATE). WAL: the pages keep reading
    # while the job worker writes a large import (still one writer at a time; in the default
    # journal a long write locks the readers out). The same for a sqlite:// DATABASE_URL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(
        "TONGKET_TEST_DB_NAME", "test_tongket"
    )
# A PostgreSQL streaming replica of the primary: reports, exports, statistics and API lists
# read from it while it keeps up (tongket/core/replicas.py); writes never go there.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # the same database name in tests
    # A replica that does not answer is given up on quickly (the primary then serves).
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
DATABASE_ROUTERS = ["tongket.core.replicas.ReplicaRouter"]
# Seconds a user who changed something reads the primary; how far behind the replica may be.
TONGKET_REPLICA_STICKY_SECONDS = float(os.environ.get("TONGKET_REPLICA_STICKY_SECONDS", "10"))
TONGKET_REPLICA_MAX_LAG = float(os.environ.get("TONGKET_REPLICA_MAX_LAG", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = ["tongket.accounts.backends.ThrottledModelBackend"]
# Failed logins are counted per account from one address (a lock for that pair only: nobody
# locks an account out from elsewhere) and per address (over every account).
LOGIN_MAX_FAILURES_PER_USER = int(os.environ.get("LOGIN_MAX_FAILURES_PER_USER", "5"))
LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", "30"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
# Office administrators must turn on the TOTP second factor before they may sign in.
TONGKET_REQUIRE_TOTP_FOR_ADMINS = env_bool("TONGKET_REQUIRE_TOTP_FOR_ADMINS", False)
# The site's address as users reach it (https://tongket.example.vn): put in front of the
# one-time sign-in links printed on slips and of the links in e-mails.
TONGKET_SITE_URL = os.environ.get("TONGKET_SITE_URL", "")

# Caches. Without CACHE_URL, each process has its own (the sealed rankings; the busy pages'
# parts, tongket.core.pagecache, keyed on versions so never stale) and sessions stay in the
# database. With CACHE_URL naming a Redis server (redis://127.0.0.1:6379/1) every worker
# shares the caches, and sessions are read from it too (written through to the database):
# a per-process session cache would keep a signed-out session alive in the other workers.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES: dict[str, dict[str, Any]]
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        alias: {
            "BACKEND": "tongket.core.redis_cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": f"tongket-{alias}",
        }
        for alias in ("default", "pages")
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tongket-pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# The job queue's shared notes (worker heartbeats, the progress of a running job, a request to
# cancel it): every web and worker process must see them, so a Redis server when CACHE_URL names
# one, else files under the data folder (tongket.core.queue).
CACHES["jobs"] = (
    {**CACHES["default"], "KEY_PREFIX": "tongket-jobs"}
    if CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "jobs"),
        "OPTIONS": {"MAX_ENTRIES": 10000},
    }
)
# Long work (large imports, commands such as e-mail digests) is queued in the database and run
# by `tongket worker`, a separate process (django-tasks with its database backend).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Uploaded workbooks up to this many bytes are imported inside the request; larger ones are
# queued for the worker (0: every import is queued).
TONGKET_IMPORT_INLINE_BYTES = int(os.environ.get("TONGKET_IMPORT_INLINE_BYTES", str(256 * 1024)))
# Seconds without a heartbeat after which a worker counts as gone and its running jobs end.
TONGKET_WORKER_TIMEOUT = int(os.environ.get("TONGKET_WORKER_TIMEOUT", "30"))
# Files made by queued jobs (large exports, slips of accounts made in bulk, a subtree's
# documents): kept here for their owner to download, deleted after this many days.
TONGKET_JOB_FILES_DIR = Path(os.environ.get("TONGKET_JOB_FILES_DIR", VAR_DIR / "job-files"))
TONGKET_JOB_FILES_DAYS = int(os.environ.get("TONGKET_JOB_FILES_DAYS", "7"))
# Above these sizes the work is queued for the worker instead of answered in the request
# (0: always queued): the members an «all» export covers, the accounts a bulk creation makes.
TONGKET_EXPORT_INLINE_MEMBERS = int(os.environ.get("TONGKET_EXPORT_INLINE_MEMBERS", "5000"))
TONGKET_BULK_INLINE_MEMBERS = int(os.environ.get("TONGKET_BULK_INLINE_MEMBERS", "100"))

TONGKET_PAGE_CACHE = env_bool("TONGKET_PAGE_CACHE", True)
# How long a cached part lives (seconds): bounds the memory of parts a change left behind.
TONGKET_PAGE_CACHE_SECONDS = int(os.environ.get("TONGKET_PAGE_CACHE_SECONDS", "900"))

# Uploaded workbooks (exchange/workbook.py checks these before any row is parsed): the file's
# size, its size once inflated, the compression ratio of any part over 1 MB (zip bombs), the
# data rows of all sheets together; and how many problems and changed rows a job's report keeps.
TONGKET_IMPORT_MAX_BYTES = int(os.environ.get("TONGKET_IMPORT_MAX_MB", "20")) * 1024 * 1024
TONGKET_IMPORT_MAX_INFLATED_BYTES = (
    int(os.environ.get("TONGKET_IMPORT_MAX_INFLATED_MB", "100")) * 1024 * 1024
)
TONGKET_IMPORT_MAX_RATIO = int(os.environ.get("TONGKET_IMPORT_MAX_RATIO", "200"))
TONGKET_IMPORT_MAX_ROWS = int(os.environ.get("TONGKET_IMPORT_MAX_ROWS", "100000"))
TONGKET_IMPORT_MAX_REPORTED = int(os.environ.get("TONGKET_IMPORT_MAX_REPORTED", "1000"))

# Django's validators with Vietnamese words: tongket.accounts.passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "tongket.accounts.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "tongket.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "tongket.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "tongket.accounts.passwords.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Vietnamese only: the English translation covered the header and menu but not the pages, messages
# and rule texts, and a half-English interface is worse than none ("English complete or absent").
# The templates keep their {% translate %} tags for a complete translation later.
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "people:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production (DEBUG off) defaults to HTTPS everywhere; behind nginx, TLS ends at the proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes on the loopback, plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Refuse to start with an unsafe production configuration.
if not DEBUG:
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY quá ngắn hoặc quá đơn giản (cần ≥ 50 ký tự ngẫu nhiên)."
        )
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS không được chứa '*' khi chạy thật.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "tongket.accounts.authentication.ScopedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "tongket.exchange.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    # JSON only: the browsable API needs inline scripts, which the CSP forbids.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "tongket.exchange.api.api_exception_handler",
    # Rate limits per token and per client address (429 with Retry-After); the address is
    # resolved by tongket.core.proxy, so DRF must not read X-Forwarded-For itself.
    "DEFAULT_THROTTLE_CLASSES": [
        "tongket.core.throttling.AddressRateThrottle",
        "tongket.core.throttling.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_RATE_PER_TOKEN", "1200/min"),
        "address": os.environ.get("API_RATE_PER_ADDRESS", "2400/min"),
    },
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tổng kết API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several areas have a "kind" or a "status" with their own choices: each enum is named after
    # what it classifies, so that the schema's names are stable and none collide.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "tongket.people.models.OrganizationKind",
        "MemberStatusEnum": "tongket.people.models.MemberStatus",
        "ProgramKindEnum": "tongket.programs.models.ProgramKind",
        "ItemStatusEnum": "tongket.programs.models.ItemStatus",
        "MeetingKindEnum": "tongket.meetings.models.MeetingKind",
        "DocumentKindEnum": "tongket.reports.models.DocumentKind",
        # Two choice sets of fields named "role": a Party role, and a grant's role.
        "PartyRoleKindEnum": "tongket.people.models.PartyRoleKind",
        "GrantRoleEnum": "tongket.accounts.models.Role",
        # The four levels, whatever field carries them (a decision's level, the agency's level).
        "LevelEnum": "tongket.evaluation.models.LEVEL_CHOICES",
    },
    # Every operation documents 401, 403 and 429 (with Retry-After) in the one error body.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tongket.exchange.api.document_common_errors",
    ],
}

# Errors are mailed to ADMINS ("Tên <thu@example.vn>, ...") through the SMTP server EMAIL_HOST.
ADMINS = [(name, address) for name, address in getaddresses(env_list("ADMINS", "")) if address]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "tongket@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# The sender of the daily digests (`tongket notify digest`): "Tổng kết <tongket@example.vn>".
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", SERVER_EMAIL)

# JSON lines on stderr (tongket.core.logs): request id, user id, route, status, timing.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "tongket.core.logs.RequestContextFilter"}},
    "formatters": {"json": {"()": "tongket.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "include_html": False,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # 4xx warnings name the path (a card number may be in it): the access line has the
        # route and the status instead.
        "django.request": {
            "level": "ERROR",
            "handlers": ["mail_admins"] if ADMINS else [],
        },
        # fpdf2 subsets the fonts of every PDF through fontTools, which logs each step at INFO.
        "fontTools": {"level": "WARNING"},
    },
}
