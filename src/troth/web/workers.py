"""`troth serve --workers N`: N waitress processes on one listening socket (issue 20).

One Python process runs one page at a time however many threads it has (the
interpreter lock), so on a server with N cores one process leaves N-1 of them idle.
Here the parent binds the address once, starts the app (Django, the middleware,
the URL map) and forks N children that each serve the inherited socket with their
own waitress and threads; the kernel hands each new connection to one of them. The
parent only supervises: a child that dies is replaced, and Ctrl+C or SIGTERM stops
them all (each finishes the requests it is serving).

Why not gunicorn: troth's server settings are waitress's (the request body limit
that refuses an oversized upload before it is buffered, and the trusted-proxy
headers of `troth serve`); gunicorn has no body limit of its own, and would be a
second server to configure and secure. A shared socket rather than SO_REUSEPORT:
it behaves the same on Linux and macOS (where SO_REUSEPORT does not spread the
connections) and there is only one address to bind and check.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from typing import Any

# a child that dies sooner than this after its start is not restarted in a loop
MIN_LIFETIME_S = 1.0


class Pool:
    def __init__(
        self, app: Any, host: str, port: int, workers: int, options: dict[str, Any]
    ) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.create_server((host, port), family=family, backlog=1024)
        self.app, self.options, self.workers = app, options, workers
        self.children: dict[int, float] = {}  # pid -> when it started
        self.stopping = False
        for _ in range(workers):
            self._spawn()

    def _spawn(self) -> None:
        from django.db import connections

        connections.close_all()  # a child opens its own; a shared one would be corrupted
        pid = os.fork()
        if pid == 0:  # the child: serve until told to stop
            code = 0
            try:
                self._serve()
            except BaseException:  # noqa: BLE001 - the child reports and exits, never returns
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        self.children[pid] = time.monotonic()

    def _serve(self) -> None:
        from waitress import create_server

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
        server = create_server(self.app, sockets=[self.sock], **self.options)

        def stop(_signum: int, _frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()

    def run(self) -> None:
        """Wait for the children; replace one that dies (until stopped)."""

        def stop(_signum: int, _frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        while self.children:
            pid, _status = os.wait()
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            if time.monotonic() - started < MIN_LIFETIME_S:
                time.sleep(MIN_LIFETIME_S)  # failing at start: do not spin
            self._spawn()

    def close(self) -> None:
        """Stop every child and wait for it (each finishes what it is serving)."""
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while self.children and time.monotonic() < deadline:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                self.children.pop(pid, None)
            else:
                time.sleep(0.05)
        for pid in list(self.children):  # still there after 10 s: stopped hard
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.children.clear()
        self.sock.close()
