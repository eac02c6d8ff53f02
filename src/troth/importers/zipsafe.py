"""Reading zip archives that come from anyone (pure: no Django).

A zip's headers say how big each member unpacks to, and the upload limit only
caps the packed file: 510 KB of zip can hold 512 MiB of CSV (Python's zipfile
documentation, "Decompression pitfalls"). So, before anything is unpacked:

- the central directory may list MAX_MEMBERS entries at most (ZipFile builds an
  object per entry as it opens the archive, so millions of tiny entries would
  fill the memory before a single member is read);
- a member must be neither encrypted nor packed with a method Python cannot
  unpack (each is one clear line, never a traceback);
- a member may unpack to MEMBER_LIMIT bytes at most, and all the members read
  from one archive to TOTAL_LIMIT;
- a member bigger than RATIO_FLOOR may unpack to RATIO_LIMIT times its packed
  size at most: real CSV packs 5 to 20 times, a zip bomb about 1000 times.

Members are then read in CHUNK-sized pieces while counting, so a member whose
headers lie is stopped at the limit too, and memory never holds more than what
the limits allow. Every refusal is an ImportFileError: one line naming the file.
"""

from __future__ import annotations

import lzma
import struct
import zipfile
import zlib
from pathlib import Path
from typing import cast

from troth.importers.records import ImportFileError

MIB = 1024 * 1024
MEMBER_LIMIT = 100 * MIB  # a LinkedIn messages.csv of a very busy inbox is tens of MiB
TOTAL_LIMIT = 200 * MIB
RATIO_LIMIT = 100
RATIO_FLOOR = 1 * MIB  # tiny members pack oddly (a header row of zeros): no ratio check
MAX_MEMBERS = 10_000  # a LinkedIn export has a few dozen files
CHUNK = 1 * MIB
SUPPORTED = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}

# Names of the methods people meet (APPNOTE 4.4.5), for the refusal message.
_METHODS = {1: "shrink", 6: "implode", 9: "deflate64", 93: "zstandard", 98: "PPMd", 99: "AES"}

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
# The smallest central-directory entry: a 46-byte header with no name (APPNOTE 4.3.12).
_MIN_ENTRY = 46


def _mib(n: int) -> str:
    return f"{n / MIB:,.0f} MiB"


def member_count(path: Path) -> int | None:
    """How many entries the archive may hold, read from the last bytes of the file
    without building the central directory: the count its end record announces, or
    as many as the directory's announced size leaves room for, whichever is more
    (Python's zipfile reads the whole directory whatever the count says, so a zip that
    claimed 1 entry and held a million got past a check of the count alone: found by a
    security review). None when no end record is found (ZipFile then reports the file
    as not a zip)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            tail_size = min(size, _EOCD_SIZE + 65535)  # the record, then a comment
            fh.seek(size - tail_size)
            tail = fh.read(tail_size)
            at = tail.rfind(_EOCD)
            if at < 0 or len(tail) - at < _EOCD_SIZE:
                return None
            entries = struct.unpack("<H", tail[at + 10 : at + 12])[0]
            directory = struct.unpack("<I", tail[at + 12 : at + 16])[0]
            locator = tail[at - 20 : at] if at >= 20 else b""
            if locator.startswith(_ZIP64_LOCATOR):
                # Zip64: the real count is in the zip64 end record the locator points to.
                offset = struct.unpack("<Q", locator[8:16])[0]
                fh.seek(offset)
                record = fh.read(56)
                if len(record) == 56 and record.startswith(b"PK\x06\x06"):
                    entries = max(entries, struct.unpack("<Q", record[32:40])[0])
                    directory = max(directory, struct.unpack("<Q", record[40:48])[0])
            return max(entries, directory // _MIN_ENTRY)
    except OSError:
        return None


def open_zip(path: Path) -> zipfile.ZipFile:
    """ZipFile(path), refused (ImportFileError) when it announces too many entries.
    zipfile.BadZipFile and OSError pass through for the caller's own message."""
    count = member_count(path)
    if count is not None and count > MAX_MEMBERS:
        raise ImportFileError(
            f"{path}: a zip of {count:,} files is not an export troth reads"
            f" ({MAX_MEMBERS:,} at most)"
        )
    return zipfile.ZipFile(path)


class Budget:
    """What is left to unpack from one archive (TOTAL_LIMIT, spent member by member)."""

    def __init__(self, total: int = TOTAL_LIMIT) -> None:
        self.total = total
        self.left = total


def check_member(info: zipfile.ZipInfo, where: str, budget: Budget) -> None:
    """Refuse a member from its headers, before unpacking anything."""
    if info.flag_bits & 0x1:
        raise ImportFileError(
            f"{where}: the zip is password-protected; unpack it yourself and import the folder"
        )
    if info.compress_type not in SUPPORTED:
        method = _METHODS.get(info.compress_type, f"method {info.compress_type}")
        raise ImportFileError(
            f"{where}: packed with a method troth cannot unpack ({method});"
            " re-zip it with ordinary (deflate) compression or import the folder"
        )
    _check_size(info.file_size, info.compress_size, where, budget)


def _check_size(size: int, packed: int, where: str, budget: Budget) -> None:
    if size > MEMBER_LIMIT:
        raise ImportFileError(
            f"{where}: unpacks to more than {_mib(MEMBER_LIMIT)}, more than troth reads"
            " from one file of a zip"
        )
    if size > budget.left:
        raise ImportFileError(
            f"{where}: the zip unpacks to more than {_mib(budget.total)}, more than troth"
            " reads from one archive"
        )
    if size > RATIO_FLOOR and size > RATIO_LIMIT * max(packed, 1):
        raise ImportFileError(
            f"{where}: unpacks to {size // max(packed, 1):,} times its packed size;"
            " refused as a zip bomb"
        )


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: Budget
) -> bytes:
    """The member's bytes, read in pieces and counted against the limits as they come
    (the headers may lie); spends them from `budget`."""
    check_member(info, where, budget)
    data = bytearray()
    try:
        with archive.open(info) as stream:
            while True:
                piece = stream.read(CHUNK)
                if not piece:
                    break
                data += piece
                _check_size(len(data), info.compress_size, where, budget)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError) as exc:
        raise ImportFileError(f"{where}: damaged inside the zip ({exc})") from None
    except (RuntimeError, NotImplementedError) as exc:  # encryption, methods: said above
        raise ImportFileError(f"{where}: cannot be unpacked ({exc})") from None
    budget.left -= len(data)
    # Not copied into a bytes object (that would double the peak): a bytearray decodes
    # the same way.
    return cast(bytes, data)
