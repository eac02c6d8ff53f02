"""Text folding shared by search, matching and de-duplication (pure, no Django)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Casefold, strip accents and squeeze spaces: "  José  ÁLVAREZ " -> "jose alvarez"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare.casefold()).strip()
