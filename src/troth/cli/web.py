"""troth serve: the web app on this machine.

Local mode (the default, 127.0.0.1): nobody signs in to their own laptop, so a
request from this machine is the local owner's. Any other address opens troth to
the network: that needs a real account with a password, a secret key of your own,
and every request signs in.

Local mode trusts the loopback address, so never put a reverse proxy on this
machine in front of it: behind a proxy every request comes from 127.0.0.1. Serve
with --sign-in (and an account) instead: `troth serve --host 127.0.0.1 --sign-in`
behind a proxy on the same machine, or --host with another address.

The server accepts no request body bigger than the upload limit
(TROTH_MAX_UPLOAD_MB, plus room for the form around the file): waitress would
otherwise buffer up to 1 GiB of anyone's request to disk before troth sees it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import webbrowser
from typing import Any

import typer

from troth.cli.app import command, console, owner
from troth.errors import TrothError

CREATE_ACCOUNT = "python -m troth.manage createsuperuser"
DEFAULT_KEY_PREFIX = "troth-local-insecure-key"


def is_loopback_host(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    shown = host
    if host in {"0.0.0.0", "::"}:  # every interface: this machine's name reaches it
        shown = "localhost"
    elif ":" in host and not host.startswith("["):
        shown = f"[{host}]"
    return f"http://{shown}:{port}/"


def _check_network_mode(host: str) -> None:
    """Serving beyond loopback: refuse unless someone can actually sign in, and
    unless the secret key is the operator's own (the shipped one is public)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    usable = [u for u in get_user_model().objects.filter(is_active=True) if u.has_usable_password()]
    if not usable:
        raise TrothError(
            f"--host {host} opens troth to the network, which needs an account with a password;"
            f" create one with: {CREATE_ACCOUNT} (or serve on 127.0.0.1)"
        )
    if str(settings.SECRET_KEY).startswith(DEFAULT_KEY_PREFIX):
        raise TrothError(
            f"--host {host} needs a secret key of your own: set TROTH_SECRET_KEY to a long"
            " random string (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )


def allowed_hosts(host: str, listed: str) -> str:
    """TROTH_ALLOWED_HOSTS for serving `host`: requests must name the address served
    (Django checks the Host header); a wildcard address is reached by the names the
    operator lists in TROTH_ALLOWED_HOSTS, so `listed` is kept as it is."""
    bare = host.strip("[]")
    names = [n for n in listed.split(",") if n]
    if bare in {"0.0.0.0", "::"}:
        return ",".join(names)
    name = f"[{bare}]" if ":" in bare else bare
    return ",".join(names if name in names else [*names, name])


def decide_mode(host: str, local: bool) -> None:
    """Put the mode into the environment that settings.py reads: called before Django
    starts, so settings are never changed while the server runs."""
    os.environ["TROTH_LOCAL_LOGIN"] = "1" if local else "0"
    os.environ["TROTH_NETWORK_MODE"] = "0" if local else "1"
    os.environ["TROTH_ALLOWED_HOSTS"] = allowed_hosts(
        host, os.environ.get("TROTH_ALLOWED_HOSTS", "127.0.0.1,localhost")
    )


def _check_mode_took(host: str, local: bool) -> None:
    """Django was started before serve could set the mode (troth serve called inside a
    process that already runs troth): refuse rather than serve with the wrong mode."""
    from django.conf import settings

    name = host.strip("[]")
    name = f"[{name}]" if ":" in name else name
    took = (
        bool(settings.TROTH_LOCAL_LOGIN) == local
        and bool(settings.TROTH_NETWORK_MODE) == (not local)
        and (name in {"0.0.0.0", "[::]"} or name in settings.ALLOWED_HOSTS)
    )
    if not took:
        raise TrothError(
            "troth serve must start in a process of its own (Django was already started"
            " with another mode); run it from the shell"
        )


def max_body_bytes() -> int:
    """The largest request body the server takes: an upload at the Import page's limit
    with room to spare for the multipart form around it (so that an upload just over
    the limit still reaches troth and gets its clear refusal page)."""
    from django.conf import settings

    return int(settings.TROTH_MAX_UPLOAD_MB * 1024 * 1024) + 16 * 1024 * 1024


def _has_desktop() -> bool:
    """Open a browser only where one can appear: on Linux without a display,
    `webbrowser` would start a text browser in this very terminal."""
    import sys

    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _load_demo_if_empty(me_owner) -> None:
    from troth.cli.demo import demo
    from troth.people.models import Person

    if Person.objects.filter(owner=me_owner, is_me=False).exists():
        console.print("--demo: your database already holds people; serving them as they are.")
        return
    demo(people=300, seed=7, interactions=None, reset=False, as_json=False)


# The forwarded headers waitress itself can be told to trust (waitress.proxy_headers).
WAITRESS_PROXY_HEADERS = frozenset(
    {"forwarded", "x-forwarded-by", "x-forwarded-for", "x-forwarded-host"}
    | {"x-forwarded-port", "x-forwarded-proto"}
)


def proxy_options() -> dict[str, Any]:
    """waitress drops X-Forwarded-* headers that come from a client it does not trust
    before Django sees them, so behind the README's HTTPS proxy (TROTH_PROXY_SSL_HEADER)
    every request looked like plain HTTP: SSL redirects looped and HSTS was never sent
    (found by a security review). Trust the proxy's address (TROTH_TRUSTED_PROXY, default
    127.0.0.1: the proxy on this machine) for that one header, and nothing else."""
    from django.conf import settings

    header = settings.SECURE_PROXY_SSL_HEADER
    if not header:
        return {}
    name = header[0].removeprefix("HTTP_").replace("_", "-").lower()
    proxy = os.environ.get("TROTH_TRUSTED_PROXY", "127.0.0.1").strip() or "127.0.0.1"
    if name in WAITRESS_PROXY_HEADERS:
        return {"trusted_proxy": proxy, "trusted_proxy_headers": {name}, "trusted_proxy_count": 1}
    # a header of the proxy's own naming: waitress passes it on as it is
    return {"clear_untrusted_proxy_headers": False}


def _check_port(host: str, port: int) -> None:
    """Refuse a port in use before the database, the demo and the rest: `serve --demo`
    on a taken port spent half a minute loading, then said so (a newcomer's review).
    (Checked again for real when the server binds: someone may take it meanwhile.)"""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (OSError, UnicodeError, ValueError) as exc:  # (a label past 63 letters: UnicodeError)
        raise TrothError(f"--host {host[:80]!r}: not an address to listen on ({exc})") from None
    try:
        socket.create_server((host, port), family=family).close()
    except OSError as exc:
        raise TrothError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another with --port)"
        ) from None


@command("serve", rich_help_panel="Setup")
def serve(
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to bind; anything but loopback needs an account and sign-in.",
    ),
    demo: bool = typer.Option(
        False, "--demo", help="Load the demo network if there is no one yet."
    ),
    group: bool = typer.Option(
        False,
        "--group",
        help="Also load a demo networking group of 30 members that you organise (implies --demo).",
    ),
    no_open: bool = typer.Option(False, "--no-open", help="Do not open a browser."),
    threads: int = typer.Option(8, "--threads", help="Worker threads (in each process)."),
    workers: int = typer.Option(
        1,
        "--workers",
        help="Processes serving requests (Linux and macOS): on a server, one per core.",
    ),
    sign_in: bool = typer.Option(
        False,
        "--sign-in",
        help="Require sign-in even on a loopback address (behind a reverse proxy on this"
        " machine, where every request comes from 127.0.0.1).",
    ),
) -> None:
    """Serve the web app (migrating first) and print its address."""
    if not 1 <= port <= 65535:
        raise TrothError(f"--port must be between 1 and 65535, got {port}")
    if not 1 <= threads <= 64:
        raise TrothError(f"--threads must be between 1 and 64, got {threads}")
    if not 1 <= workers <= 64:
        raise TrothError(f"--workers must be between 1 and 64, got {workers}")
    if workers > 1 and not hasattr(os, "fork"):
        raise TrothError("--workers needs a system that can fork processes (Linux, macOS)")
    host = host.strip().strip("[]")
    local = is_loopback_host(host) and not sign_in
    from django.apps import apps

    if not apps.ready:  # decided before Django reads its settings (owner() starts it)
        decide_mode(host, local)
        # a process of its own (the shell's troth serve): the port before the migrate
        # and the demo; inside a running Django the checks below come first, as ever
        _check_port(host, port)
    me_owner = owner()  # migrates when the schema is behind
    from troth.bootstrap import holding_database

    # held while this process runs: `troth restore` refuses to move the database
    # from under it (troth.lib.inuse)
    with holding_database():
        from troth.importers.tasks import do_interrupt_stale

        do_interrupt_stale()  # imports cut off when troth last stopped: said so, uploads deleted
        if not local:
            _check_network_mode(host)
        _check_mode_took(host, local)
        if demo or group:
            _load_demo_if_empty(me_owner)
        if group:
            from troth.sim.group_demo import do_load_demo_group

            demo_group = do_load_demo_group(me_owner)

        from django.core.wsgi import get_wsgi_application
        from waitress import create_server

        app = get_wsgi_application()
        options = {
            "threads": threads,
            "ident": "troth",
            "max_request_body_size": max_body_bytes(),
            **proxy_options(),
        }
        pool = None
        try:
            if workers > 1:
                from troth.web.workers import Pool

                pool = Pool(app, host, port, workers, options)
            else:
                server = create_server(app, host=host, port=port, **options)
        except OSError as exc:
            raise TrothError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        url = _url(host, port)
        mode = "local mode: no sign-in on this machine" if local else "sign-in required"
        # The address on stdout, flushed, so scripts (and tests) can wait for it.
        typer.echo(f"troth is serving on {url} ({mode}). Press Ctrl+C to stop.")
        if group:
            typer.echo(f"{demo_group.name}: {url}groups/{demo_group.slug}/")
        if not no_open and _has_desktop():
            threading.Timer(0.5, lambda: webbrowser.open(url)).start()
        from troth.importers.tasks import runs_in_thread

        schedule = None
        # Threads of this process: with --workers it only forks and watches the workers
        # (a thread running at a fork is not safe to copy), and a server with workers runs
        # troth worker for syncs and deliveries (README: production).
        in_process = runs_in_thread() and pool is None
        if in_process:  # no troth worker on a laptop: mail and calendars sync from here
            from troth.sync.tasks import start_schedule

            schedule = start_schedule()  # only once the server runs, and only while it does
        from troth.webhooks.actions import start_deliveries

        # webhook deliveries: sent by this process on a laptop, by troth worker on a server
        deliveries = start_deliveries() if in_process else None
        try:
            if pool is not None:
                pool.run()
            else:
                server.run()
        except KeyboardInterrupt:
            pass
        finally:
            if schedule is not None:
                schedule.set()
            if deliveries is not None:
                deliveries.set()
            if pool is not None:
                pool.close()
            else:
                server.close()
    typer.echo("troth stopped.")
