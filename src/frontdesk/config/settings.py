"""Frontdesk settings, read from the environment with working defaults.

Every variable is documented in docs/configuration.md. Defaults give an embedded
instance (SQLite in WAL mode, the database task backend) that needs no other service.
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(data_dir: Path) -> str:
    """The secret key: from the environment, else generated once and kept in the data dir."""
    if key := os.environ.get("FRONTDESK_SECRET_KEY"):
        return key
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def database_config(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # Under WSGI each server thread keeps its connection (opening one costs ~1.5 ms:
        # PRAGMAs, schema, statistics). Under ASGI Django runs each request in a new thread,
        # so kept connections would pile up: close them after every request there.
        asgi = os.environ.get("FRONTDESK_SERVER_INTERFACE", "wsgi").startswith("asgi")
        config["CONN_MAX_AGE"] = 0 if asgi else 60
    return config


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("FRONTDESK_DATA_DIR", "var")).resolve()
DEBUG = env_bool("FRONTDESK_DEBUG", default=False)
SECRET_KEY = load_secret_key(DATA_DIR)
HOST = os.environ.get("FRONTDESK_HOST", "127.0.0.1")
PORT = int(os.environ.get("FRONTDESK_PORT", "8000"))
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("FRONTDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
        ","
    )
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("FRONTDESK_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
HTTPS = env_bool("FRONTDESK_HTTPS", default=False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    "anymail",
    "frontdesk.core",
    "frontdesk.accounts",
    "frontdesk.customers",
    "frontdesk.tickets",
    "frontdesk.routing",
    "frontdesk.triggers",
    "frontdesk.notifications",
    "frontdesk.sla",
    "frontdesk.approvals",
    "frontdesk.mail",
    "frontdesk.outbox",
    "frontdesk.macros",
    "frontdesk.webhooks",
    "frontdesk.search",
    "frontdesk.ai",
    "frontdesk.kb",
    "frontdesk.csat",
    "frontdesk.portal",
    "frontdesk.alerts",
    "frontdesk.intake",
    "frontdesk.phone",
    "frontdesk.slack",
    "frontdesk.chat",
    "frontdesk.reports",
    "frontdesk.demo",
    # After our apps, so that our templates (accounts/templates) override allauth's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
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
    "allauth.account.middleware.AccountMiddleware",
    "frontdesk.accounts.middleware.RequireAdminTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "frontdesk.core.middleware.UserTimezoneMiddleware",
    "frontdesk.core.middleware.DomainErrorMiddleware",
    "frontdesk.core.middleware.ApiMethodNotAllowedMiddleware",
]

ROOT_URLCONF = "frontdesk.config.urls"
WSGI_APPLICATION = "frontdesk.config.wsgi.application"
ASGI_APPLICATION = "frontdesk.config.asgi.application"

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
                "django.template.context_processors.csp",
                "frontdesk.core.context_processors.ui_strings",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'frontdesk.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English ships; a catalogue under src/frontdesk/locale/<lang>/ adds a language.
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # base layout assets; vendor/ is filled by `make assets`
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
ATTACHMENTS_DIR = DATA_DIR / "attachments"
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
FRONTDESK_MAX_ATTACHMENT_BYTES = int(os.environ.get("FRONTDESK_MAX_ATTACHMENT_BYTES", 25 * 2**20))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20

# Inbound email (docs/email.md): raw messages are kept, content-addressed, under
# MAIL_RAW_DIR before anything else happens; these limits quarantine what exceeds them.
MAIL_RAW_DIR = DATA_DIR / "mail"
FRONTDESK_MAIL_MAX_BYTES = int(os.environ.get("FRONTDESK_MAIL_MAX_BYTES", 40 * 2**20))
FRONTDESK_MAIL_MAX_PARTS = int(os.environ.get("FRONTDESK_MAIL_MAX_PARTS", "500"))
FRONTDESK_MAIL_MAX_DEPTH = int(os.environ.get("FRONTDESK_MAIL_MAX_DEPTH", "20"))
FRONTDESK_MAIL_MAX_HEADERS = int(os.environ.get("FRONTDESK_MAIL_MAX_HEADERS", "1000"))
FRONTDESK_MAIL_MAX_RECIPIENTS = int(os.environ.get("FRONTDESK_MAIL_MAX_RECIPIENTS", "500"))
FRONTDESK_MAIL_MAX_HTML_BYTES = int(os.environ.get("FRONTDESK_MAIL_MAX_HTML_BYTES", 5 * 2**20))
# New tickets by email per sender and hour beyond which no acknowledgment is sent (a loop).
FRONTDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR = int(
    os.environ.get("FRONTDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR", "10")
)
# Provider inbound webhooks (django-anymail, docs/email.md): the shared secret
# "user:password" of basic auth, and Mailgun's webhook signing key (the Mailgun raw-MIME
# webhook at /hooks/mail/mailgun/mime answers 404 until it is set).
ANYMAIL = {
    "WEBHOOK_SECRET": os.environ.get("FRONTDESK_ANYMAIL_WEBHOOK_SECRET", ""),
    "MAILGUN_WEBHOOK_SIGNING_KEY": os.environ.get("FRONTDESK_MAILGUN_WEBHOOK_SIGNING_KEY", ""),
}

# Tasks: the database backend by default; REDIS_URL switches to RQ workers.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS: dict[str, Any] = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The cache holds rate-limit counters (sign-in failures, presence) that every web process
# must share: Redis when configured, a table on PostgreSQL (created by a core migration),
# and process memory on SQLite, where `frontdesk run` serves from one process (ADR 0006).
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "frontdesk_cache",
        }
    }

# Mail (Django 6.1 MAILERS): console output unless an SMTP host is configured.
SMTP_HOST = os.environ.get("FRONTDESK_SMTP_HOST", "")
MAILERS: dict[str, Any] = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": SMTP_HOST,
            "port": int(os.environ.get("FRONTDESK_SMTP_PORT", "587")),
            "username": os.environ.get("FRONTDESK_SMTP_USER", ""),
            "password": os.environ.get("FRONTDESK_SMTP_PASSWORD", ""),
            "use_tls": env_bool("FRONTDESK_SMTP_STARTTLS", default=True),
            "timeout": 30,
        },
    }
    if SMTP_HOST
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = os.environ.get("FRONTDESK_FROM_EMAIL", "support@frontdesk.localhost")

# Outbound email (docs/email.md, "Outbound"). Mail without a mailbox of its own goes through
# FRONTDESK_OUTBOUND_MAILBOX (the address of a configured mailbox), else the SMTP server
# above, else Django's mailer (the console). FRONTDESK_SMTP_SECURITY: starttls, tls or none
# (loopback only); FRONTDESK_SMTP_CA_CERT: a PEM file with a private CA to trust as well.
FRONTDESK_SMTP_PORT = int(os.environ.get("FRONTDESK_SMTP_PORT", "587"))
FRONTDESK_SMTP_USER = os.environ.get("FRONTDESK_SMTP_USER", "")
FRONTDESK_SMTP_PASSWORD = os.environ.get("FRONTDESK_SMTP_PASSWORD", "")
FRONTDESK_SMTP_SECURITY = os.environ.get(
    "FRONTDESK_SMTP_SECURITY",
    "starttls" if env_bool("FRONTDESK_SMTP_STARTTLS", default=True) else "none",
)
FRONTDESK_SMTP_CA_CERT = os.environ.get("FRONTDESK_SMTP_CA_CERT", "")
FRONTDESK_OUTBOUND_MAILBOX = os.environ.get("FRONTDESK_OUTBOUND_MAILBOX", "")
FRONTDESK_PUBLIC_URL = os.environ.get("FRONTDESK_PUBLIC_URL", f"http://{HOST}:{PORT}")
FRONTDESK_ACK_LIMIT_PER_HOUR = int(os.environ.get("FRONTDESK_ACK_LIMIT_PER_HOUR", "3"))
FRONTDESK_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("FRONTDESK_OUTBOX_MAX_ATTEMPTS", "8"))
FRONTDESK_OUTBOX_RETRY_SECONDS = int(os.environ.get("FRONTDESK_OUTBOX_RETRY_SECONDS", "60"))

# Outbound webhooks (docs/automation.md, "Webhooks"). Hosts (as written in webhook URLs,
# comma-separated) that may be called although they are loopback, private or link-local.
FRONTDESK_WEBHOOK_ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("FRONTDESK_WEBHOOK_ALLOWED_HOSTS", "").split(",")
    if host.strip()
]
FRONTDESK_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("FRONTDESK_WEBHOOK_MAX_ATTEMPTS", "6"))
FRONTDESK_WEBHOOK_RETRY_SECONDS = int(os.environ.get("FRONTDESK_WEBHOOK_RETRY_SECONDS", "30"))
FRONTDESK_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("FRONTDESK_WEBHOOK_TIMEOUT_SECONDS", "10"))
FRONTDESK_WEBHOOK_DISABLE_AFTER = int(os.environ.get("FRONTDESK_WEBHOOK_DISABLE_AFTER", "15"))

# Customer portal (docs/portal.md). The brand used when no Brand row matches the request.
FRONTDESK_BRAND_NAME = os.environ.get("FRONTDESK_BRAND_NAME", "Frontdesk")
FRONTDESK_BRAND_COLOUR = os.environ.get("FRONTDESK_BRAND_COLOUR", "#1f5fbf")
FRONTDESK_BRAND_TEXT_COLOUR = os.environ.get("FRONTDESK_BRAND_TEXT_COLOUR", "#ffffff")
# Customer sign-up (customers only; staff accounts are never created by sign-up).
FRONTDESK_PORTAL_SIGNUP = env_bool("FRONTDESK_PORTAL_SIGNUP", default=True)
# Anonymous requests, held until the address is verified by an emailed link.
FRONTDESK_PORTAL_ANONYMOUS = env_bool("FRONTDESK_PORTAL_ANONYMOUS", default=False)
FRONTDESK_PORTAL_REOPEN_DAYS = int(os.environ.get("FRONTDESK_PORTAL_REOPEN_DAYS", "7"))
# Rate limits: requests per client address and hour; portal mails per address and hour.
FRONTDESK_PORTAL_SUBMISSIONS_PER_IP_HOUR = int(
    os.environ.get("FRONTDESK_PORTAL_SUBMISSIONS_PER_IP_HOUR", "20")
)
FRONTDESK_PORTAL_MAILS_PER_ADDRESS_HOUR = int(
    os.environ.get("FRONTDESK_PORTAL_MAILS_PER_ADDRESS_HOUR", "3")
)

# Satisfaction surveys when a ticket is solved (docs/knowledge-base.md, "Satisfaction").
FRONTDESK_CSAT_ENABLED = env_bool("FRONTDESK_CSAT_ENABLED", default=True)

# Ticket lifecycle knobs (docs/configuration.md).
FRONTDESK_AUTO_CLOSE_DAYS = int(os.environ.get("FRONTDESK_AUTO_CLOSE_DAYS", "4"))
FRONTDESK_CLOSED_REPLY = os.environ.get("FRONTDESK_CLOSED_REPLY", "followup")

# Sign-in (django-allauth): web sign-in for the agent workspace. Email and password, with
# TOTP two-factor authentication and recovery codes. Accounts are created by staff, so
# sign-up is closed (the adapter) and addresses need no verification; the customer portal
# will open sign-up later. The API keeps its own token and session auth (api/auth.py).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/desk/"
ACCOUNT_ADAPTER = "frontdesk.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Customers who sign up verify their address by an emailed link; sign-in works before that,
# but the portal takes requests only from verified addresses (docs/portal.md). Staff are
# created by staff and are not asked. A sign-in code by email ("magic link") verifies too.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "/portal/"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_SIGNUP_REDIRECT_URL = "/portal/"
ACCOUNT_LOGOUT_ON_GET = False  # sign-out is a POST (a confirmation page on GET)
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_SESSION_REMEMBER = None  # a "Remember me" checkbox
# Password reset by emailed link (allauth's default). An unknown address gets no mail and
# the same "sent" page, so the form does not reveal who has an account.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Rate limits: allauth's defaults for failed sign-ins, password resets and codes, and a
# stricter limit on sign-ups (each sends a verification email).
ACCOUNT_RATE_LIMITS = {"signup": "5/h/ip", "request_login_code": "10/h/ip,3/h/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Frontdesk"
# When true, an admin without an authenticator app is sent to set one up and can reach
# nothing else until they do (accounts/middleware.py).
FRONTDESK_REQUIRE_ADMIN_MFA = env_bool("FRONTDESK_REQUIRE_ADMIN_MFA", default=False)

# Safe by default: HSTS and secure cookies only make sense behind TLS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", CSP.NONCE],
    "style-src": ["'self'", CSP.NONCE],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FRONTDESK_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Live updates (docs/adr/0006-live-updates.md). The backend is "memory", "postgres" or
# "redis"; empty picks redis with REDIS_URL, else postgres on PostgreSQL, else memory.
# A stream ends after FRONTDESK_LIVE_STREAM_SECONDS and the browser reconnects.
# FRONTDESK_WEB_THREADS: granian's blocking threads per web worker (WSGI), so open
# streams do not starve normal requests.
FRONTDESK_LIVE_BACKEND = os.environ.get("FRONTDESK_LIVE_BACKEND", "").strip().lower()
FRONTDESK_LIVE_STREAM_SECONDS = int(os.environ.get("FRONTDESK_LIVE_STREAM_SECONDS", "30"))
FRONTDESK_WEB_THREADS = int(os.environ.get("FRONTDESK_WEB_THREADS", "32"))

# Slack (docs/channels.md): the Events API endpoint answers 404 until a signing secret is
# set. Messages in FRONTDESK_SLACK_CHANNELS (channel ids, comma-separated) and direct
# messages to the app open tickets; agent replies are posted with the bot token to
# FRONTDESK_SLACK_API_URL (Slack's Web API unless set).
FRONTDESK_SLACK_SIGNING_SECRET = os.environ.get("FRONTDESK_SLACK_SIGNING_SECRET", "")
FRONTDESK_SLACK_BOT_TOKEN = os.environ.get("FRONTDESK_SLACK_BOT_TOKEN", "")
FRONTDESK_SLACK_API_URL = os.environ.get("FRONTDESK_SLACK_API_URL", "https://slack.com/api")
FRONTDESK_SLACK_CHANNELS = os.environ.get("FRONTDESK_SLACK_CHANNELS", "").split(",")
FRONTDESK_SLACK_TEAM_ID = os.environ.get("FRONTDESK_SLACK_TEAM_ID", "")
