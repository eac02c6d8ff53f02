"""The synonyms table (pure: no Django): groups of terms that mean alike, the shipped
`synonyms.txt` extended by the user's own, and the parser that reads them (a malformed
line is one error naming the file and line)."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from troth.errors import TrothError
from troth.lib.text import fold
from troth.matching.text import _WORD, stem

PACKAGE_SYNONYMS = "synonyms.txt"


@dataclass(frozen=True)
class Synonyms:
    """Groups of terms that mean alike, each term folded and stemmed."""

    groups: tuple[frozenset[str], ...] = ()
    lines: tuple[str, ...] = ()  # where each group came from (file:line)

    @functools.cached_property
    def by_term(self) -> dict[str, tuple[int, ...]]:
        out: dict[str, list[int]] = {}
        for g, terms in enumerate(self.groups):
            for t in terms:
                out.setdefault(t, []).append(g)
        return {t: tuple(gs) for t, gs in out.items()}

    @functools.cached_property
    def phrases(self) -> frozenset[str]:
        return frozenset(t for terms in self.groups for t in terms if " " in t)

    @functools.cached_property
    def longest(self) -> int:
        return max((p.count(" ") + 1 for p in self.phrases), default=1)

    def alike(self, term: str) -> set[str]:
        """The term and every term sharing a group with it."""
        out = {term}
        for g in self.by_term.get(term, ()):
            out |= self.groups[g]
        return out

    def extended(self, other: Synonyms) -> Synonyms:
        return Synonyms(self.groups + other.groups, self.lines + other.lines)


def normalise_term(text: str) -> str:
    """A synonym term as matching sees it: folded, stemmed words joined by spaces."""
    return " ".join(stem(w) for w in _WORD.findall(fold(unicodedata.normalize("NFC", text))))


def parse_synonyms(text: str, source: str) -> Synonyms:
    """One group per line, `term = term = ...`; `#` starts a comment. A malformed line
    is a TrothError naming `source` and the line number."""
    groups: list[frozenset[str]] = []
    lines: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{number}"
        parts = [p.strip() for p in line.split("=")]
        if len(parts) < 2:
            raise TrothError(
                f"{where}: a synonym line joins two or more terms with '=' "
                f"(like: cpa = accountant), got {line!r}"
            )
        terms: list[str] = []
        for part in parts:
            if not part:
                raise TrothError(
                    f"{where}: empty term in {line!r} (two '=' in a row, or one at an end)"
                )
            term = normalise_term(part)
            if not term:
                raise TrothError(f"{where}: {part!r} has no letters or digits")
            terms.append(term)
        group = frozenset(terms)
        if len(group) < 2:
            raise TrothError(
                f"{where}: {line!r} says a term is like itself; name two different terms"
            )
        groups.append(group)
        lines.append(where)
    return Synonyms(tuple(groups), tuple(lines))


def read_synonyms(path: Path) -> Synonyms:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TrothError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise TrothError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    return parse_synonyms(text, str(path))


def package_synonyms_path() -> Path:
    return Path(str(resources.files("troth.matching").joinpath(PACKAGE_SYNONYMS)))


def user_synonyms_path() -> Path:
    """The user's own table: `synonyms.txt` in the data directory (TROTH_HOME honoured)."""
    from troth.paths import data_dir

    return data_dir() / "synonyms.txt"


def default_synonyms() -> Synonyms:
    """The shipped table extended by the user's file when there is one (re-read when it changes)."""
    user = user_synonyms_path()
    try:
        st = user.stat()
    except FileNotFoundError:
        return _load(None)
    except OSError as exc:
        raise TrothError(f"{user}: cannot read it ({exc.strerror or exc})") from None
    return _load((str(user), st.st_mtime_ns, st.st_size))


@functools.lru_cache(maxsize=8)
def _load(user: tuple[str, int, int] | None) -> Synonyms:
    table = read_synonyms(package_synonyms_path())
    if user is not None:
        table = table.extended(read_synonyms(Path(user[0])))
    return table
