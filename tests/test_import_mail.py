"""The mail importer (pure, but for the last tests, which run `troth import`): real mailboxes from other projects' test
suites (../shared/realdata, see SOURCES.md there) and synthetic ones with exact
expectations. The header scanner is checked against the standard library's email
parser on every real message."""

from __future__ import annotations

import csv
import datetime as dt
import email.parser
import email.policy
import mailbox
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from troth.importers import mailscan
from troth.importers.mail import PARSER, addresses, decode_words
from troth.importers.records import (
    ImportFileError,
    InteractionRecord,
    LeftOut,
    ParticipantsRecord,
    PersonRecord,
    Problem,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator

    from conftest import Cli
    from troth.importers.mailscan import Headers
    from troth.importers.records import Record

# Collected at import time to parametrize (the realdata fixture still decides
# whether the tests run: it skips in a user's clone and fails in CI).
REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def _files(sub: str) -> list[str]:
    root = REALDATA / sub
    if not root.is_dir():
        return []
    return sorted(str(p.relative_to(REALDATA)) for p in root.rglob("*") if p.is_file())


MBOXES = _files("mbox")
EMLS = _files("eml")
MAILDIR_FILES = _files("maildir")
MAILDIRS = ["maildir/mu_testdir", "maildir/mu_testdir2", "maildir/notmuch_corpora"]
ME = {"owner@example.org"}
R = TypeVar("R")
TODAY = dt.date(2026, 6, 1)


def parse(
    path: Path, me: Collection[str] = ME, **options: object
) -> tuple[list[Record], dict[str, Any]]:
    stats: dict[str, Any] = {}
    records = list(PARSER.parse(path, me=me, today=TODAY, stats=stats, **options))
    return records, stats


def kinds(records: Iterable[Record], cls: type[R]) -> list[R]:
    return [r for r in records if isinstance(r, cls)]


def check_records(records: list[Record]) -> None:
    """What every parse must produce, whatever the input."""
    for r in records:
        if isinstance(r, InteractionRecord):
            assert r.source == "mail" and r.channel == "email"
            assert r.when.tzinfo is not None
            assert re.fullmatch(r"[0-9a-f]{32}", r.external_id)
            assert len(r.emails) == 1 and r.emails[0] == r.emails[0].lower()
        elif isinstance(r, PersonRecord):
            assert r.source == "mail" and r.emails == [r.external_id] and r.full_name
            assert "=?" not in r.full_name
        elif isinstance(r, LeftOut):
            assert r.reason and r.count > 0
        elif isinstance(r, ParticipantsRecord):  # who was on a small message (warm paths)
            assert r.source == "mail" and re.fullmatch(r"[0-9a-f]{32}", r.external_id)
            assert 2 <= len(r.parties) <= 10 and r.owner_role in ("from", "to", "cc")
        else:
            assert isinstance(r, Problem) and r.reason and r.where


# -- real files ----------------------------------------------------------------


def test_realdata_is_all_there(realdata: Path) -> None:
    assert len(_files("mbox")) >= 13 and len(_files("eml")) >= 11
    assert len(_files("maildir")) >= 350
    for sub in MAILDIRS:
        assert (realdata / sub).is_dir()


# What SOURCES.md says each mbox exercises, as (messages scanned, problems).
EXPECTED_MBOX = {
    "cpython_mailbox_01.mbox": (1, 1),  # 'From time to time' is no separator; 'From: foo'
    "mailbox_perl_mbox.src.mbox": (45, 1),  # message 9 has no From:
    "neomutt_empty.mbox": (0, 0),
    "neomutt_newline_only.mbox": (0, 0),  # ^A^A^A^A: an MMDF separator and nothing else
    "neomutt_single_minimal.mbox": (1, 1),  # envelope line only, no From: header
    "perceval_mbox_complex.mbox": (2, 0),
    "perceval_mbox_iso8859_encoding.mbox": (1, 0),
    "perceval_mbox_multipart.mbox": (2, 0),
    "perceval_mbox_no_fields.mbox": (6, 2),  # no Date, empty Date
    "perceval_mbox_single.mbox": (1, 0),
    "perceval_mbox_unixfrom_encoding.mbox": (1, 0),
    "perceval_mbox_unknown_encoding.mbox": (1, 0),
}


@pytest.mark.parametrize("name", MBOXES)
def test_real_mbox(realdata: Path, name: str) -> None:
    path = realdata / name
    if path.name == "neomutt_not_an_mbox.mbox":
        # Plain text under an .mbox name: not mail (detect says so, parse refuses).
        assert not PARSER.detect(path)
        with pytest.raises(ImportFileError, match="not an mbox"):
            parse(path)
        return
    assert PARSER.detect(path)
    records, stats = parse(path)
    check_records(records)
    messages, problems = EXPECTED_MBOX[path.name]
    assert stats["messages"] == messages
    assert len(kinds(records, Problem)) == problems == stats["problems"]
    # Nobody here wrote to owner@example.org: no people, no interactions.
    assert not kinds(records, PersonRecord) and not kinds(records, InteractionRecord)


def test_real_mbox_message_counts_match_the_stdlib(realdata: Path) -> None:
    for name in EXPECTED_MBOX:
        path = realdata / "mbox" / name
        ours = sum(1 for _ in mailscan.scan_mbox(path, workers=1))
        theirs = 0
        if path.stat().st_size:
            box = mailbox.mbox(path, create=False)
            try:
                theirs = len(box)
            finally:
                box.close()
        if name == "cpython_mailbox_01.mbox":
            assert (ours, theirs) == (1, 2)  # the stdlib splits at "From time to time"
        elif name == "neomutt_newline_only.mbox":
            assert ours == 0
        else:
            assert ours == theirs, name


def test_real_mbox_lists_and_problems(realdata: Path) -> None:
    _records, stats = parse(realdata / "mbox" / "perceval_mbox_complex.mbox")
    assert stats["excluded: mailing list"] == 2
    records, _ = parse(realdata / "mbox" / "perceval_mbox_no_fields.mbox")
    reasons = sorted(p.reason for p in kinds(records, Problem))
    assert reasons == ["no Date", "unreadable Date ''"]
    assert all(p.where.endswith(("#3", "#5")) for p in kinds(records, Problem))
    records, _ = parse(realdata / "mbox" / "cpython_mailbox_01.mbox")
    assert [p.reason for p in kinds(records, Problem)] == ["From has no address"]


def test_real_mbox_as_the_owner(realdata: Path) -> None:
    """Mail::Box's test folder is Mark Overmeer's own mail of 1999-2000: seen as his,
    the people he exchanged mail with become correspondents; list traffic and the
    list robot (majordomo) do not."""
    path = realdata / "mbox" / "mailbox_perl_mbox.src.mbox"
    records, stats = parse(path, me={"markov@atcomputing.nl"})
    check_records(records)
    assert stats["excluded: mailing list"] >= 20
    found = people(records)
    # Old lists that set only "Precedence: bulk" and no List-Id cannot teach their
    # address: the ImageMagick bug list he wrote to twice counts as a correspondent
    # (a known limit of reading headers only).
    assert set(found) == {
        "chris.wareham@catchword.com",
        "cknoos@atg.com",
        "cristy@mystic.es.dupont.com",
        "magick-bugs@simple.dallas.tx.us",
    }
    talked = kinds(records, InteractionRecord)
    assert {r.emails[0] for r in talked} == set(found)
    assert {r.they_started for r in talked} == {True, False}


@pytest.mark.parametrize("name", EMLS)
def test_real_eml(realdata: Path, name: str) -> None:
    path = realdata / name
    assert PARSER.detect(path)
    records, stats = parse(path)
    check_records(records)
    assert stats["messages"] == 1
    # One message can never make a correspondent.
    assert not kinds(records, PersonRecord) and not kinds(records, InteractionRecord)


def test_real_eml_exclusions_and_problems(realdata: Path) -> None:
    eml = realdata / "eml"
    _, stats = parse(eml / "mailparser_mail_malformed_2.eml", me={"tanya@infospacemail.com"})
    assert stats["excluded: bounce"] == 1  # postmaster DSN, multipart/report
    records, _ = parse(eml / "cpython_msg_35_no_blank_line.eml")
    assert [p.reason for p in kinds(records, Problem)] == ["no Date"]
    # Addressed to its real recipient, a message is kept (not excluded) in pass 1.
    _, stats = parse(
        eml / "mailparser_mail_test_3.eml", me=_to_of(eml / "mailparser_mail_test_3.eml")
    )
    assert stats["messages"] == 1 and stats["problems"] == 0
    assert not [k for k in stats if k.startswith("excluded")]


def _to_of(path: Path) -> set[str]:
    headers = mailscan.file_headers(path)
    return {addr for addr, _ in addresses(headers[b"to"])}


def test_real_encoded_names_are_decoded(realdata: Path) -> None:
    eml = realdata / "eml"

    def sender(name: str) -> tuple[str, str]:
        return addresses(mailscan.file_headers(eml / name)[b"from"])[0]

    # GB2312 encoded word
    addr, name = sender("mailparser_mail_test_12.eml")
    assert "@" in addr and name and "=?" not in name
    assert any("\u4e00" <= ch <= "\u9fff" for ch in name)
    # the whole From encoded, address included
    addr, name = sender("mailparser_mail_test_17.eml")
    assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", addr)
    # an encoded comma inside the name must not split the address list
    headers = mailscan.file_headers(eml / "mailparser_mail_test_18.eml")
    (addr, name), *_ = addresses(headers[b"from"])
    assert "," in name and "=?" not in name
    # pipermail "user at domain (=?ISO-8859-1?Q?...?=)"
    mbox = realdata / "mbox" / "perceval_mbox_single.mbox"
    (_, headers), *_ = mailscan.scan_mbox(mbox)
    assert addresses(headers[b"from"]) == (("goran@domain.com", "Göran Lastname"),)
    # a raw Latin-1 byte in the address and an encoded comment name
    mbox = realdata / "mbox" / "perceval_mbox_iso8859_encoding.mbox"
    (_, headers), *_ = mailscan.scan_mbox(mbox)
    assert addresses(headers[b"from"]) == (("lucíacharlie@wellsfargo.com", "Lucía Charlie"),)


def test_decode_words() -> None:
    assert decode_words("plain") == "plain"
    assert decode_words("Edmond =?UTF-8?B?RGFudMOocw==?=") == "Edmond Dantès"
    # the space between two encoded words goes, the one beside plain text stays
    assert decode_words("=?utf-8?q?a?= =?utf-8?q?b?= c") == "ab c"
    assert decode_words("=?UTF-8?Q?Luc=eda_Charlie?=") == "Lucía Charlie"  # Latin-1 bytes
    assert decode_words("=?x-unknown?q?abc?=") == "abc"
    assert decode_words("=?utf-8*en?q?hi?=") == "hi"  # RFC 2231 language
    assert decode_words("=?utf-8?b?!!!?=") == "=?utf-8?b?!!!?="  # not base64: kept


@pytest.mark.parametrize("name", MAILDIRS)
def test_real_maildirs(realdata: Path, name: str) -> None:
    root = realdata / name
    assert PARSER.detect(root)
    records, stats = parse(root)
    check_records(records)
    parts = [p.relative_to(root).parts for p in root.rglob("*") if p.is_file()]
    # Every message file is read; not the hidden marker files (.noindex) nor the
    # Maildirs' tmp/ (messages still being delivered).
    visible = [p for p in parts if "tmp" not in p and not any(x.startswith(".") for x in p)]
    assert stats["messages"] == len(visible)
    problems = {Path(p.where).name: p.reason for p in kinds(records, Problem)}
    if name.endswith("notmuch_corpora"):
        assert problems["README"] == "not a mail message"
        assert stats["excluded: mailing list"] > 200  # the lkml and notmuch threads
    if name.endswith("mu_testdir"):
        assert problems["multirecip!2,S"] == "From has no address"  # "From:" empty


def test_real_maildir_as_a_real_owner(realdata: Path) -> None:
    """notmuch's own list traffic, seen by one of its regular posters: the copies of
    his dozen posts carry no list headers, but the list's address is learnt from the
    List-Id of the others, so the list does not become a correspondent."""
    records, stats = parse(realdata / "maildir/notmuch_corpora", me={"cworth@cworth.org"})
    check_records(records)
    assert stats["excluded: mailing list"] > 200
    assert not kinds(records, PersonRecord) and not kinds(records, InteractionRecord)


@pytest.mark.parametrize("name", MAILDIR_FILES)
def test_real_maildir_file_alone(realdata: Path, name: str) -> None:
    """Each file of the real Maildirs as a single message: no crash, one message."""
    path = realdata / name
    if not PARSER.detect(path):
        assert path.name in {"README"} or path.name.startswith(".")
        return
    records, stats = parse(path)
    check_records(records)
    assert stats["messages"] == 1


# -- the scanner against the standard library's parser ----------------------------


_UNFOLD = re.compile(rb"\r?\n(?=[ \t])")


def _stdlib_headers(raw: bytes) -> dict[bytes, bytes]:
    """What email's compat32 parser sees, in the scanner's form (first value; To and
    Cc all values joined; unfolded; raw bytes)."""
    msg = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    out: dict[bytes, bytes] = {}
    items = list(msg.raw_items())  # raw values: undecodable bytes as surrogates
    for name in mailscan.WANTED:
        values = [v for k, v in items if k.lower() == name]
        if not values:
            continue
        raws = [_UNFOLD.sub(b"", v.encode("ascii", "surrogateescape")).strip() for v in values]
        if name in ("to", "cc"):
            out[name.encode()] = b", ".join(v for v in raws if v)
        else:
            out[name.encode()] = raws[0]
    return out


def _real_messages(realdata: Path) -> Iterator[tuple[str, bytes, Headers]]:
    """(label, raw bytes, scanner headers) for every real message."""
    for name in MBOXES:
        path = realdata / name
        if not path.stat().st_size or not mailscan.is_mbox(path):
            continue
        data = path.read_bytes()
        found: list[tuple[int, Any]] = list(mailscan.scan_mbox(path, workers=1))
        ends = [offset for offset, _ in found[1:]] + [len(data)]
        for (offset, headers), end in zip(found, ends, strict=True):
            yield f"{name}@{offset}", data[offset:end], headers
    for name in EMLS + MAILDIR_FILES:
        path = realdata / name
        if path.name.startswith(".") or not path.stat().st_size:
            continue
        yield name, path.read_bytes(), mailscan.file_headers(path)


def test_scanner_matches_the_stdlib_parser_on_every_real_message(realdata: Path) -> None:
    checked = 0
    mismatches: list[tuple[Any, ...]] = []
    for label, raw, ours in _real_messages(realdata):
        if not ours and b":" not in raw.split(b"\n", 2)[-1][:200]:
            continue  # not mail (a README)
        theirs = _stdlib_headers(raw)
        # The stdlib stops at the first line that is not a header even without a blank
        # line (cpython msg_35); values it saw must be ours exactly.
        for key, value in theirs.items():
            if ours.get(key) != value:
                mismatches.append((label, key, ours.get(key), value))
        for key in ours.keys() - theirs.keys():
            mismatches.append((label, key, ours[key], None))
        checked += 1
    assert checked >= 390
    assert mismatches == []


# -- synthetic mailboxes, exact expectations -----------------------------------------


def msg(
    frm: str,
    to: str,
    subject: str,
    date: str,
    cc: str = "",
    mid: str = "",
    extra: str = "",
    body: str = "Hello.\n",
) -> str:
    head = f"From: {frm}\nTo: {to}\n"
    if cc:
        head += f"Cc: {cc}\n"
    head += f"Subject: {subject}\nDate: {date}\n"
    head += f"Message-ID: <{mid or abs(hash((frm, subject, date)))}@x.example>\n"
    return head + extra + "\n" + body


def mbox(path: Path, *messages: str, crlf: bool = False) -> Path:
    parts = []
    for n, m in enumerate(messages):
        parts.append(f"From sender@example.net Mon Jun  3 10:{n % 60:02d}:00 2024\n" + m + "\n")
    text = "".join(parts)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(text.encode("utf-8"))
    return path


OWNER = "Owner <owner@example.org>"
BOB = "Bob Jones <bob@example.com>"
CAROL = "Carol <carol@example.com>"
DAVE = "dave@example.com"


def people(records: list[Record]) -> dict[str, PersonRecord]:
    return {p.external_id: p for p in kinds(records, PersonRecord)}


def talks(records: list[Record]) -> list[tuple[str, bool, str]]:
    return [(r.emails[0], r.they_started, r.summary) for r in kinds(records, InteractionRecord)]


def test_two_way_exchange_makes_a_person_and_a_one_off_cc_does_not(tmp_path: Path) -> None:
    path = mbox(
        tmp_path / "box",
        msg(OWNER, BOB, "Lunch?", "Mon, 3 Jun 2024 10:00:00 +0000", cc=CAROL),
        msg(BOB, OWNER, "Re: Lunch?", "Mon, 3 Jun 2024 11:00:00 +0200"),
        # Dave writes to Carol and cc's the owner once: neither becomes a person.
        msg(DAVE, CAROL, "FYI", "Tue, 4 Jun 2024 09:00:00 +0000", cc=OWNER),
    )
    assert PARSER.detect(path)
    records, stats = parse(path)
    check_records(records)
    assert list(people(records)) == ["bob@example.com"]
    assert people(records)["bob@example.com"].full_name == "Bob Jones"
    assert talks(records) == [
        ("bob@example.com", True, "Re: Lunch?"),  # 09:00 UTC
        ("bob@example.com", False, "Lunch?"),  # 10:00 UTC
    ]
    assert stats["messages"] == 3 and stats["correspondents"] == 1
    assert not kinds(records, Problem)


def test_repeated_direct_mail_rule(tmp_path: Path) -> None:
    path = mbox(
        tmp_path / "box",
        # the owner writes to Erin twice (To): a correspondent
        msg(OWNER, "erin@example.com", "One", "Mon, 3 Jun 2024 10:00:00 +0000"),
        msg(OWNER, "erin@example.com", "Two", "Mon, 10 Jun 2024 10:00:00 +0000"),
        # Frank writes to the owner twice directly: a correspondent
        msg("frank@example.com", OWNER, "Hi", "Mon, 3 Jun 2024 12:00:00 +0000"),
        msg("frank@example.com", OWNER, "Hi again", "Mon, 4 Jun 2024 12:00:00 +0000"),
        # Gina writes twice with the owner only in Cc: not
        msg("gina@example.com", DAVE, "a", "Mon, 3 Jun 2024 13:00:00 +0000", cc=OWNER),
        msg("gina@example.com", DAVE, "b", "Mon, 4 Jun 2024 13:00:00 +0000", cc=OWNER),
        # the owner cc's Hal twice: not (and Dave, written to once each time, is
        # written to twice in all: a correspondent)
        msg(OWNER, DAVE, "c", "Mon, 3 Jun 2024 14:00:00 +0000", cc="hal@example.com"),
        msg(OWNER, DAVE, "d", "Mon, 4 Jun 2024 14:00:00 +0000", cc="hal@example.com"),
    )
    records, _ = parse(path)
    assert sorted(people(records)) == [
        "dave@example.com",
        "erin@example.com",
        "frank@example.com",
    ]
    assert {e for e, _, _ in talks(records)} == set(people(records))
    assert people(records)["erin@example.com"].full_name == "erin@example.com"


def test_lists_automated_bounces_and_noreply_are_excluded(tmp_path: Path) -> None:
    day = "Mon, 3 Jun 2024 10:00:00 +0000"
    path = mbox(
        tmp_path / "box",
        msg(OWNER, BOB, "hello", day),
        msg(BOB, OWNER, "list 1", day, extra="List-Id: <dev.example.com>\n"),
        msg(BOB, OWNER, "list 2", day, extra="Precedence: bulk\n"),
        msg(BOB, OWNER, "list 3", day, extra="List-Unsubscribe: <mailto:x@y.z>\n"),
        msg(BOB, OWNER, "away", day, extra="Auto-Submitted: auto-replied\n"),
        msg(BOB, OWNER, "bounced", day, extra="Return-Path: <>\n"),
        msg(BOB, OWNER, "failed", day, extra="X-Failed-Recipients: z@example.com\n"),
        msg(
            BOB,
            OWNER,
            "report",
            day,
            extra="Content-Type: multipart/report; report-type=delivery-status\n",
        ),
        msg("MAILER-DAEMON@example.com", OWNER, "Undelivered", day),
        msg("Service <no-reply@service.example>", OWNER, "Your code", day),
        msg("notifications@github.example", OWNER, "PR", day),
        msg("donotreply@bank.example", OWNER, "Statement", day),
        msg(BOB, "dev@lists.example.com", "to the list, not me", day),
        msg(BOB, OWNER, "not automated", day, extra="Auto-Submitted: no\n"),
        # the owner answering a notification: no counterpart
        msg(OWNER, "notifications@github.example", "Re: PR", day),
    )
    records, stats = parse(path)
    assert stats["excluded: mailing list"] == 3
    assert stats["excluded: automated"] == 1
    assert stats["excluded: bounce"] == 4
    assert stats["excluded: no-reply sender"] == 3
    assert stats["excluded: not addressed to me"] == 1
    assert stats["excluded: no counterpart"] == 1
    assert sorted(talks(records)) == [
        ("bob@example.com", False, "hello"),
        ("bob@example.com", True, "not automated"),
    ]


def test_a_list_the_owner_posts_to_is_no_correspondent(tmp_path: Path) -> None:
    day = "Mon, 3 Jun 2024 1{}:00:00 +0000"
    lst = "Dev list <dev@lists.example.com>"
    path = mbox(
        tmp_path / "box",
        # the owner's own posts, from the Sent folder: no list headers
        msg(OWNER, lst, "proposal", day.format(0)),
        msg(OWNER, lst, "proposal v2", day.format(1)),
        # the list's copy of someone's reply
        msg(
            BOB, lst, "Re: proposal", day.format(2), extra="List-Id: Dev <dev.lists.example.com>\n"
        ),
    )
    records, stats = parse(path)
    assert stats["excluded: mailing list"] == 1
    assert not kinds(records, PersonRecord) and not kinds(records, InteractionRecord)


def test_same_mail_in_two_maildir_folders_counts_once(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    for folder in ("INBOX", "Archive/2024"):
        for sub in ("cur", "new", "tmp"):
            (root / folder / sub).mkdir(parents=True)
    day = "Mon, 3 Jun 2024 10:00:00 +0000"
    (root / "INBOX/cur/1717.M1P2.host:2,S").write_text(
        msg(BOB, OWNER, "Plans", day, mid="first-copy")
    )
    # The same mail, refiled by another client: another Message-ID, another Date
    # spelling (same instant), subject spaced differently.
    (root / "Archive/2024/cur/1718.M3P4.host:2,S").write_text(
        msg(BOB, OWNER, "Plans ", "Mon, 3 Jun 2024 12:00:00 +0200", mid="second-copy")
    )
    (root / "Archive/2024/cur/1719.M5P6.host:2,S").write_text(
        msg(OWNER, BOB, "Re: Plans", "Mon, 3 Jun 2024 11:00:00 +0000")
    )
    # a message still being delivered is not read
    (root / "INBOX/tmp/1720.M7P8.host").write_text(msg(BOB, OWNER, "partial", day))
    assert PARSER.detect(root)
    records, stats = parse(root)
    assert stats["messages"] == 3 and stats["duplicates"] == 1
    assert talks(records) == [
        ("bob@example.com", True, "Plans"),
        ("bob@example.com", False, "Re: Plans"),
    ]
    # Re-import: the same external ids (the database then adds nothing).
    again, _ = parse(root)
    assert [r.external_id for r in kinds(again, InteractionRecord)] == [
        r.external_id for r in kinds(records, InteractionRecord)
    ]


def test_mh_and_eml_trees(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "inbox").mkdir(parents=True)
    (root / "sent").mkdir()
    (root / "inbox/1").write_text(msg(BOB, OWNER, "Q", "Mon, 3 Jun 2024 10:00:00 +0000"))
    (root / "inbox/.mh_sequences").write_text("unseen: 1\n")
    os.mkfifo(root / "inbox/pipe")  # never opened (it would block)
    (root / "sent/2.eml").write_text(msg(OWNER, BOB, "A", "Mon, 3 Jun 2024 11:00:00 +0000"))
    assert PARSER.detect(root) and PARSER.detect(root / "sent/2.eml")
    records, stats = parse(root)
    assert stats["messages"] == 2
    assert [(e, t) for e, t, _ in talks(records)] == [
        ("bob@example.com", True),
        ("bob@example.com", False),
    ]
    assert [r.where for r in kinds(records, InteractionRecord)] == [
        str(root / "inbox/1"),
        str(root / "sent/2.eml"),
    ]


def test_encoded_names_and_broken_headers(tmp_path: Path) -> None:
    path = tmp_path / "box"
    good = [
        msg(
            "=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>",
            OWNER,
            "Hallo",
            "3 Jun 2024 10:00 +0000",
        ),
        msg(OWNER, "jm@example.de", "=?iso-8859-1?q?Gr=FC=DFe?=", "Mon, 3 Jun 2024 11:00:00 +0000"),
    ]
    broken = [
        msg(BOB, OWNER, "bad date", "yesterday-ish"),
        msg(BOB, OWNER, "future", "Mon, 3 Jun 2030 11:00:00 +0000"),
        "To: owner@example.org\nSubject: no sender\nDate: Mon, 3 Jun 2024 11:00:00 +0000\n\nx\n",
    ]
    mbox(path, *good, *broken)
    # undecodable bytes in a name are tolerated (read as Latin-1)
    raw = path.read_bytes().replace(b"Bob Jones", b"Bob \xff\xfe Jones")
    path.write_bytes(raw)
    records, stats = parse(path)
    check_records(records)
    assert people(records)["jm@example.de"].full_name == "Jürgen Müller"
    assert [r.summary for r in kinds(records, InteractionRecord)] == ["Hallo", "Grüße"]
    reasons = [p.reason for p in kinds(records, Problem)]
    assert reasons == [
        "unreadable Date 'yesterday-ish'",
        "Date in the future (2030-06-03)",
        "no From address",
    ]
    assert [p.where for p in kinds(records, Problem)] == [f"{path}#3", f"{path}#4", f"{path}#5"]


def test_mbox_escaping_crlf_and_huge_headers(tmp_path: Path) -> None:
    day = "Mon, 3 Jun 2024 10:00:00 +0000"
    body = (
        "Hi\n\n>From the escaped line\nFrom time to time, an unescaped one\n\n"
        "From 10:30 to 12:00 on 3 June 2024 we meet\n\nbye\n"
    )
    huge = "".join(f"X-Trace-{n}: {'y' * 200}\n" for n in range(30000))  # ~6.5 MB
    messages = [
        msg(BOB, OWNER, "one", day, body=body),
        msg(OWNER, BOB, "two", "Mon, 3 Jun 2024 11:00:00 +0000", body=body),
        huge + msg(BOB, OWNER, "three", "Mon, 3 Jun 2024 12:00:00 +0000"),
    ]
    for crlf in (False, True):
        path = mbox(tmp_path / f"box{crlf}", *messages, crlf=crlf)
        scanned: list[tuple[int, Any]] = list(mailscan.scan_mbox(path, workers=1))
        assert [h[b"subject"] for _, h in scanned] == [b"one", b"two", b"three"]
        assert scanned[2][1][b"to"] == b"Owner <owner@example.org>"
        records, _ = parse(path)
        assert [s for _, _, s in talks(records)] == ["one", "two", "three"]
    # the same as one file (a huge header block in a single message)
    single = tmp_path / "huge.eml"
    single.write_text(messages[2])
    assert mailscan.file_headers(single)[b"subject"] == b"three"


def test_parallel_scan_gives_the_same_results_in_order(tmp_path: Path) -> None:
    messages = [
        msg(f"p{n % 50}@example.com", OWNER, f"s{n}", f"Mon, 3 Jun 2024 10:{n % 60:02d}:00 +0000")
        for n in range(3000)
    ]
    path = mbox(tmp_path / "box", *messages)
    one: list[tuple[int, Any]] = list(mailscan.scan_mbox(path, workers=1))
    two: list[tuple[int, Any]] = list(mailscan.scan_mbox(path, workers=2, chunk=64 << 10))
    assert len(one) == 3000 and one == two
    a, _ = parse(path, workers=1)
    b, _ = parse(path, workers=2)
    assert a == b
    # by default, small mailboxes are scanned in-process
    assert mailscan.default_workers(path.stat().st_size) == 1


def test_me_is_required_and_checked(tmp_path: Path) -> None:
    path = mbox(tmp_path / "box", msg(BOB, OWNER, "x", "Mon, 3 Jun 2024 10:00:00 +0000"))
    with pytest.raises(ImportFileError, match="--me ADDRESS"):
        list(PARSER.parse(path))
    with pytest.raises(ImportFileError, match="--me ADDRESS"):
        list(PARSER.parse(path, me={"owner", "+1 202 555 0100"}))
    # case does not matter; the owner's other contact points are ignored
    records, _ = parse(path, me=["OWNER@Example.org", "+12025550100", "https://x.example/o"])
    assert not kinds(records, Problem)


def test_detect(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("Just some notes.\nFrom here on, more.\n")
    (tmp_path / "card.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nEND:VCARD\n")
    (tmp_path / "empty").mkdir()
    assert not PARSER.detect(tmp_path / "notes.txt")
    assert not PARSER.detect(tmp_path / "card.vcf")
    assert not PARSER.detect(tmp_path / "empty")
    assert not PARSER.detect(tmp_path / "missing")
    with pytest.raises(ImportFileError):
        list(PARSER.parse(tmp_path / "notes.txt", me=ME))


def test_what_is_left_out_is_counted_by_reason_everywhere(cli: Cli, tmp_path: Path) -> None:
    """Seven messages, two interactions: the five others are counted by why they were
    left out (not listed one by one), in the summary, in --json and in --report."""
    day = "Mon, 3 Jun 2024 1{}:00:00 +0000"
    path = mbox(
        tmp_path / "seven.mbox",
        msg(BOB, OWNER, "list", day.format(0), extra="List-Id: <dev.example.com>\n"),
        msg(BOB, OWNER, "bulk", day.format(1), extra="Precedence: bulk\n"),
        msg("Service <no-reply@service.example>", OWNER, "Your code", day.format(2)),
        msg(BOB, OWNER, "Lunch?", day.format(3), mid="a"),
        msg(OWNER, BOB, "Re: Lunch?", day.format(4)),
        msg(BOB, OWNER, "Lunch?", day.format(3), mid="b"),  # the same mail filed twice
        msg(DAVE, OWNER, "Once", day.format(5)),  # a one-off sender
    )
    report = tmp_path / "report.csv"
    said = cli("import", "mail", str(path), "--me", "owner@example.org", "--report", str(report))
    text = " ".join(said.stdout.split())
    assert "Left out on purpose │ 5" in text
    for line in (
        "left out 2: mailing-list messages",
        "left out 1: messages from no-reply senders",
        "left out 1: duplicate messages (the same mail filed twice)",
        "left out 1: messages with no correspondent (one-offs, Cc only)",
    ):
        assert line in text
    rows = list(csv.reader(report.read_text(encoding="utf-8").splitlines()))
    assert [str(path), "left out: 2 mailing-list messages"] in rows
    path.with_name("again.mbox").write_bytes(path.read_bytes())
    data = cli.json("import", "mail", str(path.with_name("again.mbox")))
    assert data["interactions_added"] == 0 and data["skipped"] == 0
    assert data["left_out"] == {
        "mailing-list messages": 2,
        "messages from no-reply senders": 1,
        "duplicate messages (the same mail filed twice)": 1,
        "messages with no correspondent (one-offs, Cc only)": 1,
    }
    assert data["nothing_new"].startswith("Nothing new")


def test_a_mailbox_of_list_mail_only_says_so(cli: Cli, tmp_path: Path) -> None:
    path = mbox(
        tmp_path / "lists.mbox",
        msg(BOB, OWNER, "list", "Mon, 3 Jun 2024 10:00:00 +0000", extra="List-Id: <d.e.com>\n"),
    )
    text = " ".join(cli("import", str(path), "--me", "owner@example.org").stdout.split())
    assert "Nothing imported: everything in this file was left out (see above)." in text
    assert "Nothing new" not in text
