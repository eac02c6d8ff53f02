"""Safe to host (issue 17, items 4, 5, 6 and 10): HTTPS behind a proxy from TROTH_*
settings, the Content-Security-Policy and Permissions-Policy, sign-in throttling,
password rules, and small bodies for anonymous requests. The settings are read at
start, so those tests run `python -m troth.manage` in a subprocess with the
environment the README documents; the rest use the test client and a real
`troth serve`."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from pytest_django.fixtures import Settings

from module_data import migrated_home
from troth.owned import Owner

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.test.client import _MonkeyPatchedWSGIResponse as Response

README = Path(__file__).resolve().parents[1] / "README.md"
STATIC = Path(__file__).resolve().parents[1] / "src" / "troth" / "web"
PASSWORD = "correct horse battery"  # what alice and bob sign in with here


def documented_setup() -> tuple[dict[str, str], str]:
    """The README's production environment (Security section) and its serve line."""
    text = README.read_text()
    section = text[text.index("## Security") : text.index("## For developers")]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Security section shows the environment in a sh block"
    env: dict[str, str] = {}
    serve = ""
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            name, value = words[1].split("=", 1)
            env[name] = value
        elif words[:2] == ["troth", "serve"]:
            serve = line
    return env, serve


def manage(*args: str, env: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    clean.update(env, TROTH_HOME=str(home), DJANGO_SETTINGS_MODULE="troth.settings")
    return subprocess.run(
        [sys.executable, "-m", "troth.manage", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env() -> dict[str, str]:
    env, _serve = documented_setup()
    # The README computes a fresh key with $(...): a shell does that, here we do.
    env["TROTH_SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


# ---------------------------------------------------------------- HTTPS behind a proxy


@pytest.mark.own_process
def test_check_deploy_is_clean_for_the_documented_setup(tmp_path: Path) -> None:
    env, serve = documented_setup()
    for name in (
        "TROTH_CSRF_TRUSTED_ORIGINS",
        "TROTH_PROXY_SSL_HEADER",
        "TROTH_SECURE_COOKIES",
        "TROTH_SSL_REDIRECT",
        "TROTH_HSTS_SECONDS",
    ):
        assert name in env
    assert "--sign-in" in serve and "--host 127.0.0.1" in serve
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(), home=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


# settings read by `manage` in processes of their own (TROTH_* stripped, no test
# database): the PostgreSQL pass would repeat these unchanged
@pytest.mark.own_process
def test_the_settings_come_from_the_environment(tmp_path: Path) -> None:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.CSRF_TRUSTED_ORIGINS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD]))"
    )
    result = manage("shell", "-v0", "-c", code, env=production_env(), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        ["https://troth.example.org"],
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
        True,
        True,
        31536000,
        True,
        True,
    ]
    plain = manage("shell", "-v0", "-c", code, env={}, home=tmp_path)  # a laptop: all off
    assert json.loads(plain.stdout) == [[], None, False, False, False, 0, False, False]


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("TROTH_SECURE_COOKIES", "yess", "TROTH_SECURE_COOKIES='yess' is neither on nor off"),
        ("TROTH_SSL_REDIRECT", "2", "TROTH_SSL_REDIRECT='2' is neither on nor off"),
        ("TROTH_HSTS_SECONDS", "1y", "TROTH_HSTS_SECONDS='1y' is not a whole number"),
        (
            "TROTH_LOGIN_FAILURES",
            "0",
            "TROTH_LOGIN_FAILURES='0' is not a whole number of at least 1",
        ),
        ("TROTH_CSRF_TRUSTED_ORIGINS", "troth.example.org", "needs its scheme"),
        ("TROTH_PROXY_SSL_HEADER", "X-Forwarded-Proto: https", "is not a header name"),
    ],
)
@pytest.mark.own_process
def test_a_typo_is_an_error_naming_the_variable(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    result = manage("check", env={name: value}, home=tmp_path)
    assert result.returncode != 0
    assert says in result.stderr


@pytest.fixture
def alice_pw(alice: Owner) -> Owner:
    alice.set_password(PASSWORD)
    alice.save()
    return alice


PROXY = {
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "CSRF_TRUSTED_ORIGINS": ["https://troth.example.org"],
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "ALLOWED_HOSTS": ["troth.example.org"],
}
FORWARDED: dict[str, Any] = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "troth.example.org"}


def sign_in_through_the_proxy(alice: Owner) -> tuple[Client, Any]:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/", **FORWARDED)
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/login/",
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://troth.example.org",
        **FORWARDED,
    )
    return client, response


def test_sign_in_behind_the_https_proxy_works(alice_pw: Owner) -> None:
    with override_settings(**PROXY):
        client, response = sign_in_through_the_proxy(alice_pw)
        assert response.status_code == 302 and response["Location"] == "/"
        assert response.cookies["sessionid"]["secure"] is True
        assert response.cookies["csrftoken"]["secure"] is True
        today = client.get("/", **FORWARDED)
        assert today.status_code == 200
        assert today["Strict-Transport-Security"].startswith("max-age=31536000")


def test_without_the_proxy_settings_django_refuses_that_sign_in(alice_pw: Owner) -> None:
    """What the audit saw (403, CSRF origin): the forwarded header means nothing unless
    TROTH_PROXY_SSL_HEADER names it."""
    with override_settings(ALLOWED_HOSTS=["troth.example.org"]):
        _client, response = sign_in_through_the_proxy(alice_pw)
    assert response.status_code == 403


def test_the_proxy_header_does_not_make_any_origin_good(alice_pw: Owner) -> None:
    with override_settings(**PROXY):
        client = Client(enforce_csrf_checks=True)
        token = client.get("/login/", **FORWARDED).cookies["csrftoken"].value
        response = client.post(
            "/login/",
            {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
            HTTP_ORIGIN="https://evil.example",
            **FORWARDED,
        )
    assert response.status_code == 403


@override_settings(SECURE_SSL_REDIRECT=True, **PROXY)
def test_plain_http_is_sent_to_https(db: None) -> None:
    response = Client().get("/login/", HTTP_HOST="troth.example.org")
    assert response.status_code == 301
    assert response["Location"] == "https://troth.example.org/login/"


# ---------------------------------------------------------------- CSP, Permissions-Policy


def test_every_answer_carries_the_policies(client: Client, alice: Owner) -> None:
    client.force_login(alice)
    for url in ("/", "/people/", "/insights/", "/import/", "/settings/", "/login/", "/nowhere"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        # django-csp does not promise an order of directives: read them as a mapping
        policy = dict((part.split(None, 1) + [""])[:2] for part in csp.split(";") if part.strip())
        assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'", url
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "camera=()" in response["Permissions-Policy"]
    anonymous = Client().get("/login/")
    assert "Content-Security-Policy" in anonymous and "Permissions-Policy" in anonymous


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_style_hashes_match_the_files_they_allow(settings: Settings) -> None:
    """The vendored force-graph inserts two <style> elements; 500.html has one. An upgrade
    of either must update CONTENT_SECURITY_POLICY, or this fails."""
    allowed = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]
    script = (STATIC / "static/web/vendor/force-graph/force-graph.min.js").read_text()
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(r"createTextNode\(t\)\)\}\}\(\"", script):
        text, _end = decoder.raw_decode(script, match.end() - 1)
        found.append(_sha256(text))
    page = (STATIC / "templates/500.html").read_text()
    found += [_sha256(t) for t in re.findall(r"<style>(.*?)</style>", page, re.S)]
    found.append(_sha256(""))  # force-graph inserts each sheet empty, then fills it
    assert len(found) == 4
    assert sorted(found) == sorted(a for a in allowed if a.startswith("'sha256-"))


def test_no_template_has_inline_script_or_event_handler() -> None:
    """Inline code would be blocked by the policy: it belongs in the static files."""
    for path in (STATIC / "templates").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or "application/json" in tag, f"{path.name}: {tag}"
        assert not re.search(r"\s(on[a-z]+|hx-on[:\w-]*)=", text), path.name
        assert " style=" not in text, path.name


# ---------------------------------------------------------------- sign-in throttling


def wrong(client: Client, url: str = "/login/", username: str = "alice") -> Response:
    return client.post(url, {"username": username, "password": "not it at all"})


def right(client: Client, url: str = "/login/") -> Response:
    return client.post(url, {"username": "alice", "password": PASSWORD})


@override_settings(AXES_FAILURE_LIMIT=5)
def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(alice_pw: Owner) -> None:
    client = Client()
    for _ in range(4):
        assert wrong(client).status_code == 200  # the form again, with its error
    locked = wrong(client)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in locked" in page and "after 5 in a row" in page and "15 minutes" in page
    refused = right(Client())  # another browser, the right password: still locked
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_admin_sign_in_is_throttled_too(alice_pw: Owner) -> None:
    alice_pw.is_staff = alice_pw.is_superuser = True
    alice_pw.save()
    client = Client()
    for _ in range(2):
        assert wrong(client, "/admin/login/").status_code == 200
    assert wrong(client, "/admin/login/").status_code == 429
    assert right(Client(), "/admin/login/").status_code == 429
    assert right(Client()).status_code == 429  # one lock for the account, both doors


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_lock_lifts_after_the_cool_off(alice_pw: Owner) -> None:
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(3):
        wrong(client)
    assert right(client).status_code == 429
    # Fifteen minutes later (the attempts are moved back rather than the clock forward).
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert right(client).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_one_locked_account_does_not_lock_another(alice_pw: Owner, bob: Owner) -> None:
    bob.set_password(PASSWORD)
    bob.save()
    client = Client()
    for _ in range(3):
        wrong(client)
    response = client.post("/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_success_before_the_limit_starts_the_count_again(alice_pw: Owner) -> None:
    client = Client()
    wrong(client), wrong(client)
    assert right(client).status_code == 302
    client.post("/logout/")
    wrong(client), wrong(client)
    assert right(client).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2, TROTH_LOCAL_LOGIN=True)
def test_local_mode_is_untouched(alice_pw: Owner) -> None:
    """On a laptop requests from this machine are the owner's: no sign-in to throttle."""
    client = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(3):
        wrong(client)
    assert client.get("/").status_code == 200
    assert client.get("/people/").status_code == 200


def test_the_test_clients_login_still_works(alice_pw: Owner) -> None:
    """Client.login() calls authenticate() without a request; axes alone would raise."""
    client = Client()
    assert client.login(username="alice", password=PASSWORD)
    assert not Client().login(username="alice", password="not it")


# ---------------------------------------------------------------- password rules


@pytest.mark.parametrize("password", ["1", "password", "12345678901", "alice2026x", "short9!"])
def test_weak_passwords_are_refused(db: None, password: str) -> None:
    user = get_user_model()(username="alice2026x", email="alice@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_good_password_passes(db: None) -> None:
    validate_password("quiet-meadow-lantern-42", get_user_model()(username="alice"))


def test_the_admin_refuses_a_weak_password(client: Client, db: None) -> None:
    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(admin)
    response = client.post(
        "/admin/auth/user/add/",
        {"username": "newbie", "password1": "1", "password2": "1", "usable_password": "true"},
    )
    assert response.status_code == 200  # the form again
    assert "This password is too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()


@pytest.mark.own_process
def test_createsuperuser_and_changepassword_refuse_1(tmp_path: Path, migrated_db: Path) -> None:
    """createsuperuser at its prompt and changepassword (both run on a terminal)."""
    script = (
        "from unittest import mock\n"
        "from django.core.management import call_command, CommandError\n"
        "from django.contrib.auth import get_user_model\n"
        "answers = iter(['1', '1', 'n'])\n"  # password, again, 'bypass?' no
        "class Terminal:\n"
        "    def isatty(self):\n"
        "        return True\n"
        "with mock.patch('getpass.getpass', lambda *a, **k: next(answers)),"
        " mock.patch('builtins.input', lambda *a, **k: next(answers)):\n"
        "    try:\n"
        "        call_command('createsuperuser', username='root', email='r@example.org',"
        " interactive=True, stdin=Terminal())\n"
        "    except (StopIteration, CommandError, SystemExit):\n"
        "        pass\n"
        "print('created', get_user_model().objects.filter(username='root').exists())\n"
        "get_user_model().objects.create_user('bob', password='quiet-meadow-lantern-42')\n"
        "tries = iter(['1', '1'] * 3)\n"
        "with mock.patch('getpass.getpass', lambda *a, **k: next(tries)):\n"
        "    try:\n"
        "        call_command('changepassword', 'bob')\n"
        "    except CommandError as exc:\n"
        "        print('changepassword:', exc)\n"
    )
    migrated_home(migrated_db, tmp_path)
    result = manage("shell", "-c", script, env={}, home=tmp_path)
    assert "created False" in result.stdout, result.stdout + result.stderr
    assert "changepassword: Aborting password change" in result.stdout
    assert "too short" in result.stderr or "too short" in result.stdout


# ---------------------------------------------------------------- anonymous bodies


def test_an_anonymous_body_over_64_kib_is_refused_unread(db: None) -> None:
    client = Client()
    big = {"username": "alice", "password": "x" * (70 * 1024)}
    response = client.post("/login/", big)
    assert response.status_code == 413
    assert "64 KiB at most before you sign in" in response.content.decode()
    assert client.post("/login/", {"username": "alice", "password": "x"}).status_code == 200


def test_a_signed_in_member_may_send_more(client: Client, alice: Owner) -> None:
    client.force_login(alice)
    response = client.post("/people/add", {"name": "Dana Kang", "notes": "x" * (100 * 1024)})
    assert response.status_code != 413


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ask(port: int, head: str, body: bytes = b"") -> str:
    """Send a raw request; the status line and headers of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head.encode() + body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            piece = conn.recv(65536)
            if not piece:
                break
            answer += piece
    return answer.decode("latin-1")


@pytest.fixture
def served(tmp_path: Path, migrated_db: Path) -> Iterator[int]:
    """`troth serve --sign-in` as a proxy's backend: an account, a key, an upload limit
    of 1 MB; yields the port."""
    yield from _serve(migrated_home(migrated_db, tmp_path), {})


@pytest.fixture
def served_behind_proxy(tmp_path: Path, migrated_db: Path) -> Iterator[int]:
    """`troth serve` with exactly the README's production environment; yields the port."""
    env = production_env()
    env.pop("TROTH_TASKS", None)  # no worker here: nothing is imported
    yield from _serve(migrated_home(migrated_db, tmp_path), env)


def _serve(tmp_path: Path, extra: dict[str, str]) -> Iterator[int]:
    """On a home whose database is migrated already (a copy: tests/module_data.py)."""
    env = {
        "TROTH_SECRET_KEY": secrets.token_urlsafe(50),
        "TROTH_MAX_UPLOAD_MB": "1",
        "DJANGO_SUPERUSER_PASSWORD": "quiet-meadow-lantern-42",
        **extra,
    }
    made = manage(
        "createsuperuser", "--noinput", "--username", "root", "--email", "r@example.org",
        env=env, home=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    clean.update(env, TROTH_HOME=str(tmp_path), PYTHONUNBUFFERED="1")
    log = tmp_path / "serve.log"
    troth = str(Path(sys.executable).parent / "troth")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [troth, "serve", "--port", str(port), "--sign-in", "--no-open"],
            env=clean,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "troth is serving on" not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert "sign-in required" in log.read_text()
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.mark.own_process
def test_the_real_server_caps_bodies(served: int) -> None:
    port = served
    # Behind --sign-in, loopback is no longer the owner: the page asks to sign in.
    assert " 302 " in _ask(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").split("\r\n")[0]
    # Anonymous, 100 KiB: troth refuses it (the body is sent, waitress holds it).
    body = b"username=a&password=" + b"x" * (100 * 1024)
    head = (
        "POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    assert " 413 " in _ask(port, head, body).split("\r\n")[0]
    # Announcing more than the upload limit and its margin (1 MB + 16 MiB): waitress
    # answers 413 at once, without waiting for (or buffering) a byte of it.
    head = (
        "POST /import/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {40 * 1024 * 1024}\r\n"
        "Connection: close\r\n\r\n"
    )
    started = time.monotonic()
    assert " 413 " in _ask(port, head).split("\r\n")[0]
    assert time.monotonic() - started < 5


@pytest.mark.own_process
def test_the_real_server_believes_the_proxy_about_https(served_behind_proxy: int) -> None:
    """Through waitress, not the test client: waitress drops forwarded headers from
    clients it does not trust, which once made every request behind the README's proxy
    look like plain HTTP (a redirect loop, and no HSTS)."""
    port = served_behind_proxy
    host = "Host: troth.example.org\r\n"
    proxied = _ask(port, f"GET /login/ HTTP/1.1\r\n{host}X-Forwarded-Proto: https\r\n\r\n")
    assert " 200 " in proxied.split("\r\n")[0], proxied
    assert "strict-transport-security: max-age=31536000" in proxied.lower()
    plain = _ask(port, f"GET /login/ HTTP/1.1\r\n{host}X-Forwarded-Proto: http\r\n\r\n")
    assert " 301 " in plain.split("\r\n")[0] and "https://troth.example.org/login/" in plain
