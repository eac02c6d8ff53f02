"""The simulated dirty address book written into the files people have (pure: no Django).

`troth.sim.dirty.generate_dirty` keeps its records in memory; `write_dirty_files`
writes them where an owner would find them, so that the benchmark
(bench/bench_identity.py --files) and tests/test_identity_files.py import them
through the real importers, `troth import` style, and score the people that result:

* linkedin -> `Connections.csv`, LinkedIn's layout since 2021 (the "Notes:" preamble,
  then First Name, Last Name, URL, Email Address, Company, Position, Connected On;
  ../shared/anchors.md, Formats); a middle initial goes with the first name;
* google -> `contacts.csv`, the current Google Contacts CSV (BOM, First/Middle/Last
  Name, Organization Name, Labels, E-mail N, Phone N, Website N; by column name);
* vcard -> `contacts.vcf`, one vCard 3.0 per record, written with vobject: FN as
  the record has it ("Family, Given" included), N (parts read from the full name
  when the record has none), ORG, EMAIL, TEL, URL and a UID;
* mail -> `mail.mbox`: every mail record is a correspondent, so each gets a two-way
  exchange with the owner (`me`): one message from them, one to them, within the
  last year, under the record's display name (none when the record has none).

Each record also gets a `Trace`: the source record the importer stores for it
((source, external_id), worked out the way each parser does: the canonical
profile URL, else "email:" or "name:...|day" for LinkedIn; "email:...|name", "phone:...|name" or
"name:" for Google; the UID for vCards; the address for mail), then its contact
points as a fallback. `DirtyFiles.locate` turns what the database holds into the
person each record ended in; records found by neither are counted, not dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import numpy as np
import vobject

from troth.identity.match import normalized
from troth.importers.records import PersonRecord, canonical_url
from troth.lib.contact import normalize_email, normalize_phone
from troth.lib.text import fold
from troth.sim.dirty import DirtySet

# The order `troth import` would be run in: connections first (the anchors' advice:
# Connections before messages), mail last, once people are known.
ORDER = ("linkedin", "google", "vcard", "mail")
FILE_NAMES = {
    "linkedin": "Connections.csv",
    "google": "contacts.csv",
    "vcard": "contacts.vcf",
    "mail": "mail.mbox",
}

# LinkedIn's preamble since 2021, verbatim (../shared/realdata/linkedin/header_specimens/
# Connections_2024-12.csv), with LF line ends as there.
LINKEDIN_PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses'
    " are missing. You will only see email addresses for connections who have allowed their"
    " connections to see or download their email address using this setting"
    " https://www.linkedin.com/psettings/privacy/email. You can learn more here"
    ' https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
LINKEDIN_HEADER = (
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
)
# The fixed leading columns of a current Google export (../shared/realdata/gcontacts/
# header_specimens/google_contacts_2023plus_header_NOTE.txt); the repeating groups
# follow, as many as the data needs.
GOOGLE_FIXED = (
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
)

Point = tuple[str, str]  # (ContactPoint kind, normalised value), as troth stores them


@dataclass
class Trace:
    """How to find the person one written record ended in."""

    source: str
    truth: int
    # (source, external_id) as the importer stores it in SourceRecord; None if the
    # record carries nothing the importer would keep as its id
    source_id: tuple[str, str] | None
    points: tuple[Point, ...]  # its normalised contact points, tried next


@dataclass
class Located:
    """Where the records ended: a person id per record (None: not found)."""

    person: list[int | None]
    by_source_id: int = 0
    by_point: int = 0

    @property
    def untraceable(self) -> int:
        return sum(p is None for p in self.person)


@dataclass
class DirtyFiles:
    folder: Path
    me: str
    paths: dict[str, Path]  # source -> the file written for it
    traces: list[Trace]  # one per record of the DirtySet, in its order
    written: dict[str, int] = field(default_factory=dict)  # records per source

    def in_order(self) -> list[tuple[str, Path]]:
        """(kind, path) in the order to import them (LinkedIn, Google, vCard, mail)."""
        return [(k, self.paths[k]) for k in ORDER if k in self.paths]

    def locate(
        self, source_ids: Mapping[tuple[str, str], int], points: Mapping[Point, int]
    ) -> Located:
        """The person each record ended in, given the owner's SourceRecords
        ((source, external_id) -> person id) and ContactPoints ((kind, value) -> person id)."""
        out = Located([])
        for t in self.traces:
            pid = source_ids.get(t.source_id) if t.source_id else None
            if pid is not None:
                out.by_source_id += 1
            else:
                pid = next((points[p] for p in t.points if p in points), None)
                out.by_point += pid is not None
            out.person.append(pid)
        return out


def _clean(text: str) -> str:
    return " ".join(text.split())


def _parts(rec: PersonRecord) -> tuple[str, str, str]:
    """(given, middle, family) of a record: its own parts, the middle read from its
    full name ("Ann B. Lee"); from the full name alone when it has no parts."""
    full = _clean(rec.full_name)
    given, family = _clean(rec.given_name), _clean(rec.family_name)
    if given or family:
        middle = ""
        if full.startswith(given) and full.endswith(family):
            middle = full[len(given) : len(full) - len(family)].strip()
        return given, middle, family
    if "," in full:
        family, _, given = full.partition(",")
        return _clean(given), "", _clean(family)
    head, _, tail = full.rpartition(" ")
    return (head, "", tail) if head else (tail, "", "")


def _points(rec: PersonRecord) -> tuple[Point, ...]:
    return (
        *(("email", v) for v in normalized(rec.emails, normalize_email)),
        *(("url", v) for v in normalized(rec.urls, canonical_url)),
        *(("phone", v) for v in normalized(rec.phones, normalize_phone)),
    )


# ---------------------------------------------------------------- LinkedIn


def _write_linkedin(
    path: Path, records: list[tuple[int, PersonRecord]], rng: np.random.Generator, today: dt.date
) -> dict[int, tuple[str, str] | None]:
    ids: dict[int, tuple[str, str] | None] = {}
    with path.open("w", newline="", encoding="utf-8") as fh:
        fh.write(LINKEDIN_PREAMBLE)
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(LINKEDIN_HEADER)
        for i, rec in records:
            given, middle, family = _parts(rec)
            first = _clean(f"{given} {middle}")
            url = rec.urls[0] if rec.urls else ""
            mail = rec.emails[0] if rec.emails else ""
            connected = today - dt.timedelta(days=int(rng.integers(30, 10 * 365)))
            when = f"{connected.day:02d} {connected:%b %Y}"  # 15 Dec 2024
            out.writerow([first, family, url, mail, rec.company, rec.title, when])
            # the parser's external_id (troth.importers.linkedin._connections)
            full = _clean(f"{first} {family}")
            emails = normalized([mail], normalize_email) if "@" in mail else []
            urls = normalized([url], canonical_url) if url else []
            if urls:
                ids[i] = ("linkedin", urls[0])
            elif emails:
                ids[i] = ("linkedin", f"email:{emails[0]}")
            else:
                ids[i] = ("linkedin", f"name:{fold(full)}|{connected.isoformat()}")
    return ids


# ---------------------------------------------------------------- Google


def _write_google(
    path: Path, records: list[tuple[int, PersonRecord]]
) -> dict[int, tuple[str, str] | None]:
    n_mail = max([len(r.emails) for _i, r in records] + [1])
    n_phone = max([len(r.phones) for _i, r in records] + [1])
    n_site = max([len(r.urls) for _i, r in records] + [1])
    header = list(GOOGLE_FIXED)
    for n in range(1, n_mail + 1):
        header += [f"E-mail {n} - Label", f"E-mail {n} - Value"]
    for n in range(1, n_phone + 1):
        header += [f"Phone {n} - Label", f"Phone {n} - Value"]
    for n in range(1, n_site + 1):
        header += [f"Website {n} - Label", f"Website {n} - Value"]
    ids: dict[int, tuple[str, str] | None] = {}
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.DictWriter(fh, fieldnames=header, lineterminator="\r\n")
        out.writeheader()
        for i, rec in records:
            given, middle, family = _parts(rec)
            row = {
                "First Name": given,
                "Middle Name": middle,
                "Last Name": family,
                "Organization Name": rec.company,
                "Organization Title": rec.title,
                "Labels": "* myContacts",
            }
            for n, value in enumerate(rec.emails, 1):
                label = "* Home" if n == 1 else "Work"
                row[f"E-mail {n} - Label"], row[f"E-mail {n} - Value"] = label, value
            for n, value in enumerate(rec.phones, 1):
                row[f"Phone {n} - Label"], row[f"Phone {n} - Value"] = "Mobile", value
            for n, value in enumerate(rec.urls, 1):
                row[f"Website {n} - Label"], row[f"Website {n} - Value"] = "Profile", value
            out.writerow(row)
            # the parser's external_id (troth.importers.google._contact)
            emails = normalized(rec.emails, normalize_email)
            phones = [p.strip() for p in rec.phones if p.strip()]
            full = _clean(" ".join(p for p in (given, middle, family) if p))
            if emails:
                ids[i] = ("google", f"email:{emails[0]}|{fold(full)}")
            elif phones:
                ids[i] = ("google", f"phone:{phones[0]}|{fold(full)}")
            else:
                ids[i] = ("google", f"name:{fold(full)}")
    return ids


# ---------------------------------------------------------------- vCard


def _write_vcard(
    path: Path, records: list[tuple[int, PersonRecord]]
) -> dict[int, tuple[str, str] | None]:
    ids: dict[int, tuple[str, str] | None] = {}
    with path.open("w", newline="", encoding="utf-8") as fh:
        for i, rec in records:
            given, middle, family = _parts(rec)
            card = vobject.vCard()
            card.add("version").value = "3.0"
            uid = f"troth-sim-{i}"
            card.add("uid").value = uid
            card.add("fn").value = _clean(rec.full_name)
            card.add("n").value = vobject.vcard.Name(family=family, given=given, additional=middle)
            if rec.company:
                card.add("org").value = [rec.company]
            if rec.title:
                card.add("title").value = rec.title
            for n, value in enumerate(rec.emails):
                line = card.add("email")
                line.value = value
                line.type_param = "INTERNET" if n else "PREF"
            for value in rec.phones:
                line = card.add("tel")
                line.value = value
                line.type_param = "CELL"
            for value in rec.urls:
                card.add("url").value = value
            fh.write(card.serialize())
            ids[i] = ("vcard", uid)
    return ids


# ---------------------------------------------------------------- mail


def _address(rec: PersonRecord) -> tuple[str, str]:
    """(display name, address): no display name when the record has only its address."""
    addr = rec.emails[0]
    name = _clean(rec.full_name)
    return ("" if name.lower() == addr.lower() else name), addr


def _message(sender: Address, to: Address, when: dt.datetime, ident: str, subject: str) -> bytes:
    msg = EmailMessage(policy=default_policy.clone(linesep="\n"))
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = email.utils.format_datetime(when)
    msg["Message-ID"] = f"<{ident}@sim.troth.example>"
    msg["Subject"] = subject
    msg.set_content("Good to hear from you.\n")
    separator = f"From {sender.addr_spec} {when.astimezone(dt.UTC):%a %b %d %H:%M:%S %Y}\n"
    return separator.encode() + msg.as_bytes() + b"\n"


def _write_mail(
    path: Path,
    records: list[tuple[int, PersonRecord]],
    me: str,
    rng: np.random.Generator,
    today: dt.date,
) -> dict[int, tuple[str, str] | None]:
    ids: dict[int, tuple[str, str] | None] = {}
    owner = Address(addr_spec=me)
    start = dt.datetime.combine(today, dt.time(), dt.UTC) - dt.timedelta(days=365)
    with path.open("wb") as fh:
        for i, rec in records:
            if not rec.emails:
                ids[i] = None
                continue
            name, addr = _address(rec)
            them = Address(display_name=name, addr_spec=addr)
            sent = start + dt.timedelta(seconds=int(rng.integers(1, 360 * 86400)))
            replied = sent + dt.timedelta(seconds=int(rng.integers(600, 3 * 86400)))
            subject = f"Catching up ({i})"
            fh.write(_message(them, owner, sent, f"sim-{i}-in", subject))
            fh.write(_message(owner, them, replied, f"sim-{i}-out", f"Re: {subject}"))
            emails = normalized([addr], normalize_email)
            ids[i] = ("mail", emails[0]) if emails else None
    return ids


# ---------------------------------------------------------------- all four


def write_dirty_files(
    data: DirtySet,
    folder: Path,
    me: str = "me@troth.example",
    *,
    seed: int = 0,
    today: dt.date | None = None,
) -> DirtyFiles:
    """Write `data`'s records into one file per source under `folder` (created if
    needed), and how to find each record's person after importing them. `seed`
    draws the dates (LinkedIn's Connected On, the mail's); mail is dated in the
    year before `today` (default: today), so that no message is in the future."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    today = today or dt.date.today()
    rng = np.random.default_rng(seed)
    by_source: dict[str, list[tuple[int, PersonRecord]]] = {s: [] for s in ORDER}
    for i, rec in enumerate(data.records):
        if rec.source not in by_source:
            raise ValueError(f"record {i}: no file is written for source {rec.source!r}")
        by_source[rec.source].append((i, rec))
    paths = {s: folder / FILE_NAMES[s] for s in ORDER if by_source[s]}
    ids: dict[int, tuple[str, str] | None] = {}
    if "linkedin" in paths:
        ids.update(_write_linkedin(paths["linkedin"], by_source["linkedin"], rng, today))
    if "google" in paths:
        ids.update(_write_google(paths["google"], by_source["google"]))
    if "vcard" in paths:
        ids.update(_write_vcard(paths["vcard"], by_source["vcard"]))
    if "mail" in paths:
        ids.update(_write_mail(paths["mail"], by_source["mail"], me, rng, today))
    traces = [
        Trace(rec.source, truth, ids.get(i), _points(rec))
        for i, (rec, truth) in enumerate(zip(data.records, data.truth, strict=True))
    ]
    return DirtyFiles(
        folder=folder,
        me=me,
        paths=paths,
        traces=traces,
        written={s: len(by_source[s]) for s in ORDER if by_source[s]},
    )
