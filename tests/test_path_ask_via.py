"""`troth path TARGET --ask` when the best path's first hop cannot be asked yet: the
refusal names the next path whose first hop could be, and `--via` asks along it (a
review: the ask was refused with no way to the next path but the web's buttons)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from test_newcomer4_fixes import _cleo_knows_tess, _me, _said
from troth.interactions.actions import do_log_interaction
from troth.intros.models import Introduction
from troth.ledger.actions import do_record_favor
from troth.owners import me_person
from troth.people.actions import do_add_person
from troth.warmpaths.models import PlannedAsk

if TYPE_CHECKING:
    from conftest import Cli


def test_a_refused_ask_names_the_next_path_and_via_takes_it(cli: Cli, fixed_day: dt.date) -> None:
    me = _me()
    cleo, tess = _cleo_knows_tess(me)  # the best path; nothing given to Cleo yet
    dana = do_add_person(me, "Dana Dale")
    now = timezone.now()
    for i in range(12):
        do_log_interaction(me, dana, "meeting", when=now - dt.timedelta(days=4 + 12 * i))
    for i in range(2):  # fewer messages with Tess than Cleo's: the second path
        for p in (dana, tess):
            do_log_interaction(
                me, p, "email", when=now - dt.timedelta(days=6 + i), source="mail",
                external_id=f"d{i}",
            )  # fmt: skip
    do_record_favor(me, me_person(me), dana, "intro", "introduced Dana to a designer")
    shown = cli.json("path", "Tess Target")
    assert [p["hops"][0]["name"] for p in shown["paths"]][:2] == ["Cleo Cole", "Dana Dale"]

    refused = cli("path", "Tess Target", "--ask", "--why", "design", code=2)
    said = _said(refused.stderr)
    assert said.startswith("troth: error: not ready to ask Cleo Cole for an introduction")
    assert said.endswith(
        f"Or ask along the next path, through Dana Dale ({shown['paths'][1]['hops'][0]['tier']}):"
        f" add --via '#{dana.id}'"
    )
    assert not Introduction.objects.exists()  # the rehearsal of Dana's ask left nothing

    asked = _said(
        cli("path", "Tess Target", "--ask", "--why", "design", "--via", f"#{dana.id}").stdout
    )
    assert asked.startswith("Asked Dana Dale to introduce you to Tess Target")
    intro = Introduction.objects.get()
    assert intro.introducer_id == dana.id and intro.person_b_id == tess.id

    # --via someone who is no first hop, or without --ask or --plan
    bad = cli("path", "Tess Target", "--plan", "--via", "Tess Target", code=2)
    assert "no warm path shown goes through" in bad.stderr
    assert not PlannedAsk.objects.exists()
    alone = cli("path", "Tess Target", "--via", "Dana Dale", code=2)
    assert (
        _said(alone.stderr)
        == "troth: error: --via goes with --ask or --plan (which path to act on)"
    )
    assert cleo.id != dana.id
