"""Normalising contact points so the same address always looks the same (pure).

Matching people across sources (and refusing duplicates) depends on one
spelling per address: lower-case emails, E.164 phones, bare profile URLs.
"""

from __future__ import annotations

import os
import re

import phonenumbers

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class ContactError(ValueError):
    pass


def normalize_email(value: str) -> str:
    email = value.strip().strip("<>").lower()
    if not _EMAIL.match(email):
        raise ContactError(f"not an email address: {value!r}")
    return email


def default_region() -> str:
    # Numbers typed without a country code are read as local to this region.
    return os.environ.get("TROTH_PHONE_REGION", "US").upper()


def normalize_phone(value: str, region: str | None = None) -> str:
    region = region or default_region()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ContactError(f"TROTH_PHONE_REGION {region!r} is not a region code (try US, GB, DE)")
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ContactError(f"not a phone number: {value!r}") from None
    if not phonenumbers.is_possible_number(number):
        raise ContactError(f"not a possible phone number: {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_url(value: str) -> str:
    url = value.strip()
    if not url or " " in url or "." not in url:
        raise ContactError(f"not a URL: {value!r}")
    url = re.sub(r"^https?://", "", url, flags=re.I)
    url = re.sub(r"^www\.", "", url, flags=re.I)
    host, _, rest = url.partition("/")
    rest = rest.split("?")[0].split("#")[0].rstrip("/")
    return f"https://{host.lower()}" + (f"/{rest}" if rest else "")
