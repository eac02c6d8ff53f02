"""Two records scored against each other (pure: no Django): how close their given and
family names are, whether they work at one company, and the verdict on the pair (sure,
a suggestion, or nothing), with its reasons."""

from __future__ import annotations

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from troth.identity.names import one_typo
from troth.identity.records import Candidate, Match, _prepare, _Prepared

# At least this alike, given and family names are close: one person, given one more
# piece of evidence (a company, a phone).
CLOSE_FAMILY = 0.93
CLOSE_GIVEN = 0.9

# Sources that list a person once, by construction: two of their records are two
# people unless an address says otherwise. (An address book can hold a contact
# twice, and a mail archive a person under two addresses.)
ONCE_PER_PERSON = frozenset({"linkedin"})


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


def _works_at(p: _Prepared, c: Candidate) -> str:
    """The company a reason names: the one given, else the work address's ("( / Acme)"
    read as a company left blank)."""
    if c.company:
        return c.company
    return "an address at " + ", ".join(sorted(p.employers)) if p.employers else "none given"


def apart(a: _Prepared, b: _Prepared, shared: list[str], ca: Candidate, cb: Candidate) -> bool:
    """Two people whatever their names say: _judge's verdict of None, reached without
    scoring the names (and asked by match.find_matches before it weighs how rare or
    common the name is)."""
    if a.linkedin and b.linkedin and not (a.linkedin & b.linkedin):
        return True  # two profiles: two people
    # What the rules of _judge decide without the names, decided before scoring them:
    # the name blocks of a LinkedIn export hand over tens of thousands of such pairs,
    # and scoring each (twice: .groups._variants scores them too) was a good part of
    # an import's identity step (issue 20).
    return not shared and bool(
        not (a.named and b.named) or ONCE_PER_PERSON & set(ca.sources) & set(cb.sources)
    )


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
    if apart(a, b, shared, ca, cb):
        return None
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
    # (here both are named, and not both from a source that lists a person once: a
    # LinkedIn export lists a connection once, so two of its records that share no
    # address are two people, however alike, two connections named Wei Zhang; see above)
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
        reasons.append(
            f"different companies ({_works_at(a, ca)} / {_works_at(b, cb)}): changed jobs?"
        )
        return Match(lo, hi, 0.5, False, reasons)
    if company and why == "initial" and family == 1.0:
        # "J. Okafor" and "James Okafor" at the same employer
        reasons.append("same company")
        return Match(lo, hi, 0.9, True, reasons)
    if company and given >= 0.8 and family >= CLOSE_FAMILY:
        reasons.append(f"similar name ({given:.2f}/{family:.2f}), same company ({ca.company})")
        return Match(lo, hi, 0.75, False, reasons)
    return None
