"""Settings for the test suite.

The suite runs on an in-memory SQLite database by default and on PostgreSQL
when `TROTH_TEST_DATABASE_URL` is set (pytest-django creates `test_<name>`),
so one suite covers both back ends without touching a user's own database.
"""

import os
import time

import dj_database_url

# The suite runs the same on every machine, whatever its owner's settings: in UTC, for
# troth's clock and the process's own (a newcomer's run in New Zealand failed 11 tests;
# the time zone is a setting each test that is about it sets itself), and with no phone
# region or date order of the developer's (TROTH_PHONE_REGION=GB failed a test). The
# processes the tests start inherit TZ (their TROTH_ settings are stripped).
os.environ["TZ"] = "UTC"
if hasattr(time, "tzset"):  # (not on Windows)
    time.tzset()
os.environ["TROTH_TIMEZONE"] = "UTC"
for _name in ("TROTH_PHONE_REGION", "TROTH_DATE_ORDER"):
    os.environ.pop(_name, None)

from troth.settings import *  # noqa: E402, F403
from troth.settings import DATABASES  # noqa: E402

_url = os.environ.get("TROTH_TEST_DATABASE_URL")
if _url:
    DATABASES["default"] = dict(dj_database_url.parse(_url))
else:
    DATABASES["default"]["TEST"] = {"NAME": None}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
