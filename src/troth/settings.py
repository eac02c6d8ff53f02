"""Django settings, read from the environment (healthchecks style).

SQLite in the user's data directory is the default; `TROTH_DATABASE_URL`
switches to PostgreSQL. The test suite uses `troth.settings_test`.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from troth.paths import sqlite_path


def _envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


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
    "django.contrib.admin",
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
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "troth.web",
]

MIDDLEWARE = [
    # How long the app took, as a Server-Timing header (outermost: it covers the rest).
    "troth.web.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Local mode (`troth serve` on 127.0.0.1): the local owner, signed in on loopback only.
    "troth.web.middleware.LocalOwnerMiddleware",
    # Everything else needs a signed-in account (the login page is exempt).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A TrothError escaping a view is a 400 (a NotFound a 404), never a 500.
    "troth.web.middleware.TrothErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "troth.urls"

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
            ]
        },
    }
]


def _sqlite_database() -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(sqlite_path()),
        "OPTIONS": {
            # WAL lets the web app read while the CLI writes; IMMEDIATE avoids the
            # "database is locked" upgrade deadlock; the timeout waits out short writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
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
# `troth serve --host` (a group's server) turns this on.
TROTH_NETWORK_MODE = False
# Whether a member may save a mail server of their own (Settings): "1" yes, "0" no;
# unset: yes on a laptop, no on a group's server, where it would let any member make
# the server connect to any host and port (troth.agenda.digest.own_servers_allowed).
TROTH_MEMBER_SMTP = os.environ.get("TROTH_MEMBER_SMTP", "").strip().lower() or None
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:today"
LOGOUT_REDIRECT_URL = "web:login"

EMAIL_BACKEND = os.environ.get("TROTH_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")


_ON, _OFF = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


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
        raw = text(var).lower()
        if not raw:
            return None
        if raw in _ON | _OFF:
            return raw in _ON
        raise ImproperlyConfigured(f"{var}={raw!r} is neither on nor off (use 1 or 0)")

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
