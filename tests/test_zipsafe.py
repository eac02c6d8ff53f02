"""Zip bombs and odd zips in a LinkedIn export (issue 17, items 3 and L2): real zip files
built here, small on disk and huge unpacked, or encrypted / packed with a method Python
cannot read (header bytes written by hand). Each is refused with one line: exit 2 in
the CLI, a failed run with that line on the Import page, and memory stays far below
what the zip would unpack to."""

from __future__ import annotations

import random
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from troth.importers import zipsafe
from troth.importers.linkedin import PARSER
from troth.importers.models import ImportRun
from troth.importers.records import ImportFileError, PersonRecord
from troth.owned import Owner
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

MIB = 1024 * 1024
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
ROW = "Dana,Kang,https://www.linkedin.com/in/dana-kang,,Acme,CTO,15 Dec 2024\r\n"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def bomb(path: Path, unpacked: int, name: str = "Connections.csv") -> Path:
    """A LinkedIn-looking zip whose Connections.csv is a header and `unpacked` bytes of
    empty lines, written in pieces (the test itself never holds it whole)."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        member.write(HEADER.encode())
        piece = b"\r\n" * (MIB // 2)
        for _ in range(unpacked // MIB):
            member.write(piece)
    return path


def small_zip(path: Path, text: str = HEADER + ROW, method: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("Connections.csv", text)
    return path


def patch_headers(path: Path, *, flags: int | None = None, method: int | None = None) -> None:
    """Rewrite the general-purpose flags and/or compression method of the (only) member,
    in its local header and in the central directory, as another zip tool would."""
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    if flags is not None:
        struct.pack_into("<H", data, local + 6, flags)
        struct.pack_into("<H", data, central + 8, flags)
    if method is not None:
        struct.pack_into("<H", data, local + 8, method)
        struct.pack_into("<H", data, central + 10, method)
    path.write_bytes(bytes(data))


def peak_while(func: Callable[[], object]) -> tuple[BaseException | None, int]:
    """Run func; the exception it raised and the peak of Python memory meanwhile."""
    tracemalloc.start()
    error: BaseException | None = None
    try:
        func()
    except BaseException as exc:  # noqa: BLE001 - handed back to the test
        error = exc
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return error, peak


def parse(path: Path) -> None:
    list(PARSER.parse(path))


def test_a_member_bigger_than_the_limit_is_refused_before_unpacking(
    cli: Cli, tmp_path: Path
) -> None:
    path = bomb(tmp_path / "export.zip", zipsafe.MEMBER_LIMIT + MIB)
    assert path.stat().st_size < 1 * MIB  # a small download
    error, peak = peak_while(lambda: parse(path))
    assert isinstance(error, ImportFileError)
    assert "unpacks to more than 100 MiB" in str(error)
    assert peak < 8 * MIB  # nothing of the 101 MiB was unpacked
    result = cli("import", "linkedin", str(path), code=2)
    assert result.stderr.startswith(f"troth: error: {path}/Connections.csv: unpacks to more")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not Person.objects.filter(is_me=False).exists()


def test_a_zip_bomb_under_the_size_limit_is_refused_by_its_ratio(cli: Cli, tmp_path: Path) -> None:
    path = bomb(tmp_path / "export.zip", 24 * MIB)  # about 1000 times its packed size
    error, peak = peak_while(lambda: parse(path))
    assert isinstance(error, ImportFileError) and "refused as a zip bomb" in str(error)
    assert peak < 8 * MIB
    result = cli("import", str(path), code=2)  # detected as LinkedIn, then refused
    assert "times its packed size; refused as a zip bomb" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_headers_that_lie_cannot_unpack_more_than_they_say(tmp_path: Path) -> None:
    """A member that claims 512 KiB but holds 64 MiB: zipfile stops at the claimed size
    and the CRC then fails, one line; memory stays near the claim, not the content."""
    path = bomb(tmp_path / "export.zip", 64 * MIB)
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    claim = 512 * 1024
    # The local header keeps its sizes in its zip64 extra block (after the name), the
    # central directory in its own 32-bit field.
    name_length = struct.unpack_from("<H", data, local + 26)[0]
    extra = local + 30 + name_length
    assert struct.unpack_from("<H", data, extra)[0] == 1  # the zip64 block's tag
    struct.pack_into("<Q", data, extra + 4, claim)
    struct.pack_into("<L", data, central + 24, claim)
    path.write_bytes(bytes(data))
    error, peak = peak_while(lambda: parse(path))
    assert isinstance(error, ImportFileError) and "damaged inside the zip" in str(error)
    assert "Bad CRC-32" in str(error)
    assert peak < 8 * MIB


def test_a_member_without_a_name_is_passed_over(tmp_path: Path) -> None:
    """A crafted entry with an empty name (zipfile's is_dir() fails on it)."""
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x", "junk")
        archive.writestr("Connections.csv", HEADER + ROW)
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 28, 0)  # the first entry's name: empty
    del data[central + 46 : central + 47]  # its one-letter name
    end = data.rindex(b"PK\x05\x06")
    size = struct.unpack_from("<L", data, end + 12)[0]
    struct.pack_into("<L", data, end + 12, size - 1)  # the central directory's size
    path.write_bytes(bytes(data))
    people = [r for r in PARSER.parse(path) if isinstance(r, PersonRecord) and r.full_name]
    assert [p.full_name for p in people] == ["Dana Kang"]


def test_every_member_counts_against_one_budget(tmp_path: Path) -> None:
    """Three ordinary 3 MiB files (random text, no bomb) in an archive allowed 8 MiB."""
    rng = random.Random(7)
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("Connections.csv", "messages.csv", "Invitations.csv"):
            archive.writestr(name, rng.randbytes(3 * MIB // 2).hex())
    budget = zipsafe.Budget(total=8 * MIB)
    with zipsafe.open_zip(path) as archive:
        infos = archive.infolist()
        for info in infos[:2]:
            assert len(zipsafe.read_member(archive, info, info.filename, budget)) == 3 * MIB
        with pytest.raises(ImportFileError, match="the zip unpacks to more than 8 MiB"):
            zipsafe.read_member(archive, infos[2], infos[2].filename, budget)


def test_an_ordinary_export_still_reads(tmp_path: Path) -> None:
    path = small_zip(tmp_path / "export.zip", HEADER + ROW * 2000, zipfile.ZIP_DEFLATED)
    people = [r for r in PARSER.parse(path) if getattr(r, "full_name", None)]
    assert len(people) == 2000


def test_an_encrypted_zip_is_one_clear_line(cli: Cli, tmp_path: Path) -> None:
    path = small_zip(tmp_path / "export.zip")
    patch_headers(path, flags=0x1)
    result = cli("import", "linkedin", str(path), code=2)
    assert result.stderr.strip() == (
        f"troth: error: {path}/Connections.csv: the zip is password-protected;"
        " unpack it yourself and import the folder"
    )


@pytest.mark.parametrize(("method", "name"), [(9, "deflate64"), (98, "PPMd"), (42, "method 42")])
def test_an_unsupported_compression_is_one_clear_line(
    cli: Cli, tmp_path: Path, method: int, name: str
) -> None:
    path = small_zip(tmp_path / "export.zip")
    patch_headers(path, method=method)
    result = cli("import", "linkedin", str(path), code=2)
    assert result.stderr.strip() == (
        f"troth: error: {path}/Connections.csv: packed with a method troth cannot unpack"
        f" ({name}); re-zip it with ordinary (deflate) compression or import the folder"
    )


def test_a_zip_announcing_millions_of_entries_is_refused_before_it_is_opened(
    cli: Cli, tmp_path: Path
) -> None:
    path = small_zip(tmp_path / "export.zip")
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 65000, 65000)  # entries on disk, in total
    path.write_bytes(bytes(data))
    assert zipsafe.member_count(path) == 65000
    result = cli("import", str(path), code=2)
    assert "a zip of 65,000 files is not an export troth reads (10,000 at most)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_zip_that_hides_its_entries_behind_a_small_count_is_refused(
    cli: Cli, tmp_path: Path
) -> None:
    """The end record says 1 entry, the central directory holds 12,001: zipfile would
    read them all (a security review built a million this way)."""
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Connections.csv", "First Name,Last Name\n")
        for i in range(12_000):
            zf.writestr(f"x{i}", b"")
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)  # entries on disk, in total: a lie
    path.write_bytes(bytes(data))
    assert (zipsafe.member_count(path) or 0) > zipsafe.MAX_MEMBERS
    result = cli("import", str(path), code=2)
    assert "is not an export troth reads (10,000 at most)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- the Import page


@pytest.fixture
def web(
    client: Client,
    alice: Owner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
) -> Client:
    monkeypatch.setenv("TROTH_HOME", str(tmp_path / "troth-home"))
    settings.TASKS = IMMEDIATE
    settings.TROTH_IMPORT_THREAD = False  # the run happens inside the upload request
    client.force_login(alice)
    return client


@pytest.mark.parametrize("kind", ["bomb", "encrypted", "deflate64"])
def test_the_import_page_fails_the_run_with_the_line_never_a_500(
    web: Client, alice: Owner, tmp_path: Path, kind: str
) -> None:
    if kind == "bomb":
        path = bomb(tmp_path / "export.zip", 24 * MIB)
        expected = "refused as a zip bomb"
    else:
        path = small_zip(tmp_path / "export.zip")
        patch_headers(path, **({"flags": 1} if kind == "encrypted" else {"method": 9}))
        expected = "password-protected" if kind == "encrypted" else "(deflate64)"
    with path.open("rb") as fh:
        r = web.post("/import/upload", {"file": fh, "kind": "linkedin"})
    assert r.status_code in (200, 302, 400)
    run = ImportRun.objects.get(owner=alice)
    assert run.status == ImportRun.FAILED
    assert expected in run.error and "\n" not in run.error
    assert "Error:" not in run.error  # our line, not an exception's class and text
    page = web.get(f"/import/{run.id}/")
    assert page.status_code == 200 and expected in page.content.decode()
