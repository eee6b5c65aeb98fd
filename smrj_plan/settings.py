"""Settings for the SMRJ plan tracker, read from the environment (see README「設定」)."""

import ipaddress
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from smrj_plan.env import env_bool, env_int, env_list, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (or DEBUG=1 for local development only)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver leaves static files to WhiteNoise (compressed copies, cache headers), as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "smrj_plan",
    "measures",
    "indicators",
    "budgets",
    "evaluation",
    "dashboard",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "smrj_plan.middleware.SecurityHeadersMiddleware",
    "smrj_plan.middleware.DataVersionMiddleware",
    "smrj_plan.middleware.DatabaseUnavailableMiddleware",
    "smrj_plan.middleware.RejectNulBytesMiddleware",
    "smrj_plan.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smrj_plan.urls"
# A stale form (expired session, signed in again elsewhere) gets the site's Japanese 403 page.
CSRF_FAILURE_VIEW = "smrj_plan.views.csrf_failure"

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
                "smrj_plan.context_processors.roles",
                "smrj_plan.context_processors.years",
            ],
        },
    },
]

WSGI_APPLICATION = "smrj_plan.wsgi.application"

DATABASES = {"default": parse_database_url(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"), BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock a username *from one client address* out for an hour after five failed logins: someone guessing from
# one address cannot lock a manager out everywhere (README「ログインとアカウントの保護」).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "smrj_plan.login_security.client_ip_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_USERNAME_CALLABLE = "smrj_plan.login_security.axes_username"
# Addresses (or networks) of the reverse proxies whose X-Forwarded-For names the client; from anyone else the
# header is ignored. Keep it equal to GUNICORN_FORWARDED_ALLOW_IPS.
TRUSTED_PROXY_IPS = env_list("TRUSTED_PROXY_IPS", ["127.0.0.1", "::1"])
try:
    TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(item, strict=False) for item in TRUSTED_PROXY_IPS]
except ValueError as exc:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_IPS must list IP addresses or networks, e.g. 127.0.0.1,10.0.0.0/24 ({exc})."
    ) from exc

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# plotly.js is served from the copy inside the installed plotly package (static/vendor/plotly.min.js), never a CDN.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "api.static_files.AppDirectoriesWithoutUnusedAssets",
    "dashboard.charts.PlotlyJsFinder",
    "api.static_files.SwaggerUiFinder",
]
# Production and `make run` serve hashed files with gzip/brotli copies from `collectstatic`, cached for ten years
# (smrj_plan.static_storage); tests and a bare `runserver` read the sources through the finders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "smrj_plan.static_storage.HashedCompressedStaticStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Files served at the site's root: /favicon.ico, which browsers and tools ask for whatever the page links.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Source maps are for a developer's browser tools only: served as they are, not compressed at collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf", "flv"),
    *("woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg", "mpg", "webm", "wmv", "map"),
]

# Uploaded workbooks larger than this are refused before they are parsed.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The history keeps each change's reason (差戻し・締め・評定の理由, up to 2,000 characters: smrj_plan/text_limits.py);
# simple_history's default column is varchar(100), which PostgreSQL refuses for any longer reason.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The policy lets the bundled plotly.js draw (it needs inline styles and eval-free code only).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)

DJANGO_TABLES2_TEMPLATE = "tables/base_table.html"

# The API (README「API」): personal tokens or the browser session, JSON or CSV, and per-token throttling.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.SignedInWithTokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.CSVRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.DecimalJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
# Requests per token (or per signed-in session, or per client address without either). Counted in the
# "api_throttle" cache, which is per process unless CACHES is pointed at a shared cache.
API_THROTTLE_RATES = {
    "token": os.environ.get("API_TOKEN_RATE", "600/minute"),
    "session": os.environ.get("API_SESSION_RATE", "600/minute"),
    "anonymous": os.environ.get("API_ANONYMOUS_RATE", "60/minute"),
}
for _scope, _rate in API_THROTTLE_RATES.items():
    # A mistyped rate is an error at start-up, not a 500 on the first API request.
    _count, _, _period = _rate.partition("/")
    if not (_count.isascii() and _count.isdigit() and int(_count) > 0) or _period not in (
        "second",
        "minute",
        "hour",
        "day",
    ):
        raise ImproperlyConfigured(f"API rate for {_scope} must look like 600/minute, got {_rate!r}.")
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "api_throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-throttle"},
    # Computed progress rows and the pages rendered from them, keyed by the data version
    # (smrj_plan/data_version.py): per process, and still exact with several application servers. The objects
    # are kept as they are (smrj_plan/cache.py): unpickling 250 rows would cost more than computing them. The
    # keys are the data itself (tuples), so this cache must stay an ObjectCache.
    "progress": {
        "BACKEND": "smrj_plan.cache.ObjectCache",
        "LOCATION": "progress",
        "OPTIONS": {"MAX_ENTRIES": 5000},  # rows of a few years and scopes, and pages
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "中小機構 年度計画トラッカー API",
    "DESCRIPTION": (
        "令和6年度計画の指標・実績・予算を読み出し、自部署の実績を下書き保存・提出するAPI。"
        "認証は個人のAPIトークン（Authorization: Bearer …）またはログイン中のセッション。"
        "一覧は JSON のほか ?format=csv で CSV（UTF-8、BOM付き）。数値は文字列（Decimal）で返します。"
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# 提出期限と督促メール (README「提出期限と督促メール」, docs/domain.md「1年の流れ」).
# The default 提出期限 of a quarter: this many days after the quarter ends (a 管理者 may set another date).
SUBMISSION_DEADLINE_DAYS = env_int("SUBMISSION_DEADLINE_DAYS", 15)
# Before the deadline, reminders go out only within this many days of it; after it, every day until complete.
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 7)
# Absolute links in mails (no request to take the host from): the site's address without a trailing slash.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Mail through Django's e-mail framework: the console by default, SMTP when EMAIL_BACKEND says so.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "年度計画トラッカー <noreply@localhost>")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be set; choose one.")
