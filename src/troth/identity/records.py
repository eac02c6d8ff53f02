"""One record as identity matching sees it (pure: no Django): the `Candidate` a caller
hands in, the `Match` it gets back, and the record prepared for comparison (its name
split, its nickname forms (with the given names its own addresses spell), its employers
read from work addresses, a name read from an address when the record has none)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from troth.identity.names import _clean, _first_given, company_key, name_forms, split_name

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


def _canonical(p: _Prepared, seen: Mapping[str, int] | None = None) -> str:
    """One spelling per given name: the formal name a nickname stands for (from the
    given name alone: a nickname the source gave only widens what matches). Of several,
    the one the batch's records bear most (`seen`: given name -> records): the nickname
    table lists Ben under Benedict, Benjamin and Bennett, and in an address book of
    Benjamins a Ben is counted with them; the first alphabetically on a tie. A name
    the batch bears more often than any formal name it may stand for is its own: the
    package lists Megan under Margarita, but a Megan is mostly a Megan (and her typos
    are compared with "megan", not "margarita")."""
    formal = name_forms(p.given) - {p.given}
    if not formal:
        return p.given
    if not seen:
        return min(formal)
    best = min(formal, key=lambda f: (-seen.get(f, 0), f))
    return p.given if seen.get(p.given, 0) > seen.get(best, 0) else best


def _canonicals(prepared: Sequence[_Prepared]) -> list[str]:
    """_canonical of each record, by the given names the whole batch bears."""
    seen = Counter(p.given for p in prepared if p.named and p.given)
    return [_canonical(p, seen) for p in prepared]


_NONE: frozenset[str] = frozenset()


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
    # (the generators only for a record with addresses: most of a LinkedIn export's
    # have none, and this runs for every contact after every import, issue 20)
    employers = (
        frozenset(
            domain.split(".")[0]
            for domain in (e.rpartition("@")[2] for e in c.emails)
            if domain and domain not in PERSONAL_DOMAINS
        )
        if c.emails
        else _NONE
    )
    forms = name_forms(g) if g else _NONE
    known_as = _first_given(c.nickname) if c.nickname else ""
    if known_as and g:
        # the name they go by is one of their given names' forms: "Bobby" finds them
        forms = forms | name_forms(known_as)
    if named and len(g) > 1 and f and c.emails:
        # (an initial, "F. Talwell", is read as any name of its letter already:
        # _variants, troth.identity.groups)
        forms = forms | _address_givens(c.emails, g, f)
    return _Prepared(
        given=g,
        family=f,
        forms=forms,
        named=bool(g or f),
        company=company_key(c.company) if c.company else "",
        linkedin=frozenset(u for u in c.urls if "linkedin.com/in/" in u) if c.urls else _NONE,
        employers=employers,
        from_email=from_email,
        head=_head(c) if named else "",
    )


def _address_givens(emails: Iterable[str], given: str, family: str) -> frozenset[str]:
    """The given names a record's own addresses spell beside its family name: "Ellie
    Crawby" writing from elizabeth.crawby@ is also Elizabeth, as a nickname a source
    gave is ("Bobby"). An address is mostly made under its owner's formal name while
    the name shown is what they go by, and no nickname table knows every diminutive.
    Only an address with the record's own family name and a given name of the same
    first letter: a household's shared address (kim.smith@ on John Smith's record)
    names someone else. (That leaves out "Bessy" for elizabeth@: a few diminutives
    are lost, no spouse is taken for the owner.)"""
    out: frozenset[str] = frozenset()
    for email in emails:
        found = _LOCAL_NAME.match(email.partition("@")[0])
        if found and found.group(2) == family and found.group(1) != given:
            other = found.group(1)
            if other[:1] == given[:1]:
                out = out | name_forms(other)
    return out


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
