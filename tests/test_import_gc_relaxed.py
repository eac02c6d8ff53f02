"""An import runs with the cyclic collector's first threshold raised (issue 20:
fewer collections walking the records it keeps), still collecting, and leaves the
process's own thresholds as they were, also when it fails."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction

from troth.errors import TrothError
from troth.importers.apply import IMPORT_GC_THRESHOLD, collector_relaxed, do_import
from troth.importers.linkedin import PARSER
from troth.owned import Owner

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        yield gc.get_threshold()
    finally:
        gc.set_threshold(*before)


def connections(path: Path, n: int) -> Path:
    rows = [HEADER] + [
        f"Dana{chr(97 + i % 26)},Kang{i},https://www.linkedin.com/in/dana-kang-{i},,"
        "Acme,CTO,01 Jan 2024"
        for i in range(n)
    ]
    path.write_text("\r\n".join(rows) + "\r\n")
    return path


def test_raised_for_the_block_and_given_back(default_thresholds: tuple[int, int, int]) -> None:
    with collector_relaxed():
        assert gc.get_threshold() == (IMPORT_GC_THRESHOLD, 10, 10)
        assert gc.isenabled()
    assert gc.get_threshold() == default_thresholds


def test_given_back_after_a_failure(default_thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError, match="half-way"), collector_relaxed():
        raise RuntimeError("failed half-way")
    assert gc.get_threshold() == default_thresholds


def test_never_lowered_nor_turned_on(default_thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(IMPORT_GC_THRESHOLD * 2, 5, 5)
    with collector_relaxed():
        assert gc.get_threshold() == (IMPORT_GC_THRESHOLD * 2, 5, 5)
    gc.set_threshold(0, 10, 10)  # automatic collection off: left off
    with collector_relaxed():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold() == (0, 10, 10)


@pytest.mark.django_db(transaction=True)
def test_an_import_runs_relaxed_and_gives_it_back(
    alice: Owner, tmp_path: Path, default_thresholds: tuple[int, int, int]
) -> None:
    seen: set[tuple[int, int, int]] = set()

    def progress(stage: str, done: int, total: int | None) -> None:
        seen.add(gc.get_threshold())

    with transaction.atomic():
        summary = do_import(
            alice, PARSER, connections(tmp_path / "Connections.csv", 30), progress=progress
        )
    assert summary.people_created == 30
    assert seen == {(IMPORT_GC_THRESHOLD, 10, 10)}
    assert gc.get_threshold() == default_thresholds


@pytest.mark.django_db(transaction=True)
def test_a_refused_import_gives_it_back(
    alice: Owner, tmp_path: Path, default_thresholds: tuple[int, int, int]
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text("not, a, linkedin, file\r\n1,2,3,4\r\n")
    with pytest.raises(TrothError, match="Connections.csv"):
        do_import(alice, PARSER, path)
    assert gc.get_threshold() == default_thresholds
