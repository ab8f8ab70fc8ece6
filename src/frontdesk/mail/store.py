"""Durable, content-addressed storage of raw messages (the first step of the pipeline).

A message is streamed to a temporary file in `MAIL_RAW_DIR`, renamed to its sha256
(`ab/cd/<sha256>.eml`) and then fsynced once, through the still open file: on the
journaling filesystems we support (ext4, XFS, btrfs) that one fsync makes both the bytes
and the new name durable (the rename is in the journal transaction the fsync commits), so
no second fsync of the directory is needed. Only after that does a database row name the
file, and only after the row's transaction commits is the sender told the message was
received (IMAP flag, HTTP 2xx, exit status 0): a crash at any point loses nothing (RPO 0,
docs/email.md). The same bytes arriving again land on the same name, so the store needs no
bookkeeping of its own.

A batch (`frontdesk ingest-email` with many files) stores its messages without the fsync
(`durable=False`) and then makes them all durable with one `sync_store()` (syncfs(2) of the
store's filesystem) before any of them is recorded: the same guarantee, one flush per
batch instead of one per message.
"""

import ctypes
import hashlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Protocol

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


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def store_raw(stream: Readable, *, limit: int | None = None, durable: bool = True) -> Stored:
    """Stream `stream` into the store and return its digest, size and path. With
    `durable=False` the caller must call `sync_store()` before recording the message.

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
                    out.write(chunk if size + len(chunk) <= limit else chunk[: limit - size])
                size += len(chunk)
            out.flush()
            sha = digest.hexdigest()
            final = raw_path(sha)
            final.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
            tmp.replace(final)
            if durable:
                os.fsync(out.fileno())  # the bytes and the name, in one journal commit
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Stored(sha, size, final, truncated=size > limit)


def store_bytes(raw: bytes) -> Stored:
    from io import BytesIO

    return store_raw(BytesIO(raw))


def open_raw(sha256: str) -> IO[bytes]:
    return raw_path(sha256).open("rb")


def read_raw(sha256: str) -> bytes:
    return raw_path(sha256).read_bytes()


def iter_raw(sha256: str) -> Iterator[bytes]:
    with raw_path(sha256).open("rb") as source:
        yield from iter(lambda: source.read(CHUNK), b"")


def sync_store() -> None:
    """Make everything written to the store so far durable, names included: syncfs(2) of
    the store's filesystem where the C library has it, else sync(2)."""
    fd = os.open(raw_dir(), os.O_RDONLY)
    try:
        syncfs = _syncfs()
        if syncfs is None or syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


@cache
def _syncfs() -> Callable[[int], int] | None:
    try:
        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return None
    return function
