"""`troth demo`: a realistic simulated network to explore troth with."""

from __future__ import annotations

import typer
from django.db import transaction
from django.utils import timezone
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from troth.cli.app import command, console, owner, print_json
from troth.errors import TrothError
from troth.overview import network_overview
from troth.people.models import Person
from troth.sim.models import SimTruth


def _wipe(me_owner) -> None:
    # Interactions first: one fast DELETE instead of cascading through a million rows.
    from troth.interactions.models import Interaction
    from troth.people.models import Organization, Tag

    Interaction.objects.filter(owner=me_owner).delete()
    Person.objects.filter(owner=me_owner, is_me=False).delete()
    Organization.objects.filter(owner=me_owner).delete()
    Tag.objects.filter(owner=me_owner).delete()


@command("demo", rich_help_panel="Setup")
def demo(
    people: int = typer.Option(300, "--people", help="How many people to simulate."),
    seed: int = typer.Option(7, "--seed", help="Random seed (same seed, same network)."),
    interactions: int | None = typer.Option(
        None, "--interactions", help="Aim for about this many interactions in total."
    ),
    reset: bool = typer.Option(False, "--reset", help="Replace what is in the database now."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Load a simulated network and show what to try next."""
    from troth.sim.generate import generate_network
    from troth.sim.load import load_network

    if not 2 <= people <= 200_000:
        raise TrothError(f"--people must be between 2 and 200000, got {people}")
    if interactions is not None and interactions < 0:
        raise TrothError("--interactions must not be negative")
    me_owner = owner()
    existing = Person.objects.filter(owner=me_owner, is_me=False).count()
    is_demo = SimTruth.objects.filter(owner=me_owner).exists()
    if existing and not reset:
        if not is_demo:
            raise TrothError(
                f"your database already holds {existing} people of your own; "
                "run the demo elsewhere with TROTH_HOME=/tmp/troth-demo troth demo"
            )
        console.print(
            "[dim]The demo network is already loaded (use --reset to make a new one).[/dim]"
        )
    else:
        if existing and not is_demo:
            raise TrothError(
                f"--reset would delete {existing} people of your own; "
                "use TROTH_HOME=/tmp/troth-demo for a separate demo database"
            )
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
            network = generate_network(people=people, seed=seed, interactions_per_person=per_person)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=f"Loading {stage}", completed=done, total=total)

            with transaction.atomic():
                if existing:
                    _wipe(me_owner)
                load_network(me_owner, network, progress=progress)
    summary = network_overview(me_owner, timezone.localdate())
    if as_json:
        print_json(summary)
        return
    _print_summary(summary)


def _print_summary(s: dict) -> None:
    console.print(
        f"[bold]Your demo network[/bold]: {s['people']} people at {s['organizations']} organisations, "
        f"{s['interactions']} interactions ({s['interactions_last_90_days']} in the last 90 days), "
        f"{s['knows_links']} 'knows' links."
    )
    console.print(
        f"Favours: you gave {s['favours_given']}, received {s['favours_received']}. "
        f"Promises open: {s['my_open_promises']} of yours ({s['my_overdue_promises']} overdue), "
        f"{s['their_open_promises']} made to you. Open needs: {s['open_needs']} of contacts, "
        f"{s['my_open_needs']} of yours. Introductions: {s['introductions']}."
    )
    ex = s["examples"]
    console.print("\n[bold]Try next[/bold]:")
    console.print("  troth people --limit 20            # who is in your network")
    if ex["busiest_contact"]:
        console.print(f'  troth show "{ex["busiest_contact"]}"   # everything about one person')
        console.print(f'  troth log "{ex["busiest_contact"]}" call "caught up" --minutes 20')
    console.print("  troth promises --mine              # what you promised, by due date")
    if ex["my_next_promise_id"]:
        console.print(
            f"  troth kept {ex['my_next_promise_id']}                      # keep your word"
        )
    console.print("  troth needs                        # what your contacts need: give first")
    if ex["contact_with_need"]:
        console.print(
            f'  troth gave "{ex["contact_with_need"]}" lead "what you did" '
            f"--need {ex['contact_need_id']}   # answer their need"
        )
