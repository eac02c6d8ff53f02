"""Commands about people: init, add, people, show, edit, delete, tag, note."""

from __future__ import annotations

from typing import Any

import typer
from django.db import transaction
from django.db.models import Model
from rich.table import Table

from troth import bootstrap, present
from troth.cli.app import command, console, created, fail, owner, plural, print_json
from troth.cli.parse import date_option
from troth.errors import NotFound, TrothError
from troth.interactions.models import Interaction
from troth.ledger.models import Commitment, Favor, Need
from troth.lib.names import name_problem
from troth.paths import sqlite_path
from troth.people import queries
from troth.people.models import Note, Person

# The write services are imported inside the commands that use them: they bring
# in the trust engine and numpy, which listing and showing people do not need.


@command("init", rich_help_panel="Setup")
def init() -> None:
    """Create or migrate the database (safe to run again)."""
    from django.conf import settings

    bootstrap.configure()
    applied = bootstrap.migrate()
    owner()
    where = settings.DATABASES["default"]
    location = str(sqlite_path()) if where["ENGINE"].endswith("sqlite3") else where.get("NAME")
    if applied:
        console.print(f"Database ready at {location} ({len(applied)} migrations applied).")
    else:
        console.print(f"Database at {location} is up to date.")


def _via(me_owner, name: str | None) -> tuple[Person | None, bool]:
    """The person who introduced us: matched if known, added if new, refused if ambiguous.

    A name that is a close spelling of someone's ("Carlso" for Carlos Ruiz) is refused,
    naming them: it was added as a new person, and the commands after it found that
    one (a newcomer's review). A new introducer with such a name is added first with
    `troth add`. An #id nobody has is refused, never added as a name.

    Returns the person and whether they were just added (so the command can say so)."""
    from troth.people import actions

    if not name:
        return None, False
    try:
        found = queries.resolve_person(me_owner, name, allow_me=True)
    except NotFound as exc:
        if name.strip().startswith("#"):
            raise TrothError(f"--via: {exc}") from None
        close = queries.close_spellings(me_owner, name)
        if close:
            shown = " or ".join(f"{n} (#{i})" for i, n in close)
            raise TrothError(
                f"--via: nobody called {name.strip()!r}; did you mean {shown}? Give their"
                f" name or #id, or add a new person first: troth add {name.strip()!r}"
            ) from None
        check_name(name, "--via")
        return actions.do_add_person(me_owner, name), True
    if found.is_me:
        # "introduced by me" is how you met anyone: not an introduction (the attacker's
        # review: it was stored as met through "me")
        raise TrothError("--via: you did not introduce yourself; name who introduced you")
    return found, False


def check_name(name: str | None, field: str = "name") -> None:
    """A name with nothing visible in it is refused (lib.names.name_problem, which the
    importers share)."""
    problem = name_problem(name) if name is not None else None
    if problem:
        raise TrothError(f"{field} {problem}")


@command("add", rich_help_panel="People")
def add(
    name: str = typer.Argument(..., help='Full name, e.g. "Dana Whitfield".'),
    email: list[str] = typer.Option([], "--email", "-e", help="Email address (repeatable)."),
    phone: list[str] = typer.Option([], "--phone", help="Phone number (repeatable)."),
    url: list[str] = typer.Option([], "--url", help="Profile URL, e.g. LinkedIn (repeatable)."),
    company: str | None = typer.Option(None, "--company", "-c", help="Where they work now."),
    title: str | None = typer.Option(
        None, "--title", "-t", help="Their job title (alone: between jobs)."
    ),
    met: str = typer.Option("", "--met", help="How or where you met."),
    met_on: str | None = typer.Option(None, "--met-on", help="When you met (date)."),
    via: str | None = typer.Option(None, "--via", help="Who introduced you (added if new)."),
    tag: list[str] = typer.Option([], "--tag", help="Tag (repeatable)."),
    closeness: int | None = typer.Option(None, "--closeness", help="Your own rating, 1-5."),
    duplicate: bool = typer.Option(False, "--duplicate", help="Add even if the name exists."),
) -> None:
    """Add a person to your network."""
    from troth.people import actions

    check_name(name)
    me_owner = owner()
    with transaction.atomic():
        met_through, via_is_new = _via(me_owner, via)
        person = actions.do_add_person(
            me_owner,
            name,
            emails=email,
            phones=phone,
            urls=url,
            company=company,
            title=title,
            met_how=met,
            met_on=date_option(met_on, "--met-on", past=True),
            met_through=met_through,
            tags=tag,
            closeness=closeness,
            allow_duplicate_name=duplicate,
        )
    if met_through is not None and via_is_new:
        created("person", met_through.id, f"{met_through.full_name} (who introduced you; new)")
    created("person", person.id, person.full_name)
    if met_through is not None and not via_is_new:
        # who --via found, by name: "Carlos Ruis" is read as Carlos Ruiz (a newcomer's
        # review: the line said nothing of whom it linked)
        console.print(f"  introduced by {met_through.full_name} (#{met_through.id})")


def _people_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(show_lines=False, header_style="bold")
    for col in ("id", "name", "company", "title", "tags", "last contact"):
        table.add_column(
            col,
            justify="right" if col == "id" else "left",
            no_wrap=col in ("id", "name", "last contact"),
        )
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["name"],
            r["company"] or "",
            r["title"] or "",
            ", ".join(r["tags"]),
            (r["last_contact"] or "")[:10],
        )
    return table


@command("people", rich_help_panel="People")
def people(
    query: str | None = typer.Argument(None, help="Search names, emails, companies, titles."),
    tag: str | None = typer.Option(None, "--tag", help="Only people with this tag."),
    company: str | None = typer.Option(None, "--company", help="Only people working here."),
    archived: bool = typer.Option(False, "--archived", help="Include archived people."),
    limit: int | None = typer.Option(
        None, "--limit", help="At most this many; 0 for all (table default: 100)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """List people."""
    if limit is not None and limit < 0:
        raise TrothError(f"--limit must be 0 (no limit) or more, got {limit}")
    me_owner = owner()
    # The table stops at 100 rows by default (a wall of text helps nobody); JSON gets all.
    shown = (limit or None) if limit is not None else (None if as_json else 100)
    if shown is not None:
        # "at most" this many: more than any database holds is all of them (a limit
        # past 2**63 reached SQLite as a datatype mismatch)
        shown = min(shown, 10**9)
    found = queries.find_people(
        me_owner,
        query=query,
        tag=tag,
        company=company,
        include_archived=archived,
        limit=(shown + 1) if shown else None,
    )
    more = shown is not None and len(found) > shown
    rows = present.people_rows(me_owner, found[:shown])
    if as_json:
        print_json(rows)
        return
    if not rows:
        if not (query or tag or company):
            console.print("Your network is empty: add someone with troth add, or try troth demo.")
            return
        # close spellings of a search that found nobody, not of one a --tag or a
        # --company narrowed to nobody (the name typed may be right)
        close = queries.close_spellings(me_owner, query) if query and not (tag or company) else []
        hint = (
            " Did you mean " + " or ".join(f"{n} (#{i})" for i, n in close) + "?" if close else ""
        )
        console.print("Nobody matches." + hint, markup=False)
        return
    console.print(_people_table(rows))
    if more:
        console.print("[dim]More people match; use --limit N or a search to narrow.[/dim]")


def _show_text(data: dict[str, Any], total: int) -> None:
    """`total`: the history's entries, of which data["timeline"] holds the newest."""
    head = data["name"] + (f' ("{data["nickname"]}")' if data.get("nickname") else "")
    job = ", ".join(x for x in (data["title"], data["company"]) if x)
    console.print(f"[bold]{head}[/bold] (#{data['id']})" + (f" — {job}" if job else ""))
    contact = data["emails"] + data["phones"] + data["urls"]
    if contact:
        console.print("  " + "  ".join(contact))
    met = data["met"]
    bits = [met["how"]] if met["how"] else []
    if met["through"]:
        bits.append(f"through {met['through']['name']}")
    if met["on"]:
        bits.append(f"on {met['on']}")
    if bits:
        console.print("  Met: " + ", ".join(bits))
    if data["tags"]:
        console.print("  Tags: " + ", ".join(data["tags"]))
    if data.get("dates"):
        console.print("  Dates: " + "; ".join(_date_text(d) for d in data["dates"]))
    if data["closeness"]:
        console.print(f"  Your closeness rating: {data['closeness']}/5")
    console.print(
        f"  {plural(data['interaction_count'], 'interaction')}; last contact: "
        f"{(data['last_contact'] or 'never')[:10]}"
    )
    for p in data["open_promises"]:
        who = "You promised" if p["mine"] else f"{p['from']['name']} promised"
        due = f" (due {p['due']}{', OVERDUE' if p['overdue'] else ''})" if p["due"] else ""
        console.print(f"  [yellow]{who}[/yellow]: {p['what']}{due} [dim]promise #{p['id']}[/dim]")
    for n in data["open_needs"]:
        console.print(
            f"  [cyan]Needs[/cyan]: {n['what']} (until {n['expires_on']}) [dim]need #{n['id']}[/dim]"
        )
    if not data["timeline"]:
        return
    table = Table(title="History, newest first", header_style="bold", title_justify="left")
    for col in ("when", "what", "details", "id"):
        table.add_column(col)
    for row in data["timeline"]:
        table.add_row(*_timeline_cells(row))
    console.print(table)
    # "210 interactions" above a table of 30 read as if the rest were lost
    hidden = total - len(data["timeline"])
    if hidden > 0:
        console.print(
            f"... and {plural(hidden, 'older entry', 'older entries')} not shown"
            f" (troth show '#{data['id']}' --all shows the whole history)."
        )


def _timeline_cells(row: dict[str, Any]) -> tuple[str, str, str, str]:
    kind = row["type"]
    if kind == "interaction":
        mins = f", {row['minutes']} min" if row["minutes"] else ""
        started = " (they started)" if row["started_by"] == "them" else ""
        return (
            row["when"][:10],
            f"{row['channel']}{mins}{started}",
            row["summary"],
            f"interaction #{row['id']}",
        )
    if kind == "favor":
        verb = {"gave": "you gave", "got": "you got"}.get(row["direction"], "favour")
        return row["when"], f"{verb} {row['kind']}", row["what"], f"favour #{row['id']}"
    if kind == "promise":
        who = "you promised" if row["mine"] else "they promised"
        due = f" (due {row['due']})" if row["due"] else ""
        return row["made_on"], f"{who}: {row['status']}", row["what"] + due, f"promise #{row['id']}"
    if kind == "need":
        return row["noted_on"], f"need: {row['status']}", row["what"], f"need #{row['id']}"
    if kind == "note":
        return row["when"][:10], "note", row["text"], f"note #{row['id']}"
    return (
        (row["when"] or "")[:10],
        f"introduction: {row['state']}",
        row["why"],
        f"intro #{row['id']}",
    )


@command("show", rich_help_panel="People")
def show(
    name: str = typer.Argument(..., help="Name (forgiving) or #id."),
    limit: int | None = typer.Option(
        None,
        "--limit",
        help="History rows to show (30 unless given); 0 for all, as --all.",
        show_default=False,
    ),
    all_rows: bool = typer.Option(
        False, "--all", help="Show the whole history (--limit 0 does the same)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Everything about one person, newest first."""
    from troth.profile import person_profile_counted

    # as troth agenda's: a negative number was a traceback, and --all beside a number
    # ignored the number (a newcomer's review)
    if limit is not None and limit < 0:
        raise TrothError(f"--limit must be zero or more, not {limit}")
    if all_rows and limit:
        raise TrothError(f"--all shows the whole history: give --all or --limit {limit}, not both")
    if limit == 0:
        all_rows = True
    me_owner = owner()
    person = queries.resolve_person(me_owner, name)
    data, total = person_profile_counted(
        me_owner, person, limit=None if all_rows else (limit or 30)
    )
    if as_json:
        print_json(data)
    else:
        _show_text(data, total)


@command("edit", rich_help_panel="People")
def edit(
    name: str = typer.Argument(..., help="Who to edit (name or #id)."),
    new_name: str | None = typer.Option(None, "--name", help="Rename."),
    nickname: str | None = typer.Option(
        None, "--nickname", help='What they go by ("Tom"); "" clears it.'
    ),
    email: list[str] = typer.Option([], "--email", "-e", help="Add an email address."),
    phone: list[str] = typer.Option([], "--phone", help="Add a phone number."),
    url: list[str] = typer.Option([], "--url", help="Add a profile URL."),
    remove: list[str] = typer.Option([], "--remove", help="Remove an email/phone/URL."),
    company: str | None = typer.Option(
        None, "--company", "-c", help="New employer (keeps history)."
    ),
    title: str | None = typer.Option(
        None, "--title", "-t", help="Job title (alone: between jobs)."
    ),
    met: str | None = typer.Option(None, "--met", help="How or where you met."),
    met_on: str | None = typer.Option(None, "--met-on", help="When you met."),
    via: str | None = typer.Option(None, "--via", help="Who introduced you."),
    closeness: int | None = typer.Option(None, "--closeness", help="Your own rating, 1-5."),
    clear_closeness: bool = typer.Option(False, "--clear-closeness", help="Forget the rating."),
    archive: bool | None = typer.Option(None, "--archive/--unarchive", help="Hide from lists."),
) -> None:
    """Change someone's details."""
    changes = [new_name, nickname, company, title, met, met_on, via, closeness, archive]
    if all(c is None for c in changes) and not (email or phone or url or remove or clear_closeness):
        raise TrothError("nothing to change: give at least one option (see troth edit --help)")
    from troth.people import actions

    check_name(new_name, "--name")
    me_owner = owner()
    with transaction.atomic():
        # "me" can be edited too: your name signs your drafts, your title and tags
        # say what you could give; how you met yourself makes no sense.
        person = queries.resolve_person(me_owner, name, allow_me=True)
        if person.is_me and any(v is not None for v in (met, met_on, via, closeness, archive)):
            raise TrothError(
                "for yourself only --name, --nickname, --email, --phone, --url, --company"
                " and --title apply"
            )
        met_through, via_is_new = _via(me_owner, via)
        actions.do_edit_person(
            me_owner,
            person,
            name=new_name,
            nickname=nickname,  # the web's "Goes by" goes through the same action
            emails=email,
            phones=phone,
            urls=url,
            remove_contacts=remove,
            company=company,
            title=title,
            met_how=met,
            met_on=date_option(met_on, "--met-on", past=True),
            met_through=met_through,
            closeness=closeness,
            clear_closeness=clear_closeness,
            archived=archive,
        )
    if met_through is not None and via_is_new:
        created("person", met_through.id, f"{met_through.full_name} (who introduced you; new)")
    console.print(f"Updated {person.full_name} (#{person.id}).")


_DELETABLE: dict[str, tuple[type[Model], str]] = {
    "interaction": (Interaction, "interaction"),
    "favour": (Favor, "favour"),
    "promise": (Commitment, "promise"),
    "need": (Need, "need"),
    "note": (Note, "note"),
}


@command("delete", rich_help_panel="People")
def delete(
    name: str | None = typer.Argument(None, help="Person to delete, with all their history."),
    interaction: int | None = typer.Option(None, "--interaction", help="Delete one interaction."),
    favour: int | None = typer.Option(None, "--favour", "--favor", help="Delete one favour."),
    promise: int | None = typer.Option(None, "--promise", help="Delete one promise."),
    need: int | None = typer.Option(None, "--need", help="Delete one need."),
    note: int | None = typer.Option(None, "--note", help="Delete one note."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a person (and their history), or one record by id."""
    from troth.ledger.actions import do_delete
    from troth.people import actions

    me_owner = owner()
    chosen = {
        k: v
        for k, v in {
            "interaction": interaction,
            "favour": favour,
            "promise": promise,
            "need": need,
            "note": note,
        }.items()
        if v is not None
    }
    if bool(name) + len(chosen) != 1:
        raise fail(
            "name one person, or exactly one of --interaction/--favour/--promise/--need/--note"
        )
    if name:
        person = queries.resolve_person(me_owner, name)
        what = f"{person.full_name} (#{person.id}) and all of their history"
    else:
        ((label, ident),) = chosen.items()
        model, text = _DELETABLE[label]
        if not model._default_manager.filter(owner=me_owner, id=ident).exists():
            raise TrothError(f"no {text} with id {ident}")
        what = f"{label} #{ident}"
    if not yes:
        try:
            confirmed = typer.confirm(f"Delete {what}?", default=False)
        except typer.Abort:  # no terminal to ask on, or no answer
            raise fail("nothing deleted: confirm with --yes when not at a terminal") from None
        if not confirmed:  # a clear "no" is an answer, not an error
            console.print("Nothing deleted.")
            return
    with transaction.atomic():
        if name:
            actions.do_delete_person(me_owner, person)
        else:
            do_delete(me_owner, model, ident, text)
    console.print(f"Deleted {what}.")


@command("tag", rich_help_panel="People")
def tag(
    name: str = typer.Argument(..., help="Who to tag."),
    tags: list[str] = typer.Argument(..., help="One or more tags."),
    remove: bool = typer.Option(False, "--remove", help="Remove these tags instead."),
) -> None:
    """Add (or --remove) tags on a person."""
    from troth.people import actions

    me_owner = owner()
    with transaction.atomic():
        person = queries.resolve_person(me_owner, name)
        if remove:
            actions.do_tag(me_owner, person, remove=tags)
        else:
            actions.do_tag(me_owner, person, add=tags)
    names = ", ".join(t.name for t in person.tags.order_by("name")) or "none"
    console.print(f"{person.full_name} (#{person.id}) tags: {names}")


@command("note", rich_help_panel="People")
def note(
    name: str = typer.Argument(..., help="Who the note is about."),
    text: str = typer.Argument(..., help="The note."),
) -> None:
    """Add a note about a person."""
    from troth.people import actions

    me_owner = owner()
    with transaction.atomic():
        person = queries.resolve_person(me_owner, name)
        n = actions.do_add_note(me_owner, person, text)
    created("note", n.id, f"about {person.full_name}")


def _date_text(row: dict[str, Any]) -> str:
    """A `troth show` date ({kind, label, month, day, year}) as "birthday 14 March 1980"."""
    from troth.lib.keydates import KeyDate
    from troth.people.dates import describe

    return describe(KeyDate(row["kind"], row["month"], row["day"], row["year"], row["label"] or ""))
