"""Pure helpers for attachments: safe display names and content sniffing.

The declared content type of an upload is never trusted: we sniff the first bytes and
fall back to application/octet-stream, and every download is served as an attachment.
"""

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

MAX_NAME_LENGTH = 200

# (magic prefix, content type). Order matters: longer, more specific prefixes first.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
)
TEXT_EXTENSIONS = {".txt", ".log", ".csv", ".md", ".json", ".xml", ".yaml", ".yml"}


def safe_file_name(name: str) -> str:
    """A display name with no path, no control characters and no leading dots."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"\s+", " ", base).strip().lstrip(".")
    if not base:
        return "attachment"
    if len(base) > MAX_NAME_LENGTH:
        suffix = PurePosixPath(base).suffix[:20]
        base = base[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return base


def sniff_content_type(head: bytes, file_name: str) -> str:
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if PurePosixPath(file_name).suffix.lower() in TEXT_EXTENSIONS and _looks_like_text(head):
        return "text/plain"
    return "application/octet-stream"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sniffed window is still text.
        return exc.start >= len(head) - 3
    return True
