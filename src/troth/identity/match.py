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
so are two LinkedIn records sharing no address (an export lists a connection once).

Not all pairs: records are blocked by family-name key, by (given name, first
letters of the family name) and by company or work domain, and each block is
scored at once with `rapidfuzz.process.cdist`; only pairs above a cutoff are
looked at one by one.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from nameparser import HumanName
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler

from troth.lib.text import fold

# Nicknames -> the formal names they stand for. Several formal names are possible
# for some (Chris, Sam, Alex): two names match when their sets meet.
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby", "betsy"),
    "william": ("bill", "billy", "will", "willy", "liam"),
    "katherine": ("kate", "katie", "kathy", "kat", "kay"),
    "catherine": ("cathy", "cate", "kate", "katie"),
    "kathryn": ("kate", "katie", "kathy"),
    "michael": ("mike", "mikey", "mick", "mickey"),
    "james": ("jim", "jimmy", "jamie"),
    "jennifer": ("jen", "jenny", "jenn"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey"),
    "matthew": ("matt",),
    "andrew": ("andy", "drew"),
    "anthony": ("tony",),
    "joseph": ("joe", "joey"),
    "thomas": ("tom", "tommy"),
    "benjamin": ("ben", "benny"),
    "jonathan": ("jon", "jonny"),
    "john": ("jack", "johnny"),
    "samantha": ("sam", "sammy"),
    "samuel": ("sam", "sammy"),
    "rebecca": ("becky", "becca"),
    "jessica": ("jess", "jessie"),
    "christina": ("chris", "tina", "christy"),
    "christine": ("chris", "tina"),
    "christopher": ("chris", "topher"),
    "nathan": ("nate", "nat"),
    "nathaniel": ("nate", "nat"),
    "natalie": ("nat",),
    "patrick": ("pat", "paddy"),
    "patricia": ("pat", "patty", "trish"),
    "steven": ("steve",),
    "stephen": ("steve",),
    "stephanie": ("steph",),
    "alexander": ("alex", "xander"),
    "alexandra": ("alex", "sasha"),
    "victoria": ("vicky", "tori"),
    "abigail": ("abby", "abbie"),
    "kimberly": ("kim",),
    "nicole": ("nikki",),
    "nicholas": ("nick", "nicky"),
    "jacob": ("jake",),
    "henry": ("hank", "harry"),
    "richard": ("rick", "rich", "dick"),
    "charles": ("charlie", "chuck"),
    "edward": ("ed", "eddie", "ted"),
    "margaret": ("maggie", "meg", "peggy"),
    "megan": ("meg",),
    "gregory": ("greg",),
    "joshua": ("josh",),
    "susan": ("sue", "suzy"),
    "timothy": ("tim", "timmy"),
    "zachary": ("zach", "zack"),
    "deborah": ("debbie", "deb"),
    "dmitri": ("dima",),
    "alejandro": ("alex",),
    "francisco": ("paco", "pancho"),
    "jose": ("pepe",),
    "augustus": ("gus",),
}
_FORMS: dict[str, frozenset[str]] = {}
for _formal, _nicks in _NICKNAMES.items():
    for _name in (_formal, *_nicks):
        _FORMS[_name] = _FORMS.get(_name, frozenset({_name})) | {_formal}

_NOT_ALNUM = re.compile(r"[^0-9a-z ]+")
_COMPANY_NOISE = re.compile(
    r"\b(inc|incorporated|llc|ltd|limited|corp|corporation|co|company|gmbh|plc|sa|ag|bv)\b"
)
_EMAILISH = re.compile(r"\S+@\S+")

# Addresses anyone can have (and documentation's examples): the domain is no employer.
PERSONAL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "hey.com",
        "fastmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.ru",
        "yandex.com",
        "qq.com",
        "163.com",
        "126.com",
        "zoho.com",
        "tutanota.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "btinternet.com",
        "orange.fr",
        "example.com",
        "example.org",
        "example.net",
    }
)
_LOCAL_NAME = re.compile(r"^([a-z]{2,})[._]([a-z]{2,})\d*$")

# Above these, blocks are scored pair by pair only on the cdist candidates.
GIVEN_CUTOFF = 0.88
FAMILY_CUTOFF = 0.85
CLOSE_FAMILY = 0.93
CLOSE_GIVEN = 0.9
# Within one company's records, names this alike are compared (a bigger block is
# a personal domain or a giant employer: skipped).
COMPANY_NAME_CUTOFF = 0.85
MAX_COMPANY_BLOCK = 2000
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
# Sources that list a person once, by construction: two of their records are two
# people unless an address says otherwise. (An address book can hold a contact
# twice, and a mail archive a person under two addresses.)
ONCE_PER_PERSON = frozenset({"linkedin"})
# Names borne by more records than this are too common to suggest on the name alone.
MAX_SUGGEST_GROUP = 6
# Contact groups bigger than this are a switchboard or a shared mailbox, not a person.
MAX_CONTACT_GROUP = 6


def name_forms(given: str) -> frozenset[str]:
    """The formal names a given name may stand for: "bob" -> {"bob", "robert"}."""
    return _FORMS.get(given, frozenset({given}))


@dataclass(frozen=True)
class Candidate:
    """One person (or one imported record) as the matcher sees it: plain data."""

    id: int
    full_name: str
    given_name: str = ""
    family_name: str = ""
    nickname: str = ""  # what they go by, when a source said ("Bobby")
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()  # normalised (troth.lib.contact.normalize_url)
    company: str = ""
    # Where the record came from ("linkedin", "google", "mail"...); () when unknown
    # (a person already in the database may have been merged from several).
    sources: tuple[str, ...] = ()
    # How many imported records this stands for (a stored person merged from three
    # has 3): name frequencies are counted in records, as if nothing were merged yet,
    # so that how rare a name looks does not depend on how much was merged before.
    weight: int = 1


@dataclass
class Match:
    a: int  # the lower id
    b: int
    confidence: float  # 0..1
    sure: bool  # merge automatically; else suggest
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Prepared:
    given: str  # folded, alphanumeric
    family: str
    forms: frozenset[str]
    named: bool  # False when the "name" was an e-mail address or empty
    company: str
    linkedin: frozenset[str]
    employers: frozenset[str]  # first labels of work e-mail domains ("acme" for acme.com)
    from_email: bool  # the name was read from an address ("dana.kang@...")
    head: str = ""  # a double given name's first part: "marie" of Marie-Claire


@functools.lru_cache(maxsize=1 << 16)
def _clean(text: str) -> str:
    return " ".join(_NOT_ALNUM.sub(" ", fold(text).replace("'", "")).split())


@functools.lru_cache(maxsize=1 << 16)
def company_key(company: str) -> str:
    return " ".join(_COMPANY_NOISE.sub(" ", _clean(company)).split())


@functools.lru_cache(maxsize=1 << 16)
def split_name(full_name: str, given: str = "", family: str = "") -> tuple[str, str]:
    """(given, family), folded. Uses the record's own parts when it has them; parses
    the full name with nameparser only when it is not plain "First Last"."""
    if given or family:
        return _first_given(given), _clean(family)
    text = full_name.strip()
    words = text.split()
    if "," not in text and "." not in text and len(words) == 2:
        return _first_given(words[0]), _clean(words[1])
    parsed = HumanName(text)
    g, f = _first_given(parsed.first), _clean(parsed.last)
    if not f and not g:
        return _clean(text), ""
    return g, f


def _first_given(given: str) -> str:
    """The given name as one word: a hyphenated one joined ("Seo-yeon" -> "seoyeon",
    as addresses write it), of several the first ("Mary Ann" -> "mary")."""
    g = _clean(given.replace("-", ""))
    return g.split()[0] if g else ""


def _canonical(p: _Prepared) -> str:
    """One spelling per given name: the (first) formal name a nickname stands for (from
    the given name alone: a nickname the source gave only widens what matches)."""
    formal = name_forms(p.given) - {p.given}
    return min(formal) if formal else p.given


def _prepare(c: Candidate) -> _Prepared:
    text = c.full_name.strip()
    named = bool(c.given_name or c.family_name) or (bool(text) and not _EMAILISH.fullmatch(text))
    g, f = split_name(c.full_name, c.given_name, c.family_name) if named else ("", "")
    g = g.rstrip(".")
    from_email = False
    if not (named and (g or f)):
        for email in c.emails:
            found = _LOCAL_NAME.match(email.partition("@")[0])
            if found:
                g, f, from_email = found.group(1), found.group(2), True
                break
    employers = frozenset(
        domain.split(".")[0]
        for domain in (e.rpartition("@")[2] for e in c.emails)
        if domain and domain not in PERSONAL_DOMAINS
    )
    forms = name_forms(g) if g else frozenset()
    known_as = _first_given(c.nickname) if c.nickname else ""
    if known_as and g:
        # the name they go by is one of their given names' forms: "Bobby" finds them
        forms = forms | name_forms(known_as)
    return _Prepared(
        given=g,
        family=f,
        forms=forms,
        named=bool(g or f),
        company=company_key(c.company) if c.company else "",
        linkedin=frozenset(u for u in c.urls if "linkedin.com/in/" in u),
        employers=employers,
        from_email=from_email,
        head=_head(c) if named else "",
    )


def _head(c: Candidate) -> str:
    """The first part of a hyphenated given name ("Marie-Claire" -> "marie"): the
    name a source that drops the hyphen ("Marie Claire Dubois") files as the given."""
    text = c.given_name or (c.full_name.split() or [""])[0]
    if "-" not in text:
        return ""
    first = _clean(text.split("-")[0])
    return first if len(first) > 1 else ""


def _names_from_addresses(people: Sequence[Candidate], prepared: list[_Prepared]) -> None:
    """Read a name into the records that have none from addresses written without a
    separator ("rbellton@", "rachelbellton@"), by the family names and the given
    names the other records bear: the longest known family name the address ends
    with, after an initial or a known given name. (Addresses with one, "rachel.bellton@",
    were read by _prepare.) In place."""
    families = {
        p.family for p in prepared if p.named and len(p.family) >= 4 and " " not in p.family
    }
    givens = {p.given for p in prepared if p.named and len(p.given) > 1}
    for i, p in enumerate(prepared):
        if p.named:
            continue
        for email in people[i].emails:
            local = email.partition("@")[0].rstrip("0123456789")
            if not local.isalpha() or not local.isascii():
                continue
            for cut in range(1, len(local) - 3):
                given, family = local[:cut], local[cut:]
                if family in families and (cut == 1 or given in givens):
                    prepared[i] = _Prepared(
                        given=given,
                        family=family,
                        forms=name_forms(given),
                        named=True,
                        company=p.company,
                        linkedin=p.linkedin,
                        employers=p.employers,
                        from_email=True,
                    )
                    break
            if prepared[i].named:
                break


def _given_score(a: _Prepared, b: _Prepared) -> tuple[float, str]:
    if not a.given or not b.given:
        return 0.5, ""
    if a.given == b.given:
        return 1.0, ""
    if a.forms & b.forms:
        return 1.0, f"nickname {a.given}~{b.given}"
    if (a.head and a.head in b.forms) or (b.head and b.head in a.forms):
        return 1.0, "double given name"
    if len(a.given) == 1 or len(b.given) == 1:
        if a.given[0] == b.given[0]:
            return 0.85, "initial"
        return 0.0, ""
    if one_typo(a.given, b.given, 4):
        return 0.95, "typo"
    # a slip in a nickname or in the name it stands for: "Daid" ~ Dave, "Havk" ~ Henry
    if any(one_typo(x, y, 4) for x in a.forms for y in b.forms if x != a.given or y != b.given):
        return 0.95, f"typo, nickname {a.given}~{b.given}"
    # Similar-looking but not one slip of the finger: never "close" on its own.
    return min(JaroWinkler.normalized_similarity(a.given, b.given), 0.89), ""


def _family_score(a: _Prepared, b: _Prepared) -> float:
    if not a.family or not b.family:
        return 0.5
    if a.family == b.family:
        return 1.0
    wa, wb = set(a.family.split()), set(b.family.split())
    if wa <= wb or wb <= wa:  # "garcia" within "garcia lopez"
        return 0.95
    if one_typo(a.family, b.family, 5):
        return 0.95
    return min(JaroWinkler.normalized_similarity(a.family, b.family), 0.92)


def one_typo(x: str, y: str, min_len: int) -> bool:
    """One letter dropped, added, changed or two swapped, in words long enough for a
    slip to be a slip ("Whitfeild"); never in short names (Li / Lim) or ones with
    digits (N10 / N100), where one letter makes another name."""
    if min(len(x), len(y)) < min_len:
        return False
    if not (x.replace(" ", "").isalpha() and y.replace(" ", "").isalpha()):
        return False
    return OSA.distance(x, y, score_cutoff=1) <= 1


def _name_scores(a: _Prepared, b: _Prepared) -> tuple[float, float, str]:
    given, why = _given_score(a, b)
    family = _family_score(a, b)
    # "Smith John" against "John Smith": the parts swapped
    swapped = a.given and b.family and a.given == b.family and a.family == b.given
    if (given < CLOSE_GIVEN or family < CLOSE_FAMILY) and swapped:
        return 1.0, 1.0, "name parts swapped"
    return given, family, why


def names_agree(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """Whether two (full, given, family) names may be one person's: nicknames, initials,
    one-letter slips, swapped parts and a missing part all agree; False only when both
    are names and their given or family names clearly differ (Lauren Lormann and Carlos
    Wiseau, who share a family mailbox)."""
    pa = _prepare(Candidate(0, a[0], a[1], a[2]))
    pb = _prepare(Candidate(0, b[0], b[1], b[2]))
    if not (pa.named and pb.named) or pa.from_email or pb.from_email:
        return True
    given, family, _why = _name_scores(pa, pb)
    if pa.given and pb.given and given < 0.8:
        return False
    return not (pa.family and pb.family and family < 0.85)


def _employer_of(p: _Prepared, company: str) -> bool:
    """A work address at the company's domain: dana@northwind.com works at Northwind Labs."""
    squeezed = company.replace(" ", "")
    return any(
        label in company.split() or (len(label) >= 4 and squeezed.startswith(label))
        for label in p.employers
    )


def _compatible(a: _Prepared, b: _Prepared) -> bool:
    given, family, _why = _name_scores(a, b)
    return given >= 0.8 and family >= 0.85


def _same_company(a: _Prepared, b: _Prepared) -> bool | None:
    if a.employers & b.employers:
        return True
    if a.company and b.company:
        if a.company == b.company:
            return True
        return fuzz.token_set_ratio(a.company, b.company) >= 90
    for p, company in ((b, a.company), (a, b.company)):
        if company and p.employers:
            return _employer_of(p, company)
    if a.employers and b.employers:
        return False
    return None


def _judge(
    a: _Prepared,
    b: _Prepared,
    shared: list[str],
    ca: Candidate,
    cb: Candidate,
    rare: bool,
    common: bool,
    mailbox_shared: bool,
) -> Match | None:
    lo, hi = (ca.id, cb.id) if ca.id < cb.id else (cb.id, ca.id)
    if a.linkedin and b.linkedin and not (a.linkedin & b.linkedin):
        return None  # two profiles: two people
    given, family, why = _name_scores(a, b)
    reasons = list(shared)
    if why:
        reasons.append(why)
    both_named = a.named and b.named
    close = given >= CLOSE_GIVEN and family >= CLOSE_FAMILY
    compatible = not both_named or (given >= 0.8 and family >= 0.85)
    company = _same_company(a, b)
    if shared:
        kinds = {r.split()[1] for r in shared}
        if mailbox_shared and not close:
            reasons.append("an address several people use")
            return Match(lo, hi, 0.5, False, reasons)
        if compatible and ("url" in kinds or "email" in kinds):
            return Match(lo, hi, 0.99 if both_named else 0.95, True, reasons)
        if close:  # a shared phone and a close name
            return Match(lo, hi, 0.97, True, reasons)
        reasons.append("but the names differ")
        return Match(lo, hi, 0.55, False, reasons)
    if not both_named:
        return None
    if ONCE_PER_PERSON & set(ca.sources) & set(cb.sources):
        # A LinkedIn export lists a connection once: two of its records that share no
        # address are two people, however alike (two connections named Wei Zhang).
        return None
    if close:
        exact = given == 1.0 and family == 1.0
        reasons.append("same name" if exact else f"similar name ({given:.2f}/{family:.2f})")
        if company:
            reasons.append(f"same company ({ca.company or cb.company or 'work address'})")
            return Match(lo, hi, 0.95 if exact else 0.92, True, reasons)
        if company is None and exact and rare:
            # the only two records with this name, and nothing says otherwise
            reasons.append("nobody else has this name")
            return Match(lo, hi, 0.9, True, reasons)
        if common:  # "John Smith" and "John Smith", nothing else: not worth asking
            return None
        if company is None:
            reasons.append("one has no company")
            return Match(lo, hi, 0.7 if exact else 0.6, False, reasons)
        if not exact:  # a near name at another company is mostly someone else (5% right)
            return None
        reasons.append(f"different companies ({ca.company} / {cb.company}): changed jobs?")
        return Match(lo, hi, 0.5, False, reasons)
    if company and why == "initial" and family == 1.0:
        # "J. Okafor" and "James Okafor" at the same employer
        reasons.append("same company")
        return Match(lo, hi, 0.9, True, reasons)
    if company and given >= 0.8 and family >= CLOSE_FAMILY:
        reasons.append(f"similar name ({given:.2f}/{family:.2f}), same company ({ca.company})")
        return Match(lo, hi, 0.75, False, reasons)
    return None


def _name_groups(
    prepared: list[_Prepared], keys: list[str], weights: Sequence[int]
) -> tuple[dict[str, list[int]], dict[str, float]]:
    """The records bearing each full name (formal given name + family name), and how
    many records would bear it by chance (given x family frequency, in records:
    `weights`, see Candidate.weight)."""
    groups: dict[str, list[int]] = defaultdict(list)
    given_counts: dict[str, int] = defaultdict(int)
    family_counts: dict[str, int] = defaultdict(int)
    total = 0
    for i, p in enumerate(prepared):
        if p.named and p.given and p.family and len(p.given) > 1:
            groups[keys[i]].append(i)
            given_counts[_canonical(p)] += weights[i]
            family_counts[p.family] += weights[i]
            total += weights[i]
    total = max(1, total)
    chance = {}
    for key, members in groups.items():
        first = prepared[members[0]]
        chance[key] = given_counts[_canonical(first)] * family_counts[first.family] / total
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
        if len(members) >= 2 and chance[key] <= SOURCE_RARE_NAME
    ]
    joined: list[tuple[int, int, str]] = []
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
        given, family, _why = _name_scores(a, b)
        if given < 0.85 or family < CLOSE_FAMILY:
            continue
        for x, y in ((i, j), (j, i)):
            if keys[y] not in groups:
                continue
            px, py = prepared[x], prepared[y]
            if len(px.given) == 1 or (len(py.given) > 1 and slip(px, py)):
                near[x].add(keys[y])
    if not near:
        return groups
    out = {key: list(members) for key, members in groups.items()}
    for x, names in near.items():
        if len(names) == 1:
            out[next(iter(names))].append(x)
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
    canon = [_canonical(p) for p in prepared]
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

    def interesting(members: list[int]) -> bool:
        return len(members) >= 2 and (
            wanted is None or any(people[m].id in wanted for m in members)
        )

    for members in by_family.values():
        if not interesting(members):
            continue
        texts = [canon[m] for m in members]
        for i, j in _pairs_in_block(members, texts, GIVEN_CUTOFF):
            consider(i, j)
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
            consider(i, j)
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
                consider(i, j)

    name_groups, chance = _name_groups(prepared, keys, [max(1, c.weight) for c in people])
    one_person = _rare_name_groups(people, prepared, name_groups, chance)
    bearing = {key: len(members) for key, members in name_groups.items()}

    found: list[Match] = []
    for (i, j), shared in pairs.items():
        ci, cj = people[i], people[j]
        if ci.id == cj.id:
            continue
        if wanted is not None and ci.id not in wanted and cj.id not in wanted:
            continue
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


def normalized(values: Iterable[str], normalize) -> tuple[str, ...]:
    """Each value normalised (troth.lib.contact), unusable ones dropped, repeats once."""
    out: list[str] = []
    for v in values:
        try:
            n = normalize(v)
        except ValueError:
            continue
        if n not in out:
            out.append(n)
    return tuple(out)


def candidate_from_record(ident: int, record) -> Candidate:
    """A `troth.importers.records.PersonRecord` as a Candidate, contact points
    normalised the way troth stores them (unusable ones dropped)."""
    from troth.lib.contact import normalize_email, normalize_phone, normalize_url

    return Candidate(
        id=ident,
        full_name=record.full_name,
        given_name=record.given_name,
        family_name=record.family_name,
        nickname=record.nickname,
        emails=normalized(record.emails, normalize_email),
        phones=normalized(record.phones, normalize_phone),
        urls=normalized(record.urls, normalize_url),
        company=record.company,
        sources=(record.source,) if record.source else (),
    )
