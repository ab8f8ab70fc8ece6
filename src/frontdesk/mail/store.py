"""Durable, content-addressed storage of raw messages (the first step of the pipeline).

A message is streamed to a temporary file in `MAIL_RAW_DIR`, fsynced, then renamed to its
sha256 (`ab/cd/<sha256>.eml`) and the directory fsynced, before any database row names
it: once `receive` has returned, a crash loses nothing (RPO 0). The same bytes arriving
again land on the same name, so the store needs no bookkeeping of its own.
"""

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

CHUNK = 1 << 16


class TooLarge(Exception):
    """The message is over FRONTDESK_MAIL_MAX_BYTES; `head` holds what was read."""

    def __init__(self, size: int, head: bytes) -> None:
        super().__init__(f"message larger than the limit ({size} bytes read)")
        self.size = size
        self.head = head


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    path: Path
    truncated: bool = False


def raw_dir() -> Path:
    return Path(settings.MAIL_RAW_DIR)


def raw_path(sha256: str) -> Path:
    return raw_dir() / sha256[:2] / sha256[2:4] / f"{sha256}.eml"


def store_raw(stream: IO[bytes], *, limit: int | None = None) -> Stored:
    """Stream `stream` into the store and return its digest, size and path.

    Beyond `limit` bytes the rest is read (and hashed) but not kept: the stored file holds
    the first `limit` bytes and `truncated` says so, so an oversized message still leaves
    a record that can be quarantined with its headers.
    """
    limit = settings.FRONTDESK_MAIL_MAX_BYTES if limit is None else limit
    base = raw_dir()
    (base / "tmp").mkdir(mode=0o750, parents=True, exist_ok=True)
    tmp = base / "tmp" / f"{secrets.token_hex(8)}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with tmp.open("xb") as out:
            tmp.chmod(0o640)
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                digest.update(chunk)
                if size < limit:
                    out.write(chunk[: limit - size])
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        final = raw_path(sha)
        final.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
        tmp.replace(final)
        _fsync_dir(final.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Stored(sha, size, final, truncated=size > limit)


def store_bytes(raw: bytes) -> Stored:
    from io import BytesIO

    return store_raw(BytesIO(raw))


def read_raw(sha256: str) -> bytes:
    return raw_path(sha256).read_bytes()


def iter_raw(sha256: str) -> Iterator[bytes]:
    with raw_path(sha256).open("rb") as source:
        yield from iter(lambda: source.read(CHUNK), b"")


def _fsync_dir(path: Path) -> None:
    with suppress(OSError):  # not every filesystem lets a directory be opened
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
