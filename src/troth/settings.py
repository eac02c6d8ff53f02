"""Django settings, read from the environment (healthchecks style).

SQLite in the user's data directory is the default; `TROTH_DATABASE_URL`
switches to PostgreSQL. The test suite uses `troth.settings_test`.
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from troth.lib.flags import FlagError, parse_flag
from troth.paths import sqlite_path


def _envbool(name: str, default: bool = False) -> bool:
    """A yes/no setting, strictly (healthchecks' envbool): unset or empty is the default,
    1/true/yes/on and 0/false/no/off are read, anything else is an error naming the
    variable, so a typo in a security setting never silently means "off"."""
    flag = _envflag(name)
    return default if flag is None else flag


def _envflag(name: str) -> bool | None:
    """A yes/no setting that may be left unsaid (None), read by troth.lib.flags."""
    try:
        return parse_flag(name, os.environ.get(name))
    except FlagError as exc:
        raise ImproperlyConfigured(str(exc)) from None


def _envint(name: str, default: int, minimum: int = 0) -> int:
    """A whole number setting, strictly: anything but digits (at least `minimum`) is an
    error naming the variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number of at least {minimum}")
    return int(raw)


def _envlist(name: str, default: str = "") -> list[str]:
    """A comma-separated setting, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_timezone() -> str:
    explicit = os.environ.get("TROTH_TIMEZONE")
    if explicit:
        try:
            zoneinfo.ZoneInfo(explicit)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ImproperlyConfigured(
                f"TROTH_TIMEZONE={explicit!r} is not a time zone (try Europe/Paris)"
            ) from None
        return explicit
    try:
        import tzlocal

        return str(tzlocal.get_localzone_name() or "UTC")
    except Exception:  # no zone configured (containers): UTC is the honest fallback
        return "UTC"


DEBUG = _envbool("TROTH_DEBUG")
# Local mode never serves the network, so a per-install key is enough; a server must set one.
SECRET_KEY = os.environ.get("TROTH_SECRET_KEY", "troth-local-insecure-key-set-TROTH_SECRET_KEY")
ALLOWED_HOSTS = os.environ.get("TROTH_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # without autodiscover at start-up: the admin modules of auth, axes and the task
    # queue are imported with the URLs (troth/urls.py), not by every command (issue 20)
    "django.contrib.admin.apps.SimpleAdminConfig",
    "troth.people",
    "troth.interactions",
    "troth.ledger",
    "troth.intros",
    "troth.sim",
    "troth.trust",
    "troth.agenda",
    "troth.importers",
    "troth.identity",
    "troth.warmpaths",
    "troth.groups",
    "troth.sync",
    "troth.tokens",
    "troth.webhooks",
    "troth.api",
    "troth.backup",
    "troth.dav",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "troth.web",
    # Login throttling (/login/ and /admin/login/): see "Sign-in" below.
    "axes",
]

MIDDLEWARE = [
    # How long the app took, as a Server-Timing header (outermost: it covers the rest).
    "troth.web.middleware.ServerTimingMiddleware",
    # Every error under /api/ is JSON, those no endpoint wrote too (troth.api.middleware).
    "troth.api.middleware.JsonApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (see CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Permissions-Policy: the pages use no camera, microphone, location, payment...
    "troth.web.security.PermissionsPolicyMiddleware",
    # Vary: HX-Request (a page's piece for htmx, the whole page otherwise: Back showed
    # the piece alone)
    "troth.web.middleware.VaryOnHtmxMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A cookie with a NUL in it is dropped before the session reads it (PostgreSQL).
    "troth.web.middleware.NulCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # CardDAV (/dav/): HTTP Basic with a personal access token, before local mode and the
    # anonymous body limit (troth.dav.auth).
    "troth.dav.auth.DavAuthMiddleware",
    # Local mode (`troth serve` on 127.0.0.1): the local owner, signed in on loopback only.
    "troth.web.middleware.LocalOwnerMiddleware",
    # An anonymous request may send a small body only (413 before it is read).
    "troth.web.security.AnonymousBodyLimitMiddleware",
    # Everything else needs a signed-in account (the login page is exempt).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A TrothError escaping a view is a 400 (a NotFound a 404), never a 500.
    "troth.web.middleware.TrothErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # SQLite's write lock met past the busy timeout: 503 "busy, try again", not a 500.
    "troth.web.busy.DatabaseBusyMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "troth.urls"

# django-ninja's Swagger UI files and page, served by troth itself (WhiteNoise), not a
# CDN: the API docs work offline and under our CSP. Found without importing ninja (not
# an installed app for that reason): importing it imports pydantic, which every
# command would then pay for at start-up (issue 18's light start-up).
_ninja_spec = importlib.util.find_spec("ninja")
if _ninja_spec is None or not _ninja_spec.submodule_search_locations:
    raise ImproperlyConfigured("django-ninja is not installed: pip install -e .")
_NINJA = Path(next(iter(_ninja_spec.submodule_search_locations)))
STATICFILES_DIRS = [_NINJA / "static"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [_NINJA / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _sqlite_database() -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(sqlite_path()),
        # Each thread keeps its connection between requests: a new one costs SQLite a
        # parse of the whole schema (~400 tables, indexes and triggers) and Django its
        # function registrations, 3.5 ms of CPU, more than a typical query (issue 20).
        # Renewed every few minutes all the same; `troth restore` asks for the server
        # to be stopped, so no connection outlives the file it opened.
        "CONN_MAX_AGE": 300,
        "OPTIONS": {
            # WAL lets the web app read while the CLI writes; IMMEDIATE avoids the
            # "database is locked" upgrade deadlock; the timeout waits out short writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("TROTH_BUSY_TIMEOUT") or 20),
        },
    }


def _database() -> dict[str, Any]:
    url = os.environ.get("TROTH_DATABASE_URL")
    if url:
        try:
            return dict(dj_database_url.parse(url, conn_max_age=60))
        except Exception as exc:
            raise ImproperlyConfigured(f"TROTH_DATABASE_URL is not usable: {exc}") from None
    return _sqlite_database()


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = _local_timezone()
USE_I18N = False
LANGUAGE_CODE = "en-us"

STATIC_URL = "static/"
# The web app serves its static files straight from the installed apps through
# WhiteNoise's finders, so no collectstatic step is needed; a deployment that
# wants collected files sets TROTH_STATIC_ROOT and runs collectstatic.
STATIC_ROOT = os.environ.get("TROTH_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# `troth serve` on a loopback address turns this on: requests from 127.0.0.1/::1
# are the local owner's without a login. Off everywhere else (and in tests).
TROTH_LOCAL_LOGIN = _envbool("TROTH_LOCAL_LOGIN")
# `troth serve --host` (a group's server) turns this on, in the environment before Django starts.
TROTH_NETWORK_MODE = _envbool("TROTH_NETWORK_MODE")
# Whether a member may save a mail server of their own (Settings): "1" yes, "0" no;
# unset: yes on a laptop, no on a group's server, where it would let any member make
# the server connect to any host and port (troth.agenda.digest.own_servers_allowed).
TROTH_MEMBER_SMTP = _envflag("TROTH_MEMBER_SMTP")
# Whether members' sources (IMAP, CalDAV, ICS) may reach loopback, link-local and private
# addresses on a group's server (off: only public ones, see troth.sync.netguard); a laptop
# allows them whatever this says.
TROTH_SOURCES_PRIVATE = _envbool("TROTH_SOURCES_PRIVATE")
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:today"
LOGOUT_REDIRECT_URL = "web:login"

EMAIL_BACKEND = os.environ.get("TROTH_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")


def smtp_settings(env: Mapping[str, str] | None = None, fallback: Any = None) -> dict[str, Any]:
    """Outgoing mail (the daily digest) from TROTH_SMTP_*, under Django's EMAIL_* names.

    TROTH_SMTP_HOST; TROTH_SMTP_PORT (587, or 465 with TROTH_SMTP_SSL=1); TROTH_SMTP_USER and
    TROTH_SMTP_PASSWORD; TROTH_SMTP_TLS (STARTTLS, on by default when a user is set);
    TROTH_DIGEST_TO (default: the user's e-mail) and TROTH_DIGEST_FROM. A variable that is not
    set takes its value from `fallback` (Django's settings, so EMAIL_* set there count) or the
    defaults above. Read once here for Django, and again by the digest when it sends.
    """
    env = os.environ if env is None else env

    def text(var: str) -> str:
        return env.get(var, "").strip()

    def setting(name: str, default: Any) -> Any:
        return getattr(fallback, name, default) if fallback is not None else default

    def flag(var: str) -> bool | None:
        try:
            return parse_flag(var, text(var))
        except FlagError as exc:
            raise ImproperlyConfigured(str(exc)) from None

    host = text("TROTH_SMTP_HOST") or setting("EMAIL_HOST", "")
    user = text("TROTH_SMTP_USER") or setting("EMAIL_HOST_USER", "")
    password = env.get("TROTH_SMTP_PASSWORD") or setting("EMAIL_HOST_PASSWORD", "")
    ssl_flag, tls_flag = flag("TROTH_SMTP_SSL"), flag("TROTH_SMTP_TLS")
    use_ssl = setting("EMAIL_USE_SSL", False) if ssl_flag is None else ssl_flag
    if tls_flag is not None:
        use_tls = tls_flag
    else:  # STARTTLS whenever a password travels, unless the connection is already SSL
        use_tls = not use_ssl and (bool(user) or setting("EMAIL_USE_TLS", False))
    if use_ssl and use_tls:
        raise ImproperlyConfigured(
            "TROTH_SMTP_SSL and TROTH_SMTP_TLS are exclusive: SSL from the start (port 465)"
            " or STARTTLS (port 587), not both"
        )
    port_text = text("TROTH_SMTP_PORT")
    if port_text:
        if (
            not (port_text.isascii() and port_text.isdigit() and len(port_text) < 6)
            or not 1 <= int(port_text) <= 65535
        ):
            raise ImproperlyConfigured(
                f"TROTH_SMTP_PORT={port_text!r} is not a port number (1-65535)"
            )
        port = int(port_text)
    elif ssl_flag is not None:
        port = 465 if use_ssl else 587
    else:
        port = setting("EMAIL_PORT", 465 if use_ssl else 587)
    return {
        "EMAIL_HOST": host,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": user,
        "EMAIL_HOST_PASSWORD": password,
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": setting("EMAIL_TIMEOUT", None) or 10,
        "TROTH_DIGEST_TO": text("TROTH_DIGEST_TO") or setting("TROTH_DIGEST_TO", ""),
        "TROTH_DIGEST_FROM": text("TROTH_DIGEST_FROM") or setting("TROTH_DIGEST_FROM", ""),
    }


_smtp = smtp_settings()
EMAIL_HOST = _smtp["EMAIL_HOST"]  # empty: no server configured (Django's default is localhost)
EMAIL_PORT = _smtp["EMAIL_PORT"]
EMAIL_HOST_USER = _smtp["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _smtp["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _smtp["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _smtp["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _smtp["EMAIL_TIMEOUT"]  # seconds: an unreachable server is an error, not a hang
TROTH_DIGEST_TO = _smtp["TROTH_DIGEST_TO"]
TROTH_DIGEST_FROM = _smtp["TROTH_DIGEST_FROM"]

# Background tasks (imports started from the web app, django-tasks): run in the web
# process by default (one person on a laptop); TROTH_TASKS=database queues them in the
# database for `troth worker` to run (a server). See troth.importers.tasks.
TROTH_TASKS = os.environ.get("TROTH_TASKS", "immediate").strip().lower() or "immediate"
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TROTH_TASKS not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TROTH_TASKS={TROTH_TASKS!r}: use immediate or database")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TROTH_TASKS]}}


def _upload_mb() -> float:
    raw = os.environ.get("TROTH_MAX_UPLOAD_MB", "200").strip()
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ImproperlyConfigured(f"TROTH_MAX_UPLOAD_MB={raw!r} is not a size in megabytes")
    return value


# The largest file the Import page accepts (a bigger one is refused before it is stored).
TROTH_MAX_UPLOAD_MB = _upload_mb()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# ---------------------------------------------------------------- serving on a network
# A group's server runs `troth serve --host ... --sign-in` behind a reverse proxy that
# speaks HTTPS (README, "Security"). These settings are read from the environment so
# that `python -m troth.manage check --deploy` is clean for that documented setup.

# The proxy's public origin(s), e.g. https://troth.example.org: the browser's sign-in
# POST carries it as Origin, which Django's CSRF check must accept.
CSRF_TRUSTED_ORIGINS = _envlist("TROTH_CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"TROTH_CSRF_TRUSTED_ORIGINS: {_origin!r} needs its scheme (https://{_origin})"
        )


def _proxy_ssl_header() -> tuple[str, str] | None:
    """TROTH_PROXY_SSL_HEADER names the header the proxy sets to "https" on a request that
    came in over HTTPS (usually X-Forwarded-Proto). Only set it behind a proxy that
    always sets or strips that header, or any client could claim HTTPS."""
    name = os.environ.get("TROTH_PROXY_SSL_HEADER", "").strip()
    if not name:
        return None
    if not all(c.isascii() and (c.isalnum() or c == "-") for c in name):
        raise ImproperlyConfigured(
            f"TROTH_PROXY_SSL_HEADER={name!r} is not a header name (try X-Forwarded-Proto)"
        )
    return "HTTP_" + name.upper().replace("-", "_"), "https"


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header()
# Cookies (session, CSRF) only ever sent over HTTPS.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _envbool("TROTH_SECURE_COOKIES")
# Plain-HTTP requests are redirected to HTTPS (behind the proxy: by the forwarded header).
SECURE_SSL_REDIRECT = _envbool("TROTH_SSL_REDIRECT")
# HTTP Strict Transport Security: how long browsers must use HTTPS only (0: no header).
SECURE_HSTS_SECONDS = _envint("TROTH_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _envbool("TROTH_HSTS_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _envbool("TROTH_HSTS_PRELOAD")

# Content-Security-Policy (django-csp): scripts and styles from our own static files
# only, nothing inline, no eval (htmx's eval is off in base.html's htmx-config).
_CSP_STYLE_HASHES = [
    # The two style sheets the vendored force-graph.min.js inserts as <style> elements
    # (tests/test_websec.py recomputes them from the file, so an upgrade cannot skew them).
    "'sha256-jtRRMYY2VbEXuBKbHvqM1/fPT8vazFrEooXdvwUK4y8='",
    "'sha256-9xjtvxMT1ApHlgn9ohbh2FNfvK5Tqtzy94BjfXBeMSY='",
    # ...each inserted empty first, its text added after: the empty sheet is checked too.
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    # templates/500.html: self-contained on purpose (it must render when all else fails).
    "'sha256-lQgWvw7JURyPM0bqj1Nb2CxYoNQ+JjkCuhPQhfbezEQ='",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", *_CSP_STYLE_HASHES],
        "img-src": ["'self'", "data:"],  # the favicon is a data: URL
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page of troth uses, denied (Permissions-Policy header).
TROTH_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), "
    "browsing-topics=()"
)

# What a request that is not signed in may send: enough for the sign-in form, nothing
# like the 1 GiB the server would otherwise buffer (troth.web.security).
TROTH_ANONYMOUS_BODY_BYTES = _envint("TROTH_ANONYMOUS_BODY_KB", 64, minimum=1) * 1024

# The HTTP API (troth.api): requests a minute per token (0: no limit), counted in the
# database so the limit holds across server processes (troth.api.ratelimit).
TROTH_API_RATE_LIMIT = _envint("TROTH_API_RATE_LIMIT", 600)

# ---------------------------------------------------------------- sign-in
# How long a group invitation link stays usable (troth.groups).
TROTH_INVITATION_DAYS = _envint("TROTH_INVITATION_DAYS", 7, minimum=1)
# The server's address as members reach it (https://troth.example.org), for links made
# outside a request: `troth group invite` prints one.
TROTH_PUBLIC_URL = os.environ.get("TROTH_PUBLIC_URL", "").strip()
# Passwords: Django's four validators (as `startproject` ships them), a minimum of 10
# characters. They apply to every form that sets a password (admin, createsuperuser,
# changepassword).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes) on /login/ and /admin/login/: after TROTH_LOGIN_FAILURES
# wrong passwords for one account name, that account cannot sign in (not even with the
# right password) for TROTH_LOGIN_COOLOFF_MINUTES. Counted per account name, not per
# address: behind a proxy every request comes from the proxy's address. The operator
# lifts a lock early with `python -m troth.manage axes_reset_username NAME`; a member
# lifts their own by choosing a new password from "Forgot your password?"'s mail.
AUTHENTICATION_BACKENDS = [
    "troth.web.security.SignInThrottle",  # django-axes' backend (see there)
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _envint("TROTH_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=_envint("TROTH_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"
AXES_VERBOSE = False  # one warning line per lockout is enough in `troth serve`'s log
# axes.W006 asks for 'ip_address' in the lockout parameters; a lock per account name
# cannot be dodged by changing cookies or user agent (its concern), and behind a proxy
# an address lock would lock out every member at once.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
