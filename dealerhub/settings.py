"""Settings for DealerHub, read from the environment.

With nothing set, DealerHub runs on an embedded default: a SQLite file, Celery tasks run
in-process, a local-memory cache and e-mail printed to the console. Production sets
DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and EMAIL_URL, and on more
than one machine STORAGE_BACKEND=s3 with the S3_* variables (see dealerhub/file_storage.py).
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from dealerhub.file_storage import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The embedded default (no DATABASE_URL) is a developer's machine; anything else is not.
DEBUG = env.bool("DEBUG", default=not env.str("DATABASE_URL", default=""))

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        sys.exit(
            "DealerHub: SECRET_KEY is not set; set it in the environment (or DEBUG=1 locally)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # Django Ninja's templates and static files: the API docs page loads nothing from a CDN.
    "ninja",
    "core",
    "inventory",
    "exports",
    "api",
    "dealerhub",
]

MIDDLEWARE = [
    # Outermost, so that whatever answers an error under /api/ answers it in the API's JSON.
    "api.errors.ApiErrorsAsJsonMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the request: a NUL would fail the first query that meets it.
    "dealerhub.middleware.RejectMalformedRequestMiddleware",
    "dealerhub.middleware.DatabaseOutageMiddleware",
    # WhiteNoise, which also serves the source folders when nothing has been collected yet.
    "dealerhub.static_files.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dealerhub.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "inventory.middleware.DealerScopeMiddleware",
    # Last, so that it sees the login views' responses and turns a lockout into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dealerhub.urls"
WSGI_APPLICATION = "dealerhub.wsgi.application"

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

# Database: PostgreSQL in production, a SQLite file by default.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache and Celery broker. Unset means local-memory cache and in-process tasks.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes) on every login form, the staff site's and the admin's: after
# LOGIN_FAILURE_LIMIT failures for one user name, or from one client address, that name or
# address is refused for LOGIN_COOLOFF_MINUTES. A superuser unlocks earlier by deleting the
# access attempt in the admin (or `manage.py axes_reset`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks
AXES_CLIENT_IP_CALLABLE = "dealerhub.security.client_ip"
AXES_LOCKOUT_CALLABLE = "dealerhub.security.lockout_response"

# Second factor (django-otp): a TOTP authenticator app plus single-use recovery codes. Managers
# and superusers must have one; anyone who has one is asked for a code after the password.
OTP_TOTP_ISSUER = "DealerHub"
# Superusers reset a lost authenticator by deleting it in the admin; they never see its key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "dealerhub" / "locale"]
# Numbers are grouped only where a page asks for it (`number`, `money`, `intcomma`), never in
# form inputs, CSV or URLs; these modules say how each language groups them.
FORMAT_MODULE_PATH = ["dealerhub.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served as they are by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Users' files (photos, scans, stock files, trade documents, reports): the local disk under
# MEDIA_ROOT, or with STORAGE_BACKEND=s3 a private bucket of any S3-compatible store, which
# every web and worker machine shares (dealerhub/file_storage.py reads the S3_* variables).
# Either way files are served only through the site's views, behind the dealer check;
# MEDIA_URL is never served.
STORAGES = {
    "default": default_storage_from_env(env),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Inspection certificates. Photos and document scans are kept up to this size. Buyers reach the
# public verification page at PUBLIC_BASE_URL (QR codes point there; unset, the address the
# request came in on), in one of its languages, at most VERIFY_RATE_LIMIT times a minute from
# one address.
INSPECTION_PHOTO_MAX_BYTES = env.int("INSPECTION_PHOTO_MAX_BYTES", default=10_000_000)
INTAKE_MAX_BYTES = env.int("INTAKE_MAX_BYTES", default=20_000_000)
# A picture (inspection photo, scan) with more pixels than this is refused from its header,
# before it is decoded: a few kilobytes of PNG can unpack to gigabytes. 40 megapixels is more
# than any phone camera takes.
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)
# Photos of a car for sale (each within the size and pixel limits above), and a reservation's
# default term in days when staff reserve a car.
VEHICLE_PHOTOS_MAX = env.int("VEHICLE_PHOTOS_MAX", default=30)
RESERVATION_DEFAULT_DAYS = env.int("RESERVATION_DEFAULT_DAYS", default=7)
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").rstrip("/")
VERIFY_LANGUAGES = [("en", "English"), ("zh-hans", "中文"), ("ru", "Русский"), ("ar", "العربية")]
VERIFY_RATE_LIMIT = env.int("VERIFY_RATE_LIMIT", default=30)
# The offer page a recipient opens from their link: pages a minute from one address, and of
# those, bids and expressions of interest sent.
OFFER_RATE_LIMIT = env.int("OFFER_RATE_LIMIT", default=30)
OFFER_BID_RATE_LIMIT = env.int("OFFER_BID_RATE_LIMIT", default=10)
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the real client; without
# them every buyer behind the proxy would share its address and its rate limit.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# E-mails link back to the site at SITE_URL (scheme and host, no trailing slash); unset, the
# public address above, else the address `make run` serves on.
SITE_URL = env.str("SITE_URL", default=PUBLIC_BASE_URL or "http://127.0.0.1:8000").rstrip("/")
# The JSON API (/api/v1/): requests a minute per token, beyond which it answers 429.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=600)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="DealerHub <reports@dealerhub.local>")

# Celery: JSON only, acknowledged after the work is done, bounded in time.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
# A task whose worker process is killed goes back on the queue; every task is safe to rerun.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
# Redis hands an unacknowledged task to another worker after the visibility timeout: longer
# than any task may run, so a slow task is never run twice at once, yet a task whose whole
# worker was killed is delivered again.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 10 * 60,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A web request that queues a task answers within a few seconds when the broker is down.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The nightly jobs over every dealer split the active dealers into shards of this many, one
# task each, so the workers share the night ("Nightly jobs across workers" in the README).
NIGHTLY_SHARD_DEALERS = env.int("NIGHTLY_SHARD_DEALERS", default=200)

# HTTPS. Off a developer's machine every request is redirected to HTTPS, cookies travel over
# HTTPS only and browsers are told to use nothing else for a year (HSTS); each can be turned
# off. The load balancer's health check may come over plain HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The preload token only matters once someone submits the domain to the browsers' list.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# X-Forwarded-Proto is believed only when a TLS-terminating proxy sets it; anywhere else a
# client could claim HTTPS over a plain connection.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response: scripts, styles and images come from this site
# only, and no other site may frame a page or receive a form. htmx, the shared behaviour
# (static/js/dealerhub.js) and the admin's scripts are static files; no page of ours has an
# inline script or style. The one inline <style> Django's admin has (a column width on a list
# without actions) is refused, which costs nothing worth 'unsafe-inline'. The buyers'
# verification page sends a stricter policy of its own (inventory/public.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and the font subsetter it uses narrate every step of a PDF at INFO.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts are warnings; INFO narrates
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
SIMPLE_HISTORY_REVERT_DISABLED = True  # history is a read-only record
