"""Issue 17, "Checks": the README has a security section saying how to serve on a
network, what is and is not protected, and how to report a problem. test_websec reads
the production environment out of it; this checks the rest is there."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def security_section() -> str:
    text = README.read_text()
    found = re.search(r"^## Security\n(.*?)(?=^## )", text, flags=re.M | re.S)
    assert found, "the README has a '## Security' section"
    return found.group(1)


def test_the_security_section_has_each_part_the_issue_asks_for() -> None:
    headings = re.findall(r"^### (.+)$", security_section(), flags=re.M)
    for part in (
        "Serving a group on a network",
        "What is protected",
        "What is not",
        "Reporting a problem",
    ):
        assert any(h.startswith(part) for h in headings), (part, headings)


def test_it_names_the_settings_the_audit_found_missing() -> None:
    section = security_section()
    for name in (
        "TROTH_CSRF_TRUSTED_ORIGINS",
        "TROTH_PROXY_SSL_HEADER",
        "TROTH_SECURE_COOKIES",
        "TROTH_SSL_REDIRECT",
        "TROTH_HSTS_SECONDS",
        "--sign-in",
        "check --deploy",
    ):
        assert name in section, name


def test_reporting_says_where_to_write() -> None:
    section = security_section()
    reporting = section[section.index("### Reporting a problem") :]
    reporting = reporting.split("\n### ", 1)[0]
    assert re.search(r"@|https?://|security advisor", reporting), reporting
