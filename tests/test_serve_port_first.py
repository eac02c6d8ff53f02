"""`troth serve` on a port in use, or on a host that is no address, says so before it
creates or migrates a database or loads the demo (a newcomer's review, 2026-12-07:
half a minute of loading, then "address already in use"). A real process, as a user
runs it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

# troth runs in processes of its own (its own SQLite home, TROTH_* stripped): the
# PostgreSQL pass would repeat these unchanged
pytestmark = pytest.mark.own_process

TROTH = shutil.which("troth") or str(Path(sys.executable).parent / "troth")


def _serve(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env["TROTH_HOME"] = str(home)
    return subprocess.run(
        [TROTH, "serve", "--no-open", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_port_in_use_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _serve(home, "--port", str(port), "--demo")
    assert result.returncode == 2, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr
    assert not (home / "troth.sqlite3").exists()  # no database made, no demo loaded


@pytest.mark.parametrize("host", ["x" * 70 + ".example", "no such host.invalid"])
def test_a_host_that_is_no_address_names_host(tmp_path: Path, host: str) -> None:
    result = _serve(tmp_path / "home", "--host", host)
    assert result.returncode == 2, result.stderr
    assert "--host" in result.stderr and "not an address to listen on" in result.stderr
    assert "Traceback" not in result.stderr
