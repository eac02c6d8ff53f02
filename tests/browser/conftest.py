"""Browser tests: the real `troth serve --demo` process, driven by Playwright and
Debian's Chromium (`apt-get install chromium`; Playwright's own browser download is
never used, so `playwright install` is not needed).

Without Chromium (or the playwright package) these tests skip with one line, so the
README's plain `pytest` still passes on a laptop; in CI (CI=true) a missing
browser fails them instead, because a skipped browser test would hide a gap.

Screenshots go to TROTH_SCREENSHOTS (CI keeps bench/screenshots), else to a
temporary folder named at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from module_data import migrated_home

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
START_TIMEOUT = 120  # seconds: migrating and loading the demo network come first


# The demo network is simulated around "today": the server runs with its clock pinned to
# the same fixed day as tests/conftest.py's FIXED_DAY (or TROTH_TEST_TODAY when the whole
# suite is pinned), so every walk sees the same network whatever day it runs on.
SERVER_DAY = os.environ.get("TROTH_TEST_TODAY") or "2031-05-14"
PINNED_TROTH = [
    sys.executable,
    "-c",
    "import datetime as dt, sys, time_machine\n"
    "day = dt.date.fromisoformat(sys.argv.pop(1))\n"
    "time_machine.travel(dt.datetime.combine(day, dt.time(12)), tick=True).start()\n"
    "from troth.cli import main\n"
    "sys.argv[0] = 'troth'\n"
    "main()",
    SERVER_DAY,
]


def _chromium() -> str | None:
    """TROTH_CHROMIUM if set (and only it), else Debian's chromium."""
    chosen = os.environ.get("TROTH_CHROMIUM")
    candidates = [chosen] if chosen else [shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: {reason}; .ci/run installs it (apt-get install chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if not path:
        _missing("Chromium is not installed (apt-get install chromium) for the browser tests")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str, django_db_setup: None) -> Iterator[Any]:
    # The test database first: once Playwright's sync API runs its event loop in this
    # worker, creating that database (for a later test, in a random order) is refused
    # as synchronous work inside an event loop (SynchronousOnlyOperation).
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is missing (pip install -e '.[test]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory, migrated_db: Path
) -> Iterator[str]:
    """`troth serve --demo --no-open` as a user starts it, on a free loopback port
    with a fresh TROTH_HOME (a copy of the migrated database: a new home's migration is
    test_cli_process's subject); yields its base URL and stops it afterwards."""
    home = migrated_home(migrated_db, tmp_path_factory.mktemp("troth-home"))
    log_path = home / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env["TROTH_HOME"] = str(home)
    env["PYTHONUNBUFFERED"] = "1"
    # The kernel may hand the port to someone else between probe and bind: try again.
    for _attempt in range(3):
        port = _free_port()
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                [*PINNED_TROTH, "serve", "--demo", "--no-open", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        url = _wait_for_url(proc, log_path)
        if url:
            break
    else:
        pytest.fail(f"troth serve did not start:\n{log_path.read_text()}")
    try:
        yield url.rstrip("/")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_for_url(proc: subprocess.Popen[str], log_path: Path) -> str | None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for line in log_path.read_text().splitlines():
            if line.startswith("troth is serving on "):
                return line.split()[4]
        if proc.poll() is not None:
            return None  # exited: port taken, or a real failure (the log tells)
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    pytest.fail(f"troth serve printed no address in {START_TIMEOUT}s:\n{log_path.read_text()}")


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A desktop-sized page in its own context, with the server as base URL.
    A script error, a console error or a 5xx answer fails the test: a broken script
    or a missing static file is a bug even when the text looks right. (A form with
    errors is a 400 that htmx swaps in: expected, so only that one is let through.)"""
    context = browser.new_context(viewport=DESKTOP, base_url=server)
    context.set_default_timeout(10_000)
    pg = context.new_page()
    problems: list[str] = []

    def console(msg: Any) -> None:
        if msg.type == "error" and "status of 400" not in msg.text:
            problems.append(f"console error: {msg.text}")

    def answered(response: Any) -> None:
        if response.status >= 500 or response.status == 404:
            problems.append(f"{response.status} for {response.request.method} {response.url}")

    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", console)
    pg.on("response", answered)
    try:
        yield pg
    finally:
        context.close()
    assert not problems, "\n".join(problems)


# Every form control that a person fills in must be named: by a <label>, by
# aria-label or by aria-labelledby. Buttons name themselves by their text.
UNLABELLED = """() => {
  const skip = new Set(["hidden", "submit", "button", "reset", "image"]);
  const named = (el) => {
    if (Array.from(el.labels || []).some((l) => l.textContent.trim())) return true;
    if ((el.getAttribute("aria-label") || "").trim()) return true;
    return (el.getAttribute("aria-labelledby") || "").split(/\\s+/).some((id) => {
      const node = id && document.getElementById(id);
      return node && node.textContent.trim();
    });
  };
  return Array.from(document.querySelectorAll("input, select, textarea"))
    .filter((el) => !skip.has((el.getAttribute("type") || "").toLowerCase()) && !named(el))
    .map((el) => el.outerHTML.slice(0, 200));
}"""


def _assert_labelled(page: Any) -> None:
    unlabelled = page.evaluate(UNLABELLED)
    assert not unlabelled, f"{page.url}: form controls without a label:\n" + "\n".join(unlabelled)


@pytest.fixture(scope="session")
def labels_ok() -> Callable[[Any], None]:
    """Call it with a page: fails naming each form control that has no label."""
    return _assert_labelled


_SHOTS: dict[str, Path] = {}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    chosen = os.environ.get("TROTH_SCREENSHOTS")
    folder = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="troth-screenshots-"))
    folder.mkdir(parents=True, exist_ok=True)
    _SHOTS["dir"] = folder.resolve()
    return folder


def pytest_terminal_summary(terminalreporter: Any) -> None:
    folder = _SHOTS.get("dir")
    if folder is not None:
        count = len(list(folder.glob("*.png")))
        terminalreporter.write_line(f"browser screenshots: {count} in {folder}")


@pytest.fixture(scope="session")
def start_server(chromium_path: str) -> Iterator[Callable[..., str]]:
    """Start another `troth ...` server process (pinned to SERVER_DAY) for tests that
    need a server set up their own way: start(args, env, log_path) -> base URL. Each
    one is stopped at the end of the session."""
    started: list[subprocess.Popen[str]] = []

    def start(args: list[str], env: dict[str, str], log_path: Path) -> str:
        for _attempt in range(3):
            port = _free_port()
            with open(log_path, "w") as log:
                proc = subprocess.Popen(
                    [*PINNED_TROTH, *args, "--port", str(port)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            started.append(proc)
            url = _wait_for_url(proc, log_path)
            if url:
                return url.rstrip("/")
        pytest.fail(f"troth {' '.join(args)} did not start:\n{log_path.read_text()}")

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
