"""Issue 17 follow-up (attacker review 2, item 1): in troth's own layout a restore
read any single value whole, whatever WHOLE_LIMIT says, and re-decoded it from its
start on every 1 MiB chunk: a header key "pad" of 4 million empty lists (11 MiB)
took 34 s of CPU. Now the header's values, a table's model and columns are capped
at SMALL_LIMIT and a row at ROW_LIMIT, refused with one line naming the place, and
a long value grows the buffer geometrically (a handful of reads, not one per chunk)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from test_sec_audit_json import carols_export
from troth.backup import jsonstream
from troth.backup.restore import do_restore
from troth.errors import TrothError
from troth.owned import Owner
from troth.owners import do_ensure_me
from troth.people.models import Person, Tag

User = get_user_model()
HEAD = '{"format": "troth-export", "version": 1, '


class CountedText(io.StringIO):
    """A text file that counts its reads and the characters they returned."""

    reads = 0
    chars = 0

    def read(self, size: int | None = -1, /) -> str:
        got = super().read(size)
        self.reads += 1
        self.chars += len(got)
        return got


@pytest.fixture
def mallory(db: None, home: Path) -> Owner:
    user = User.objects.create_user("mallory", "mallory@example.org", "x")
    do_ensure_me(user, "Mallory")
    return user


def test_a_padded_header_is_refused_naming_the_key(mallory: Owner, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    path.write_text(HEAD + '"pad": [' + ",".join(["[]"] * 700_000) + '], "tables": []}')
    with pytest.raises(TrothError) as raised:
        do_restore(mallory, path)
    message = str(raised.value)
    assert 'the header\'s "pad" is over 64 KiB' in message and "\n" not in message
    assert str(path) in message and "nothing was restored" in message


def test_the_header_is_refused_after_reading_little_of_it() -> None:
    text = CountedText(HEAD + '"pad": [' + ",".join(["[]"] * 700_000) + '], "tables": []}')
    with pytest.raises(jsonstream.TooBig, match="pad"):
        list(jsonstream.read_from(text, chunk=4096))
    # doubling from 4 KiB up to just past the 64 KiB cap: not the 2 MiB of the file
    assert text.chars <= 3 * jsonstream.SMALL_LIMIT
    assert text.reads <= 8


def test_a_long_row_takes_a_handful_of_reads_not_one_per_chunk() -> None:
    """Old: one read and one decode from the row's start per 1 KiB chunk (1,000 for
    this row; the decoder's work grew with the square of the row)."""
    photo = "A" * (1 << 20)
    text = CountedText(
        HEAD + '"tables": [{"model": "people.person", "columns": ["photo"],'
        f' "rows": [["{photo}"], ["small"]]}}]}}'
    )
    tables = [
        (model, list(rows))
        for kind, model, _, rows in jsonstream.read_from(text, chunk=1024)
        if kind == "table"
    ]
    assert tables == [("people.person", [[photo], ["small"]])]
    assert text.reads <= 16


def test_a_row_over_the_cap_is_refused_naming_it(mallory: Owner, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    big = "A" * (jsonstream.ROW_LIMIT + 1024)
    path.write_text(
        HEAD + '"tables": [{"model": "people.tag", "columns": ["id", "name"],'
        f' "rows": [[1, "ok"], [2, "{big}"]]}}]}}'
    )
    with pytest.raises(TrothError, match=r"row 2 of people\.tag is over 16 MiB"):
        do_restore(mallory, path)
    assert not Tag.objects.filter(owner=mallory).exists()


def test_a_small_unknown_header_key_is_ignored_and_the_export_restores(
    mallory: Owner, tmp_path: Path
) -> None:
    text = carols_export()
    assert text.startswith("{")
    path = tmp_path / "backup.json"
    path.write_text('{"note": "from a newer troth",' + text[1:])
    assert json.loads(path.read_text())["note"]
    do_restore(mallory, path)
    assert Person.objects.get(owner=mallory, is_me=False).full_name == "Ann Lee"


def test_a_mistake_in_a_row_stops_the_reading_where_it_is() -> None:
    """A broken row (not a row cut by the buffer's end) is not read on to the end of
    the file, one chunk and one decode at a time: the restore reads the file whole
    for the error's place, under WHOLE_LIMIT, instead."""
    text = CountedText(
        HEAD
        + '"tables": [{"model": "people.tag", "columns": ["id"], "rows": [[1, x]'
        + " " * (1 << 20)
        + "]}]}"
    )
    with pytest.raises(jsonstream.NotStreamable):
        for _kind, _model, _columns, rows in jsonstream.read_from(text, chunk=1024):
            list(rows)
    assert text.chars <= 2048
