from __future__ import annotations

import pytest

from troth.lib.contact import ContactError, normalize_email, normalize_phone, normalize_url


def test_email_is_lower_cased_and_checked() -> None:
    assert normalize_email(" Dana@Example.ORG ") == "dana@example.org"
    with pytest.raises(ContactError):
        normalize_email("dana at example")


def test_phone_becomes_e164(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TROTH_PHONE_REGION", "US")
    assert normalize_phone("(312) 555-0123") == "+13125550123"
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("020 7946 0958", region="GB") == "+442079460958"
    with pytest.raises(ContactError):
        normalize_phone("12")
    with pytest.raises(ContactError):
        normalize_phone("call me")


def test_url_is_canonical() -> None:
    assert (
        normalize_url("http://www.LinkedIn.com/in/dana-w/?trk=abc")
        == "https://linkedin.com/in/dana-w"
    )
    assert normalize_url("linkedin.com/in/dana-w") == "https://linkedin.com/in/dana-w"
    with pytest.raises(ContactError):
        normalize_url("not a url")
