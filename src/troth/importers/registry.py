"""Which importers exist, by the KIND a user types (`troth import KIND PATH`).

Each module named here defines `PARSER`, an object following
`troth.importers.records.Parser`. Modules are imported when first used, so a
missing optional dependency only affects its own format.
"""

from __future__ import annotations

import importlib

from troth.importers.records import Parser

# In detection order: the most specific formats first.
MODULES = {
    "linkedin": "troth.importers.linkedin",
    "google": "troth.importers.google",
    "csv": "troth.importers.spreadsheet",
    "vcard": "troth.importers.vcard",
    "ics": "troth.importers.ics",
    "mail": "troth.importers.mail",
}


def parser(kind: str) -> Parser:
    module = importlib.import_module(MODULES[kind])
    found: Parser = module.PARSER
    return found
