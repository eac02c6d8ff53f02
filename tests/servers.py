"""Real mail and calendar servers on 127.0.0.1 for the sync tests and bench/bench_sync.py.

Debian's dovecot (IMAP) and Radicale (CalDAV), started from their installed binaries
in a temporary directory with a configuration of their own (no system service, no
file under /etc touched), on free ports. When a binary is absent the caller skips,
except under CI=true, where a skipped server test would hide a gap (see `need`).
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
)
RADICALE = shutil.which("radicale")
USER = "sam"
PASSWORD = "app-password-1"


def need(binary: str | None, what: str) -> str:
    """The binary's path; else skip (a laptop without it) or fail (CI)."""
    import pytest

    if binary:
        return binary
    reason = f"{what} is not installed (apt-get install -y dovecot-imapd radicale)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: {reason}")
    pytest.skip(reason)


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc; none where there is no /proc)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.parent.name))
    return found


def _group_running(group: int) -> bool:
    """Whether any process of process group `group` still runs (zombies do not)."""
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            return True
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes] | None = None, seconds: float = 15) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}") from None
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds}s")


@dataclass
class Dovecot:
    """One dovecot with one user (USER / PASSWORD) whose mail is a Maildir at `maildir`."""

    root: Path
    binary: str
    port: int = 0

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # dovecot's own users must reach the files: a directory of its own under
            # /tmp (pytest's are 0700 to root), removed by `close`
            self.root = Path(tempfile.mkdtemp(prefix="troth-dovecot-"))
            os.chmod(self.root, 0o755)
        self.maildir = self.root / "home" / USER / "Maildir"
        self.conf = self.root / "dovecot.conf"
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        for folder in ("", ".Sent", ".Archive"):
            for part in ("cur", "new", "tmp"):
                (self.maildir / folder / part).mkdir(parents=True, exist_ok=True)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        if os.geteuid() == 0:
            # root: the mail processes run as dovecot's own unprivileged user
            internal = pwd.getpwnam("dovecot")
            login = "dovenull"
        else:
            internal = pwd.getpwuid(os.geteuid())
            login = internal.pw_name
        self.uid, self.gid = internal.pw_uid, internal.pw_gid
        self.conf.write_text(
            f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# a wrong password answers at once (dovecot waits 2 s by default: seconds of the suite)
auth_failure_delay = 0
default_internal_user = {internal.pw_name}
default_internal_group = {grp.getgrgid(self.gid).gr_name}
default_login_user = {login}
first_valid_uid = {min(self.uid, 500)}
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={self.root}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Archive {{
    special_use = \\Archive
    auto = subscribe
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
  # no growing delay for the loopback address after a wrong password (the tests log in
  # wrong on purpose, then right: 2 s more per login)
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
}}
service auth-worker {{
  user = {internal.pw_name}
}}
service stats {{
  unix_listener stats-reader {{
    user = {internal.pw_name}
  }}
  unix_listener stats-writer {{
    user = {internal.pw_name}
  }}
}}
"""
        )
        self._fix_owner()

    def _fix_owner(self) -> None:
        if os.geteuid() == 0:
            for path in [self.root / "home", *(self.root / "home").rglob("*")]:
                os.chown(path, self.uid, self.gid)

    def start(self) -> None:
        self._fix_owner()
        subprocess.run([self.binary, "-c", str(self.conf)], check=True)
        _wait_port(self.port)
        # the master writes its pid file only after it is listening: stop() needs it
        end = time.monotonic() + 15
        while not (self.root / "run" / "master.pid").exists() and time.monotonic() < end:
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server at once, as a crash would: SIGKILL to its whole process group
        (the master made a session of its own when it went to the background: every
        process it started is in it). (SIGTERM made the master wait about a second for
        its children, and its exit was then seen only once PID 1 reaped it: 1.5-7 s a
        test here, 30 s of the suite. Killing the master and the children listed a
        moment before missed one started meanwhile, which kept a socket, and the next
        start said "already running": a CI run.) The mail is in Maildir files the test
        wrote; dovecot rebuilds any index a kill left half-written."""
        pid_file = self.root / "run" / "master.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().strip())
        try:
            group = os.getpgid(pid)
        except ProcessLookupError:
            group = None
        if group is not None and group != os.getpgrp():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        else:  # not a group of its own (never seen): the master and its children
            for victim in (pid, *_children(pid)):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(victim, signal.SIGKILL)
        end = time.monotonic() + 10
        while time.monotonic() < end and _group_running(group if group is not None else pid):
            time.sleep(0.01)
        pid_file.unlink(missing_ok=True)
        # stopped means refused
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            except OSError:
                return
            time.sleep(0.02)

    def close(self) -> None:
        self.stop()
        if os.geteuid() == 0:
            shutil.rmtree(self.root, ignore_errors=True)

    def deliver(self, folder: str, name: str, data: bytes) -> None:
        """One message file into a folder ("" the inbox, "Sent", "Archive")."""
        where = self.maildir / (f".{folder}" if folder else "") / "new"
        tmp = self.maildir / (f".{folder}" if folder else "") / "tmp" / name
        tmp.write_bytes(data)
        if os.geteuid() == 0:
            os.chown(tmp, self.uid, self.gid)
        os.replace(tmp, where / name)

    def uidvalidity(self, folder: str = "INBOX") -> int:
        """The folder's UIDVALIDITY as the running server tells it."""
        from imapclient import IMAPClient

        with IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10) as client:
            client.login(USER, PASSWORD)
            return int(client.select_folder(folder, readonly=True)[b"UIDVALIDITY"])

    def new_uidvalidity(self, folder: str = "") -> int:
        """Restart with a UIDVALIDITY other than the one the folder has now, and return
        it. Dovecot picks a new one from the clock when it finds no index; on a loaded
        machine it has kept the old one once (CI), so this checks and tries again."""
        name = folder or "INBOX"
        old = self.uidvalidity(name)
        for _attempt in range(5):
            self.stop()
            self.reset_uidvalidity(folder)
            self.start()
            new = self.uidvalidity(name)
            if new != old:
                return new
        raise AssertionError(f"dovecot kept UIDVALIDITY {old} after 5 resets")

    def reset_uidvalidity(self, folder: str = "") -> None:
        """Forget the folder's UIDs (server stopped): dovecot hands out a new UIDVALIDITY.
        It takes the time in seconds: wait for a second the old one was not made in
        (sleep, not the wall clock, which a test may have pinned: TROTH_TEST_TODAY)."""
        base = self.maildir / (f".{folder}" if folder else "")
        time.sleep(1.05)
        for path in base.iterdir():
            if path.name.startswith("dovecot") and path.is_file():
                path.unlink()


@dataclass
class Radicale:
    """Radicale with one user (USER / PASSWORD, htpasswd plain) storing under root."""

    root: Path
    binary: str
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "users").write_text(f"{USER}:{PASSWORD}\n")
        self.conf = self.root / "config"
        self.conf.write_text(
            f"""
[server]
hosts = 127.0.0.1:{self.port}
[auth]
type = htpasswd
htpasswd_filename = {self.root}/users
htpasswd_encryption = plain
[storage]
filesystem_folder = {self.root}/collections
[rights]
type = owner_only
[logging]
level = warning
"""
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        with open(self.root / "radicale.log", "ab") as log:  # the child keeps its own copy
            self.proc = subprocess.Popen(
                [self.binary, "--config", str(self.conf)],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        _wait_port(self.port, self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


if __name__ == "__main__":  # a manual check: python tests/servers.py
    with tempfile.TemporaryDirectory() as d:
        server = Dovecot(Path(d), DOVECOT or "dovecot")
        server.start()
        print("dovecot on", server.port, file=sys.stderr)
        server.stop()
