"""Warm paths: who knows whom (`troth knows`) and the way in (`troth path`)."""

from __future__ import annotations

from typing import Any

import typer
from django.db import transaction
from rich.markup import escape

from troth.cli.app import command, console, owner, print_json
from troth.cli.parse import date_option
from troth.errors import TrothError
from troth.lib.text import count
from troth.people.queries import resolve_person
from troth.warmpaths import actions, queries
from troth.warmpaths.graph import MAX_HOPS


@command("knows", rich_help_panel="Warm paths")
def knows(
    a: str = typer.Argument(..., help="A person (name or #id)."),
    b: str | None = typer.Argument(None, help="Who A knows; leave out to list whom A knows."),
    how: str = typer.Option("", "--how", help='How they know each other ("worked at Acme").'),
    strength: int | None = typer.Option(
        None,
        "--strength",
        help="1 (barely) to 5 (very well); wins over what troth inferred; again: replaces it.",
    ),
    forget: bool = typer.Option(
        False, "--forget", help="A and B do not know each other: stays so after re-imports."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Who knows whom among your people: list, add by hand, or forget a link.

    Saying A B again adds no evidence: it changes nothing and says so; --strength
    replaces the strength you gave, --how the words.
    """
    me_owner = owner()
    if b is None:
        if forget or how or strength is not None:
            raise TrothError("--forget, --how and --strength need two people: troth knows A B")
        person = resolve_person(me_owner, a)
        rows = queries.whom_knows(me_owner, person)
        if as_json:
            print_json({"person": {"id": person.id, "name": person.full_name}, "knows": rows})
            return
        if not rows:
            console.print(f"troth knows of nobody {escape(person.full_name)} knows yet.")
            return
        console.print(f"[bold]{escape(person.full_name)}[/bold] knows:")
        for row in rows:
            console.print(
                f"  {escape(row['name'])} (#{row['id']}) strength {row['strength']:.2f}"
                f": {escape('; '.join(row['evidence']))}"
            )
        return
    with transaction.atomic():
        pa, pb = resolve_person(me_owner, a), resolve_person(me_owner, b)
        if forget:
            if how or strength is not None:
                raise TrothError("--forget takes no --how or --strength")
            said = actions.do_say_forget(me_owner, pa, pb)
        else:
            said = actions.do_say_knows(me_owner, pa, pb, how=how, strength=strength)
    link = said.link
    if as_json:
        print_json(
            {
                "a": {"id": pa.id, "name": pa.full_name},
                "b": {"id": pb.id, "name": pb.full_name},
                "forgotten": link.forgotten,
                "strength": round(link.strength, 3),
                "changed": said.changed,
            }
        )
        return
    line = _said_line(said, pa.full_name, pb.full_name, bool(how.strip()), strength is not None)
    console.print(escape(line))


def _said_line(said: actions.Said, a: str, b: str, how: bool, gave_strength: bool) -> str:
    """What `troth knows A B` did, in words: never a silent second count."""
    link = said.link
    if link.forgotten:
        if not said.changed:
            return f"The link between {a} and {b} was already forgotten: nothing changed"
        if said.before is None:
            # there was no link to forget (a newcomer's review: "Forgot the link"
            # claimed one): what is kept is that there must never be one
            return f"Noted: {a} and {b} do not know each other; imports will not link them"
        # not "forgot that they know each other": the link may have been a "may
        # know" nobody confirmed (a newcomer's review)
        return f"Forgot the link between {a} and {b}: imports will not bring it back"
    level = f" from your {link.manual_strength}/5" if link.manual_strength else ""
    now = f"strength {link.strength:.2f}{level}"
    if not said.changed:
        # (the hint only when no strength was given: the same one again is no news)
        hint = "" if gave_strength else "; --strength 1-5 sets how well"
        return f"You had already said {a} and {b} know each other ({now}): nothing changed{hint}"
    if said.before is None or round(said.before, 2) == round(link.strength, 2):
        change = now
    else:
        change = f"{now}, was {said.before:.2f}"
    if how:
        change = f"{change}; how: {link.manual_how}"
    if said.again:
        return f"Updated: you had already said {a} and {b} know each other; {change}"
    return f"Noted: {a} and {b} know each other ({change})"


def _hop_line(i: int, hop: dict[str, Any]) -> str:
    who = f"{escape(hop['name'])} (#{hop['id']}, {hop['tier']})"
    why = "; ".join(hop["evidence"]) or "no evidence recorded"
    return f"    {'you ->' if i == 0 else '  ->'} {who}: {escape(why)}"


def _plan(me_owner: Any, result: dict[str, Any], via: int | None = None) -> str:
    """--plan: a check-in first when the best first hop (or `via`) is cooling
    (`result["planned"]`), and what to say about it."""
    planned = actions.do_plan_checkin(me_owner, result, via)
    first = next(p["hops"][0] for p in result["paths"] if via is None or p["hops"][0]["id"] == via)
    if planned is None:
        result["planned"] = None
        return f"{escape(first['name'])} is not cooling: no check-in needed first."
    result["planned"] = {"plan": planned.id, "connector": first["id"], "why": first["cooling"]}
    return (
        f"{escape(first['name'])} is cooling ({escape(first['cooling'])}): a check-in"
        " with them is on your agenda (troth agenda); ask after you have been in touch."
    )


@command("path", rich_help_panel="Warm paths")
def path(
    target: str | None = typer.Argument(None, help="The person (name, #id or email address)."),
    company: str | None = typer.Option(None, "--company", help="Anyone at this organisation."),
    hops: int = typer.Option(
        queries.DEFAULT_HOPS, "--hops", help=f"Most edges from you (1 to {MAX_HOPS})."
    ),
    floor: str = typer.Option(
        queries.DEFAULT_FLOOR,
        "--floor",
        help="Weakest tier of yours a first hop may be: inner, close, active, network, acquaintance or dormant.",
    ),
    ask: bool = typer.Option(
        False, "--ask", help="Ask the best path's first hop for the introduction (needs --why)."
    ),
    why: str = typer.Option("", "--why", help="--ask: why you want to meet them."),
    blurb: str = typer.Option("", "--blurb", help="--ask: a short note about you to forward."),
    anyway: str = typer.Option(
        "", "--anyway", help="--ask: go ahead past the introduction workflow's guards, saying why."
    ),
    plan: bool = typer.Option(
        False,
        "--plan",
        help="If the best first hop is cooling, put a check-in with them on the agenda; the ask waits.",
    ),
    via: str | None = typer.Option(
        None,
        "--via",
        help="--ask or --plan: the best path through this first hop (name or #id), not the best of all.",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="The paths as they stood on this day (YYYY-MM-DD)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Warm paths to a person or a company, through people who know you at every hop."""
    if (target is None) == (company is None):
        raise TrothError("name a TARGET or --company NAME (one of them)")
    if not 1 <= hops <= MAX_HOPS:
        raise TrothError(f"--hops must be 1 to {MAX_HOPS}, got {hops}")
    if ask and not why.strip():
        raise TrothError(
            '--ask needs --why "why you want to meet them" (the connector passes it on)'
        )
    if not ask and (why or blurb or anyway):
        raise TrothError("--why, --blurb and --anyway go with --ask")
    if via is not None and not (ask or plan):
        raise TrothError("--via goes with --ask or --plan (which path to act on)")
    day = date_option(as_of, "--as-of", past=True)
    if day is not None and (ask or plan):
        raise TrothError("--as-of looks at the past: it cannot --ask or --plan")
    me_owner = owner()
    person = queries.resolve_target(me_owner, target) if target is not None else None
    result = queries.find_paths(me_owner, person, company, hops=hops, floor=floor, as_of=day)
    via_id = resolve_person(me_owner, via).id if via is not None else None
    # One transaction, and nothing printed until both are done: an ask refused after a
    # plan found the connector not cooling leaves no "no check-in needed" line behind.
    notes: list[str] = []
    intro = None
    if plan or ask:
        with transaction.atomic():
            if plan:
                notes.append(_plan(me_owner, result, via_id))
                ask = ask and result["planned"] is None  # a check-in first: the ask waits
            if ask:
                intro = actions.do_ask_best_path(
                    me_owner, result, why, blurb=blurb, anyway=anyway, via=via_id
                )
                result["asked"] = {"intro": intro.id, "connector": intro.introducer_id}
    if not as_json:
        for note in notes:
            console.print(note)
    if intro is not None and not as_json:
        console.print(
            f"Asked {escape(intro.introducer.full_name)} to introduce you to"
            f" {escape(intro.person_b.full_name)} (introduction #{intro.id}):"
            f" {escape(intro.why)}"
        )
        console.print(f"[dim]The message for it: troth draft i{intro.id}[/dim]")
        return
    if as_json:
        print_json(result)
        return
    goal = result["target"]
    name = goal.get("name") or f"someone at {goal['company']}"
    if result.get("open_ask"):
        open_ask = result["open_ask"]
        console.print(
            f"You already asked {escape(open_ask['connector']['name'])} to introduce you to"
            f" {escape(name)} (introduction #{open_ask['id']}, {open_ask['state']}): follow it"
            " with troth intros; another ask waits until that one ends."
        )
    for row in goal.get("direct", []):
        was = "" if row["current"] else ", worked there"
        console.print(
            f"You know {escape(row['name'])} (#{row['id']}, {row['tier']}{was}) yourself: just ask them."
        )
    if not result["paths"] and goal.get("direct"):
        return
    if not result["paths"]:
        console.print(
            f"No warm path to {escape(name)} within {count(hops, 'hop')} through people you know"
            f" ({floor} or closer first)."
        )
        closest = result.get("closest", [])
        if closest:
            console.print("Closest people to build one with (give first):")
            for row in closest:
                needs = "; ".join(row["open_needs"])
                give = f" - they need: {escape(needs)}" if needs else ""
                console.print(
                    f"  {escape(row['name'])} (#{row['id']}, {row['tier']}):"
                    f" {escape('; '.join(row['evidence']))}{give}"
                )
        elif result.get("strangers"):
            who = ", ".join(escape(row["name"]) for row in result["strangers"])
            console.print(
                f"Only people you are not in touch with are known to know them ({who}):"
                " troth never goes through a stranger. Get in touch with one of them first,"
                " or add what you know with troth knows A B."
            )
        else:
            console.print(
                "Nobody you know is known to know them yet: add what you know with troth knows A B."
            )
        if goal.get("tier") and goal["tier"] != "stranger":
            console.print(
                f"You are in touch with {escape(name)} yourself ({goal['tier']}): a warm path"
                " goes through someone closer to you, who knows them."
            )
        for row in result.get("may_know", []):
            chain = " -> ".join(escape(hop["name"]) for hop in row["via"])
            colleague = row["via"][-1]["name"]
            console.print(
                f"{escape(colleague)} may know {escape(row['target']['name'])}"
                f" ({escape('; '.join(row['evidence']))}), reached through you -> {chain}:"
                f" if so, confirm with `{row['confirm']}` to use this path."
            )
        return
    console.print(f"[bold]Warm paths to {escape(name)}[/bold]")
    for n, p in enumerate(result["paths"], 1):
        # a loaded path ranks as if its weakest hop were weaker (warmpaths.load.FACTOR):
        # say so where the figure is, or a 0.47 listed after a 0.29 reads as a mistake
        # (a newcomer's review)
        counted = f" (ranked as {p['ranked_as']:.2f}: see below)" if p["load"] else ""
        console.print(
            f"{n}. weakest hop {p['weakest']:.2f}{counted},"
            f" {p['length']} hop{'s' if p['length'] != 1 else ''}"
        )
        for i, hop in enumerate(p["hops"]):
            console.print(_hop_line(i, hop))
        if p["load"]:
            console.print(f"    ranked lower: {escape('; '.join(p['load']))}")
        if p["hops"][0].get("cooling"):
            console.print(
                f"    cooling: {escape(p['hops'][0]['cooling'])} (--plan puts a check-in first)"
            )
        wanted = p["hops"][0].get("open_needs") or []
        if wanted:
            console.print(
                f"    give first: {escape(p['hops'][0]['name'])} needs {escape('; '.join(wanted))}"
            )
