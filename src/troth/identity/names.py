"""Names as identity matching reads them (pure: no Django): given and family names
folded and split, nicknames and the formal names they stand for, company names without
their legal suffixes, and what counts as a one-letter slip."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from nameparser import HumanName
from rapidfuzz.distance import OSA

from troth.lib.text import fold

# Nicknames and the formal names they stand for: the `nicknames` package's table
# (carltonnorthern/nicknames: 1,151 formal names, 2,691 "has_nickname" pairs, kept up
# by others), with troth's own pairs below laid over it: those the package lacks
# ("liam", "dima", "paco") and those troth's users met. Several formal names are
# possible for some (Chris, Sam, Alex): two names match when their sets meet.
# bench/bench_identity.py --nickname-table compares it with troth's table alone.
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

# The package's relation is loose (a genealogist's list: "bill" has the nickname
# "robert" as well as the other way round, so William and Robert would meet at
# "bill"). Of its pairs troth keeps those whose nickname is shorter than the formal
# name, and drops the ones below, where the "nickname" is a given name of its own
# today (Emily is not Amelia; found among the simulator's 222 given names, the
# names two of which met through the package: troth.sim.names.FIRST_NAMES).
_NOT_NICKNAMES = frozenset(
    {
        ("aaron", "erin"),
        ("amelia", "amy"),
        ("amelia", "emily"),
        ("bryanna", "ana"),
        ("bryanna", "anna"),
        ("emeline", "emily"),
        ("emeline", "emma"),
        ("emily", "emma"),
        ("hannah", "anna"),
        ("helene", "ella"),
        ("johannah", "hannah"),
        ("johannah", "joan"),
        ("johnathan", "john"),
        ("johnathan", "nathan"),
        ("johnathon", "john"),
        ("jonathan", "john"),
        ("jonathan", "nathan"),
        ("jonathon", "john"),
        ("marcus", "mark"),
    }
)

NICKNAME_TABLES = ("package", "troth")  # the package with troth's overlay; troth's alone
_table = "package"


def use_nickname_table(table: str) -> None:
    """Which table name_forms reads (bench/bench_identity.py compares them)."""
    if table not in NICKNAME_TABLES:
        raise ValueError(f"nickname table: one of {NICKNAME_TABLES}, not {table!r}")
    global _table
    _table = table
    _forms.cache_clear()


def _pairs(table: str) -> Iterator[tuple[str, str]]:
    """(formal, nickname) pairs, folded as split_name folds a given name."""
    if table == "package":
        # read when the matcher first needs it, not when troth starts (a CSV of 2,700
        # lines); its four initials ("k.c.") are no given names
        from nicknames import NickNamer

        for canonical, variants in NickNamer.default_lookup().items():
            f = _first_given(canonical)
            for variant in variants:
                n = _first_given(variant)
                if variant.isalpha() and len(n) < len(f) and (f, n) not in _NOT_NICKNAMES:
                    yield f, n
    for formal, nicks in _NICKNAMES.items():
        for nick in nicks:
            yield formal, nick


@functools.cache
def _forms(table: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for formal, nick in _pairs(table):
        if formal and nick and formal != nick:
            out.setdefault(nick, {nick}).add(formal)
            out.setdefault(formal, {formal})
    return {name: frozenset(forms) for name, forms in out.items()}


_NOT_ALNUM = re.compile(r"[^0-9a-z ]+")

_COMPANY_NOISE = re.compile(
    r"\b(inc|incorporated|llc|ltd|limited|corp|corporation|co|company|gmbh|plc|sa|ag|bv)\b"
)


def name_forms(given: str) -> frozenset[str]:
    """The formal names a given name may stand for: "bob" -> {"bob", "robert"}."""
    return _forms(_table).get(given) or frozenset({given})


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


def one_typo(x: str, y: str, min_len: int) -> bool:
    """One letter dropped, added, changed or two swapped, in words long enough for a
    slip to be a slip ("Whitfeild"); never in short names (Li / Lim) or ones with
    digits (N10 / N100), where one letter makes another name."""
    if min(len(x), len(y)) < min_len:
        return False
    if not (x.replace(" ", "").isalpha() and y.replace(" ", "").isalpha()):
        return False
    return OSA.distance(x, y, score_cutoff=1) <= 1
