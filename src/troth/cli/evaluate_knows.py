"""`troth eval knows`: does the inference of who knows whom predict direct contact?
(Registered on `troth eval` by cli/evaluate.py; no database needed.)"""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.table import Table

from troth.cli.app import console, fail, plural, print_json
from troth.cli.evaluate import eval_app
from troth.cli.parse import date_option, span_option
from troth.errors import TrothError

LABELS = {"troth": "troth link strength", "count": "messages together (count)"}


@eval_app.command("knows")
def knows_command(
    log: Path = typer.Argument(
        ...,
        help="CSV with timestamp, sender, recipients (separated by ;) and optionally channel.",
        show_default=False,
    ),
    as_of: str = typer.Option(
        ..., "--as-of", help="Infer links from what happened before this date.", show_default=False
    ),
    horizon: str = typer.Option(
        "90d", "--horizon", help="Do the two write to each other within this span?"
    ),
    scores: Path | None = typer.Option(
        None, "--scores", help="Write every pair's scores and outcome to this CSV."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """ROC AUC for "these two write to each other directly": troth's links vs a count.

    Links between people are inferred the way troth infers them from mail between
    your contacts (small messages with a third person on them) before --as-of; the
    outcome is a message between the two within --horizon.
    """
    from troth.trust.persistence import check_span, read_log
    from troth.warmpaths.evaluate import knows_eval, write_scores

    try:
        day = date_option(as_of, "--as-of", past=True)  # a day of the log, gone by
        assert day is not None
        days = span_option(horizon, "--horizon", day)
        if scores is not None and scores.resolve() == log.resolve():
            raise TrothError(
                f"--scores {scores} would overwrite the log itself; choose another file"
            )
        parsed = read_log(log)
        check_span(parsed, log.name, day, "knows")
        result = knows_eval(parsed, day, days)
        if scores is not None:
            try:
                write_scores(result, scores)
            except OSError as exc:
                raise TrothError(f"cannot write {scores}: {exc.strerror or exc}") from None
    except TrothError as exc:
        raise fail(str(exc), exc.exit_code) from None
    if as_json:
        print_json(result.summary())
        return
    console.print(
        f"As of {result.as_of.isoformat()}, horizon {plural(result.horizon_days, 'day')}:"
        f" {plural(result.pairs, 'pair')} linked from {plural(result.evidence, 'message')}"
        f" (of {plural(result.rows, 'message')}); {result.positives} wrote to each other."
    )
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("score")
    table.add_column("ROC AUC", justify="right")
    for key, label in LABELS.items():
        value = result.auc[key]
        table.add_row(label, "n/a" if math.isnan(value) else f"{value:.3f}")
    console.print(table)
    if result.usable:
        console.print(
            f"Links strong enough for a path: {result.usable};"
            f" {result.precision_usable:.0%} of them wrote to each other."
        )
    if math.isnan(result.auc["troth"]):
        console.print("AUC needs pairs that did and pairs that did not write to each other.")
    if scores is not None:
        console.print(f"Wrote {plural(result.pairs, 'pair')} to {scores}")
