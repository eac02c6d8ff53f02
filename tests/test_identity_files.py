"""The simulated dirty address book written into real files (troth.sim.dirty_files),
read by the real parsers and imported `troth import` style: identity resolution
measured end to end (issue 6; bench/bench_identity.py --files for the figures)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import transaction

from troth.identity.models import MergeRecord
from troth.identity.queries import where_records_are
from troth.importers.apply import do_import
from troth.importers.detect import detect_kind
from troth.importers.records import LeftOut, PersonRecord, Problem
from troth.importers.registry import parser
from troth.owned import Owner
from troth.people.models import Person
from troth.sim.dirty import DirtySet, generate_dirty
from troth.sim.dirty_files import ORDER, DirtyFiles, write_dirty_files

if TYPE_CHECKING:
    from typing import Any

    from troth.sim.dirty_files import Located

RECORDS = 300
ME = "me@troth.example"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[DirtySet, DirtyFiles]:
    data = generate_dirty(RECORDS, seed=1)
    files = write_dirty_files(data, tmp_path_factory.mktemp("dirty"), ME, seed=1)
    return data, files


def pairs(counter: Counter[int] | Counter[tuple[int, int]]) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def pairwise(truth: list[int], labels: list[int]) -> tuple[float, float]:
    """bench/bench_identity.py's pairwise precision and recall."""
    predicted, real = pairs(Counter(labels)), pairs(Counter(truth))
    right = pairs(Counter(zip(labels, truth, strict=True)))
    return (right / predicted if predicted else 1.0), (right / real if real else 1.0)


def import_all(owner: Owner, files: DirtyFiles) -> list[Any]:
    # as `troth import` does it: one do_import per file, --me passed to each
    return [
        do_import(owner, parser(kind), path, options={"me": [files.me]}, kind=kind)
        for kind, path in files.in_order()
    ]


def located(owner: Owner, files: DirtyFiles) -> Located:
    source_ids, points = where_records_are(owner)
    return files.locate(source_ids, points)


def test_every_source_gets_its_file_in_its_format(written: tuple[DirtySet, DirtyFiles]) -> None:
    data, files = written
    assert [k for k, _p in files.in_order()] == list(ORDER)
    assert sum(files.written.values()) == len(data.records) == len(files.traces)
    for kind, path in files.in_order():
        assert detect_kind(path) == kind, path
    text = files.paths["linkedin"].read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "Notes:" and lines[2] == ""
    assert lines[3] == "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
    google = files.paths["google"].read_bytes()
    assert google.startswith(b"\xef\xbb\xbfFirst Name,Middle Name,Last Name,")
    vcf = files.paths["vcard"].read_text(encoding="utf-8")
    assert vcf.count("BEGIN:VCARD") == files.written["vcard"] and "VERSION:3.0" in vcf
    assert "\nFN:" in vcf.replace("\r\n", "\n") and "\nN:" in vcf.replace("\r\n", "\n")
    mbox = files.paths["mail"].read_bytes()
    assert mbox.startswith(b"From ")
    assert mbox.count(b"\nMessage-ID: <") == 2 * files.written["mail"]


def test_every_file_reads_with_no_problems_and_every_record_has_its_id(
    written: tuple[DirtySet, DirtyFiles],
) -> None:
    _data, files = written
    for kind, path in files.in_order():
        found: dict[tuple[str, str], PersonRecord] = {}
        problems, left = [], []
        for rec in parser(kind).parse(path, me=[ME], today=dt.date.today()):
            if isinstance(rec, PersonRecord):
                found[(rec.source, rec.external_id)] = rec
            elif isinstance(rec, Problem):
                problems.append(rec)
            elif isinstance(rec, LeftOut):
                left.append(rec)
        assert problems == [], (kind, problems[:3])
        assert left == [], (kind, left)
        # every written record is there under the id its trace expects (records
        # sharing one, like a household's family address in mail, share a person)
        wanted = {t.source_id for t in files.traces if t.source == kind}
        assert None not in wanted
        assert wanted == set(found), kind


def test_mail_is_a_two_way_exchange_so_everyone_is_a_correspondent(
    written: tuple[DirtySet, DirtyFiles],
) -> None:
    data, files = written
    stats: dict[str, int] = {}
    records = list(parser("mail").parse(files.paths["mail"], me=[ME], stats=stats))
    mail = [r for r in data.records if r.source == "mail"]
    addresses = {r.emails[0].lower() for r in mail}
    assert stats["messages"] == 2 * len(mail)
    assert stats["correspondents"] == len(addresses)
    people = [r for r in records if isinstance(r, PersonRecord)]
    # a record with no display name stays one: the address is its name
    nameless = {r.emails[0].lower() for r in mail if r.full_name == r.emails[0]}
    named = {r.emails[0].lower() for r in mail if r.full_name != r.emails[0]}
    for rec in people:
        if rec.external_id in nameless - named:
            assert rec.full_name == rec.external_id


def test_imported_people_match_the_truth(
    alice: Owner, written: tuple[DirtySet, DirtyFiles]
) -> None:
    data, files = written
    with transaction.atomic():
        first = import_all(alice, files)
    assert all(not s.problems for s in first), [s.problems[:3] for s in first]
    where = located(alice, files)
    assert where.untraceable == 0
    labels = [pid for pid in where.person if pid is not None]
    precision, recall = pairwise(data.truth, labels)
    # Reached with these 300 records (seed 1): precision 1.0, recall 0.822 (the in-memory
    # matcher on the same records: 1.0 / 0.892). Since issue 19 the simulator's nicknames
    # come from Wiktionary, which the matcher does not read (with its earlier table, all
    # inside the matcher's: 0.866, in memory 0.929). Issue 6's targets are measured on
    # 5,000 records by bench/bench_identity.py --files.
    assert precision >= 0.99, precision
    assert recall >= 0.8, recall
    assert sum(s.people_merged for s in first) == MergeRecord.objects.filter(owner=alice).count()
    people = Person.objects.filter(owner=alice, is_me=False).count()
    assert people == len(set(labels))


def test_importing_everything_again_changes_nothing(
    alice: Owner, written: tuple[DirtySet, DirtyFiles]
) -> None:
    _data, files = written
    with transaction.atomic():
        import_all(alice, files)
    before = _snapshot(alice)
    with transaction.atomic():
        again = import_all(alice, files)
    for summary in again:
        assert (
            summary.people_created,
            summary.people_updated,
            summary.people_merged,
            summary.interactions_added,
        ) == (0, 0, 0, 0), summary.kind
    assert _snapshot(alice) == before


def _snapshot(owner: Owner) -> dict[str, list[tuple[Any, ...]]]:
    from django.apps import apps

    out = {}
    for label in (
        "people.Person",
        "people.ContactPoint",
        "people.Employment",
        "people.Relationship",
        "interactions.Interaction",
        "identity.SourceRecord",
        "identity.MergeRecord",
        "identity.MergeSuggestion",
    ):
        model = apps.get_model(label)
        rows = model.objects.filter(owner=owner).values_list()
        out[label] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


def test_files_are_the_same_for_the_same_seed(tmp_path: Path) -> None:
    data = generate_dirty(60, seed=3)
    today = dt.date(2026, 6, 1)
    one = write_dirty_files(data, tmp_path / "one", seed=3, today=today)
    two = write_dirty_files(data, tmp_path / "two", seed=3, today=today)
    for kind, path in one.in_order():
        assert path.read_bytes() == two.paths[kind].read_bytes(), kind
    assert Path(one.folder) != Path(two.folder)
