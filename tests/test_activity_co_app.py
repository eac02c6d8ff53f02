"""The contact beyond the tie in the app (issue 16): the last message someone else sent
to the owner and a person, read from what the mail import keeps
(importers.MessageParticipant), is the day a message log gives for the same mail."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from troth.importers.models import MessageParticipant
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import ContactPoint
from troth.trust.persistence import pairs_as_of, read_log
from troth.trust.summary import EPOCH_UTC, co_last_days

ME = "me@troth.test"
TO, CC, FROM = MessageParticipant.TO, MessageParticipant.CC, MessageParticipant.FROM
# (when, sender, recipients besides the owner, where the owner was)
MESSAGES = [
    (dt.datetime(2025, 1, 2, 10, 0, tzinfo=dt.UTC), ME, ["cy@x.org", "dee@x.org"], FROM),
    (dt.datetime(2025, 1, 5, 9, 30, tzinfo=dt.UTC), "boss@x.org", ["cy@x.org"], TO),
    (dt.datetime(2025, 1, 20, 15, 0, tzinfo=dt.UTC), "boss@x.org", ["cy@x.org", "dee@x.org"], CC),
    (dt.datetime(2025, 1, 22, 15, 0, tzinfo=dt.UTC), "boss@x.org", ["eve@x.org"], TO),
    (dt.datetime(2025, 2, 10, 8, 0, tzinfo=dt.UTC), "cy@x.org", ["dee@x.org"], TO),
    # the owner's own message to two: contact with each, not a copy
    (dt.datetime(2025, 2, 20, 8, 0, tzinfo=dt.UTC), ME, ["cy@x.org", "eve@x.org"], FROM),
]


def test_the_app_reads_the_copies_as_the_log_does(alice: Owner, tmp_path: Path) -> None:
    people = {
        a: do_add_person(alice, a.split("@")[0].title(), emails=[a])
        for a in ("boss@x.org", "cy@x.org", "dee@x.org", "eve@x.org")
    }
    # a shared family mailbox cannot say which of its people was there
    ContactPoint.objects.create(
        owner=alice,
        person=do_add_person(alice, "Eve Too"),
        kind=ContactPoint.EMAIL,
        value="eve@x.org",
    )
    rows = []
    lines = ["timestamp,sender,recipients,channel"]
    for k, (at, sender, others, mine) in enumerate(MESSAGES):
        on = [sender, *others] if sender != ME else others
        for address in on:
            role = FROM if address == sender else TO
            rows.append(
                MessageParticipant(
                    owner=alice,
                    source="mail",
                    external_id=f"m{k}",
                    occurred_at=at,
                    address=address,
                    role=role,
                    owner_role=mine,
                )
            )
        to = ";".join(sorted(others + ([] if sender == ME else [ME])))
        lines.append(f"{at.strftime('%Y-%m-%dT%H:%M:%SZ')},{sender},{to},email")
    lines.append("2025-03-01T12:00:00Z,cy@x.org,me@troth.test,email")
    MessageParticipant.objects.bulk_create(rows)
    log = tmp_path / "log.csv"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = read_log(log)

    ids = np.asarray(sorted(p.id for p in people.values()), dtype=np.int64)
    row_of = {a: int(np.searchsorted(ids, p.id)) for a, p in people.items()}
    day = (dt.datetime(2025, 1, 31, tzinfo=dt.UTC) - EPOCH_UTC).total_seconds() / 86_400
    cuts = [day - 20.0, day, day + 28.0]  # 2025-01-11, 01-31, 02-28
    app = co_last_days(alice, ids, cuts)
    jan5 = (MESSAGES[1][0] - EPOCH_UTC).total_seconds() / 86_400
    jan20 = (MESSAGES[2][0] - EPOCH_UTC).total_seconds() / 86_400
    feb10 = (MESSAGES[4][0] - EPOCH_UTC).total_seconds() / 86_400
    # cy's own message to the owner and dee is contact for cy, a copy for dee (the
    # database's day arithmetic rounds to the millisecond on SQLite)
    assert app[row_of["cy@x.org"]].tolist() == pytest.approx([jan5, jan20, jan20], abs=1e-6)
    assert math.isnan(app[row_of["dee@x.org"], 0])
    assert app[row_of["dee@x.org"], 1:].tolist() == pytest.approx([jan20, feb10], abs=1e-6)
    assert np.isnan(app[row_of["eve@x.org"]]).all()  # a shared address
    assert np.isnan(app[row_of["boss@x.org"]]).all()  # the sender: that is contact

    for cut in cuts[1:]:
        as_of = (EPOCH_UTC + dt.timedelta(days=cut)).date()
        pa = pairs_as_of(parsed, as_of)
        assert pa.inputs.co_last_day is not None
        me = parsed.names.index(ME)
        for address in ("cy@x.org", "dee@x.org"):
            i = np.flatnonzero((pa.owner == me) & (pa.person == parsed.names.index(address)))
            from_log = float(pa.inputs.co_last_day[i[0]])
            from_app = float(app[row_of[address], cuts.index(cut)])
            assert math.isclose(from_log, from_app, abs_tol=1e-6), (address, as_of)
