"""`troth group ...`: the operator's commands for networking groups on a server.

They run on the server's own machine, where whoever runs them already holds the
database, so they act for the installation rather than for one member: create a
group, invite by e-mail, list members and invitations, promote and remove.
Organisers do the same in the web app, where groups.access checks their role.
"""

from __future__ import annotations

import typer
from django.conf import settings
from django.db import transaction
from rich.markup import escape
from rich.table import Table

from troth.cli.app import app, console, one_line_errors, plural, print_json
from troth.errors import NotFound, TrothError

group_app = typer.Typer(
    name="group",
    help="Networking groups on a server: create, invite, members.",
    no_args_is_help=True,
)
app.add_typer(group_app, name="group", rich_help_panel="Setup")


def _setup() -> None:
    from troth import bootstrap

    bootstrap.setup()


def _public_url(url: str | None) -> str:
    """Where members reach this server, for links in mails: --url, else TROTH_PUBLIC_URL."""
    base = (url or settings.TROTH_PUBLIC_URL).rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise TrothError(
            "say where members reach this server: --url https://troth.example.org"
            " (or set TROTH_PUBLIC_URL)"
        )
    return base


def _user(text: str):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    by_name = User.objects.filter(username=text).first()
    by_address = User.objects.filter(email__iexact=text).first() if "@" in text else None
    if by_name and by_address and by_name.id != by_address.id:
        # a member may choose another's address as their user name: say so, pick neither
        raise TrothError(
            f"{text!r} is the user name of {by_name.username} (#{by_name.id}) and the"
            f" address of {by_address.username} (#{by_address.id}): use the user name of"
            " the one you mean"
        )
    user = by_name or by_address
    if user is None:
        raise NotFound(f"no account named {text!r}")
    return user


@group_app.command("create")
@one_line_errors
def create(
    name: str = typer.Argument(..., help="The group's name, e.g. 'Tuesday Job Club'."),
    organiser: str | None = typer.Option(
        None, "--organiser", help="An existing account (user name or e-mail) to organise it."
    ),
) -> None:
    """Create a group (then invite its organiser and members by e-mail)."""
    _setup()
    from troth.groups.actions import do_create_group

    with transaction.atomic():
        lead = _user(organiser) if organiser else None
        group = do_create_group(name, organiser=lead)
    console.print(f"[green]Created group[/green] {escape(group.name)} ({group.slug})")
    if lead is None:
        console.print(
            f"[dim]Invite its organiser: troth group invite {group.slug} ADDRESS --organiser[/dim]"
        )


@group_app.command("list")
@one_line_errors
def list_groups(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every group on this server, with its number of members."""
    _setup()
    from troth.groups.queries import all_groups

    rows = all_groups()
    if as_json:
        print_json({"groups": rows})
        return
    if not rows:
        console.print("No groups yet: troth group create NAME")
        return
    for row in rows:
        console.print(
            f"{escape(row['name'])} ({row['slug']}): {plural(row['members'], 'member')},"
            f" {plural(row['organisers'], 'organiser')}"
        )


@group_app.command("invite")
@one_line_errors
def invite(
    group: str = typer.Argument(..., help="The group's short name (slug) or name."),
    email: str = typer.Argument(..., help="The address to invite."),
    url: str | None = typer.Option(
        None,
        "--url",
        help="The server's address as members reach it (default TROTH_PUBLIC_URL).",
    ),
    organiser: bool = typer.Option(
        False, "--organiser", help="Make them an organiser when they join."
    ),
    send: bool = typer.Option(
        False, "--send", help="E-mail the link (TROTH_SMTP_* settings) instead of printing it."
    ),
) -> None:
    """Invite an address to a group: a single-use link that expires.

    The link is printed (send it yourself) or mailed with --send; it is never shown
    again (only a digest is kept). A new invitation to the same address withdraws the
    previous link.
    """
    _setup()
    from troth.groups.actions import do_invite
    from troth.groups.queries import find_group

    base = _public_url(url)
    from troth.agenda.digest import do_send_server_mail
    from troth.groups.tasks import invitation_mail

    with transaction.atomic():
        found = find_group(group)
        invitation, token = do_invite(found, email, as_organiser=organiser)
        link = f"{base}/join/{token}"
        if send:  # a failed send keeps no invitation: nothing half-written
            subject, body = invitation_mail(found.name, f"{invitation.expires_at:%Y-%m-%d}", link)
            do_send_server_mail(subject, body, invitation.email, "the invitation")
    if send:
        console.print(f"Sent the invitation to {escape(invitation.email)}.")
        return
    console.print(
        f"Invited {escape(invitation.email)} to {escape(found.name)}"
        f" (until {invitation.expires_at:%Y-%m-%d %H:%M} UTC). Their link, shown once:"
    )
    typer.echo(link)


@group_app.command("members")
@one_line_errors
def members(
    group: str = typer.Argument(..., help="The group's short name (slug) or name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Members (with their e-mail addresses and roles) and invitations still open."""
    _setup()
    from troth.groups.queries import find_group
    from troth.groups.queries import members as members_of

    data = members_of(find_group(group))
    if as_json:
        print_json(data)
        return
    table = Table(title=f"{data['group']['name']}: {plural(len(data['members']), 'member')}")
    for column in ("id", "user name", "e-mail", "role", "joined"):
        table.add_column(column)
    for m in data["members"]:
        table.add_row(
            str(m["user_id"]),
            escape(m["username"]),
            escape(m["email"]),
            m["role"],
            m["joined_at"][:10],
        )
    console.print(table)
    if data["invitations"]:
        console.print(f"Invited, not joined yet ({len(data['invitations'])}):")
        for inv in data["invitations"]:
            console.print(f"  #{inv['id']} {escape(inv['email'])} until {inv['expires_at'][:10]}")


@group_app.command("role")
@one_line_errors
def role(
    group: str = typer.Argument(..., help="The group's short name (slug) or name."),
    account: str = typer.Argument(..., help="The member's user name or e-mail."),
    new_role: str = typer.Argument(..., help="organiser or member."),
) -> None:
    """Promote a member to organiser, or make an organiser a member again."""
    _setup()
    from troth.groups.actions import do_set_role
    from troth.groups.queries import find_group

    with transaction.atomic():
        found = find_group(group)
        membership = do_set_role(found, _user(account).id, new_role.strip().lower())
    console.print(f"{escape(account)} is now {membership.role} of {escape(found.name)}")


@group_app.command("remove")
@one_line_errors
def remove(
    group: str = typer.Argument(..., help="The group's short name (slug) or name."),
    account: str = typer.Argument(..., help="The member's user name or e-mail."),
) -> None:
    """Take a member out of a group (their own troth stays theirs, untouched)."""
    _setup()
    from troth.groups.actions import do_remove_member
    from troth.groups.queries import find_group

    with transaction.atomic():
        found = find_group(group)
        do_remove_member(found, _user(account).id)
    console.print(f"Removed {escape(account)} from {escape(found.name)}")


@group_app.command("remind")
@one_line_errors
def remind(
    url: str | None = typer.Option(
        None, "--url", help="The server's address as members reach it (default TROTH_PUBLIC_URL)."
    ),
) -> None:
    """Close introduction asks unanswered for 14 days, and e-mail the reminders due.

    Each ask or offer gets at most two reminders (after 5 and 10 days). Run it daily
    (cron, or a timer beside `troth worker`); a failed send marks nothing, so the next
    run tries again.
    """
    _setup()
    from troth.groups.introductions import do_remind

    expired, reminded = do_remind(_public_url(url))
    console.print(
        f"{plural(expired, 'introduction ask')} expired, {plural(reminded, 'reminder')} sent"
    )


@group_app.command("demo")
@one_line_errors
def demo_group(
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    yes: bool = typer.Option(False, "--yes", help="Load it even beside accounts of real people."),
) -> None:
    """Load a demo networking group of 30 simulated members that you organise.

    Each member has a network of their own, a published profile, needs, offers,
    meetings and introductions in every state. `troth serve --group` loads it and
    opens it in the browser. Simulated members cannot sign in.
    """
    from troth.cli.app import owner
    from troth.sim.group_demo import demo_counts, do_load_demo_group

    me_owner = owner()
    from django.contrib.auth import get_user_model

    real = [u for u in get_user_model().objects.exclude(id=me_owner.id) if u.has_usable_password()]
    if real and not yes:
        raise TrothError(
            f"this troth has {plural(len(real), 'account')} of real people: the demo group would"
            " add 29 simulated members beside them. Try it in a data directory of its own"
            " (TROTH_HOME=/tmp/troth-demo troth serve --group), or pass --yes"
        )
    group = do_load_demo_group(me_owner)
    counts = demo_counts(group)
    if as_json:
        print_json({"group": {"slug": group.slug, "name": group.name}, **counts})
        return
    console.print(
        f"{escape(group.name)}: {plural(counts['members'], 'member')},"
        f" {plural(counts['needs'], 'need')}, {plural(counts['meetings'], 'meeting')},"
        f" {plural(counts['introductions'], 'introduction')}. See it: troth serve, then Groups."
    )
