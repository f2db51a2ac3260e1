"""One settings module, driven by environment variables.

With no environment at all the app runs on the embedded default: SQLite, Celery over kombu's
filesystem transport under var/, email written to files under var/. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY and the mail variables (README.md has the table).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from program.core.celery import VISIBILITY_TIMEOUT

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

# Every variable is parsed strictly: a value the app does not understand stops start-up with
# ImproperlyConfigured naming the variable, instead of silently meaning something else
# (DEBUG=ture must not quietly mean "off"). An empty value means the default.
TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")


def envstr(name: str, default: str = "") -> str:
    """The variable, surrounding spaces removed; empty or unset gives the default."""
    return os.environ.get(name, "").strip() or default


def envbool(name: str, default: str) -> bool:
    value = envstr(name, default)
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false, got {value!r}. Accepted (any case): "
        f"{', '.join(f'{yes}/{no}' for yes, no in zip(TRUE_WORDS, FALSE_WORDS, strict=True))}."
    )


def envint(name: str, default: str, minimum: int = 0, maximum: int | None = None) -> int:
    value = envstr(name, default)
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None
    if number < minimum or (maximum is not None and number > maximum):
        limits = f"at least {minimum}" if maximum is None else f"{minimum} to {maximum}"
        raise ImproperlyConfigured(f"{name} must be {limits}, got {value!r}.")
    return number


def envlist(name: str, default: str = "") -> list[str]:
    """Comma-separated; an item with a space in it is a missing comma, not a value."""
    items = [item.strip() for item in envstr(name, default).split(",") if item.strip()]
    for item in items:
        if any(character.isspace() for character in item):
            raise ImproperlyConfigured(
                f"{name} is a comma-separated list, got {item!r} (a space inside an item). "
                f"Separate items with commas."
            )
    return items


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = envstr(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(choices)} (any case), got {value!r}."
        )
    return value


def without_password(url: str) -> str:
    """The URL with whatever stands between "user:" and the last "@" masked, even when the
    URL is malformed (it is shown in error messages)."""
    credentials, at, rest = url.rpartition("@")
    if not at:
        return url
    scheme_end = credentials.find("://")
    start = scheme_end + 3 if scheme_end >= 0 else credentials.find(":") + 1
    user, colon, _password = credentials[start:].partition(":")
    return f"{credentials[:start]}{user}{':***' if colon else ''}@{rest}"


def envurl(name: str, default: str, schemes: tuple[str, ...] = ()) -> str:
    """A URL "scheme://...", with one of `schemes` when given; error messages never show its
    password."""
    value = envstr(name, default)
    scheme = urlsplit(value).scheme.lower()
    if value and ("://" not in value or not scheme or (schemes and scheme not in schemes)):
        expected = " or ".join(f"{option}://..." for option in schemes) or "scheme://..."
        raise ImproperlyConfigured(
            f"{name} must be a URL of the form {expected}, got {without_password(value)!r}."
        )
    return value


def envcron(name: str, default: str) -> str:
    """Five cron fields (minute hour day-of-month month day-of-week), checked the way beat
    will read them (program/core/celery.py), so a typo stops start-up, not just beat."""
    value = envstr(name, default)
    fields = value.split()
    try:
        if len(fields) != 5:
            raise ValueError("five fields are needed")
        minute, hour, day_of_month, month_of_year, day_of_week = fields
        crontab(minute=minute, hour=hour, day_of_month=day_of_month,
                month_of_year=month_of_year, day_of_week=day_of_week)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(
            f"{name} must be a cron expression (minute hour day month weekday, such as "
            f"'0 6 * * mon'), got {value!r}: {error}"
        ) from None
    return value


DEBUG = envbool("DEBUG", "false")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envurl("SITE_URL", "http://localhost:8000", ("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "accounts",
    "matching",
    "program",
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
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMfaForHrAdminsMiddleware",
    "accounts.timezones.PersonTimezoneMiddleware",
    "accounts.language.PersonLanguageMiddleware",
    "accounts.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "program.core.urls"
WSGI_APPLICATION = "program.core.wsgi.application"
ASGI_APPLICATION = "program.core.asgi.application"

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
                "accounts.context_processors.roles",
            ],
            # Template tags live with their domain (matching/<domain>/templatetags.py).
            "libraries": {
                "mentorship_tags": "matching.mentorship.templatetags",
                "sponsorship_tags": "matching.sponsorship.templatetags",
                "pairs_tags": "matching.pairs.templatetags",
                "wording": "accounts.templatetags",
            },
            # time_ago, days_from_today and count (accounts/wording.py) and the i18n tags
            # ({% translate %}, {% blocktranslate %}) in every template.
            "builtins": ["accounts.templatetags", "django.templatetags.i18n"],
        },
    },
]

# Database: SQLite by default so one can check out the code and run it. Web and worker share the
# file, so WAL and immediate transactions keep either from hitting "database is locked".
DATABASE_URL = envurl("DATABASE_URL", "", ("postgres", "postgresql", "pgsql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # A writer waits up to `timeout` seconds for the lock (the sweep's transactions are
            # short on SQLite, see SQLITE_BATCH_SIZE in program/reminders/sweep.py).
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envurl("REDIS_URL", "", ("redis", "rediss"))
if REDIS_URL:
    # Falls back to memory while Redis is down (program/core/cache.py): sign-in keeps working.
    CACHES = {"default": {"BACKEND": "program.core.cache.FallbackRedisCache",
                          "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id first (accounts/hashers.py documents its parameters); the others only verify older
# hashes, which Django upgrades to Argon2 at the user's next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.ProgramArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login; verification is mandatory outside DEBUG.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory even in DEBUG: only then does sign-up hide which addresses already have accounts
# (allauth can hide it only when it sends a verification email either way).
ACCOUNT_EMAIL_VERIFICATION = envchoice(
    "ACCOUNT_EMAIL_VERIFICATION", "mandatory",
    ("mandatory", "optional", "none"),
)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Client addresses (rate limits, the audit trail) come from X-Forwarded-For only through the
# number of proxies we run in front of the app; 0 trusts no header (REMOTE_ADDR).
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0", maximum=5)
ACCOUNT_RATE_LIMITS = {
    # Per address: 10 a minute. Per account: 10 in 15 minutes, soft enough that the owner rarely
    # meets it, and a password reset (which proves the mailbox) clears it at once.
    "login_failed": "10/m/ip,10/15m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# The program's name as people know it: in emails (subject, greeting, footer) and the TOTP issuer.
PROGRAM_NAME = envstr("PROGRAM_NAME", "Grow Together")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PROGRAM_NAME}] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PROGRAM_NAME
MFA_TOTP_TOLERANCE = 1  # accept the previous/next 30-second code too (RFC 6238 clock drift)
SIGNUP_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in envlist("SIGNUP_EMAIL_DOMAINS")]

# Single sign-on through the company's OpenID Connect provider (Entra ID, Okta, Google Workspace,
# Keycloak ...): set OIDC_SERVER_URL (the issuer, whose /.well-known/openid-configuration is
# read), OIDC_CLIENT_ID and OIDC_CLIENT_SECRET; or let an admin add a "social application"
# (provider "OpenID Connect") in /admin/. README.md, "Single sign-on", says what to enter where.
# A sign-in is linked to the Person HR imported only through an address the provider asserts
# as verified (email_verified), never through one it did not.
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a verified SSO address signs in its account
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the provider vouches, or the address stays unverified
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_ONLY = False
OIDC_SERVER_URL = envurl("OIDC_SERVER_URL", "", ("https", "http"))
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [{
    "provider_id": envstr("OIDC_PROVIDER_ID", "company"),
    "name": envstr("OIDC_NAME", "Company sign-in"),
    "client_id": envstr("OIDC_CLIENT_ID", ""),
    "secret": envstr("OIDC_CLIENT_SECRET", ""),
    "settings": {"server_url": OIDC_SERVER_URL},
}] if OIDC_SERVER_URL else []}}

# Single sign-on through the company's SAML 2.0 identity provider (Entra ID enterprise app, Okta
# SAML app, Keycloak, Google Workspace): SAML_METADATA_URL (the IdP's metadata, read and cached
# for 4 hours), or SAML_IDP_ENTITY_ID + SAML_IDP_SSO_URL + SAML_IDP_X509_CERT; or an admin adds
# a "social application" (provider "SAML") in /admin/. Our side: entity id
# <SITE_URL>/accounts/saml/<SAML_ORGANIZATION>/metadata/, ACS URL .../acs/ (README.md, "SAML").
# SAML has no standard "verified" flag: the asserted address counts as verified (and so links
# to the imported Person) only when SAML_TRUST_EMAIL says the provider is trusted for it.
def _saml_trust(value: str) -> bool | list[str]:
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    return [d.lower().lstrip("@") for d in envlist("SAML_TRUST_EMAIL")]


SAML_ORGANIZATION = envstr("SAML_ORGANIZATION", "company")
if not re.fullmatch(r"[A-Za-z0-9_-]+", SAML_ORGANIZATION):
    raise ImproperlyConfigured("SAML_ORGANIZATION is one URL segment: letters, digits, - and _.")
SAML_METADATA_URL = envurl("SAML_METADATA_URL", "", ("https", "http"))
SAML_IDP_SSO_URL = envurl("SAML_IDP_SSO_URL", "", ("https", "http"))
SAML_IDP_ENTITY_ID = envstr("SAML_IDP_ENTITY_ID")
SAML_IDP_X509_CERT = envstr("SAML_IDP_X509_CERT")
if SAML_IDP_SSO_URL and not (SAML_IDP_ENTITY_ID and SAML_IDP_X509_CERT):
    raise ImproperlyConfigured("SAML_IDP_SSO_URL needs SAML_IDP_ENTITY_ID and "
                               "SAML_IDP_X509_CERT (or set SAML_METADATA_URL instead).")
# Where each field is looked for in the assertion, first found wins: the names Entra ID, Okta,
# Google Workspace and Keycloak send by default or as README.md says to set them up.
SAML_ATTRIBUTE_MAPPING = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [*envlist("SAML_EMAIL_ATTRIBUTE"), "urn:oid:0.9.2342.19200300.100.1.3",
              "urn:oid:1.2.840.113549.1.9.1",  # Keycloak's "X500 email" mapper
              "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
              "email", "mail", "emailAddress"],
    "first_name": ["urn:oid:2.5.4.42",
                   "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
                   "firstName", "givenName", "first_name"],
    "last_name": ["urn:oid:2.5.4.4",
                  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
                  "lastName", "sn", "surname", "last_name"],
}
# Sign-ins the IdP starts on its own are refused: they answer no request of ours, so nothing
# shows that this browser asked for them. Every SAML app gets this (accounts/sso_apps.py too).
SAML_ADVANCED = {"reject_idp_initiated_sso": True}
SAML_APPS = [{
    "provider_id": SAML_ORGANIZATION,
    "client_id": SAML_ORGANIZATION,
    "name": envstr("SAML_NAME", "Company sign-in"),
    "settings": {
        "idp": ({"metadata_url": SAML_METADATA_URL, "entity_id": SAML_IDP_ENTITY_ID or None}
                if SAML_METADATA_URL else
                {"entity_id": SAML_IDP_ENTITY_ID, "sso_url": SAML_IDP_SSO_URL,
                 "x509cert": SAML_IDP_X509_CERT}),
        "sp": {"entity_id": envstr("SAML_SP_ENTITY_ID")},
        "attribute_mapping": SAML_ATTRIBUTE_MAPPING,
        "verified_email": _saml_trust(envstr("SAML_TRUST_EMAIL", "false")),
        # python3-saml refuses a response with neither the response nor the assertion signed.
        "advanced": SAML_ADVANCED,
    },
}] if SAML_METADATA_URL or SAML_IDP_SSO_URL else []
SOCIALACCOUNT_PROVIDERS["saml"] = {"APPS": SAML_APPS}
# The provider's own multi-factor sign-in satisfies the two-factor rule for HR admins and staff
# (accounts/sso.py lists the OIDC `amr` values and SAML AuthnContextClassRef values it takes).
SSO_ACCEPT_PROVIDER_MFA = envbool("SSO_ACCEPT_PROVIDER_MFA", "true")
SSO_MFA_VALUES = envlist("SSO_MFA_VALUES")  # more amr / acr / AuthnContextClassRef values

# People whose address is in one of these domains sign in through SSO only; passwords stay for
# the demo and for break-glass superusers.
SSO_ONLY_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in envlist("SSO_ONLY_EMAIL_DOMAINS")]

LANGUAGE_CODE = "en"
# The languages the app speaks: chosen per person in their profile (accounts/language.py), from
# the browser for visitors (LocaleMiddleware). Catalogues in locale/, compiled by `make`
# (program/management/commands/compile_translations.py).
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates written the British way ("13 March 2026"); other languages keep Django's formats.
FORMAT_MODULE_PATH = ["program.core.formats"]
# The languages people can say they speak (profile, directory filter): not the app's own.
SPOKEN_LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch"), ("es", "Español")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and envbool("STATIC_MANIFEST", "true")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Email: files under var/ by default (every message also lands in the in-app inbox); SMTP when
# EMAIL_HOST is set. Django 6.1's MAILERS replaces the EMAIL_* backend settings.
MAIL_HOST = envstr("EMAIL_HOST")
MAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
if MAIL_HOST:
    MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": MAIL_HOST,
            "port": envint("EMAIL_PORT", "587", minimum=1, maximum=65535),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", "true"),
        },
    }}
else:
    MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(MAIL_FILE_PATH)},
    }}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL",
                                    f"{PROGRAM_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Slack direct messages (program/delivery/slack.py): off, and not offered to anyone, without a
# bot token. The API address is a setting so tests talk to a fake Slack server on loopback.
SLACK_BOT_TOKEN = envstr("SLACK_BOT_TOKEN")
SLACK_API_URL = envurl("SLACK_API_URL", "https://slack.com/api/", ("https", "http"))
if not SLACK_API_URL.endswith("/"):
    SLACK_API_URL += "/"  # slack_sdk appends the method name to it

# Security. Everything below is what `manage.py check --deploy` asks for when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "true")
    CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", "true")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
    # Preloading is the domain owner's one-way decision (hstspreload.org), so it is opt-in and
    # check --deploy is not asked to nag about it.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/.
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
CELERY_BROKER_URL = envurl("CELERY_BROKER_URL", REDIS_URL or "filesystem://")  # any transport
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    # Redis: see VISIBILITY_TIMEOUT in program/core/celery.py; short socket timeouts so a web
    # request that queues work fails fast (and says so) when Redis is down.
    else {"visibility_timeout": VISIBILITY_TIMEOUT, "socket_connect_timeout": 2,
          "socket_timeout": 5}
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "false")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The program's own rules.
SPONSOR_MIN_LEVEL = envint("SPONSOR_MIN_LEVEL", "6", minimum=1)
REPORT_MIN_GROUP_SIZE = envint("REPORT_MIN_GROUP_SIZE", "5", minimum=1)
REMINDER_DAYS_BEFORE = envint("REMINDER_DAYS_BEFORE", "3")
MENTEE_MAX_OPEN_REQUESTS = envint("MENTEE_MAX_OPEN_REQUESTS", "3", minimum=1)
MENTOR_REQUEST_EXPIRY_DAYS = envint("MENTOR_REQUEST_EXPIRY_DAYS", "14", minimum=1)
MENTOR_REQUEST_NUDGE_DAYS = envint("MENTOR_REQUEST_NUDGE_DAYS", "7", minimum=1)
INACTIVE_AFTER_DAYS = envint("INACTIVE_AFTER_DAYS", "90", minimum=1)
# An uploaded import file with more data rows than this runs in the worker
# (accounts/import_jobs.py).
IMPORT_IN_WORKER_ROWS = envint("IMPORT_IN_WORKER_ROWS", "5000", minimum=1)
OUTCOME_REPORT_CRON = envcron("OUTCOME_REPORT_CRON", "0 6 * * mon")
# Requests one API token may make per minute (/api/v1/, program/api/auth.py): a fixed window
# counted in the cache (Redis in production), 429 with Retry-After past it.
API_RATE_LIMIT_PER_MINUTE = envint("API_RATE_LIMIT_PER_MINUTE", "120", minimum=1)

# Tests that need PostgreSQL or Redis fail instead of skipping when this is on (CI sets it).
REQUIRE_SERVICES = envbool("REQUIRE_SERVICES", "false")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envchoice(
        "LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical")).upper()},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
