"""Settings for the test suite.

The suite runs on an in-memory SQLite database by default and on PostgreSQL
when `TROTH_TEST_DATABASE_URL` is set (pytest-django creates `test_<name>`),
so one suite covers both back ends without touching a user's own database.
"""

import os

import dj_database_url

from troth.settings import *  # noqa: F403
from troth.settings import DATABASES

_url = os.environ.get("TROTH_TEST_DATABASE_URL")
if _url:
    DATABASES["default"] = dict(dj_database_url.parse(_url))
else:
    DATABASES["default"]["TEST"] = {"NAME": None}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
