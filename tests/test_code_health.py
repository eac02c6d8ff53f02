"""Issue 19, code health: no writes while rendering a GET, and `troth serve` decides
its mode before Django starts (settings stay read-only while it runs)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from troth.owned import Owner
from troth.people.models import ContactPoint, Person

if TYPE_CHECKING:
    from conftest import Cli


def _writes(ctx: CaptureQueriesContext) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(verbs)]


def test_the_import_page_writes_nothing_on_get(client: Client, db: None) -> None:
    carol = get_user_model().objects.create_user("carol", "carol@example.org", "pw")
    client.force_login(carol)  # signing in makes her own Person; the GET must not
    Person.objects.filter(owner=carol, is_me=True).delete()
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/import/")
    assert r.status_code == 200
    assert not Person.objects.filter(owner=carol).exists()
    assert not [sql for sql in _writes(ctx) if "troth_" in sql or "people_" in sql]


def test_import_and_settings_show_the_same_own_addresses(
    web: Client, alice: Owner, bob: Owner
) -> None:
    me = Person.objects.get(owner=alice, is_me=True)
    for kind, value, primary in (
        (ContactPoint.URL, "https://www.linkedin.com/in/alice", False),
        (ContactPoint.EMAIL, "alice@home.example", False),
        (ContactPoint.EMAIL, "alice@work.example", True),
        (ContactPoint.PHONE, "+14155550100", True),
    ):
        ContactPoint.objects.create(
            owner=alice, person=me, kind=kind, value=value, is_primary=primary
        )
    bobs = Person.objects.get(owner=bob, is_me=True)
    ContactPoint.objects.create(
        owner=bob, person=bobs, kind=ContactPoint.EMAIL, value="bob@secret.example"
    )
    from troth.owners import own_addresses

    assert own_addresses(alice) == [
        ("email", "alice@work.example"),
        ("email", "alice@home.example"),
        ("phone", "+14155550100"),
        ("url", "https://www.linkedin.com/in/alice"),
    ]
    page = web.get("/import/").content.decode()
    assert 'value="alice@work.example alice@home.example https://www.linkedin.com/in/alice"' in page
    settings_page = web.get("/settings/").content.decode()
    assert "alice@home.example" in settings_page and "+14155550100" in settings_page
    assert "bob@secret.example" not in page + settings_page


def _busy_port() -> socket.socket:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


def test_serve_inside_a_running_django_changes_no_setting(
    cli: Cli, alice: Owner, settings: Settings
) -> None:
    """In a process where Django already runs with other settings, serve refuses
    instead of changing them (it used to set TROTH_LOCAL_LOGIN at run time)."""
    settings.TROTH_LOCAL_LOGIN = False
    before = dict(os.environ)
    with _busy_port() as s:
        port = str(s.getsockname()[1])
        result = cli("serve", "--no-open", "--port", port, code=2)
    assert "process of its own" in result.stderr
    assert settings.TROTH_LOCAL_LOGIN is False and settings.TROTH_NETWORK_MODE is False
    assert dict(os.environ) == before


@pytest.mark.own_process
def test_the_mode_is_in_the_environment_before_django_starts(tmp_path: Path) -> None:
    """What serve decides is what settings.py reads when Django starts."""
    script = (
        "import sys; from troth.cli.web import decide_mode; decide_mode(sys.argv[1], sys.argv[2] == 'local');"
        "from troth import bootstrap; bootstrap.configure();"
        "from django.conf import settings as s;"
        "print(s.TROTH_LOCAL_LOGIN, s.TROTH_NETWORK_MODE, ','.join(s.ALLOWED_HOSTS))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env["TROTH_HOME"] = str(tmp_path)
    env["TROTH_LOCAL_LOGIN"] = "1"  # what the shell says does not decide it: the arguments do

    def run(host: str, mode: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", script, host, mode],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.strip()

    assert run("127.0.0.1", "local") == "True False 127.0.0.1,localhost"
    assert run("192.168.1.5", "network") == "False True 127.0.0.1,localhost,192.168.1.5"
    assert run("::1", "network") == "False True 127.0.0.1,localhost,[::1]"
