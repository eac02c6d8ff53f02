"""Which records are the same person, and how sure we are (pure: no Django).

Three kinds of evidence, in order:

1. a shared contact point (normalised e-mail, profile URL or phone). A profile
   URL or an e-mail is personal, so with names that agree it is *sure*; a phone
   is shared by households and switchboards, so it needs a close name too. A
   shared address under names that disagree (a family mailbox) is only *likely*.
2. the name and the company. A close name (nicknames: Bob ~ Robert; initials:
   J. ~ James; one-letter typos; accents and case folded) at the same company is
   sure; at another company (a changed job) or with no company it is only a
   suggestion. Namesakes (two John Smiths at different companies) are never
   merged on their name alone.
3. the sources, when known (`Candidate.sources`: an import record's own, or the
   sources a stored person's import records came from; a person with none, typed
   in by hand, is left alone by this rule):
   a name that no source shows twice, over the records already merged, that is
   not common and that nothing contradicts is one person (`_one_per_source`),
   across two employers too when the name is very rare (a changed job); a name
   twice in one source is two people. Records named only by an address
   ("rbellton@...") are read by the family and given names the others bear.

Two records with different LinkedIn profile URLs are two people, whatever else;
so are two LinkedIn records sharing no address (an export lists a connection once),
and one is not a misspelling of the other's name: blocks of LinkedIn records alone
are not compared at all.

Not all pairs: records are blocked by family-name key, by (given name, first
letters of the family name) and by company or work domain, and each block is
scored at once with `rapidfuzz.process.cdist`; only pairs above a cutoff are
looked at one by one.

Here: `find_matches`, the blocking and the order of the rules. The names and
nicknames are in troth.identity.names, a record prepared for comparison in .records,
a pair's verdict in .scoring, the name groups (rules 3, rare names, spelled variants)
in .groups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from troth.identity.groups import (
    _name_groups,
    _one_per_source,
    _pairs_in_block,
    _rare_name_groups,
    _variants,
)
from troth.identity.names import company_key, name_forms, one_typo, split_name
from troth.identity.records import (
    PERSONAL_DOMAINS,
    Candidate,
    Match,
    _canonical,
    _canonicals,
    _names_from_addresses,
    _prepare,
    candidate_from_record,
    normalized,
)
from troth.identity.scoring import (
    ONCE_PER_PERSON,
    _compatible,
    _judge,
    _same_company,
    apart,
    names_agree,
)

# The names, the records, the scoring and the name groups live in their own modules
# (troth.identity.names, .records, .scoring, .groups); what callers (and the benchmark)
# imported from here still is.
__all__ = [
    "Candidate",
    "Match",
    "find_matches",
    "names_agree",
    "company_key",
    "normalized",
    "candidate_from_record",
    "name_forms",
    "one_typo",
    "split_name",
    "PERSONAL_DOMAINS",
    "_compatible",
    "_prepare",
    "_canonical",
    "_canonicals",
    "_same_company",
    "_one_per_source",
]

_NO_SOURCE: frozenset[str] = frozenset()

# Above these, blocks are scored pair by pair only on the cdist candidates.
GIVEN_CUTOFF = 0.88

FAMILY_CUTOFF = 0.85

# Within one company's records, names this alike are compared (a bigger block is
# a personal domain or a giant employer: skipped).
COMPANY_NAME_CUTOFF = 0.85

MAX_COMPANY_BLOCK = 2000

# Names borne by more records than this are too common to suggest on the name alone.
MAX_SUGGEST_GROUP = 6

# Contact groups bigger than this are a switchboard or a shared mailbox, not a person.
MAX_CONTACT_GROUP = 6


def find_matches(people: Sequence[Candidate], focus: Collection[int] | None = None) -> list[Match]:
    """Every pair worth merging or suggesting, best first. With `focus` (ids), only
    pairs with at least one of those people (an import's new records vs everyone)."""
    prepared = [_prepare(c) for c in people]
    _names_from_addresses(people, prepared)
    wanted = None if focus is None else set(focus)
    pairs: dict[tuple[int, int], list[str]] = {}

    def consider(i: int, j: int) -> list[str]:
        key = (i, j) if i < j else (j, i)
        return pairs.setdefault(key, [])

    # 1. shared contact points
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(people):
        for kind, values in (("email", c.emails), ("phone", c.phones), ("url", c.urls)):
            for v in set(values):
                groups[(kind, v)].append(i)
    shared_boxes: set[int] = set()  # records on an address used under different names
    for (kind, value), members in groups.items():
        if len(members) < 2 or len(members) > MAX_CONTACT_GROUP:
            continue
        named = [m for m in members if prepared[m].named and not prepared[m].from_email]
        if any(not _compatible(prepared[x], prepared[y]) for x in named for y in named if x < y):
            shared_boxes.update(members)
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                consider(members[x], members[y]).append(f"same {kind} {value}")

    # 2. names, blocked. Within a family-name block the family names agree, so only
    # the given names are compared (in their formal form, so a nickname costs
    # nothing); within a (formal given name, start of the family name) block only
    # the family names are (typos). Each block is scored at once by cdist.
    canon = _canonicals(prepared)
    keys = [f"{canon[i]} {p.family}".strip() for i, p in enumerate(prepared)]
    by_family: dict[str, list[int]] = defaultdict(list)
    by_given: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(prepared):
        if not p.named:
            continue
        if p.family:
            by_family[p.family].append(i)
        for form in p.forms:
            # the first letter only: a slip in the second ("Wsano" for "Wesano")
            by_given[f"{form}:{p.family[:1]}"].append(i)

    # A source that lists each person once (a LinkedIn export): two of its records
    # that share no address are two people (scoring.apart) whatever their names, so
    # a block of its records alone holds no pair worth scoring, nor a spelling of
    # another's name (.groups._variants: two profiles are not one person's slip).
    # Skipped before the names are compared: a LinkedIn export's family-name blocks
    # were most of its identity step (issue 20). Shared addresses are step 1's.
    once = [ONCE_PER_PERSON.intersection(c.sources) if c.sources else _NO_SOURCE for c in people]

    def interesting(members: list[int]) -> bool:
        if len(members) < 2:
            return False
        if wanted is not None and not any(people[m].id in wanted for m in members):
            return False
        common = once[members[0]]
        for m in members[1:]:
            if not common:
                return True
            common = common & once[m]
        return not common

    # (pairs.setdefault inline, not consider(): a LinkedIn export's blocks hand over
    # a hundred thousand pairs, issue 20)
    setdefault = pairs.setdefault
    for members in by_family.values():
        if not interesting(members):
            continue
        texts = [canon[m] for m in members]
        for i, j in _pairs_in_block(members, texts, GIVEN_CUTOFF):
            setdefault((i, j) if i < j else (j, i), [])
        # Initials ("J. Smith") score low as strings: compare them by their letter.
        for m in members:
            if len(prepared[m].given) == 1:
                for o in members:
                    if o != m and prepared[o].given[:1] == prepared[m].given:
                        consider(m, o)
    for members in by_given.values():
        if not interesting(members):
            continue
        texts = [prepared[m].family for m in members]
        for i, j in _pairs_in_block(members, texts, FAMILY_CUTOFF):
            # (a same-family pair is here because a form of their given names meets,
            # "Teddy" known as Theodore's nickname, which the family block's string
            # comparison of the given names does not see)
            setdefault((i, j) if i < j else (j, i), [])
    # Colleagues: at one company (or one work domain), a typo anywhere in the name
    # ("Lewis" / "Lawis", which the blocks above split on their second letter).
    by_company: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(prepared):
        if p.named:
            # "northwind labs" meets both northwindlabs.com and northwind.com
            labels = {p.company.replace(" ", ""), p.company.partition(" ")[0]} | p.employers
            for label in labels - {""}:
                by_company[label].append(i)
    for members in by_company.values():
        if interesting(members) and len(members) <= MAX_COMPANY_BLOCK:
            texts = [keys[m] for m in members]
            for i, j in _pairs_in_block(members, texts, COMPANY_NAME_CUTOFF):
                setdefault((i, j) if i < j else (j, i), [])

    name_groups, chance = _name_groups(prepared, keys, [max(1, c.weight) for c in people], canon)
    one_person = _rare_name_groups(people, prepared, name_groups, chance)
    bearing = {key: len(members) for key, members in name_groups.items()}

    found: list[Match] = []
    for (i, j), shared in pairs.items():
        ci, cj = people[i], people[j]
        if ci.id == cj.id:
            continue
        if wanted is not None and ci.id not in wanted and cj.id not in wanted:
            continue
        if apart(prepared[i], prepared[j], shared, ci, cj):
            continue  # (most of a LinkedIn export's pairs: nothing more to weigh)
        rare = keys[i] == keys[j] and keys[i] in one_person
        common = max(bearing.get(keys[i], 0), bearing.get(keys[j], 0)) > MAX_SUGGEST_GROUP
        mailbox = bool(shared) and (i in shared_boxes or j in shared_boxes)
        match = _judge(prepared[i], prepared[j], shared, ci, cj, rare, common, mailbox)
        if match is not None:
            found.append(match)
    index = {c.id: i for i, c in enumerate(people)}
    sure = [(index[m.a], index[m.b]) for m in found if m.sure]
    by_pair = {(m.a, m.b): m for m in found}
    spelled = _variants(prepared, keys, name_groups, pairs)
    for i, j, _key in _one_per_source(people, prepared, spelled, chance, sure, wanted):
        lo, hi = sorted((people[i].id, people[j].id))
        known = by_pair.get((lo, hi))
        if known is None:
            reasons = ["same name", "no source lists this name twice"]
            by_pair[(lo, hi)] = Match(lo, hi, 0.9, True, reasons)
            found.append(by_pair[(lo, hi)])
        elif not known.sure:  # a suggestion ("one has no company"): now sure
            known.sure, known.confidence = True, 0.9
            known.reasons.append("no source lists this name twice")
    found.sort(key=lambda m: (-m.confidence, m.a, m.b))
    return found
