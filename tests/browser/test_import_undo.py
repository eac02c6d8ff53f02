"""Undoing an import through the Import page, in a real browser (issue 18 item 3):
upload, read the preview, import it, then "Undo this import", and the people it
brought are gone while the demo network stays."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pw_expect import expect

pytestmark = pytest.mark.browser

VCARD = """BEGIN:VCARD
VERSION:3.0
FN:Wilhelmina Quarterman
N:Quarterman;Wilhelmina;;;
EMAIL;TYPE=INTERNET:wilhelmina@quarterman.example
ORG:Northgate Ferries
TITLE:Harbour Master
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Bartholomew Ekwueme
N:Ekwueme;Bartholomew;;;
TEL;TYPE=CELL:+44 20 7946 0999
END:VCARD
"""


def found(page: Any, name: str) -> int:
    """How many people named `name` the People page lists for a search of it."""
    page.goto(f"/people/?q={name.split()[-1]}")
    page.get_by_role("heading", level=1, name="People").wait_for()
    count: int = page.get_by_role("link", name=name, exact=True).count()
    return count


def test_undo_an_import_from_its_page(
    page: Any, labels_ok: Callable[[Any], None], screenshots: Path, tmp_path: Path
) -> None:
    card = tmp_path / "ferries.vcf"
    card.write_text(VCARD, encoding="utf-8")
    page.goto("/import/")
    upload = page.get_by_role("region", name="Upload a file")
    upload.get_by_label("File").set_input_files(card)
    upload.get_by_role("button", name="Import").click()

    page.wait_for_url(re.compile(r"/import/\d+/"))
    preview = page.get_by_role("region", name="Preview: nothing is written yet")
    preview.wait_for(timeout=30_000)
    text = preview.inner_text()
    assert "Wilhelmina Quarterman" in text and "Harbour Master at Northgate Ferries" in text, text
    assert re.search(r"People created\s+2\b", text), text
    labels_ok(page)
    page.screenshot(path=str(screenshots / "import-preview-1280.png"), full_page=True)
    run_url = page.url
    assert found(page, "Wilhelmina Quarterman") == 0  # the preview wrote nothing

    page.goto(run_url)
    page.get_by_role("button", name="Import it").click()
    summary = page.get_by_role("region", name="Imported")
    summary.wait_for(timeout=30_000)
    assert re.search(r"People created\s+2\b", summary.inner_text())
    assert found(page, "Wilhelmina Quarterman") == 1

    page.goto(run_url)
    page.get_by_role("button", name="Undo this import").click()
    page.wait_for_url(re.compile(r"/import/\d+/"))
    expect(page.get_by_role("status").filter(has_text="Undone: 2 people")).to_be_visible()
    expect(page.get_by_role("heading", name="Imported, then undone")).to_be_visible()
    expect(page.get_by_role("button", name="Undo this import")).to_have_count(0)
    page.screenshot(path=str(screenshots / "import-undone-1280.png"), full_page=True)
    assert found(page, "Wilhelmina Quarterman") == 0
    assert found(page, "Bartholomew Ekwueme") == 0

    page.goto("/import/")
    past = page.get_by_role("region", name="Past imports").inner_text()
    assert "ferries.vcf" in past and "(undone)" in past, past
