"""addressbook-query's filter (RFC 6352 section 10.5), on a rendered vCard.

Supported: prop-filter by property name with text-match (equals, contains,
starts-with, ends-with; the i;unicode-casemap and i;ascii-casemap collations fold
case, i;octet does not; negate-condition) or is-not-defined, combined with the
filter's and each prop-filter's test="anyof|allof". A param-filter, or another
collation or match type, is refused with CARDDAV:supported-filter, as the RFC asks,
rather than answered wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from troth.dav.xml import CARD, tag

_FOLD = re.compile(r"\r?\n[ \t]")
_LINE = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)(?:;[^:]*)?:(.*)$")
_ESCAPES = re.compile(r"\\([\\,;nN])")
MATCH_TYPES: dict[str, Callable[[str, str], bool]] = {
    "equals": lambda value, wanted: value == wanted,
    "contains": lambda value, wanted: wanted in value,
    "starts-with": lambda value, wanted: value.startswith(wanted),
    "ends-with": lambda value, wanted: value.endswith(wanted),
}
FOLDING = {"i;unicode-casemap": True, "i;ascii-casemap": True, "i;octet": False}


class UnsupportedFilter(ValueError):
    pass


def properties(card: str) -> dict[str, list[str]]:
    """{NAME: [values]} of a vCard's lines, unfolded and unescaped."""
    out: dict[str, list[str]] = {}
    for line in _FOLD.sub("", card).splitlines():
        m = _LINE.match(line)
        if m:
            value = _ESCAPES.sub(lambda e: "\n" if e.group(1) in "nN" else e.group(1), m.group(2))
            out.setdefault(m.group(1).upper(), []).append(value)
    return out


@dataclass
class TextMatch:
    text: str
    match: Callable[[str, str], bool]
    fold: bool
    negate: bool

    def __call__(self, value: str) -> bool:
        wanted = self.text.casefold() if self.fold else self.text
        got = value.casefold() if self.fold else value
        return self.match(got, wanted) != self.negate


@dataclass
class PropFilter:
    name: str
    allof: bool
    undefined: bool = False
    texts: list[TextMatch] = field(default_factory=list)

    def __call__(self, props: dict[str, list[str]]) -> bool:
        values = props.get(self.name, [])
        if self.undefined:
            return not values
        if not self.texts:
            return bool(values)
        results = (any(t(v) for v in values) for t in self.texts)
        return all(results) if self.allof else any(results)


@dataclass
class CardFilter:
    props: list[PropFilter]
    allof: bool

    @classmethod
    def parse(cls, root: Element | None) -> CardFilter:
        if root is None:
            return cls([], False)
        props = []
        for pf in root.findall(tag(CARD, "prop-filter")):
            if pf.find(tag(CARD, "param-filter")) is not None:
                raise UnsupportedFilter("param-filter")
            rule = PropFilter(name=(pf.get("name") or "").upper(), allof=pf.get("test") == "allof")
            rule.undefined = pf.find(tag(CARD, "is-not-defined")) is not None
            for tm in pf.findall(tag(CARD, "text-match")):
                kind = tm.get("match-type", "contains")
                collation = tm.get("collation", "i;unicode-casemap")
                if kind not in MATCH_TYPES or collation not in FOLDING:
                    raise UnsupportedFilter(f"{kind} {collation}")
                rule.texts.append(
                    TextMatch(
                        tm.text or "",
                        MATCH_TYPES[kind],
                        FOLDING[collation],
                        tm.get("negate-condition") == "yes",
                    )
                )
            props.append(rule)
        return cls(props, root.get("test") == "allof")

    def __call__(self, card: str) -> bool:
        if not self.props:
            return True
        props = properties(card)
        results = (rule(props) for rule in self.props)
        return all(results) if self.allof else any(results)
