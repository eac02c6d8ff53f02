"""Reads for warm paths, always scoped to one owner: links with their evidence in
words, and the path search (the graph arrays built from the owner's rows, the
search itself in the pure `graph.py`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from troth.errors import Ambiguous, FieldError, NotFound, TrothError
from troth.intros import flow
from troth.intros.actions import KNOWN_TIERS
from troth.intros.queries import open_request
from troth.ledger.models import Need
from troth.lib.text import fold, whole
from troth.owned import Owner
from troth.people.models import ContactPoint, Employment, Organization, Person
from troth.people.queries import owned_rows, resolve_person
from troth.trust.engine import TIERS
from troth.trust.queries import check_as_of
from troth.warmpaths import actions, graph, load
from troth.warmpaths.models import Link
from troth.warmpaths.network import LINK_FLOOR as LINK_FLOOR
from troth.warmpaths.network import Links, Network, forget_network, network, ties_of
from troth.warmpaths.network import fresh_links as fresh_links  # (what tests and views call)

DEFAULT_HOPS = 3
DEFAULT_FLOOR = "active"  # my first hop: someone I am in active touch with, or closer
# A tie this close needs no connector: "just ask them" (the introductions workflow
# draws the same line: asking a third person to introduce you would be odd).
CLOSE_TIERS = KNOWN_TIERS


class NoPathNeeded(TrothError):
    """The target needs no warm path: it is me, one of my close ties ("just ask
    them"), or a company whose every person troth knows is one of my own ties. One
    line and exit 2 in the CLI, as for any refusal; a page says it as a notice."""


TOP = 5
# A "may know" question (`_may_know`) only for an organisation with at most this many
# of my people: on the simulator (seeds 101-102, not the paths study's) two of my
# people at one with 10 or fewer knew each other 22-39% of the time, at 11-20 21%,
# at 21-50 10-11%; in the paths study (seed 1) the suggestions right were 8 of 32
# at 10 or fewer against 2 of 43 above, where they would mostly send me asking after
# a stranger.
MAY_KNOW_MAX_ORG = 10
SOURCE_WORDS = {"sim": "the simulated network", "manual": "marked by hand"}


def _month(value: dt.datetime | dt.date, today: dt.date) -> str:
    day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
    return f"{day:%B}" if day.year == today.year else f"{day:%B %Y}"


def _span(start: dt.date | None, end: dt.date | None) -> str:
    if start is None:
        return "now"
    if end is None:
        return f"since {start.year}"
    return f"{start.year}" if start.year == end.year else f"{start.year}-{end.year}"


def _times(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def evidence_parts(link: Link, today: dt.date) -> list[tuple[str, str]]:
    """Why troth thinks the two know each other, strongest reason first, each as
    (kind, words): kind is "manual", "seen", "intros", "met", "knows" or "employer",
    so a page may word one kind its own way (the Person page names who introduced whom)."""
    said: list[tuple[str, str]] = []
    if link.manual_at is not None:
        how = f": {link.manual_how}" if link.manual_how else ""
        level = f" (strength {link.manual_strength}/5)" if link.manual_strength else ""
        said.append(("manual", f"you said they know each other{how}{level}"))
    seen: list[str] = []
    if link.mail_cc:
        seen.append(f"wrote to each other with you in copy {_times(link.mail_cc, 'time', 'times')}")
    if link.mail_together:
        seen.append(f"Cc'd together on {_times(link.mail_together, 'message', 'messages')}")
    if link.meetings:
        seen.append(f"in {_times(link.meetings, 'meeting', 'meetings')} together")
    if seen and link.last_seen is not None:
        seen[-1] += f", last in {_month(link.last_seen, today)}"
    said.extend(("seen", words) for words in seen)
    if link.intros_met:
        said.append(
            (
                "intros",
                "introduced to each other through you"
                if link.intros_met == 1
                else f"introduced to each other {link.intros_met} times through you",
            )
        )
    if link.met_through:
        said.append(("met", "you met one of them through the other"))
    if link.knows_source:
        words = SOURCE_WORDS.get(link.knows_source, link.knows_source)
        said.append(("knows", f"known to know each other ({words})"))
    if link.employer_id is not None:
        name = link.employer.name if link.employer else "the same employer"
        span = _span(link.overlap_from, link.overlap_to)
        words = f"both at {name} now" if span == "now" else f"worked together at {name} {span}"
        if not link.usable:
            words += " (may know each other: not enough alone for a path)"
        said.append(("employer", words))
    return said


def evidence(link: Link, today: dt.date) -> list[str]:
    """Why troth thinks the two know each other, in words, strongest reason first."""
    return [words for _kind, words in evidence_parts(link, today)]


def _link_row(link: Link, me_side: int, today: dt.date, names: dict[int, str]) -> dict[str, Any]:
    other = link.person_b_id if link.person_a_id == me_side else link.person_a_id
    return {
        "id": other,
        "name": names.get(other, ""),
        "strength": round(link.strength, 3),
        "usable": link.usable,
        "first_seen": link.first_seen.isoformat() if link.first_seen else None,
        "last_seen": link.last_seen.isoformat() if link.last_seen else None,
        "evidence": evidence(link, today),
    }


@functools.cache
def _strongest_sql() -> str:
    """known_links' one statement for the strongest `limit` links (built once, names
    from the models): each side of the pair seeks its own index (an OR of the two
    makes SQLite walk every link of the owner), the two are ranked and cut in the
    database with their count beside them (a hub's thousands of links cost a sort,
    never a row each here), and only the kept links are read whole, with the other
    person's name and the employer's. It was four statements, and composing them
    through the ORM cost the Person page more than running them (issue 20)."""
    q = connection.ops.quote_name
    link = q(Link._meta.db_table)

    def column(model: Any, name: str) -> str:
        return q(model._meta.get_field(name).column)

    def col(name: str) -> str:
        return column(Link, name)

    def side(mine: str, other: str) -> str:
        return (
            f"SELECT {col('id')} AS lid, {col(other)} AS other, {col('strength')} AS strength"
            f" FROM {link} WHERE {col('owner')} = %(owner)s AND {col(mine)} = %(person)s"
            f" AND NOT {col('forgotten')}"
        )

    fields = ", ".join(f"l.{q(str(f.column))}" for f in Link._meta.concrete_fields)
    return (
        f"SELECT {fields}, p.{column(Person, 'full_name')} AS other_name,"
        f" o.{column(Organization, 'name')} AS employer_name, r.total AS total"
        " FROM (SELECT lid, other, strength, total FROM"
        " (SELECT lid, other, strength, COUNT(*) OVER () AS total FROM"
        f" ({side('person_a', 'person_b')} UNION ALL {side('person_b', 'person_a')}) AS s)"
        " AS c ORDER BY strength DESC, other LIMIT %(limit)s) AS r"
        f" JOIN {link} l ON l.{col('id')} = r.lid"
        f" LEFT JOIN {q(Person._meta.db_table)} p ON p.{column(Person, 'id')} = r.other"
        f" AND p.{column(Person, 'owner')} = %(owner)s"
        f" LEFT JOIN {q(Organization._meta.db_table)} o"
        f" ON o.{column(Organization, 'id')} = l.{col('employer')}"
        " ORDER BY r.strength DESC, r.other"
    )


def _strongest(owner: Owner, person: Person, limit: int) -> tuple[list[Link], dict[int, str], int]:
    """The strongest `limit` of `person`'s links (not forgotten), their other people's
    names and how many links they have in all, in one statement (`_strongest_sql`)."""
    rows = list(
        Link.objects.raw(_strongest_sql(), {"owner": owner.pk, "person": person.id, "limit": limit})
    )
    names: dict[int, str] = {}
    for lk in rows:
        other = lk.person_b_id if lk.person_a_id == person.id else lk.person_a_id
        if lk.other_name is not None:  # type: ignore[attr-defined]  # raw()'s extra column
            names[other] = lk.other_name  # type: ignore[attr-defined]
        if lk.employer_id is not None:
            # the employer as select_related would give it (evidence_parts names it)
            lk.employer = Organization.from_db(
                None,
                ["id", "name"],
                (lk.employer_id, lk.employer_name),  # type: ignore[attr-defined]
            )
    total = rows[0].total if rows else 0  # type: ignore[attr-defined]
    return rows, names, total


def known_links(
    owner: Owner, person: Person, limit: int | None = None
) -> tuple[list[tuple[Link, dict[str, Any]]], int]:
    """Whom `person` knows among my people, strongest first: each link with its row
    as `troth knows` prints it, at most `limit` of them (None: all), and how many
    there are. What `troth knows A` and the Person page's "Who they know" both read,
    so the two agree on who, how strong, why, and which links were forgotten.

    Each side of the pair is read on its own (person_a, person_b): each seeks its
    own index, where an OR of the two makes SQLite walk every link of the owner. With
    a `limit`, a hub's thousands of links cost a sort in the database and a count,
    and only the `limit` strongest are read whole, in one statement (`_strongest`)."""
    fresh_links(owner)
    today = timezone.localdate()
    if limit is None:
        sides = [
            Link.objects.filter(owner=owner, forgotten=False, **{mine: person})
            for mine in ("person_a", "person_b")
        ]
        links = [lk for side in sides for lk in side.select_related("employer")]
        total = len(links)
        others = {lk.person_b_id if lk.person_a_id == person.id else lk.person_a_id for lk in links}
        names = (
            dict(Person.objects.filter(owner=owner, id__in=others).values_list("id", "full_name"))
            if others
            else {}
        )
    else:
        links, names, total = _strongest(owner, person, limit)
    pairs = [(lk, _link_row(lk, person.id, today, names)) for lk in links]
    pairs.sort(key=lambda p: (-p[1]["strength"], p[1]["name"], p[1]["id"]))
    return pairs, total


def whom_knows(owner: Owner, person: Person) -> list[dict[str, Any]]:
    """Whom `person` knows among my people, strongest first, each with its evidence."""
    return [row for _link, row in known_links(owner, person)[0]]


def link_strengths(owner: Owner, person: Person, others: Iterable[int]) -> dict[int, float]:
    """The strength of `person`'s link with each of `others` as `troth knows` and the
    path search see it (`actions.links_now`: the pass's own scoring, read now);
    nothing is written."""
    return {
        other: link.strength for other, link in actions.links_now(owner, person.id, others).items()
    }


def _check(hops: int, floor: str) -> None:
    if not 1 <= hops <= graph.MAX_HOPS:
        raise FieldError("hops", f"must be 1 to {graph.MAX_HOPS}, got {hops}")
    usable = TIERS[:-1]  # never through a stranger
    if floor not in usable:
        raise FieldError("floor", f"must be one of {', '.join(usable)}, got {floor!r}")


def check_options(hops: int, floor: str) -> None:
    """--hops and --floor as find_paths takes them, else a TrothError (for callers
    that must tell bad input from a target that needs no path)."""
    _check(hops, floor)


def resolve_target(owner: Owner, text: str) -> Person:
    """A person by #id, name or email address."""
    value = text.strip()
    if "@" in value and " " not in value:
        found = ContactPoint.objects.filter(
            owner=owner, kind=ContactPoint.EMAIL, value=value.lower()
        ).values_list("person_id", flat=True)
        ids = sorted(set(found))
        if len(ids) > 1:
            raise TrothError(f"{value} belongs to several people: use the #id")
        if not ids:
            raise NotFound(f"nobody with the address {value}")
        person = Person.objects.get(owner=owner, id=ids[0])
        if person.is_me:
            raise TrothError(f"{value} is your own address: name someone else")
        return person
    return resolve_person(owner, value)


def _needs(owner: Owner, ids: list[int], today: dt.date) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    # their open needs' words alone, through the person index: open_needs' rows with
    # each person and tags came through the owner's every open need (2 ms a query)
    rows = owned_rows(
        Need.objects.filter(person_id__in=ids, status=Need.OPEN, expires_on__gte=today), owner
    )
    for pid, what in rows.order_by("expires_on", "id").values_list("person_id", "what"):
        out.setdefault(pid, []).append(what)
    return out


SHOWN_COMPANIES = 5  # companies named when a name matches several


def _company(owner: Owner, me: Person, company: str) -> Organization | None:
    """The organisation `company` names: its exact name (case and accents aside), else
    the one organisation someone works or worked at whose name has a word starting so
    ("Wayfinder" for "Wayfinder Hospitality", as people search matches names). Several:
    Ambiguous, naming them. None: nobody is there."""
    key = fold(company)
    if not key:
        return None
    exact = Organization.objects.filter(owner=owner, name_key=key).first()
    if exact is not None:
        return exact
    staffed = Employment.objects.filter(owner=owner).exclude(person=me).values("organization_id")
    found = list(
        Organization.objects.filter(owner=owner, id__in=staffed)
        .filter(Q(name_key__startswith=key) | Q(name_key__contains=f" {key}"))
        .order_by("name_key", "id")[: SHOWN_COMPANIES + 1]
    )
    if len(found) > 1:
        names = ", ".join(repr(o.name) for o in found[:SHOWN_COMPANIES])
        more = " and more" if len(found) > SHOWN_COMPANIES else ""
        raise Ambiguous(
            f"{company!r} matches several companies: {names}{more}; name one in full",
            [(o.id, o.name) for o in found[:SHOWN_COMPANIES]],
        )
    return found[0] if found else None


def find_paths(
    owner: Owner,
    target: Person | None = None,
    company: str | None = None,
    *,
    hops: int = DEFAULT_HOPS,
    floor: str = DEFAULT_FLOOR,
    as_of: dt.date | None = None,
    retried: bool = False,
) -> dict[str, Any]:
    """Warm paths from me to `target` or to anyone at `company` (see graph.py for the
    ranking; a path whose first hop is loaded, see load.py, ranks as if its weakest
    hop were half as strong, and says why). Raises TrothError for a target that needs
    no path or a company with nobody; an empty `paths` comes with the closest people
    and what I could give them. `as_of`: the ties and links as they stood that day."""
    _check(hops, floor)
    today = check_as_of(as_of)
    scored, ties, trends = ties_of(owner, today)
    me = Person.objects.get(owner=owner, is_me=True)
    names: dict[int, str]
    if company is not None:
        org = _company(owner, me, company)
        jobs = (
            list(
                Employment.objects.filter(owner=owner, organization=org)
                .exclude(person=me)
                .values_list("person_id", "is_current")
            )
            if org
            else []
        )
        if not jobs:
            raise TrothError(f"nobody at {company!r} in your network")
        ranks: dict[int, int] = {}
        for pid, current in jobs:
            ranks[pid] = min(ranks.get(pid, 1), 0 if current else 1)
        target_json: dict[str, Any] = {
            "company": org.name if org else company,
            "people": len(ranks),
        }
    else:
        assert target is not None
        if target.is_me:
            raise NoPathNeeded("that is you: name someone else")
        tier = ties.get(target.id, ("stranger", 0.0))[0]
        if tier in CLOSE_TIERS:
            raise NoPathNeeded(
                f"{target.full_name} is already one of your {tier} ties: just ask them"
            )
        ranks = {target.id: 0}
        target_json = {"id": target.id, "name": target.full_name, "tier": tier}

    direct: list[dict[str, Any]] = []
    if company is not None:

        def rows(pids: list[int]) -> list[dict[str, Any]]:
            known = dict(
                Person.objects.filter(owner=owner, id__in=pids).values_list("id", "full_name")
            )
            return [
                {
                    "id": pid,
                    "name": known.get(pid, ""),
                    "tier": ties[pid][0],
                    "current": ranks[pid] == 0,
                }
                for pid in sorted(pids, key=lambda p: (ranks[p], -ties[p][1], p))
            ]

        # Everyone there one of my close ties (the tiers a person target is refused
        # for, whatever --floor says): as for a person who is one, just ask them (the
        # second attacker's review: the floor decided it, both ways).
        if all(ties.get(pid, ("stranger", 0.0))[0] in CLOSE_TIERS for pid in ranks):
            raise NoPathNeeded(_just_ask(str(target_json["company"]), rows(list(ranks))))
        # My own ties there at the floor or above need no connector: listed apart.
        cut = TIERS.index(floor)
        mine = [pid for pid in ranks if ties.get(pid, ("stranger", 0.0))[0] in TIERS[: cut + 1]]
        direct = rows(mine)
        for pid in mine:
            del ranks[pid]
        target_json["direct"] = direct

    net = network(owner, today, scored)  # after the checks: bad input runs no pass
    source, ids, index = net.source, net.ids, net.index
    # a person target is not their own connector; a company's people can be
    first = [
        (node, weight)
        for node, pid, weight in net.first_hops(floor)
        if company is not None or pid not in ranks
    ]
    goals = [(index[pid], r) for pid, r in ranks.items() if pid in index]
    with net.lock:  # one search at a time per graph (its scratch array)
        found = graph.search(
            net.g,
            first,
            goals,
            max_hops=hops,
            passable=net.passable,
            top=TOP * 2,  # room for the loaded ones to drop below others
        )
    people = {int(ids[n]) for f in found for n in f.nodes}
    names = dict(Person.objects.filter(owner=owner, id__in=people).values_list("id", "full_name"))
    if len(names) < len(people) and not retried:
        # someone on a path was deleted since the cached graph was built (a deletion
        # bumps no version): build it again, once
        forget_network(owner)
        return find_paths(owner, target, company, hops=hops, floor=floor, as_of=as_of, retried=True)
    firsts = {int(ids[f.nodes[0]]): names.get(int(ids[f.nodes[0]]), "") for f in found}
    loads = load.connector_load(owner, me.id, firsts, today)
    found.sort(
        key=lambda f: (
            -f.weakest * (load.FACTOR if loads[int(ids[f.nodes[0]])] else 1.0),
            f.hops,
            -f.total,
        )
    )
    found = found[:TOP]
    cold = load.cooling(
        owner, {int(ids[f.nodes[0]]): firsts[int(ids[f.nodes[0]])] for f in found}, today, trends
    )
    pair_links = _links_between(source, found, ids)
    needs = _needs(owner, [int(ids[f.nodes[0]]) for f in found], today)
    paths = []
    for f in found:
        steps = []
        prev: int | None = None
        for pos, node in enumerate(f.nodes):
            pid = int(ids[node])
            tier, score = ties.get(pid, ("stranger", 0.0))
            if prev is None:
                why = [f"your tie: {tier}, trust {whole(score)}/100"]
            else:
                lk = pair_links.get((min(prev, pid), max(prev, pid)))
                why = evidence(lk, today) if lk else []
            step = {
                "id": pid,
                "name": names.get(pid, ""),
                "tier": tier,
                "strength": round(f.weights[pos], 3),
                "evidence": why,
            }
            if prev is None:
                step["open_needs"] = needs.get(pid, [])
                step["cooling"] = cold.get(pid)
            steps.append(step)
            prev = pid
        paths.append(
            {
                "hops": steps,
                "weakest": round(f.weakest, 3),
                # the weakest hop as the ranking counts it (lower when the first hop is
                # loaded): the order of `paths` is by this, then length, then total
                "ranked_as": round(
                    f.weakest * (load.FACTOR if loads[int(ids[f.nodes[0]])] else 1.0), 3
                ),
                "length": f.hops,
                "total": round(f.total, 3),
                # why this path ranks lower than its weakest hop alone would say
                "load": loads[int(ids[f.nodes[0]])],
            }
        )
    result: dict[str, Any] = {
        "target": target_json,
        "hops": hops,
        "floor": floor,
        "as_of": today.isoformat(),
        "paths": paths,
    }
    if target is not None and as_of is None:
        asked = _open_ask(owner, me, target)
        if asked is not None:
            result["open_ask"] = asked
    if not paths and not direct and ranks:
        touching = source.touching(set(ranks))  # read once for both
        result["closest"] = _closest(owner, touching, set(ranks), ties, today)
        result["strangers"] = _strangers(owner, touching, set(ranks), ties)
        result["may_know"] = _may_know(owner, net, first, touching, set(ranks), ties, hops, today)
    return result


def _just_ask(company: str, direct: list[dict[str, Any]]) -> str:
    """Everyone troth knows at `company` is one of my own ties, in one line."""
    if len(direct) == 1:
        row = direct[0]
        was = "" if row["current"] else ", worked there"
        return f"you know {row['name']} at {company} yourself ({row['tier']}{was}): just ask them"
    shown = ", ".join(f"{row['name']} ({row['tier']})" for row in direct[:SHOWN_COMPANIES])
    more = f" and {len(direct) - SHOWN_COMPANIES} more" if len(direct) > SHOWN_COMPANIES else ""
    return f"you know everyone troth has at {company} yourself: {shown}{more}: just ask them"


def _open_ask(owner: Owner, me: Person, target: Person) -> dict[str, Any] | None:
    """The introduction to `target` I asked for and is still under way: a path's "Ask"
    would be refused (one open ask per person), so the paths say so instead of
    offering it (a newcomer's review: the Ask was offered, then a 400)."""
    intro = open_request(owner, me, target)
    if intro is None:
        return None
    return {
        "id": intro.id,
        "connector": {"id": intro.introducer_id, "name": intro.introducer.full_name},
        "state": flow.word(intro.state),
    }


def _links_between(
    source: Links, found: list[graph.Found], ids: np.ndarray
) -> dict[tuple[int, int], Link]:
    pairs: set[tuple[int, int]] = set()
    for f in found:
        people = [int(ids[n]) for n in f.nodes]
        pairs.update((min(a, b), max(a, b)) for a, b in zip(people, people[1:], strict=False))
    return source.between(pairs)


def _closest(
    owner: Owner,
    links: list[Link],
    targets: set[int],
    ties: dict[int, tuple[str, float]],
    today: dt.date,
) -> list[dict[str, Any]]:
    """No warm path: my people linked to the target (any evidence, the weak kind
    included), best tie first, never strangers, with their open needs (what I could
    give them first); `links`: every link touching the targets."""
    near: dict[int, Link] = {}
    for lk in links:
        for pid in (lk.person_a_id, lk.person_b_id):
            if pid in targets or ties.get(pid, ("stranger", 0.0))[0] == "stranger":
                continue  # never a stranger, even as "the closest"
            if pid not in near or lk.strength > near[pid].strength:
                near[pid] = lk
    order = sorted(near, key=lambda pid: (-ties[pid][1], pid))[:TOP]
    names = dict(Person.objects.filter(owner=owner, id__in=order).values_list("id", "full_name"))
    needs = _needs(owner, order, today)
    return [
        {
            "id": pid,
            "name": names.get(pid, ""),
            "tier": ties[pid][0],
            "evidence": evidence(near[pid], today),
            "open_needs": needs.get(pid, []),
        }
        for pid in order
    ]


def _strangers(
    owner: Owner, links: list[Link], targets: set[int], ties: dict[int, tuple[str, float]]
) -> list[dict[str, Any]]:
    """People in my book known to know the target whom I am not in touch with: never a
    hop, but "nobody you know knows them" would be untrue (a newcomer's review)."""
    found = sorted(
        {
            pid
            for lk in links
            for pid in (lk.person_a_id, lk.person_b_id)
            if pid not in targets and ties.get(pid, ("stranger", 0.0))[0] == "stranger"
        }
    )[:TOP]
    names = dict(Person.objects.filter(owner=owner, id__in=found).values_list("id", "full_name"))
    return [{"id": pid, "name": names[pid]} for pid in found if pid in names]


def _may_know(
    owner: Owner,
    net: Network,
    first: list[tuple[int, float]],
    links: list[Link],
    targets: set[int],
    ties: dict[int, tuple[str, float]],
    hops: int,
    today: dt.date,
) -> list[dict[str, Any]]:
    """No warm path, but one that ends in an employer overlap alone (issue 12: "may
    know", never a hop on its own word): the chain of usable hops to someone who
    worked with the target, best first, one per such person, for the user to
    confirm with `troth knows` (a confirmed link is usable: the path is then found).
    On the simulator such an overlap was all that stood between me and a quarter to
    a half of the targets reachable in truth that the search missed
    (bench/eval_paths.py --why, which also scores these suggestions)."""
    if hops < 2:
        return []
    overlaps: dict[int, tuple[int, Link]] = {}  # the colleague: (the target, the link)
    for lk in links:
        if lk.usable or lk.forgotten or lk.employer_id is None:
            continue
        for colleague, target in (
            (lk.person_a_id, lk.person_b_id),
            (lk.person_b_id, lk.person_a_id),
        ):
            node = net.index.get(colleague)
            if target not in targets or colleague in targets or node is None:
                continue
            if not net.passable[node]:
                continue  # a stranger to me carries no path, confirmed or not
            old = overlaps.get(colleague)
            if old is None or lk.strength > old[1].strength:
                overlaps[colleague] = (target, lk)
    if not overlaps:
        return []
    # only a small organisation's overlap is worth a question (see MAY_KNOW_MAX_ORG)
    sizes = dict(
        Employment.objects.filter(
            owner=owner, organization_id__in={lk.employer_id for _t, lk in overlaps.values()}
        )
        .values_list("organization_id")
        .annotate(n=Count("person_id", distinct=True))
    )
    overlaps = {
        c: (t, lk)
        for c, (t, lk) in overlaps.items()
        if sizes.get(lk.employer_id, 0) <= MAY_KNOW_MAX_ORG
    }
    if not overlaps:
        return []
    with net.lock:
        found = graph.search(
            net.g,
            [(node, w) for node, w in first if int(net.ids[node]) not in targets],
            [(net.index[pid], 0) for pid in overlaps],
            max_hops=hops - 1,
            passable=net.passable,
            top=TOP * 2,
        )
    best: dict[int, graph.Found] = {}
    for f in found:  # best first: keep the best chain to each colleague
        best.setdefault(int(net.ids[f.nodes[-1]]), f)
    chosen = list(best.items())[:3]
    people = {int(net.ids[n]) for _c, f in chosen for n in f.nodes} | {
        overlaps[c][0] for c, _f in chosen
    }
    names = dict(Person.objects.filter(owner=owner, id__in=people).values_list("id", "full_name"))
    out = []
    for colleague, f in chosen:
        target, lk = overlaps[colleague]
        words = [w for kind, w in evidence_parts(lk, today) if kind == "employer"]
        out.append(
            {
                "via": [
                    {
                        "id": int(net.ids[n]),
                        "name": names.get(int(net.ids[n]), ""),
                        "tier": ties.get(int(net.ids[n]), ("stranger", 0.0))[0],
                        "strength": round(f.weights[i], 3),
                    }
                    for i, n in enumerate(f.nodes)
                ],
                "target": {"id": target, "name": names.get(target, "")},
                "evidence": [w.split(" (may know")[0] for w in words],
                "confirm": f"troth knows #{colleague} #{target}",
            }
        )
    return out


def ask_draft(result: dict[str, Any], via: int, to: int | None = None) -> dict[str, Any]:
    """The best path of `result` through first hop `via` (and ending at `to`, for a
    company's paths), with a draft of the ask for the introductions workflow: why,
    in the owner's words to edit, and a note about the owner the connector can
    forward. A longer path never commits the second connector: the first is asked
    whether they would be comfortable asking them (as `do_ask_best_path`)."""
    for found in result["paths"]:
        hops = found["hops"]
        if hops[0]["id"] == via and (to is None or hops[-1]["id"] == to):
            break
    else:
        raise TrothError("that path is not among the warm paths any more: find them again")
    target = hops[-1]["name"]
    why = f"I would like to meet {target} about [what you are asking]."
    if len(hops) > 2:
        second = hops[1]["name"]
        why += (
            f" Would you be comfortable asking {second} whether they would be open to an"
            f" introduction to {target}?"
        )
    # forwarded to the target as is: what is asked, and what the owner offers them
    blurb = (
        f"[Who you are, in a line] would like to meet {target} about [what you are"
        " asking], and can offer [what you could do for them]."
    )
    return {"path": found, "connector": hops[0], "target": hops[-1], "why": why, "blurb": blurb}
