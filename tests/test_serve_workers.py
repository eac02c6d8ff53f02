"""`troth serve --workers N` (issue 20): N processes serve one address; a process that
dies is replaced; stopping the server stops them all. And /healthz answers without
signing in."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import pytest
from django.test import Client

from module_data import migrated_home

if TYPE_CHECKING:
    from collections.abc import Callable

TROTH = str(Path(sys.executable).parent / "troth")
T = TypeVar("T")

linux_only = pytest.mark.skipif(
    not Path("/proc/self/task").is_dir() or not hasattr(os, "fork"),
    reason="reads a process's children from Linux's /proc",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(proc: subprocess.Popen[str], url: str) -> tuple[str, str]:
    """The page's final address and body, once the server answers (90 s at most)."""
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read() if proc.stdout else "serve exited")
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return r.geturl(), r.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    out: str
    out, _ = proc.communicate(timeout=30)
    return out


def children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        out |= {int(x) for x in (task / "children").read_text().split()}
    return out


def wait_for(check: Callable[[], T | Literal[False]], seconds: float = 30.0) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def user_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env["TROTH_HOME"] = str(tmp_path / "home")
    return env


@pytest.mark.own_process
@linux_only
def test_two_workers_serve_and_a_dead_one_is_replaced(tmp_path: Path, migrated_db: Path) -> None:
    migrated_home(migrated_db, tmp_path / "home")  # user_env's home
    port = _free_port()
    proc = subprocess.Popen(
        [TROTH, "serve", "--port", str(port), "--no-open", "--workers", "2", "--threads", "2"],
        env=user_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _url, body = _get(proc, base + "/healthz")
        assert body == "ok\n"
        first = wait_for(lambda: (c := children(proc.pid)) and len(c) == 2 and c)
        with ThreadPoolExecutor(8) as pool:  # many at once, all answered
            pages = list(pool.map(lambda _i: _get(proc, base + "/people/")[1], range(16)))
        assert all("People" in page for page in pages)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        after = wait_for(
            lambda: (c := children(proc.pid)) and len(c) == 2 and victim not in c and c
        )
        assert len(after - first) == 1  # one new process in the dead one's place
        assert _get(proc, base + "/healthz")[1] == "ok\n"
    finally:
        out = _stop(proc)
    assert proc.returncode == 0, out
    assert "troth stopped." in out
    for pid in after:  # none left behind
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )


@pytest.mark.own_process
def test_workers_out_of_range_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [TROTH, "serve", "--workers", "0", "--no-open"],
        env=user_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--workers must be between 1 and 64, got 0" in result.stderr


def test_healthz_needs_no_sign_in(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert client.post("/healthz").status_code == 405
