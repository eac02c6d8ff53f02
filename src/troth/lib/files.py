"""Writing a file in one step: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from troth.errors import TrothError


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; once the block ends without an error it
    is fsynced and renamed over `path`. On any error the temporary file is removed
    and `path` is left as it was."""
    target = path.expanduser()
    parent = target.parent
    if target.is_dir():
        raise TrothError(f"cannot write {path}: it is a directory; name a file")
    if not parent.is_dir():
        raise TrothError(f"cannot write {path}: the directory {parent} does not exist")
    try:
        fd, name = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise TrothError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp makes the file 0600: give it the mode a plain write would have.
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno == errno.EISDIR:
            raise TrothError(f"cannot write {path}: it is a directory; name a file") from None
        raise TrothError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_text(path: Path, newline: str | None = None) -> Iterator[IO[str]]:
    """An UTF-8 text file written atomically (see `atomic_path`)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as fh:
        yield fh


def write_bytes_atomically(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path.expanduser()
