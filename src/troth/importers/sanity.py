"""Does a file's people look like an address book, or like noise? (pure: no Django)

A 5 MB file of random characters under a Google Contacts header made 45,667 junk
people and 39,405 tags in one import (newcomer walkthrough, finding 3). A real
address book, a LinkedIn export or a vCard file has people's names, labels shared
by many people, and ways to reach them; these rules measure that, and `noise`
says in words which ones a file fails, so the import can stop before writing.

The rules only speak for files with at least MIN_PEOPLE people: a handful of odd
records is a small file to look at, not noise to guard against.
"""

from __future__ import annotations

from collections.abc import Sequence

from troth.importers.records import PersonRecord
from troth.lib.contact import ContactError, normalize_email, normalize_phone, normalize_url

MIN_PEOPLE = 50
# A name is mostly letters: "Dr. Anne-Marie O'Neil, PhD" is; ":T2s2Oi4}kV{#]S(s" is not.
NAME_LETTERS = 0.8
NAME_WORDS = 6
NAME_LENGTH = 80
# Characters that no one's name holds (programming and line noise do).
NOT_IN_NAMES = set('{}[]<>|\\^~`=_#$%*+;:@!?/"')
# Most names in an address book are names: under half is not one.
NAMES_NEEDED = 0.5
# Labels group people ("Family", "myContacts"): when there are almost as many distinct
# labels as people who carry one, each label is a row's own text, not a group.
TAGS_PER_PERSON = 0.5
# Nearly everyone in an address book has an e-mail, a phone or a profile URL; LinkedIn
# exports without URLs (2021) still have some e-mails, so this rule alone never stops
# a file: only together with the labels rule.
REACHABLE_NEEDED = 0.1


def looks_like_name(text: str) -> bool:
    name = " ".join(text.split())
    if not name or len(name) > NAME_LENGTH or len(name.split()) > NAME_WORDS:
        return False
    if not NOT_IN_NAMES.isdisjoint(name):
        return False
    chars = name.replace(" ", "")  # (the only white space left after the join)
    if chars.isalpha():
        return True  # letters only, as most names are: nothing to count
    letters = sum(1 for c in chars if c.isalpha())
    return letters >= NAME_LETTERS * len(chars)


def noise(people: Sequence[PersonRecord]) -> list[str]:
    """Why these records look like noise (one short phrase per rule failed), or []."""
    n = len(people)
    if n < MIN_PEOPLE:
        return []
    found: list[str] = []
    names = sum(1 for p in people if looks_like_name(p.full_name))
    if names < NAMES_NEEDED * n:
        found.append(f"only {names:,} of {n:,} names look like people's names")
    tagged = [p for p in people if p.tags]
    distinct = {t for p in tagged for t in p.tags}
    many_tags = len(tagged) >= MIN_PEOPLE and len(distinct) > TAGS_PER_PERSON * len(tagged)
    if not many_tags:
        # (the addresses are only asked about with many labels: normalising every
        # record's again was a tenth of a second of a 30,000-connection import)
        return found
    reachable = sum(1 for p in people if _reachable(p))
    if reachable < REACHABLE_NEEDED * n:
        found.append(
            f"{len(distinct):,} different labels for {len(tagged):,} people,"
            f" and only {reachable:,} of {n:,} with an e-mail, phone or profile URL"
        )
    return found


def _reachable(person: PersonRecord) -> bool:
    """Has at least one address that is one (random text in an E-mail column is not)."""
    for values, normalize in (
        (person.emails, normalize_email),
        (person.phones, normalize_phone),
        (person.urls, normalize_url),
    ):
        for value in values:
            try:
                normalize(value)
            except ContactError:
                continue
            return True
    return False
