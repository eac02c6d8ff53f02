"""A newcomer's walk through troth in a real browser, on the demo network.

Each test is one step a new user takes, against the same `troth serve --demo`
process: read Today and open a draft, find a person, log a meeting, record a
favour, make and keep a promise, propose an introduction, import a vCard. What the
page shows is asserted at each step, found by role and label as a screen reader
would, and every form control on the way must have a label.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pw_expect import expect

pytestmark = pytest.mark.browser


def quick_panel(page: Any, title: str) -> Any:
    """One quick-add form on a person's page, by the summary a user clicks."""
    aside = page.get_by_role("complementary", name="Quick add")
    panel = aside.locator("details").filter(has=page.get_by_text(title, exact=True))
    if panel.get_attribute("open") is None:
        panel.get_by_text(title, exact=True).click()
    return panel


def test_today_lists_what_to_do_with_reasons_and_drafts(
    page: Any, labels_ok: Callable[[Any], None]
) -> None:
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Today")
    assert page.get_by_role("link", name="Today").get_attribute("aria-current") == "page"
    agenda = page.get_by_role("list", name="Agenda")
    items = agenda.get_by_role("listitem")
    assert items.count() >= 3, "the demo network has things to do today"
    lede = page.locator("main p").first.inner_text()
    assert re.match(rf"{items.count()} things? worth doing", lede), lede
    for i in range(items.count()):
        item = items.nth(i)
        assert item.get_by_role("link").first.inner_text().strip(), "each item names a person"
        reason = item.locator("p").first.inner_text()
        assert len(reason) > 20, f"item {i} gives no reason: {reason!r}"
        assert item.get_by_role("button", name="Skip").is_visible()
    # Own promises come first (the lede says so): the first item is one.
    first = items.first
    assert "You promised" in first.locator("p").first.inner_text()
    assert first.get_by_role("button", name="Kept it").is_visible()
    labels_ok(page)

    # The draft is one click away and loads in place.
    person = first.get_by_role("link").first.inner_text().strip()
    first.get_by_text("Draft a message").click()
    message = first.get_by_role("textbox", name="Message")
    message.wait_for()
    body = message.input_value()
    assert person.split()[0] in body, f"the draft should greet {person}: {body[:200]!r}"
    # Copy puts the draft on the clipboard and says so.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    first.get_by_role("button", name="Copy to clipboard").click()
    expect(first.get_by_role("status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == body
    mail = first.get_by_role("link", name="Open in your mail app")
    # on the pinned day the first promise is to someone whose address troth knows
    assert (mail.get_attribute("href") or "").startswith("mailto:")
    labels_ok(page)


def test_a_stray_tap_on_today_is_undone_from_the_keyboard(
    page: Any, labels_ok: Callable[[Any], None]
) -> None:
    page.goto("/")
    items = page.get_by_role("list", name="Agenda").get_by_role("listitem")
    shown = items.count()
    count = page.locator("#agenda-count")
    expect(count).to_have_text(str(shown))
    first = items.first
    item_id = first.get_attribute("id")
    # snoozing offers quick choices, a week by default, and still a day to pick
    expect(first.get_by_label("Snooze until")).to_have_value("week")
    first.get_by_role("button", name="Kept it").click()
    done = page.locator(f"#{item_id}")
    expect(done.get_by_role("status")).to_contain_text("Promise kept.")
    expect(count).to_have_text(str(shown - 1))  # the count drops in place
    expect(done.get_by_role("status")).to_be_focused()  # announced, and focus kept there
    undo = done.get_by_role("button", name="Undo")
    for _ in range(3):  # past the person's name (and a need's link), to Undo
        page.keyboard.press("Tab")
        if undo.evaluate("b => b === document.activeElement"):
            break
    expect(undo).to_be_focused()
    labels_ok(page)
    page.keyboard.press("Enter")
    back = page.locator(f"#{item_id}")
    expect(back.get_by_role("status")).to_have_text("Undone: it is back on your list.")
    expect(back.get_by_role("button", name="Kept it")).to_be_visible()
    expect(count).to_have_text(str(shown))


def test_find_a_person_then_log_give_and_keep_a_promise(
    page: Any, labels_ok: Callable[[Any], None]
) -> None:
    page.goto("/people/")
    status = page.get_by_role("status").filter(has_text="people")
    # 300 in the demo, and any another browser test (they share one server, in random
    # order) has added since; 50 a page
    shown = re.match(r"(\d+) people · page 1 of (\d+)", status.inner_text())
    assert shown, status.inner_text()
    people, pages = int(shown[1]), int(shown[2])
    assert 300 <= people < 320 and pages == -(-people // 50), status.inner_text()
    labels_ok(page)
    # Search for someone on a later page by surname, as a newcomer would type it.
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))
    table = page.get_by_role("table")
    name = table.get_by_role("row").nth(3).get_by_role("link").first.inner_text().strip()
    surname = name.split()[-1]
    search = page.get_by_role("searchbox", name="Search")
    page.keyboard.press("/")  # the shortcut for search, from anywhere on the page
    expect(search).to_be_focused()
    page.keyboard.type(surname, delay=30)
    page.wait_for_url(re.compile(r"q="))
    status = page.get_by_role("status").filter(has_text="match")
    count = int(status.inner_text().split()[0])
    assert 1 <= count < 300, status.inner_text()
    rows = page.get_by_role("table").get_by_role("row")
    assert rows.count() == min(count, 50) + 1  # with the header row
    # (a row may match by e-mail address, which the table does not show)
    expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert search.input_value() == surname, "results swap in without losing the typing"

    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    # The trust score and its reasons load after the page.
    trust = page.get_by_role("region", name="Trust")
    trust.locator("p.score").get_by_text("/100").wait_for()  # (the activity line has one too)
    labels_ok(page)
    timeline = page.get_by_role("region", name="Timeline")

    # Log a meeting: it appears at the top of the timeline, the form stays put.
    log = quick_panel(page, "Log an interaction")
    log.get_by_label("What").select_option("meeting")
    log.get_by_label("Minutes").fill("45")
    log.get_by_label("Notes").fill("Coffee at the browser-test café")
    log.get_by_role("button", name="Log it").click()
    log.get_by_role("status").wait_for()
    first_entry = timeline.get_by_role("listitem").first
    assert "Coffee at the browser-test café" in first_entry.inner_text()
    assert "meeting" in first_entry.inner_text() and "45 min" in first_entry.inner_text()
    assert log.get_by_label("Notes").input_value() == "", "the form is ready for the next one"

    # Record a favour given.
    gave = quick_panel(page, "You helped them")
    gave.get_by_label("Kind").select_option(index=0)
    kind = gave.get_by_label("Kind").input_value()
    gave.get_by_label("What").fill("Sent a reading list on negotiation")
    gave.get_by_role("button", name="Record favour given").click()
    gave.get_by_role("status").wait_for()
    favours = page.get_by_role("region", name="Favours")
    given = favours.get_by_role("listitem").filter(has_text="Sent a reading list on negotiation")
    given.wait_for()
    assert kind in given.inner_text()

    # Make a promise, then keep it: it moves from open to kept.
    promise = quick_panel(page, "A promise")
    promise.get_by_label("I promised them").check()
    promise.get_by_label("What").fill("Send the conference slides")
    promise.get_by_role("button", name="Record promise").click()
    promise.get_by_role("status").wait_for()
    promises = page.get_by_role("region", name="Promises")
    row = promises.get_by_role("listitem").filter(has_text="Send the conference slides")
    assert "open" in row.inner_text()
    row.get_by_role("button", name="Kept").click()
    # Kept, it has no buttons left and says so.
    expect(row.get_by_role("button")).to_have_count(0)
    assert row.inner_text().rstrip().endswith("kept"), row.inner_text()
    labels_ok(page)

    # All of it is still there on a fresh load (it was saved, not only drawn).
    page.reload()
    text = page.locator("main").inner_text()
    for expected in (
        "Coffee at the browser-test café",
        "Sent a reading list",
        "Send the conference slides",
    ):
        assert expected in text


def test_propose_an_introduction_between_two_strong_ties(
    page: Any, labels_ok: Callable[[Any], None]
) -> None:
    # The two strongest ties (People sorted by trust) are the safest pair to ask.
    page.goto("/people/")
    page.get_by_role("columnheader", name="Trust").get_by_role("link").click()
    page.wait_for_url(re.compile(r"sort="))
    rows = page.get_by_role("table").get_by_role("row")
    a = rows.nth(1).get_by_role("link").first.inner_text().strip()
    b = rows.nth(2).get_by_role("link").first.inner_text().strip()

    page.goto("/intros/")
    propose = page.get_by_role("region", name="Introduce two people")
    asking = page.get_by_role("region", name=re.compile(r"^Asking"))
    before = asking.get_by_role("listitem").count() if asking.count() else 0
    propose.get_by_label("Introduce").fill(a)
    propose.get_by_label("to", exact=True).fill(b)
    propose.get_by_label("Why these two should meet").fill("Both build data teams in the same city")
    propose.get_by_role("button", name="Propose").click()
    done = propose.get_by_role("status").or_(propose.get_by_role("alert"))
    done.first.wait_for()
    if propose.get_by_role("alert").count():
        # The handoff guard refused (a tie too weak to vouch across): say why anyway.
        refusal = propose.get_by_role("alert").inner_text()
        assert "anyway" in refusal.lower(), refusal
        propose.get_by_label("Go ahead anyway, because").fill("They asked me to, in person")
        propose.get_by_role("button", name="Propose").click()
        propose.get_by_role("status").wait_for()
    assert propose.get_by_role("status").inner_text().strip()

    # The card is on the board, in the first column, waiting on me.
    asking = page.get_by_role("region", name=re.compile(r"^Asking"))
    card = asking.get_by_role("listitem", name=f"You introduce {a} to {b}")
    card.wait_for()
    assert asking.get_by_role("listitem").count() == before + 1
    assert "Both build data teams in the same city" in card.inner_text()
    assert "Your move:" in card.inner_text()
    assert card.get_by_role("button", name="Asked them").is_visible()
    labels_ok(page)


VCARD = """BEGIN:VCARD
VERSION:3.0
FN:Ottilie Brandvold
N:Brandvold;Ottilie;;;
EMAIL;TYPE=INTERNET:ottilie.brandvold@example.net
ORG:Fjordline Analytics
TITLE:Head of Data
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Casimir Oyelaran
N:Oyelaran;Casimir;;;
TEL;TYPE=CELL:+44 20 7946 0321
ORG:Harbour Lane Studio
END:VCARD
"""


def test_import_a_vcard_file(
    page: Any, labels_ok: Callable[[Any], None], screenshots: Path, tmp_path: Path
) -> None:
    card = tmp_path / "phone-contacts.vcf"
    card.write_text(VCARD, encoding="utf-8")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.get_by_role("heading", level=1, name="Import").wait_for()
    labels_ok(page)
    upload = page.get_by_role("region", name="Upload a file")
    upload.get_by_label("File").set_input_files(card)
    upload.get_by_role("button", name="Import").click()

    # A preview first (nothing written yet), then progress and the summary, on the
    # import's own page.
    page.wait_for_url(re.compile(r"/import/\d+/"))
    page.get_by_role("heading", level=1, name="Import of phone-contacts.vcf").wait_for()
    preview = page.get_by_role("region", name="Preview: nothing is written yet")
    preview.wait_for(timeout=30_000)
    preview.get_by_role("button", name="Import it").click()
    summary = page.get_by_role("region", name="Imported")
    summary.wait_for(timeout=30_000)
    counts = summary.inner_text()
    assert re.search(r"People created\s+2\b", counts), counts
    assert re.search(r"Records skipped\s+0\b", counts), counts
    labels_ok(page)
    page.screenshot(path=str(screenshots / "import-summary-1280.png"), full_page=True)

    # The new people are there to find, with what the card said.
    summary.get_by_role("link", name="See your people").click()
    page.get_by_role("searchbox", name="Search").fill("Brandvold")
    page.get_by_role("status").filter(has_text="1 person matches").wait_for()
    page.get_by_role("link", name="Ottilie Brandvold").click()
    page.get_by_role("heading", level=1, name="Ottilie Brandvold").wait_for()
    head = page.locator("main header").inner_text()
    assert "Head of Data at Fjordline Analytics" in head, head
    assert "ottilie.brandvold@example.net" in head, head

    # Past imports list it.
    page.goto("/import/")
    past = page.get_by_role("region", name="Past imports")
    assert "phone-contacts.vcf" in past.inner_text()
    assert "2 new" in past.inner_text()
