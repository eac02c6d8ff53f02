"""A networking group in a real browser, on a server that asks everyone to sign in:
the organiser invites two people, both sign up from their links, one posts a need
(after the organiser waives "give first" for her), the other offers an introduction,
she accepts, and the organiser sees it on the dashboard."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from module_data import migrated_home
from pw_expect import expect

pytestmark = pytest.mark.browser

ORGANISER_PASSWORD = "organiser passphrase 2031"
MEMBER_PASSWORD = "member passphrase 2031!"
SETUP = """
from troth import bootstrap
bootstrap.setup()
from django.contrib.auth import get_user_model
from troth.owners import do_ensure_me
from troth.groups.actions import do_create_group
user = get_user_model().objects.create_user("olivia", "olivia@example.org", {password!r})
do_ensure_me(user, "Olivia Organiser")
do_create_group("Job Club", organiser=user)
"""


@pytest.fixture(scope="module")
def group_server(
    start_server: Any, tmp_path_factory: pytest.TempPathFactory, migrated_db: Path
) -> str:
    """`troth serve --sign-in` (every request signs in, as behind a proxy) on a fresh
    TROTH_HOME (a copy of the migrated database) with one organiser and one group."""
    home = migrated_home(migrated_db, tmp_path_factory.mktemp("troth-group-home"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env.update(
        TROTH_HOME=str(home),
        PYTHONUNBUFFERED="1",
        TROTH_SECRET_KEY="browser-test-secret-key-not-the-shipped-default-0123456789",
    )
    setup = SETUP.format(password=ORGANISER_PASSWORD)
    subprocess.run([sys.executable, "-c", setup], env=env, check=True)
    return str(start_server(["serve", "--sign-in", "--no-open"], env, home / "serve.log"))


def _person(browser: Any, base: str) -> Any:
    """A page in a browser context of its own (its own cookies: another person)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=base)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
    )
    page.errors = errors
    return page


def _invite(page: Any, address: str) -> str:
    page.get_by_label("E-mail address").fill(address)
    page.get_by_role("button", name="Make an invitation link").click()
    link = page.get_by_label(f"Invitation link for {address}")
    expect(link).to_be_visible()
    return str(link.input_value())


def _sign_up(browser: Any, base: str, link: str, username: str, name: str) -> Any:
    page = _person(browser, base)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Job Club")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password (at least 10 characters)").fill(MEMBER_PASSWORD)
    page.get_by_label("The same password again").fill(MEMBER_PASSWORD)
    page.get_by_role("button", name="Create my account and join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Job Club")
    return page


def test_invite_sign_up_need_offer_accept_and_the_dashboard(
    browser: Any, group_server: str, labels_ok: Callable[[Any], None]
) -> None:
    olivia = _person(browser, group_server)
    olivia.goto("/groups/job-club/")
    assert "/login/" in olivia.url  # nothing without signing in
    olivia.get_by_label("User name").fill("olivia")
    olivia.get_by_label("Password").fill(ORGANISER_PASSWORD)
    olivia.get_by_role("button", name="Sign in").click()
    expect(olivia.get_by_role("heading", level=1)).to_have_text("Job Club")
    labels_ok(olivia)
    dana_link = _invite(olivia, "dana@example.org")
    erin_link = _invite(olivia, "erin@example.org")
    assert dana_link != erin_link and re.search(r"/join/[A-Za-z0-9_-]{43}$", dana_link)

    dana = _sign_up(browser, group_server, dana_link, "dana", "Dana Reyes")
    erin = _sign_up(browser, group_server, erin_link, "erin", "Erin Park")
    # the link worked once
    again = _person(browser, group_server)
    again.goto(dana_link)
    expect(again.get_by_text("this invitation was used already")).to_be_visible()

    # give first: once someone needs something, dana (new) helps before she asks,
    # unless the organiser waives it
    olivia.goto("/groups/job-club/needs/")
    olivia.get_by_label("What you need").fill("A venue for the spring meeting")
    olivia.get_by_role("button", name="Post it").click()
    expect(olivia.get_by_role("status")).to_contain_text("Need posted")
    dana.goto("/groups/job-club/needs/")
    expect(dana.get_by_role("button", name="Post it")).to_be_visible()
    dana.get_by_label("What you need").fill("An introduction to someone at Stripe")
    dana.get_by_role("button", name="Post it").click()
    expect(dana.get_by_role("alert")).to_contain_text("give first")
    olivia.goto("/groups/job-club/")
    olivia.get_by_role("button", name="Let Dana Reyes post needs now").click()
    expect(olivia.get_by_role("status")).to_contain_text("Dana Reyes can post needs now")
    dana.goto("/groups/job-club/needs/")
    dana.get_by_label("What you need").fill("An introduction to someone at Stripe")
    dana.get_by_role("button", name="Post it").click()
    expect(dana.get_by_role("status")).to_contain_text("Need posted")
    labels_ok(dana)

    # erin offers an introduction, with a hint that names nobody
    erin.goto("/groups/job-club/needs/")
    need = (
        erin.get_by_role("list", name="Open needs")
        .get_by_role("listitem")
        .filter(has_text="An introduction to someone at Stripe")
    )
    need.get_by_label(re.compile("How you could help")).fill("a product lead at Stripe")
    need.get_by_role("button", name="Offer an introduction").click()
    expect(erin.get_by_role("status")).to_contain_text("Offered")

    # dana accepts; the promise is now in both troths
    dana.goto("/groups/job-club/intros/")
    waiting = dana.get_by_role("region", name=re.compile("Waiting on you"))
    expect(waiting).to_contain_text("a product lead at Stripe")
    waiting.get_by_role("button", name="Yes, please").click()
    expect(dana.get_by_role("status")).to_contain_text("Accepted")
    erin.goto("/groups/job-club/intros/")
    expect(erin.get_by_role("region", name=re.compile("Waiting on you"))).to_contain_text(
        "Dana Reyes"
    )
    # ...and in erin's own troth: Dana is one of her people, owed an introduction
    erin.goto("/people/?q=Dana")
    erin.get_by_role("link", name="Dana Reyes").first.click()
    expect(erin.locator("main")).to_contain_text("introduce Dana Reyes to a product lead at Stripe")

    # the organiser sees it on the dashboard, and nobody's private troth
    olivia.goto("/groups/job-club/dashboard")
    figures = olivia.locator("dl.figures")
    expect(figures).to_contain_text("2 (0 met)")
    expect(figures).to_contain_text("Offers of help, last 30 days")
    for page in (olivia, dana, erin, again):
        assert not page.errors, page.errors
