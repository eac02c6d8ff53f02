"""`troth demo`: a realistic simulated network to explore troth with."""

from __future__ import annotations

from typing import Any

import typer
from django.db import transaction
from django.utils import timezone
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from troth.cli.app import command, console, owner, plural, print_json
from troth.errors import TrothError
from troth.overview import network_overview
from troth.people.models import Person
from troth.sim.models import SimTruth


@command("demo", rich_help_panel="Setup")
def demo(
    people: int = typer.Option(300, "--people", help="How many people to simulate."),
    seed: int = typer.Option(7, "--seed", help="Random seed (same seed, same network)."),
    interactions: int | None = typer.Option(
        None, "--interactions", help="Aim for about this many interactions in total."
    ),
    reset: bool = typer.Option(False, "--reset", help="Replace an earlier demo network."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Load a simulated network and show what to try next."""
    from troth.sim.actions import do_wipe_demo
    from troth.sim.generate import generate_network
    from troth.sim.group_demo import demo_member_people
    from troth.sim.load import load_network

    if not 2 <= people <= 200_000:
        raise TrothError(f"--people must be between 2 and 200000, got {people}")
    if interactions is not None and interactions < 0:
        raise TrothError("--interactions must not be negative")
    me_owner = owner()
    existing = Person.objects.filter(owner=me_owner, is_me=False).count()
    loaded = SimTruth.objects.filter(owner=me_owner).exists()
    # People without a SimTruth row were added by the user: the demo never deletes them,
    # and never mixes simulated people into a network of real ones. The Demo Job Club's
    # members that `troth group demo` put in are simulated too.
    own = (
        Person.objects.filter(owner=me_owner, is_me=False, sim_truth__isnull=True)
        .exclude(id__in=demo_member_people(me_owner).values("id"))
        .count()
    )
    if own and (reset or not loaded):
        action = "--reset would delete" if reset else "your database already holds"
        raise TrothError(
            f"{action} {plural(own, 'person', 'people')} you added yourself; "
            "run the demo in its own database: TROTH_HOME=/tmp/troth-demo troth demo"
        )
    if loaded and not reset:
        typer.echo("The demo network is already loaded (--reset makes a new one).", err=as_json)
    else:
        per_person = interactions / people if interactions is not None else None
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=as_json,
        ) as bar:
            task = bar.add_task("Simulating the network", total=None)
            network = generate_network(
                people=people,
                seed=seed,
                interactions_per_person=per_person,
                # troth's one clock, so a pinned clock pins the demo too
                today=timezone.localdate(),
            )

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=f"Loading {stage}", completed=done, total=total)

            with transaction.atomic():
                if existing:
                    do_wipe_demo(me_owner)
                load_network(me_owner, network, progress=progress)
    summary = network_overview(me_owner, timezone.localdate())
    if as_json:
        print_json(summary)
        return
    _print_summary(summary)


def _quoted(ref: str) -> str:
    """A name as a shell word ("Sarah O'Connor" in double quotes), an #id as it is."""
    return ref if ref.startswith("#") else '"' + ref.replace('"', '\\"') + '"'


def _print_summary(s: dict[str, Any]) -> None:
    console.print(
        f"[bold]Your demo network[/bold]: {plural(s['people'], 'person', 'people')} at "
        f"{plural(s['organizations'], 'organisation')}, "
        f"{plural(s['interactions'], 'interaction')} ({s['interactions_last_90_days']} in the "
        f"last 90 days), {plural(s['knows_links'], 'link')} between people who know each other."
    )
    console.print(
        f"Favours: you gave {s['favors_given']}, received {s['favors_received']}. "
        f"Promises open: {s['my_open_promises']} of yours ({s['my_overdue_promises']} overdue), "
        f"{s['their_open_promises']} made to you. Open needs: {s['open_needs']} of contacts, "
        f"{s['my_open_needs']} of yours. Introductions: {s['introductions']}."
    )
    ex = s["examples"]
    lines = [("troth people --limit 20", "who is in your network")]
    if ex["busiest_contact_ref"]:
        name = _quoted(ex["busiest_contact_ref"])
        lines += [
            (f"troth show {name}", "everything about one person"),
            (f'troth log {name} call "caught up" --minutes 20', "record a conversation"),
        ]
    lines.append(("troth promises --mine", "what you promised, by due date"))
    if ex["my_next_promise_id"]:
        lines.append((f"troth kept {ex['my_next_promise_id']}", "keep your word"))
    lines.append(("troth needs --theirs", "what your contacts need: give first"))
    if ex["contact_with_need"]:
        lines.append(
            (
                f'troth gave {_quoted(ex["contact_with_need_ref"])} lead "what you did" '
                f"--need {ex['contact_need_id']}",
                "answer their need",
            )
        )
    width = max(len(cmd) for cmd, _ in lines) + 2
    console.print("\n[bold]Try next[/bold]:")
    for cmd, why in lines:
        console.print(f"  {cmd:<{width}}[dim]# {why}[/dim]")
