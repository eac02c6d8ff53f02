"""Django settings, read from the environment (healthchecks style).

SQLite in the user's data directory is the default; `TROTH_DATABASE_URL`
switches to PostgreSQL. The test suite uses `troth.settings_test`.
"""

from __future__ import annotations

import os
import zoneinfo
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from troth.paths import data_dir, sqlite_path


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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
STATIC_ROOT = str(data_dir() / "static")

EMAIL_BACKEND = os.environ.get("TROTH_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
