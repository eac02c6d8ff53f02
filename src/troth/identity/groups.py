"""Name groups (pure: no Django): the records bearing one full name, how many would
bear it by chance, which names are rare enough to be one person, the clusters no source
lists twice, the records that spell a name another way, and the cdist scoring of a
block of records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from troth.identity.names import one_typo
from troth.identity.records import Candidate, _Prepared
from troth.identity.scoring import (
    CLOSE_FAMILY,
    ONCE_PER_PERSON,
    _employer_of,
    _name_scores,
    _same_company,
)

# A name expected fewer times than this by chance (given x family frequency) is rare.
RARE_NAME = 0.25

MAX_RARE_GROUP = 3

# With each source showing a name at most once, a name expected fewer times than this
# by chance is one person (see _one_per_source), up to this many clusters bearing it.
SOURCE_RARE_NAME = 1.0

MAX_SOURCE_GROUP = 4

# Clusters of a name expected by chance in fewer records than this join even when
# their employers differ: so rare a name is much likelier one person who changed
# jobs (median tenure with an employer is 3.9 years, US BLS 2024, and an address
# book is older than a LinkedIn export) than two people who share it. At 0.02 the
# dirty benchmark gains 2 points of recall for 0.1-0.3 of precision; at 0.05, 3.5
# for 0.3-0.5 (bench/bench_identity.py).
JOB_CHANGE_NAME = 0.02

MAX_ROUNDS = 4


def _name_groups(
    prepared: list[_Prepared], keys: list[str], weights: Sequence[int], canon: Sequence[str]
) -> tuple[dict[str, list[int]], dict[str, float]]:
    """The records bearing each full name (formal given name + family name), and how
    many records would bear it by chance (given x family frequency, in records:
    `weights`, see Candidate.weight; `canon`: each record's formal given name,
    records._canonicals)."""
    groups: dict[str, list[int]] = defaultdict(list)
    given_counts: dict[str, int] = defaultdict(int)
    family_counts: dict[str, int] = defaultdict(int)
    total = 0
    for i, p in enumerate(prepared):
        if p.named and p.given and p.family and len(p.given) > 1:
            groups[keys[i]].append(i)
            given_counts[canon[i]] += weights[i]
            family_counts[p.family] += weights[i]
            total += weights[i]
    total = max(1, total)
    chance = {}
    for key, members in groups.items():
        first = prepared[members[0]]
        chance[key] = given_counts[canon[members[0]]] * family_counts[first.family] / total
    return groups, chance


def _rare_name_groups(
    people: Sequence[Candidate],
    prepared: list[_Prepared],
    groups: dict[str, list[int]],
    chance: dict[str, float],
) -> set[str]:
    """Names so rare that all the records bearing them are one person: seen at most
    MAX_RARE_GROUP times, expected by chance (given x family frequency) at most
    RARE_NAME times, and nothing in the group says otherwise (one profile URL at
    most, one company at most, never twice from one source: a source lists a person
    once, so two records from it are namesakes)."""
    rare: set[str] = set()
    for key, members in groups.items():
        if not 2 <= len(members) <= MAX_RARE_GROUP:
            continue
        if chance[key] > RARE_NAME:
            continue
        sources = [s for m in members for s in people[m].sources]
        if len(sources) != len(set(sources)):
            continue
        urls = set().union(*(prepared[m].linkedin for m in members))
        companies = {prepared[m].company for m in members if prepared[m].company}
        employers = set().union(*(prepared[m].employers for m in members))
        one_employer = len(companies) <= 1 and len(employers) <= 1
        if one_employer and companies and employers:
            one_employer = _employer_of(
                _Prepared("", "", frozenset(), False, "", frozenset(), frozenset(employers), False),
                *companies,
            )
        if len(urls) <= 1 and one_employer:
            rare.add(key)
    return rare


@dataclass
class _Cluster:
    """What the records already merged into one person say, together."""

    sources: set[str] = field(default_factory=set)
    unsourced: bool = False  # a record whose source is unknown
    linkedin: set[str] = field(default_factory=set)
    companies: set[str] = field(default_factory=set)
    employers: set[str] = field(default_factory=set)


def _clusters_agree(x: _Cluster, y: _Cluster) -> bool:
    """No employer says they are two people: one side names none, or they share one."""
    if not (x.companies or x.employers) or not (y.companies or y.employers):
        return True
    if x.employers & y.employers:
        return True
    for cx in x.companies or {""}:
        for cy in y.companies or {""}:
            a = _Prepared("", "", frozenset(), True, cx, frozenset(), frozenset(x.employers), False)
            b = _Prepared("", "", frozenset(), True, cy, frozenset(), frozenset(y.employers), False)
            if _same_company(a, b):
                return True
    return False


def _one_per_source(
    people: Sequence[Candidate],
    prepared: list[_Prepared],
    groups: dict[str, list[int]],
    chance: dict[str, float],
    sure: list[tuple[int, int]],
    wanted: set[int] | None,
) -> list[tuple[int, int, str]]:
    """Name groups that are one person because no source lists the name twice.

    A source mostly lists a person once (a LinkedIn export each connection, an
    address book each contact, a mail archive each correspondent), so two records
    of one name from one source are taken for namesakes: now and then wrongly (a
    contact entered twice), which only leaves them apart. The records already merged
    (`sure`, index pairs) are taken together: when every source shows the name at
    most once over all the clusters bearing it, nothing contradicts (one LinkedIn
    profile at most, no two employers that disagree, unless the name is expected
    fewer than JOB_CHANGE_NAME times: a changed job) and the name is expected at
    most SOURCE_RARE_NAME times by chance, the clusters are one person. Repeated
    until nothing more joins, so that what one merge gathers (a company, a source)
    counts in the next. Records of unknown source never join this way. Returns
    index pairs to merge, with the name."""
    parent = list(range(len(people)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in sure:
        parent[root(i)] = root(j)
    candidates = [
        (key, members)
        for key, members in groups.items()
        if len(members) >= 2
        and chance[key] <= SOURCE_RARE_NAME
        and not _listed_once(people, members)
    ]
    joined: list[tuple[int, int, str]] = []
    if not candidates:
        return joined
    for _round in range(MAX_ROUNDS):
        # the clusters the name groups touch, described once per round
        touched = {root(m) for _key, members in candidates for m in members}
        info: dict[int, _Cluster] = {r: _Cluster() for r in touched}
        for i in range(len(people)):
            c = info.get(root(i))
            if c is None:
                continue
            srcs = people[i].sources
            if srcs:
                c.sources.update(srcs)
            else:
                c.unsourced = True
            p = prepared[i]
            c.linkedin |= p.linkedin
            if p.company:
                c.companies.add(p.company)
            c.employers |= p.employers
        changed = False
        for key, members in candidates:
            roots: list[int] = []
            for m in members:
                r = root(m)
                if r not in roots:
                    roots.append(r)
            if len(roots) < 2 or len(roots) > MAX_SOURCE_GROUP:
                continue
            clusters = [info[r] for r in roots]
            if any(c.unsourced for c in clusters):
                continue
            seen: set[str] = set()
            ok = True
            for c in clusters:
                if c.sources & seen:
                    ok = False  # two of them in one source: namesakes
                    break
                seen |= c.sources
            if not ok or len(set().union(*(c.linkedin for c in clusters))) > 1:
                continue
            if chance[key] > JOB_CHANGE_NAME and not all(
                _clusters_agree(x, y) for n, x in enumerate(clusters) for y in clusters[n + 1 :]
            ):
                continue
            first = {r: next(m for m in members if root(m) == r) for r in roots}
            for r in roots[1:]:
                a, b = first[roots[0]], first[r]
                if wanted is not None and not {people[a].id, people[b].id} & wanted:
                    continue
                joined.append((a, b, key))
                parent[root(b)] = root(a)
                changed = True
            together = _Cluster(
                sources=seen,
                linkedin=set().union(*(c.linkedin for c in clusters)),
                companies=set().union(*(c.companies for c in clusters)),
                employers=set().union(*(c.employers for c in clusters)),
            )
            for r in roots:
                info[r] = together
        if not changed:
            break
    return joined


def _listed_once(people: Sequence[Candidate], members: list[int]) -> bool:
    """Every record of the name comes from one source that lists a person once (a
    LinkedIn export): however merges gather them, two clusters bearing it would both
    hold that source, so the name never joins (the test in `_one_per_source`'s
    rounds, answered before them: a LinkedIn export's thousands of shared names
    each cost a round's bookkeeping, issue 20)."""
    common: frozenset[str] = ONCE_PER_PERSON
    for m in members:
        common = common.intersection(people[m].sources)
        if not common:
            return False
    return True


def _variants(
    prepared: list[_Prepared],
    keys: list[str],
    groups: dict[str, list[int]],
    pairs: dict[tuple[int, int], list[str]],
) -> dict[str, list[int]]:
    """The name groups with the records that write the name another way, each in
    the one group whose name it may stand for: an initial ("J. Okafor" in "James
    Okafor"; one that fits two names, "James" and "John", stays out), and a slip of
    one letter that nobody else writes ("Megna Whitwell" in "Megan Whitwell",
    "Olivia Wsano" in "Olivia Wesano"). A slip into a spelling the data holds twice
    or more ("Andre" for "Andrew") is left out: that is mostly another name."""
    given_seen: dict[str, int] = defaultdict(int)
    family_seen: dict[str, int] = defaultdict(int)
    for p in prepared:
        if p.named:
            given_seen[p.given] += 1
            family_seen[p.family] += 1

    def slip(x: _Prepared, y: _Prepared) -> bool:
        """x writes y's name with one letter wrong, in a spelling seen only in x."""
        if x.family == y.family and x.given != y.given:
            return given_seen[x.given] == 1 and one_typo(x.given, y.given, 4)
        if x.given == y.given or x.forms & y.forms:
            return family_seen[x.family] == 1 and one_typo(x.family, y.family, 5)
        return False

    near: dict[int, set[str]] = defaultdict(set)
    for (i, j), shared in pairs.items():
        if shared or keys[i] == keys[j]:
            continue
        a, b = prepared[i], prepared[j]
        if not (a.named and b.named and a.family and b.family):
            continue
        # which way round one may stand for the other, asked before the names are
        # scored: most pairs (a LinkedIn export's name blocks hand over tens of
        # thousands) are neither, and the cheap test spares scoring them (issue 20)
        ways = []
        for x, y in ((i, j), (j, i)):
            if keys[y] not in groups:
                continue
            px, py = prepared[x], prepared[y]
            if len(px.given) == 1 or (len(py.given) > 1 and slip(px, py)):
                ways.append((x, y))
        if not ways:
            continue
        given, family, _why = _name_scores(a, b)
        if given < 0.85 or family < CLOSE_FAMILY:
            continue
        for x, y in ways:
            near[x].add(keys[y])
    if not near:
        return groups
    # the groups a record joins copied, the others shared with `groups` (no one
    # changes them): copying all 30,000 of a LinkedIn export's groups cost more than
    # finding the few variants (issue 20)
    out = dict(groups)
    for x, names in near.items():
        if len(names) == 1:
            key = next(iter(names))
            out[key] = [*out[key], x]
    return out


def _pairs_in_block(
    members: list[int], keys: list[str], cutoff: float
) -> Iterable[tuple[int, int]]:
    if len(members) == 2:
        if JaroWinkler.normalized_similarity(keys[0], keys[1]) >= cutoff:
            yield members[0], members[1]
        return
    scores = process.cdist(
        keys,
        keys,
        scorer=JaroWinkler.normalized_similarity,
        score_cutoff=cutoff,
        dtype=np.float32,
    )
    ii, jj = np.nonzero(np.triu(scores, k=1))
    for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
        yield members[i], members[j]
