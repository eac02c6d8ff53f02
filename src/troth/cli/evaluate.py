"""`troth eval`: measure the trust score on any message log (no database needed)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import typer
from rich.table import Table

from troth.cli.app import app, console, fail, plural, print_json
from troth.cli.parse import date_option, span_option
from troth.errors import TrothError

eval_app = typer.Typer(
    name="eval",
    help="Measure how well trust scores predict what happens next.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval", rich_help_panel="Trust")

EPOCH = dt.date(1970, 1, 1)
LABELS = {
    "troth": "troth activity",
    "count": "interaction count alone",
    "recency": "recency alone",
    "decay_30": "decayed count, half-life 30 days",
    "decay_90": "decayed count, half-life 90 days",
}


@eval_app.command("persistence")
def persistence_command(
    log: Path = typer.Argument(
        ...,
        help="CSV with timestamp, sender, recipients (separated by ;) and optionally channel.",
        show_default=False,
    ),
    as_of: str = typer.Option(
        ..., "--as-of", help="Score from what happened before this date.", show_default=False
    ),
    horizon: str = typer.Option(
        "90d", "--horizon", help="Does the pair interact again within this span?"
    ),
    scores: Path | None = typer.Option(
        None, "--scores", help="Write every pair's scores and outcome to this CSV."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """ROC AUC for "will this pair interact again?": troth's activity vs the baselines.

    Every sender in the log is an owner; every pair with contact before --as-of is
    scored from that contact alone, and the outcome is any contact within --horizon.
    This measures troth's activity (will we stay in touch?), not trust (would they
    vouch for me?).
    """
    from troth.trust.persistence import check_span, persistence, read_log, write_scores

    try:
        day = date_option(as_of, "--as-of", past=True)  # a day of the log, gone by
        assert day is not None
        days = span_option(horizon, "--horizon", day)
        if scores is not None and scores.resolve() == log.resolve():
            raise TrothError(
                f"--scores {scores} would overwrite the log itself; choose another file"
            )
        parsed = read_log(log)
        check_span(parsed, log.name, day)
        result = persistence(parsed, day, days)
        if scores is not None:
            try:
                write_scores(result, scores)
            except OSError as exc:
                raise TrothError(f"cannot write {scores}: {exc.strerror or exc}") from None
    except TrothError as exc:
        raise fail(str(exc), exc.exit_code) from None

    # The outcome window must lie inside the log, or every pair looks like it went quiet.
    last = EPOCH + dt.timedelta(days=int(parsed.day.max()))
    window_end = day + dt.timedelta(days=days)
    if last < window_end:
        typer.echo(
            f"troth: note: the log ends on {last}, before the {days}-day horizon ends on "
            f"{window_end}; outcomes after that are unknown and count as no contact",
            err=True,
        )
    if as_json:
        print_json(result.summary())
        return
    console.print(
        f"As of {result.as_of.isoformat()}, horizon {plural(result.horizon_days, 'day')}: "
        f"{plural(result.pairs, 'pair')} of {plural(result.owners, 'owner')} "
        f"from {plural(result.rows, 'message')}; "
        f"{result.positives} interacted again."
    )
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("score")
    table.add_column("ROC AUC", justify="right")
    for key, label in LABELS.items():
        value = result.auc[key]
        table.add_row(label, "n/a" if math.isnan(value) else f"{value:.3f}")
    console.print(table)
    if math.isnan(result.auc["troth"]):
        console.print("AUC needs pairs that did and pairs that did not interact again.")
    if scores is not None:
        console.print(f"Wrote {plural(result.pairs, 'pair')} to {scores}")


# `troth eval knows` lives with the warm paths' evaluation; importing it registers it.
from troth.cli import evaluate_knows as _knows  # noqa: E402, F401
