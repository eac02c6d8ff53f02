"""The group server's mail, as background tasks (django-tasks): invitations an
organiser asks to have mailed, and the reminders of introduction asks. With the
database backend `troth worker` sends them; with the immediate one (a laptop) they go
at once, in the request."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_group_mail(to: str, subject: str, body: str, what: str) -> str:
    """One message through the server's mail settings (TROTH_SMTP_*)."""
    from troth.agenda.digest import do_send_server_mail

    do_send_server_mail(subject, body, to, what)
    return f"sent {what} to {to}"


@task()
def remind_members(base_url: str) -> str:
    """`troth group remind` for `troth worker`'s hourly schedule."""
    from troth.groups.introductions import do_remind

    expired, reminded = do_remind(base_url)
    return f"{expired} expired, {reminded} reminded"


def invitation_mail(group_name: str, expires: str, link: str) -> tuple[str, str]:
    """(subject, body) of an invitation."""
    return (
        f"You are invited to {group_name} on troth",
        f"You are invited to join {group_name}.\n\n"
        f"Open this link to choose a user name and a password; it works once, until"
        f" {expires}:\n{link}\n",
    )


def mail_now_or_queue(to: str, subject: str, body: str, what: str) -> str:
    """Send now with the immediate backend (a laptop: a failure is one TrothError line
    for the page), else queue it for `troth worker`. Returns what happened, in words."""
    from django_tasks import task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    if isinstance(task_backends[send_group_mail.backend], ImmediateBackend):
        from troth.agenda.digest import do_send_server_mail

        do_send_server_mail(subject, body, to, what)
        return f"Sent {what} to {to}."
    send_group_mail.enqueue(to, subject, body, what)
    return f"{what[0].upper()}{what[1:]} to {to} is queued: troth worker sends it."


# How often `troth worker` looks for introduction reminders to send.
REMIND_EVERY = 3600.0


def start_reminders(base_url: str, every: float = REMIND_EVERY) -> threading.Event:
    """A daemon thread in `troth worker` that queues `remind_members` every `every`
    seconds (the first time at once). Set the returned event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                close_old_connections()
                remind_members.enqueue(base_url)
            except Exception:  # a bad hour must not end the schedule
                logger.exception("could not queue the group reminders")
            finally:
                close_old_connections()
            if stop.wait(every):
                return

    threading.Thread(target=loop, name="troth-group-reminders", daemon=True).start()
    return stop
