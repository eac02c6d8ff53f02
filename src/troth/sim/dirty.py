"""A simulated dirty address book: the same people seen through several sources (pure).

Identity resolution is measured on it (bench/bench_identity.py, tests/test_identity.py).
`generate_dirty` draws true people (given names from troth.sim.names, Zipf-weighted
so common names repeat; family names census-shaped, see _family_pool, or the small
"crowded" pool as a stress test), then writes each into some of four sources, the
way each source sees people:

* linkedin: first/last name, current company, profile URL (missing in old
  exports), rarely an e-mail;
* google: given/family, personal and work e-mails, a phone, often the company,
  sometimes the company they left;
* vcard: like google, sometimes written "Family, Given";
* mail: a display name (often a nickname, sometimes none) and one address.

Dirt: nicknames (Bob for Robert), dropped accents, one-letter typos, initials,
lower case, company spelt with a suffix, changed jobs (an old company and the
old work address in older sources), deliberate shared names (different people
called the same), and households sharing a phone or a family e-mail.
Every record keeps the index of its true person in `truth`. Seeded numpy RNG:
the same arguments give the same records.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import numpy as np

from troth.importers.records import PersonRecord
from troth.lib.text import fold
from troth.sim import names as words
from troth.sim.diminutives import DIMINUTIVES

SOURCES = ("linkedin", "google", "vcard", "mail")
# Chance a person appears in each source (at least one is always drawn).
PRESENCE = {"linkedin": 0.75, "google": 0.55, "vcard": 0.25, "mail": 0.5}
# Records per person, on average, given PRESENCE (used to size the population).
RECORDS_PER_PERSON = 2.1

# The nicknames people go by, drawn from Wiktionary's lists (troth.sim.diminutives),
# which troth's matcher does not read, so the benchmark does not simply agree with
# itself (issue 19). "hand" is the simulator's earlier table, written by hand: every
# one of its 50 pairs is in troth's own nickname table, so its nickname recall was
# guaranteed; bench/bench_identity.py --nicks hand prints it for comparison.
NICKS: dict[str, tuple[str, ...]] = DIMINUTIVES
HAND_NICKS: dict[str, tuple[str, ...]] = {
    "Michael": ("Mike", "Mikey"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "William": ("Bill", "Will", "Billy"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Katherine": ("Kate", "Katie", "Kathy"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Jennifer": ("Jen", "Jenny"),
    "Daniel": ("Dan", "Danny"),
    "David": ("Dave",),
    "Matthew": ("Matt",),
    "Andrew": ("Andy", "Drew"),
    "Anthony": ("Tony",),
    "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"),
    "Benjamin": ("Ben",),
    "Jonathan": ("Jon",),
    "Samantha": ("Sam",),
    "Rebecca": ("Becky",),
    "Jessica": ("Jess",),
    "Christina": ("Chris", "Tina"),
    "Nathan": ("Nate",),
    "Patrick": ("Pat",),
    "Steven": ("Steve",),
    "Alexander": ("Alex",),
    "Victoria": ("Vicky",),
    "Abigail": ("Abby",),
    "Kimberly": ("Kim",),
    "Stephanie": ("Steph",),
    "Nicole": ("Nikki",),
    "Natalie": ("Nat",),
    "Jacob": ("Jake",),
    "Henry": ("Hank", "Harry"),
}

COMPANY_SUFFIXES = ("Inc.", "LLC", "Inc", "Ltd", "Corp.")


# Family names, census-shaped (2010 US census: Smith, the commonest, 0.83% of
# people; the 25 commonest names 8.7%; 239 names a quarter; 6.3 million names in
# all): the real list as the head, a quarter of people, Zipf 0.55 within it (its
# first 25 then hold 8.6%); the other three quarters spread evenly over names
# joined from parts, standing in for the long tail. Two people then share a family
# name with probability 7e-4, and a whole name (with FIRST_NAMES' Zipf 0.7) 1e-5.
HEAD_FAMILY_SHARE = 0.25
HEAD_FAMILY_ZIPF = 0.55


@functools.cache
def _family_pool(names: str) -> tuple[tuple[str, ...], np.ndarray]:
    """(family names, their probabilities) for DirtySettings.names."""
    real = words.LAST_NAMES
    if names == "crowded":
        # the first versions of this simulator: the real list alone, Zipf 0.6, which
        # gives 63% of 24,000 people a namesake (the census pool: 14%; 20% and 3%
        # of 2,400), before the deliberate shared names
        return real, _zipf(len(real), 0.6)
    if names != "census":
        raise ValueError(f"names: 'census' or 'crowded', not {names!r}")
    taken = {fold(n) for n in real}
    tail = []
    for head in words.SURNAME_HEADS:
        for end in words.SURNAME_TAILS:
            name = head + end
            if fold(name) not in taken:
                taken.add(fold(name))
                tail.append(name)
    weights = np.concatenate(
        [
            _zipf(len(real), HEAD_FAMILY_ZIPF) * HEAD_FAMILY_SHARE,
            np.full(len(tail), (1 - HEAD_FAMILY_SHARE) / len(tail)),
        ]
    )
    return (*real, *tail), weights


@dataclass
class DirtySettings:
    # "census": family names shaped like a census (see _family_pool); "crowded":
    # the small real list alone, so that most people have a namesake (a stress test)
    names: str = "census"
    shared_name: float = 0.04  # people given the exact name of someone else
    changed_job: float = 0.2  # people whose older sources show a previous employer
    phone: float = 0.5  # people with a phone number
    household: float = 0.01  # people sharing a home phone or family e-mail with another
    typo: float = 0.04  # chance a name in a record has a one-letter typo
    duplicate: float = 0.03  # chance a google record is entered twice
    # where the nicknames come from: "wiktionary" (NICKS) or "hand" (HAND_NICKS)
    nicks: str = "wiktionary"

    def nick_table(self) -> dict[str, tuple[str, ...]]:
        if self.nicks not in ("wiktionary", "hand"):
            raise ValueError(f"nicks: 'wiktionary' or 'hand', not {self.nicks!r}")
        return NICKS if self.nicks == "wiktionary" else HAND_NICKS


@dataclass
class DirtySet:
    records: list[PersonRecord]
    truth: list[int]  # the true person behind each record
    people: int

    def true_pairs(self) -> int:
        counts = np.bincount(np.asarray(self.truth, dtype=np.int64))
        return int((counts * (counts - 1) // 2).sum())


def _zipf(n: int, a: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** a
    return w / w.sum()


_EMAIL_FOLD = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "đ": "d"})


@functools.cache
def _ascii(text: str) -> str:
    folded = fold(text).translate(_EMAIL_FOLD)
    return "".join(c for c in folded if c.isascii() and c.isalnum())


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 1))  # people rarely misspell the first letter
    kind = int(rng.integers(3))
    if kind == 0:  # a letter dropped
        return word[:i] + word[i + 1 :]
    if kind == 1:  # two letters swapped
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letter = "abcdefghijklmnopqrstuvwxyz"[int(rng.integers(26))]
    return word[:i] + letter + word[i + 1 :]


class _Person:
    __slots__ = (
        "given",
        "family",
        "middle",
        "company",
        "old_company",
        "personal",
        "work",
        "old_work",
        "phone",
        "url",
    )

    def __init__(self) -> None:
        self.given = self.family = self.middle = ""
        self.company = self.old_company = ""
        self.personal = self.work = self.old_work = self.phone = self.url = ""


def _phone_text(rng: np.random.Generator, e164: str) -> str:
    area, mid, last = e164[2:5], e164[5:8], e164[8:]
    style = int(rng.integers(4))
    return (
        f"({area}) {mid}-{last}",
        f"{area}.{mid}.{last}",
        f"+1 {area} {mid} {last}",
        f"{area}-{mid}-{last}",
    )[style]


def _people(rng: np.random.Generator, n: int, s: DirtySettings) -> list[_Person]:
    first = rng.choice(len(words.FIRST_NAMES), size=n, p=_zipf(len(words.FIRST_NAMES), 0.7))
    family_names, family_p = _family_pool(s.names)
    last = rng.choice(len(family_names), size=n, p=family_p)
    # Some formal names that have nicknames but are rare in the pool.
    formal = list(NICKS)
    extra = rng.random(n) < 0.15
    org_a = rng.integers(len(words.ORG_FIRST), size=n)
    org_b = rng.integers(len(words.ORG_SECOND), size=n)
    old_a = rng.integers(len(words.ORG_FIRST), size=n)
    old_b = rng.integers(len(words.ORG_SECOND), size=n)
    changed = rng.random(n) < s.changed_job
    has_phone = rng.random(n) < s.phone
    domains = rng.integers(len(words.PERSONAL_DOMAINS), size=n)
    area = rng.integers(len(words.AREA_CODES), size=n)
    people: list[_Person] = []
    seen_mail: set[str] = set()
    seen_url: set[str] = set()
    for i in range(n):
        p = _Person()
        p.given = (
            formal[int(rng.integers(len(formal)))] if extra[i] else words.FIRST_NAMES[first[i]]
        )
        p.family = family_names[last[i]]
        if rng.random() < 0.08:
            p.middle = "ABCDEFGHJKLMNPRSTW"[int(rng.integers(18))]
        p.company = f"{words.ORG_FIRST[org_a[i]]} {words.ORG_SECOND[org_b[i]][0]}"
        if changed[i]:
            p.old_company = f"{words.ORG_FIRST[old_a[i]]} {words.ORG_SECOND[old_b[i]][0]}"
        people.append(p)
    # Deliberate namesakes: a different person with exactly someone else's name.
    for i in np.flatnonzero(rng.random(n) < s.shared_name).tolist():
        j = int(rng.integers(n))
        if j != i:
            people[i].given, people[i].family = people[j].given, people[j].family
    for i, p in enumerate(people):
        g, f = _ascii(p.given) or "x", _ascii(p.family) or "x"
        local = (f"{g}.{f}", f"{g}{f}", f"{g[0]}{f}", f"{g}_{f}")[int(rng.integers(4))]
        email, k = f"{local}@{words.PERSONAL_DOMAINS[domains[i]]}", 2
        while email in seen_mail:
            email, k = f"{local}{k}@{words.PERSONAL_DOMAINS[domains[i]]}", k + 1
        seen_mail.add(email)
        p.personal = email
        for attr, company in (("work", p.company), ("old_work", p.old_company)):
            if not company:
                continue
            domain = _ascii(company) + ".example"
            work, k = f"{g}.{f}@{domain}", 2
            while work in seen_mail:
                work, k = f"{g}.{f}{k}@{domain}", k + 1
            seen_mail.add(work)
            setattr(p, attr, work)
        if has_phone[i]:
            p.phone = f"+1{words.AREA_CODES[area[i]]}555{int(rng.integers(10_000)):04d}"
        slug = f"{g}-{f}"
        url = f"https://www.linkedin.com/in/{slug}-{int(rng.integers(16**6)):06x}"
        while url in seen_url:
            url = f"https://www.linkedin.com/in/{slug}-{int(rng.integers(16**6)):06x}"
        seen_url.add(url)
        p.url = url
    # Households: two different people sharing a landline or a family address.
    for i in np.flatnonzero(rng.random(n) < s.household).tolist():
        j = int(rng.integers(n))
        if j == i:
            continue
        if rng.random() < 0.5 and people[i].phone:
            people[j].phone = people[i].phone
        else:
            shared = f"{_ascii(people[i].family) or 'x'}family{i}@gmail.com"
            people[i].personal = people[j].personal = shared
    return people


def _name(
    rng: np.random.Generator, p: _Person, source: str, s: DirtySettings
) -> tuple[str, str, str]:
    """(full, given, family) as this source would spell this person."""
    nick_share = {"linkedin": 0.1, "google": 0.3, "vcard": 0.2, "mail": 0.35}[source]
    given, family = p.given, p.family
    nicks = s.nick_table().get(given)
    if nicks and rng.random() < nick_share:
        given = nicks[int(rng.integers(len(nicks)))]
    if source != "linkedin" and rng.random() < 0.03:
        given = given[0] + "."
    accent_drop = 0.1 if source == "linkedin" else 0.25
    if rng.random() < accent_drop:
        given, family = _strip_accents(given), _strip_accents(family)
    if rng.random() < s.typo:
        if rng.random() < 0.5:
            family = _typo(rng, family)
        else:
            given = _typo(rng, given)
    if source == "mail" and rng.random() < 0.1:
        given, family = given.lower(), family.lower()
    middle = f" {p.middle}." if p.middle and rng.random() < 0.5 else ""
    full = f"{given}{middle} {family}"
    if source == "vcard" and rng.random() < 0.1:
        full = f"{family}, {given}"
    return full, given, family


def _company(rng: np.random.Generator, company: str) -> str:
    roll = rng.random()
    if roll < 0.1:
        return f"{company} {COMPANY_SUFFIXES[int(rng.integers(len(COMPANY_SUFFIXES)))]}"
    if roll < 0.15:
        return company.upper()
    return company


def _records_for(
    rng: np.random.Generator, p: _Person, source: str, s: DirtySettings, where: str
) -> PersonRecord:
    full, given, family = _name(rng, p, source, s)
    rec = PersonRecord(source=source, external_id="", full_name=full, where=where)
    if source == "linkedin":
        rec.given_name, rec.family_name = given, family
        if rng.random() < 0.9:
            rec.company = _company(rng, p.company)
        if rng.random() < 0.92:
            rec.urls = [p.url]
            rec.external_id = p.url
        if rng.random() < 0.1:
            rec.emails = [p.personal]
        return rec
    if source == "mail":
        use_work = p.work and rng.random() < 0.5
        email = p.work if use_work else p.personal
        if p.old_work and rng.random() < 0.3:
            email = p.old_work
        rec.emails = [email]
        rec.external_id = email
        if rng.random() < 0.1:  # no display name: the address is all the mail had
            rec.full_name = email
        return rec
    # google and vcard: address books
    if not full.count(","):
        rec.given_name, rec.family_name = given, family
    roll = rng.random()
    old = bool(p.old_company) and roll < 0.3
    if old:
        rec.company = _company(rng, p.old_company)
    elif roll < 0.65:
        rec.company = _company(rng, p.company)
    if rng.random() < 0.8:
        rec.emails.append(p.personal)
    work = p.old_work if old else p.work
    if work and (not rec.emails or rng.random() < 0.4):
        rec.emails.append(work)
    if p.phone and rng.random() < 0.7:
        rec.phones = [_phone_text(rng, p.phone)]
    if rng.random() < 0.08:
        rec.urls = [p.url.replace("https://www.", "http://")]
    rec.external_id = f"{source}-{where}"
    return rec


def generate_dirty(
    records: int = 5000, seed: int = 1, settings: DirtySettings | None = None
) -> DirtySet:
    """About `records` records of `records / RECORDS_PER_PERSON` true people."""
    s = settings or DirtySettings()
    rng = np.random.default_rng(seed)
    n = max(2, round(records / RECORDS_PER_PERSON))
    people = _people(rng, n, s)
    out: list[PersonRecord] = []
    truth: list[int] = []
    present = {src: rng.random(n) < PRESENCE[src] for src in SOURCES}
    for i, p in enumerate(people):
        sources = [src for src in SOURCES if present[src][i]]
        if not sources:
            sources = [SOURCES[int(rng.integers(len(SOURCES)))]]
        if "google" in sources and rng.random() < s.duplicate:
            sources.append("google")
        for src in sources:
            out.append(_records_for(rng, p, src, s, f"{src}#{len(out)}"))
            truth.append(i)
    # Shuffle so that nothing can lean on the order records came in.
    order = rng.permutation(len(out))
    return DirtySet(
        records=[out[k] for k in order.tolist()],
        truth=[truth[k] for k in order.tolist()],
        people=n,
    )
