"""What kind of file is this? (`troth import PATH` without a KIND; pure: no Django).

Cheap: the extension and a sniff of the first few kilobytes (a CSV header's
column names, BEGIN:VCARD, BEGIN:VCALENDAR, an mbox "From " line, mail headers,
a troth JSON export), or for a folder what it holds (a LinkedIn export, a
Maildir's cur/new/tmp, .eml or numbered message files). The kind names a
registry entry (or "json", a troth backup to restore). A CSV that is neither
LinkedIn's nor Google's is "csv" (a spreadsheet of the user's own) when its
header names people, or when it is called .csv or .tsv: its importer then says
which columns it found.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from troth.errors import TrothError, Worded
from troth.importers import csvfiles, zipsafe
from troth.importers.google import looks_like_google
from troth.importers.linkedin import which_table
from troth.importers.records import ImportFileError
from troth.importers.spreadsheet import looks_like_contacts

KINDS = ("linkedin", "google", "csv", "vcard", "ics", "mail", "json")
SNIFF_BYTES = 16384
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_MAIL_HEADERS = (
    b"received:",
    b"return-path:",
    b"message-id:",
    b"from:",
    b"date:",
    b"delivered-to:",
    b"x-",
    b"mime-version:",
    b"subject:",
    b"to:",
)
_EXTENSIONS = {
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".ics": "ics",
    ".ical": "ics",
    ".ifb": "ics",
    ".mbox": "mail",
    ".mbx": "mail",
    ".eml": "mail",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
}


def unknown(path: Path, why: str = "") -> TrothError:
    return TrothError(
        f"{path}: cannot tell what kind of file this is{why}; name it: "
        f"troth import {'|'.join(KINDS)} {path}"
    )


def detect_kind(path: Path) -> str:
    if not path.exists():
        raise TrothError(f"{path}: no such file or folder")
    if path.is_dir():
        return _detect_folder(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise TrothError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(path)
    kind = sniff(head, path.name)
    if kind is None:
        kind = _EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        raise unknown(path, " (empty)" if not head.strip() else "")
    return kind


def sniff(head: bytes, name: str = "") -> str | None:
    """The kind from a file's first bytes, or None."""
    text = csvfiles.decode(head, name).lstrip("\ufeff \t\r\n")
    upper = text[:40].upper()
    if upper.startswith("BEGIN:VCARD"):
        return "vcard"
    if upper.startswith("BEGIN:VCALENDAR"):
        return "ics"
    if text.startswith("From ") and "\n" in text:
        return "mail"
    if text.startswith("{") and '"troth' in text[:2000]:
        return "json"
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    first = body.split(b"\n", 1)[0]
    if _HEADER_LINE.match(first) and first.lower().startswith(_MAIL_HEADERS):
        return "mail"
    if "," in text or "\t" in text or ";" in text:
        if which_table(text) is not None:
            return "linkedin"
        if any(looks_like_google(keys) for keys in csvfiles.header_keys(text, 1)):
            return "google"
        if looks_like_contacts(text):
            return "csv"
    return None


def _detect_zip(path: Path) -> str:
    try:
        with zipsafe.open_zip(path) as archive:  # refuses a directory of millions
            names = {PurePosixPath(n).name.lower() for n in archive.namelist()}
    except ImportFileError as exc:
        raise Worded(str(exc), exc.web_message) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise TrothError(f"{path}: not a readable zip archive ({exc})") from None
    if "connections.csv" in names or "messages.csv" in names:
        return "linkedin"
    raise unknown(path, " (a zip file without a LinkedIn Connections.csv)")


def _detect_folder(path: Path) -> str:
    children = {c.name.lower(): c for c in path.iterdir()}
    if {"cur", "new"} <= set(children) or {"cur", "tmp"} <= set(children):
        return "mail"
    if "connections.csv" in children or "messages.csv" in children:
        return "linkedin"
    counts = {"mail": 0, "vcard": 0, "ics": 0}
    seen = 0
    for child in path.rglob("*"):
        seen += 1
        if seen > 5000:
            break
        if child.is_dir():
            if child.name in {"cur", "new"}:
                counts["mail"] += 1
            continue
        kind = _EXTENSIONS.get(child.suffix.lower())
        if kind in counts:
            counts[kind] += 1
        elif child.name.isdigit() or child.name.split(":")[0].split("!")[0].isdigit():
            counts["mail"] += 1  # MH and many archives: one message per numbered file
    best = max(counts, key=lambda k: counts[k])
    if counts[best]:
        return best
    raise unknown(path, " (a folder with no mail, vCard or calendar files in it)")
