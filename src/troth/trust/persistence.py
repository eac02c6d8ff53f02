"""Does the score predict the future? Persistence on any message log (pure, no Django).

A generic log is a CSV with the columns `timestamp`, `sender`, `recipients`
(separated by `;`) and optionally `channel`; header names are case-insensitive and
the order does not matter. Every sender is an owner. A message from A to B is an
interaction in A's history with B that A started (ME), and one in B's history with
A that they started (THEM).

As of a date, every (owner, person) pair with any contact before that date is
scored from the events before it alone: the troth score, and two baselines (the
count of interactions, and recency). The outcome is whether the pair has any
contact in the `horizon` days from the date on; the ROC AUC of each score says how
well it predicts that (Raeder et al. 2011 in anchors.md: edge weight, reciprocity
and tie age predict whether a tie persists).

All pairs are scored at once in one History whose "people" are the pairs: every
engine feature is a per-person sum, so a pair's score is the same as in its owner's
own History (only the Dunbar tiers, which rank within one owner, would differ, and
they are not used here). A million-row log takes seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from troth.errors import TrothError
from troth.trust.activity import (
    APP_FEATURES,
    HORIZON_DAYS,
    ActivityInputs,
    Model,
    activity,
    from_events,
    shipped_model,
)
from troth.trust.engine import (
    CALL,
    EMAIL,
    EVENT,
    ME,
    MEETING,
    MESSAGE,
    THEM,
    UNKNOWN,
    Floats,
    History,
    Ints,
)
from troth.trust.evaluate import roc_auc

REQUIRED = ("timestamp", "sender", "recipients")
OPTIONAL = ("channel",)
DAY_SECONDS = 86_400
SIM_OWNER = "me@troth.test"

# What a log may call each channel; an empty channel is an e-mail.
CHANNEL_NAMES: dict[str, int] = {
    "": EMAIL,
    "email": EMAIL,
    "e-mail": EMAIL,
    "mail": EMAIL,
    "message": MESSAGE,
    "messages": MESSAGE,
    "chat": MESSAGE,
    "im": MESSAGE,
    "sms": MESSAGE,
    "text": MESSAGE,
    "dm": MESSAGE,
    "slack": MESSAGE,
    "linkedin": MESSAGE,
    "call": CALL,
    "phone": CALL,
    "voice": CALL,
    "meeting": MEETING,
    "meet": MEETING,
    "video": MEETING,
    "in person": MEETING,
    "event": EVENT,
}
SIM_CHANNELS = ("meeting", "call", "email", "message", "event")  # troth.sim.generate.CHANNELS

_UTC = dt.UTC
EPOCH = dt.date(1970, 1, 1)


@dataclass
class Log:
    """A message log as columns: one entry per (message, recipient)."""

    names: list[str]  # everyone who sent or received, by index
    sender: Ints
    recipient: Ints
    day: Floats  # float days since 1970-01-01 UTC
    channel: Ints
    rows: int  # messages (CSV data rows)
    fanout: Floats  # how many recipients the entry's message had
    # which message (CSV data row, from 0) each entry is of: who was on a message
    # together (warmpaths.evaluate); empty for a log built without it
    row: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass
class PersistenceResult:
    as_of: dt.date
    horizon_days: int
    rows: int
    owners: int
    pairs: int
    positives: int
    auc: dict[str, float]  # troth (activity), count, recency, decay_30, decay_90
    # per pair (same order everywhere)
    owner: Ints = field(repr=False)
    person: Ints = field(repr=False)
    score: Floats = field(repr=False)
    count: Floats = field(repr=False)
    days_since_last: Floats = field(repr=False)
    outcome: NDArray[np.bool_] = field(repr=False)
    names: list[str] = field(repr=False)
    decay_30: Floats = field(repr=False)  # decayed counts, half-life 30 and 90 days
    decay_90: Floats = field(repr=False)

    def summary(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "horizon_days": self.horizon_days,
            "messages": self.rows,
            "owners": self.owners,
            "pairs": self.pairs,
            "positives": self.positives,
            "auc": {k: (None if np.isnan(v) else round(v, 4)) for k, v in self.auc.items()},
        }


def parse_timestamp(text: str) -> float:
    """ISO 8601 or `YYYY-MM-DD HH:MM:SS` (a trailing `UTC`/`Z` allowed) -> float days, UTC.

    A time without a zone is taken as UTC. Raises ValueError when unreadable."""
    s = text.strip()
    if s.endswith(" UTC"):
        s = s[:-4]
    moment = dt.datetime.fromisoformat(s)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_UTC)
    return moment.timestamp() / DAY_SECONDS


def _plain_utc(stamp: str) -> str | None:
    """`YYYY-MM-DD[ T]HH:MM:SS` in UTC (a trailing Z, +00:00 or UTC dropped), or None
    when the stamp needs the careful reading (another offset, anything unusual)."""
    s = stamp.strip()
    for suffix in ("Z", "+00:00", " UTC"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    if len(s) != 19 or s[4] != "-" or s[7] != "-" or s[10] not in "T " or s[13] != ":":
        return None
    if not (s[:4].isdigit() and s[11:13].isdigit() and s[17:19].isdigit()):
        return None
    return s


def _read_plain(fast: list[tuple[int, int, str, str]], name: str) -> Floats:
    """Days of the plain stamps at once; any numpy refuses is read one by one so the
    error names its line."""
    try:
        moments = np.array([f[3] for f in fast], dtype="datetime64[s]")
        if not np.isnat(moments).any():
            return moments.astype(np.int64).astype(np.float64) / DAY_SECONDS
    except ValueError:
        pass
    out = np.empty(len(fast))
    for k, (_row, line, stamp, _plain) in enumerate(fast):
        try:
            out[k] = parse_timestamp(stamp)
        except (ValueError, OverflowError):
            raise TrothError(f"{name} line {line}: cannot read timestamp {stamp!r}") from None
    return out


def read_log(path: str | Path) -> Log:
    """Read a generic log CSV; any bad row is a TrothError naming the file and line."""
    path = Path(path)
    name = path.name
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise TrothError(f"cannot open {path}: {exc.strerror or exc}") from None
    index: dict[str, int] = {}
    names: list[str] = []
    row_day: list[float] = []
    row_channel: list[int] = []
    row_sender: list[int] = []
    rec: list[int] = []
    rec_row: list[int] = []

    raw_index: dict[str, int] = {}
    fast: list[tuple[int, int, str, str]] = []  # (row, line, stamp, plain UTC text)

    def person(raw: str) -> int:
        # The same spelling again: a dict hit, not another parse (a million-row log
        # repeats a few thousand addresses).
        i = raw_index.get(raw)
        if i is None:
            i = raw_index[raw] = _person(raw)
        return i

    def _person(who: str) -> int:
        # "Ann Smith <ANN@x.com>" and "ann@x.com" are one person.
        who = who.strip()
        _display, address = parseaddr(who)
        who = address.lower() if "@" in address else " ".join(who.split())
        i = index.get(who)
        if i is None:
            i = index[who] = len(names)
            names.append(who)
        return i

    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise TrothError(f"{name} is empty: expected a header with {', '.join(REQUIRED)}")
            columns = {h.strip().lower(): i for i, h in enumerate(header)}
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                raise TrothError(
                    f"{name} line 1: missing column{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)} (found: {', '.join(h.strip() for h in header)})"
                )
            t_col, s_col, r_col = (columns[c] for c in REQUIRED)
            c_col = columns.get("channel")
            width = max(t_col, s_col, r_col, c_col if c_col is not None else 0) + 1
            channels = CHANNEL_NAMES
            # The loop runs once per message (a million in a big log): plain local
            # names and appends, each address spelling parsed once.
            append_day, append_channel = row_day.append, row_channel.append
            append_sender, append_rec, append_rec_row = (
                row_sender.append,
                rec.append,
                rec_row.append,
            )
            append_fast = fast.append
            raw_get = raw_index.get
            nan = float("nan")
            for row in reader:
                if len(row) < width:
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue  # blank line
                    raise TrothError(
                        f"{name} line {reader.line_num}: {len(row)} field(s), "
                        f"expected at least {width}"
                    )
                stamp = row[t_col]
                r_index = len(row_day)
                # the common spelling first (2001-04-01T10:00:00Z); numpy checks the
                # digits below, and anything it refuses is read again one by one
                plain: str | None
                if (
                    len(stamp) == 20
                    and stamp[19] == "Z"
                    and stamp[10] == "T"
                    and stamp[0].isdigit()
                    and stamp[4] == "-"
                    and stamp[13] == ":"
                ):
                    plain = stamp[:19]
                else:
                    plain = _plain_utc(stamp)
                if plain is None:
                    try:
                        day = parse_timestamp(stamp)
                    except (ValueError, OverflowError):
                        raise TrothError(
                            f"{name} line {reader.line_num}: cannot read timestamp {stamp!r}"
                        ) from None
                else:
                    # read all at once below (numpy), a tenth of the time of one by one
                    day = nan
                    append_fast((r_index, reader.line_num, stamp, plain))
                sender = row[s_col]
                if not sender or sender.isspace():
                    raise TrothError(f"{name} line {reader.line_num}: no sender")
                field = row[r_col]
                recipients = [r for r in field.split(";") if r and not r.isspace()]
                if not recipients:
                    raise TrothError(
                        f"{name} line {reader.line_num}: no recipients"
                        " (the recipients field is empty)"
                    )
                if c_col is not None:
                    raw = row[c_col]
                    ch = channels.get(raw)
                    if ch is None:
                        ch = channels.get(raw.strip().lower())
                    if ch is None:
                        raise TrothError(
                            f"{name} line {reader.line_num}: unknown channel {raw!r} "
                            "(use email, message, call, meeting or event)"
                        )
                else:
                    ch = EMAIL
                append_day(day)
                append_channel(ch)
                i = raw_get(sender)
                append_sender(person(sender) if i is None else i)
                for r in recipients:
                    i = raw_get(r)
                    append_rec(person(r) if i is None else i)
                    append_rec_row(r_index)
        except csv.Error as exc:
            raise TrothError(f"{name} line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError:
            raise TrothError(f"{name}: not UTF-8 text") from None

    day_arr = np.asarray(row_day, dtype=np.float64)
    if fast:
        at = np.fromiter((f[0] for f in fast), np.int64, len(fast))
        day_arr[at] = _read_plain(fast, name)
    rows = np.asarray(rec_row, dtype=np.int64)
    fanout = np.bincount(rows, minlength=len(row_day)).astype(np.float64)[rows]
    sender_arr = np.asarray(row_sender, dtype=np.int64)[rows]
    recipient_arr = np.asarray(rec, dtype=np.int64)
    keep = sender_arr != recipient_arr  # a note to oneself is no tie
    return Log(
        names=names,
        sender=sender_arr[keep],
        recipient=recipient_arr[keep],
        day=day_arr[rows][keep],
        channel=np.asarray(row_channel, dtype=np.int64)[rows][keep],
        rows=len(row_day),
        fanout=fanout[keep],
        row=rows[keep],
    )


def check_span(log: Log, name: str, as_of: dt.date, command: str = "persistence") -> None:
    """A log must hold more than one sender and messages on both sides of `as_of`.
    `command`: the evaluation in use (`persistence`, `knows`), named in the refusal."""
    if not log.rows:
        raise TrothError(f"{name}: no messages after the header")
    senders = np.unique(log.sender)
    if len(senders) < 2:
        only = log.names[int(senders[0])] if len(senders) else "nobody"
        raise TrothError(
            f"{name}: sender: every message is from {only}; {command} compares the ties"
            " of several people, so the log needs at least two senders"
        )
    first = EPOCH + dt.timedelta(days=int(np.floor(log.day.min())))
    last = EPOCH + dt.timedelta(days=int(np.floor(log.day.max())))
    if as_of <= first:
        raise TrothError(
            f"--as-of {as_of} is on or before the first message in {name} ({first}):"
            " nothing to score from"
        )
    if as_of > last:
        raise TrothError(
            f"--as-of {as_of} is after the last message in {name} ({last}): nothing to predict"
        )


def check_horizon(horizon_days: int) -> None:
    """An outcome window of no days holds no outcome: every pair would count as silent."""
    if horizon_days < 1:
        raise TrothError(f"the horizon must be at least one day, got {horizon_days}")


def _day_number(day: dt.date) -> float:
    return float((day - dt.date(1970, 1, 1)).days)


@dataclass
class PairHistory:
    """Every (owner, person) pair's events in one History, people = pairs."""

    history: History
    owner: Ints  # per pair
    person: Ints  # per pair
    fanout: Floats  # per event of `history`: recipients of its message


def pair_history(log: Log, owners: NDArray[np.bool_] | None = None) -> PairHistory:
    """Both sides of every message: (sender, recipient, ME) and (recipient, sender, THEM).

    `owners` (by name index) limits whose histories are built; by default every sender."""
    n = len(log.names)
    if owners is None:
        owners = np.zeros(n, dtype=bool)
        owners[log.sender] = True
    own = np.concatenate([log.sender, log.recipient])
    other = np.concatenate([log.recipient, log.sender])
    initiator = np.concatenate(
        [np.full(len(log.sender), ME, np.int64), np.full(len(log.sender), THEM, np.int64)]
    )
    day = np.concatenate([log.day, log.day])
    channel = np.concatenate([log.channel, log.channel])
    fanout = np.concatenate([log.fanout, log.fanout])
    # Events (no initiator) count for both sides without anyone starting them.
    initiator[np.concatenate([log.channel, log.channel]) == EVENT] = UNKNOWN
    keep = owners[own]
    own, other, initiator, day, channel, fanout = (
        own[keep],
        other[keep],
        initiator[keep],
        day[keep],
        channel[keep],
        fanout[keep],
    )
    key = own * n + other
    pairs, pair_of = np.unique(key, return_inverse=True)
    history = History(
        n_people=len(pairs),
        ix_person=pair_of.astype(np.int64),
        ix_day=day,
        ix_channel=channel,
        ix_initiator=initiator,
        ix_minutes=np.zeros(len(day)),
    )
    return PairHistory(history, (pairs // n).astype(np.int64), (pairs % n).astype(np.int64), fanout)


def _subset(h: History, keep: NDArray[np.bool_]) -> History:
    return History(
        n_people=h.n_people,
        ix_person=h.ix_person[keep],
        ix_day=h.ix_day[keep],
        ix_channel=h.ix_channel[keep],
        ix_initiator=h.ix_initiator[keep],
        ix_minutes=h.ix_minutes[keep],
    )


@dataclass
class PairsAsOf:
    """Every pair with contact before a date: its activity inputs and its outcome."""

    owner: Ints
    person: Ints
    inputs: ActivityInputs
    outcome: NDArray[np.bool_]
    as_of_day: float


def pairs_as_of(
    log: Log, as_of: dt.date, horizon_days: int = HORIZON_DAYS, full: bool = True
) -> PairsAsOf:
    """Pairs whose owner sent something before `as_of` and who had contact before it;
    the outcome is any contact in [as_of, as_of + horizon) (whole UTC days). `full`
    as in `activity.from_events`."""
    start = _day_number(as_of)
    before = log.day < start
    owners = np.zeros(len(log.names), dtype=bool)
    owners[log.sender[before]] = True
    ph = pair_history(log, owners)
    h = ph.history
    past = h.ix_day < start
    future = (h.ix_day >= start) & (h.ix_day < start + horizon_days)
    seen = np.bincount(h.ix_person[past], minlength=h.n_people) > 0
    outcome_all = np.bincount(h.ix_person[future], minlength=h.n_people) > 0
    idx = np.flatnonzero(seen)
    # Number the seen pairs 0..len(idx)-1 so every sum is over them alone.
    renumber = np.full(h.n_people, -1, np.int64)
    renumber[idx] = np.arange(len(idx))
    spoken = (h.ix_channel == MEETING) | (h.ix_channel == CALL) | (h.ix_channel == EVENT)
    inputs = from_events(
        renumber[h.ix_person[past]],
        h.ix_day[past],
        h.ix_initiator[past],
        len(idx),
        start,
        recipients=ph.fanout[past],
        two_way=spoken[past],
        owner_of_tie=ph.owner[idx],
        full=full,
        # the shipped model reads it (APP_FEATURES): on both paths
        co_last_day=co_recipients_last_day(log, start, ph.owner[idx], ph.person[idx]),
    )
    return PairsAsOf(ph.owner[idx], ph.person[idx], inputs, outcome_all[idx], start)


# Who else was on a message, as the mail import keeps it (importers.MessageParticipant,
# `mail.MAX_PARTICIPANTS`): only messages with 2 to 10 people besides the owner.
CO_MIN, CO_MAX = 2, 10


def co_recipients_last_day(log: Log, start: float, owner: Ints, person: Ints) -> Floats:
    """Per pair (sorted by owner * len(names) + person, as `pairs_as_of` numbers them),
    the last day before `start` when both were recipients of one message someone else
    sent, with CO_MIN to CO_MAX recipients (the owner's own inbox: the sender and the
    other recipients are the 2 to 10 others); nan when never."""
    n = len(log.names)
    out = np.full(len(owner), np.nan)
    if not len(log.row):
        return out
    keep = (log.day < start) & (log.fanout >= CO_MIN) & (log.fanout <= CO_MAX)
    row, who, day = log.row[keep], log.recipient[keep], log.day[keep]
    order = np.argsort(row, kind="stable")
    row, who, day = row[order], who[order], day[order]
    keys, days = [], []
    # a message's recipients are consecutive: pair each with the next 1..CO_MAX-1
    for j in range(1, CO_MAX):
        same = row[j:] == row[:-j]
        a, b, d = who[:-j][same], who[j:][same], day[j:][same]
        keys += [a * n + b, b * n + a]
        days += [d, d]
    if not keys:
        return out
    key, when = np.concatenate(keys), np.concatenate(days)
    pairs = owner * n + person
    at = np.searchsorted(pairs, key)
    hit = (at < len(pairs)) & (pairs[np.minimum(at, len(pairs) - 1)] == key)
    best = np.full(len(pairs), -np.inf)
    np.maximum.at(best, at[hit], when[hit])
    out[np.isfinite(best)] = best[np.isfinite(best)]
    return out


def persistence(
    log: Log,
    as_of: dt.date,
    horizon_days: int = HORIZON_DAYS,
    model: Model | None = None,
) -> PersistenceResult:
    """Score every pair from the events before `as_of` with troth's activity model
    and the baselines; outcome: any contact in [as_of, as_of + horizon)."""
    check_horizon(horizon_days)
    m = model or shipped_model()
    pa = pairs_as_of(log, as_of, horizon_days, full=not set(m.names) <= set(APP_FEATURES))
    x, outcome = pa.inputs, pa.outcome
    chance = activity(x, pa.as_of_day, m)
    # Shown and written rounded to 0.01 points; ranked unrounded: the rounding tied
    # thousands of long-silent pairs at 0.00-0.05, which cost up to 0.0007 of AUC on
    # the real log and made the command disagree with bench/fit_activity.py.
    score = np.round(100.0 * chance, 2)
    count = x.n_total
    since = pa.as_of_day - x.last_day
    auc = {
        "troth": roc_auc(chance, outcome),
        "count": roc_auc(count, outcome),
        "recency": roc_auc(-since, outcome),
        "decay_30": roc_auc(x.decayed[30.0], outcome),
        "decay_90": roc_auc(x.decayed[90.0], outcome),
    }
    return PersistenceResult(
        as_of=as_of,
        horizon_days=horizon_days,
        rows=log.rows,
        owners=int(len(np.unique(pa.owner))),
        pairs=len(outcome),
        positives=int(outcome.sum()),
        auc=auc,
        owner=pa.owner,
        person=pa.person,
        score=score,
        count=count,
        days_since_last=since,
        outcome=outcome,
        names=log.names,
        decay_30=x.decayed[30.0],
        decay_90=x.decayed[90.0],
    )


def write_scores(result: PersistenceResult, path: str | Path) -> None:
    """One row per pair: owner, person, troth's activity (0-100), the baselines, outcome."""
    names = result.names
    with Path(path).open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(
            [
                "owner",
                "person",
                "troth_activity",
                "count",
                "days_since_last",
                "decayed_30",
                "decayed_90",
                "outcome",
            ]
        )
        w.writerows(
            zip(
                [names[i] for i in result.owner.tolist()],
                [names[i] for i in result.person.tolist()],
                result.score.tolist(),
                result.count.astype(np.int64).tolist(),
                np.round(result.days_since_last, 2).tolist(),
                np.round(result.decay_30, 4).tolist(),
                np.round(result.decay_90, 4).tolist(),
                result.outcome.astype(np.int64).tolist(),
                strict=True,
            )
        )


def person_labels(net) -> list[str]:  # net: troth.sim.generate.Network
    """Each simulated person's e-mail, or name and number when there is none
    (simulated names repeat on purpose; labels must not)."""
    return [
        e or f"{n} (#{i})" for i, (e, n) in enumerate(zip(net.email, net.full_name, strict=True))
    ]


def write_network_log(
    net,  # troth.sim.generate.Network
    path: str | Path,
    owner: str = SIM_OWNER,
) -> None:
    """A simulated network's interactions as a generic log, the owner as `owner`.

    Contacts they started are sent by them to the owner; the rest by the owner. The
    owner's e-mails at one instant are one message to all their people (the
    simulator's group mail, `SimSettings.group_share`)."""
    labels = np.asarray(person_labels(net), dtype=object)
    people = labels[net.ix_person]
    from_them = net.ix_initiator == THEM
    sender = np.where(from_them, people, owner)
    recipient = np.where(from_them, owner, people)
    stamps = [s + "Z" for s in np.datetime_as_string(net.ix_at.astype("datetime64[s]"), unit="s")]
    channel = np.asarray(SIM_CHANNELS, dtype=object)[net.ix_channel]
    group = (~from_them) & (channel == "email")
    rows: list[list[str]] = []
    joined: dict[str, list[str]] = {}
    for stamp, who, to, ch, g in zip(
        stamps, sender.tolist(), recipient.tolist(), channel.tolist(), group.tolist(), strict=True
    ):
        if g and stamp in joined:
            if to not in joined[stamp][2].split(";"):
                joined[stamp][2] += ";" + to
            continue
        rows.append([stamp, who, to, ch])
        if g:
            joined[stamp] = rows[-1]
    with Path(path).open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["timestamp", "sender", "recipients", "channel"])
        w.writerows(rows)


def owner_history(log: Log, owner: str, before: dt.date | None = None) -> tuple[History, list[str]]:
    """One owner's own History (people numbered in first-seen order), for checks."""
    i = log.names.index(owner)
    mine = np.zeros(len(log.names), dtype=bool)
    mine[i] = True
    ph = pair_history(log, mine)
    h = ph.history
    if before is not None:
        h = _subset(h, h.ix_day < _day_number(before))
    return h, [log.names[j] for j in ph.person.tolist()]
