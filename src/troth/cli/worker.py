"""troth worker: run the background tasks the web app queued (a server's imports).

With TROTH_TASKS=database (set for both `troth serve` and `troth worker`), an
upload on the Import page is queued in the database and this command runs it:
django-tasks-db's worker (`db_worker`), with troth's settings and migrations.
With the default (immediate) backend there is nothing to run: imports happen in
a thread of `troth serve` itself. The worker also queues the sync of each mail and
calendar source when it is due (troth sources; every 15 minutes by default).
"""

from __future__ import annotations

import typer

from troth.cli.app import command
from troth.errors import TrothError


@command("worker", rich_help_panel="Setup")
def worker(
    once: bool = typer.Option(
        False, "--once", help="Run every task queued now, then exit (cron, tests)."
    ),
    interval: float = typer.Option(
        1.0, "--interval", help="Seconds between looks at an empty queue.", show_default=True
    ),
    max_tasks: int | None = typer.Option(
        None, "--max-tasks", help="Exit after running this many tasks (restart to free memory)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing."),
) -> None:
    """Run queued imports, due mail and calendar syncs and webhook deliveries (TROTH_TASKS=database)."""
    from django.core.management import call_command
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    from troth import bootstrap

    if not interval >= 0:
        raise TrothError(f"--interval {interval}: give a number of seconds, 0 or more")
    if max_tasks is not None and max_tasks <= 0:
        raise TrothError(f"--max-tasks {max_tasks}: give a number of tasks, 1 or more")
    bootstrap.setup()
    if not isinstance(task_backends["default"], DatabaseBackend):
        raise TrothError(
            "troth worker runs tasks queued in the database: set TROTH_TASKS=database for"
            " both troth serve and troth worker (by default troth serve runs imports itself)"
        )
    from troth.importers.tasks import do_interrupt_stale

    # imports a worker was running when it died: said so, their uploads deleted
    stale = do_interrupt_stale()
    if stale and not quiet:
        typer.echo(f"Marked {stale} import(s) left running by a stopped worker as interrupted.")
    # mail and calendar sources (troth sources): each due one queued as a task
    from troth.sync.tasks import do_enqueue_due, start_schedule

    queued = do_enqueue_due()
    if queued and not quiet:
        typer.echo(f"Queued the sync of {len(queued)} source(s).")
    # the schedule thread lives exactly as long as the worker (a worker run inside
    # another process, as the tests do, must not leave it polling behind)
    schedule = None if once else start_schedule()
    # introduction reminders of the groups on this server, hourly, once the server's
    # address is known (the mails link to it)
    from django.conf import settings

    from troth.groups.tasks import start_reminders

    base = settings.TROTH_PUBLIC_URL.rstrip("/")
    reminders = (
        start_reminders(base) if base.startswith(("http://", "https://")) and not once else None
    )
    # webhook deliveries (troth webhooks): sent from a thread of their own, retried
    # with backoff; with --once, what is due now is sent after the queue
    from troth.webhooks.actions import do_deliver_due, do_emit_due_promises, start_deliveries

    deliveries = None if once else start_deliveries()
    # held while the worker runs: `troth restore` refuses to move the database from
    # under it (troth.lib.inuse)
    held = bootstrap.holding_database()
    held.__enter__()
    try:
        call_command(
            "db_worker",
            batch=once,
            interval=interval,
            startup_delay=not once,
            reload=False,
            max_tasks=max_tasks,
            verbosity=0 if quiet else 1,
        )
        if once:
            do_emit_due_promises()
            do_deliver_due()
    finally:
        held.__exit__(None, None, None)
        if schedule is not None:
            schedule.set()
        if reminders is not None:
            reminders.set()
        if deliveries is not None:
            deliveries.set()
