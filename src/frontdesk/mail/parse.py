"""Raw RFC 822 bytes -> `ParsedMail`, a plain record the rest of the pipeline works on.

Pure (no ORM). Parsing uses the stdlib `email` package with `policy.default` and guards
every failure mode listed in `docs/email.md`: unknown charsets and undecodable bytes fall
back to other decodings (flagged `lossy`), 8-bit headers are re-decoded from their raw
bytes, broken base64 keeps the partial bytes (flagged corrupt), file names are never
paths and lose control characters, NUL characters are removed, and the size and
structure limits raise `Rejected` with a reason code. Nothing here raises anything else
for any input: an unexpected exception is itself turned into `Rejected("parse_error")`.
"""

import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.feedparser import BytesFeedParser
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from io import BytesIO
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from frontdesk.tickets.files import safe_file_name


@dataclass(frozen=True)
class Limits:
    max_parts: int = 500
    max_depth: int = 20
    max_headers: int = 1000
    max_header_bytes: int = 16 * 1024
    max_recipients: int = 500
    max_html_bytes: int = 5 * 2**20


class Rejected(Exception):
    """The message cannot be processed; `reason` is a stable code, `detail` for people."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Addr:
    name: str
    email: str  # lower-cased


@dataclass
class Part:
    """An attachment or inline image as received. `file_name` is already safe to show."""

    file_name: str
    content_type: str
    content_id: str  # without <>; "" when none
    data: bytes
    inline: bool
    corrupt: bool = False


@dataclass
class ParsedMail:
    message_id: str  # "<id@host>" as sent, "" when missing or unusable
    in_reply_to: list[str]
    references: list[str]
    subject: str
    sender: Addr | None
    reply_to: list[Addr]
    to: list[Addr]
    cc: list[Addr]
    extra_recipients: list[str]  # Delivered-To, X-Original-To, Envelope-To
    date: datetime | None
    headers: dict[str, str]  # lower-cased name -> first value, decoded
    content_type: str
    report_type: str
    text: str
    html: str
    parts: list[Part] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    lossy: bool = False

    @property
    def recipients(self) -> list[str]:
        return [a.email for a in (*self.to, *self.cc)] + self.extra_recipients


# At most 600 characters: the id is indexed (tickets.Message), and 600 characters of UTF-8
# stay within PostgreSQL's limit for one B-tree entry.
_MSGID = re.compile(r"<([^<>\s]{1,600})>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MAX_REFERENCES = 100
FALLBACK_CHARSETS = ("utf-8", "cp1252", "latin-1")
CHUNK = 1 << 16
BIG_PART = 1 << 20
_WHITESPACE = re.compile(r"[ \t\r\n]+")
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def parse(raw: bytes | IO[bytes], limits: Limits | None = None) -> ParsedMail:
    """`raw` is the message's bytes or a binary file to stream them from (a large message
    is then never held as one bytes object and one decoded copy besides the parse)."""
    limits = limits or Limits()
    try:
        return _parse(raw, limits)
    except Rejected:
        raise
    except RecursionError as exc:
        raise Rejected("too_deep", "the MIME structure nests too deeply") from exc
    except Exception as exc:
        raise Rejected("parse_error", f"{type(exc).__name__}: {str(exc)[:300]}") from exc


def _feed(raw: bytes | IO[bytes]) -> Message:
    parser = BytesFeedParser(policy=policy.default)
    seen = False
    if isinstance(raw, bytes):
        seen = bool(raw.strip())
        parser.feed(raw)
    else:
        for chunk in iter(lambda: raw.read(CHUNK), b""):
            seen = seen or bool(chunk.strip())
            parser.feed(chunk)
    if not seen:
        raise Rejected("empty", "the message has no bytes")
    return parser.close()


def _parse(raw: bytes | IO[bytes], limits: Limits) -> ParsedMail:
    msg = _feed(raw)
    _check_headers(msg, limits)
    defects = [type(d).__name__ for d in msg.defects]
    headers = {}
    for name in (
        "auto-submitted",
        "x-auto-response-suppress",
        "precedence",
        "x-autoreply",
        "x-autorespond",
        "x-autoresponder",
        "list-id",
        "list-unsubscribe",
        "return-path",
        "x-loop",
        "x-frontdesk-loop",
        "content-type",
        "x-failed-recipients",
        "x-ms-exchange-generated-message-source",
        "x-mailer",
        "feedback-id",
    ):
        value = header_text(msg, name)
        if value is not None:
            headers[name] = value
    sender = _first_address(msg, "from") or _first_address(msg, "sender")
    to, cc = _addresses(msg, "to"), _addresses(msg, "cc")
    if len(to) + len(cc) > limits.max_recipients:
        raise Rejected("too_many_recipients", f"{len(to) + len(cc)} recipients")
    extra = [
        a.email
        for n in ("delivered-to", "x-original-to", "envelope-to")
        for a in _addresses(msg, n)
    ]
    mail = ParsedMail(
        message_id=first_msgid(header_text(msg, "message-id") or ""),
        in_reply_to=_msgids(header_text(msg, "in-reply-to") or "")[:_MAX_REFERENCES],
        references=_msgids(header_text(msg, "references") or "")[-_MAX_REFERENCES:],
        subject=clean_header(header_text(msg, "subject") or ""),
        sender=sender,
        reply_to=_addresses(msg, "reply-to"),
        to=to,
        cc=cc,
        extra_recipients=extra,
        date=_date(header_text(msg, "date")),
        headers=headers,
        content_type=msg.get_content_type(),
        report_type=_param(msg, "report-type"),
        text="",
        html="",
        defects=defects,
    )
    if len(msg.get_all("message-id") or []) > 1:
        mail.defects.append("DuplicateMessageId")
    _walk_body(msg, mail, limits)
    return mail


# --- headers ------------------------------------------------------------------------------


def header_text(msg: Message, name: str) -> str | None:
    """The first `name` header, decoded; a header the policy cannot parse falls back to its
    raw value, with 8-bit bytes decoded as UTF-8 or else cp1252."""
    try:
        value = msg.get(name)
    except Exception:
        value = None
        for key, raw in msg.raw_items():
            if key.lower() == name:
                value = raw
                break
    if value is None:
        return None
    text = str(value)
    if "\ufffd" in text or _has_surrogates(text):
        for key, raw in msg.raw_items():
            if key.lower() == name:
                text = _redecode(str(raw))
                break
    return text.replace("\x00", "")


def _param(msg: Message, name: str) -> str:
    try:
        value = msg.get_param(name, "", header="content-type")
    except Exception:
        return ""
    return value.lower() if isinstance(value, str) else ""


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _redecode(raw: str) -> str:
    data = raw.encode("utf-8", "surrogateescape")
    for charset in ("utf-8", "cp1252"):
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def clean_header(value: str) -> str:
    """One line, no control characters (CR/LF included), at most 500 characters."""
    value = _CONTROL.sub(" ", value.replace("\r", " ").replace("\n", " "))
    value = "".join(ch for ch in value if not ("\udc80" <= ch <= "\udcff"))
    return re.sub(r"\s+", " ", value).strip()[:500]


def _check_headers(msg: Message, limits: Limits) -> None:
    items = msg.raw_items() if hasattr(msg, "raw_items") else msg.items()
    for count, (_name, value) in enumerate(items, start=1):
        if count > limits.max_headers:
            raise Rejected("too_many_headers", f"more than {limits.max_headers} header fields")
        if len(str(value)) > limits.max_header_bytes:
            raise Rejected(
                "header_too_long", f"a header field over {limits.max_header_bytes} bytes"
            )


def _addresses(msg: Message, name: str) -> list[Addr]:
    values = []
    try:
        values = [str(v) for v in (msg.get_all(name) or [])]
    except Exception:
        values = [str(raw) for key, raw in msg.raw_items() if key.lower() == name]
    if not values:
        return []
    found = []
    for display, address in getaddresses(
        [_redecode(v) if _has_surrogates(v) else v for v in values]
    ):
        address = address.strip().strip("<>").lower()
        if not _valid_email(address):
            continue
        found.append(Addr(clean_header(display)[:200], address))
    return found


def _first_address(msg: Message, name: str) -> Addr | None:
    found = _addresses(msg, name)
    return found[0] if found else None


def _valid_email(address: str) -> bool:
    if not address or len(address) > 254 or "@" not in address:
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _msgids(value: str) -> list[str]:
    ids = [f"<{m}>" for m in _MSGID.findall(value)]
    if not ids:  # some clients omit the angle brackets
        ids = [f"<{t.strip('<>')}>" for t in value.split() if "@" in t and len(t) <= 600]
    return ids


def first_msgid(value: str) -> str:
    ids = _msgids(value)
    return ids[0] if ids else ""


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else None


# --- the body -----------------------------------------------------------------------------


def _walk_body(msg: Message, mail: ParsedMail, limits: Limits) -> None:
    count = 0
    html_size = 0
    for part, depth in _walk(msg, 0):
        count += 1
        if count > limits.max_parts:
            raise Rejected("too_many_parts", f"more than {limits.max_parts} MIME parts")
        if depth > limits.max_depth:
            raise Rejected("too_deep", f"MIME parts nested deeper than {limits.max_depth}")
        mail.defects.extend(type(d).__name__ for d in part.defects)
        ctype = part.get_content_type()
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        file_name = _file_name(part)
        if (
            ctype in ("text/plain", "text/html")
            and disposition != "attachment"
            and not (file_name and disposition == "inline" and ctype != "text/plain")
        ):
            text, lossy = _decode_text(part)
            mail.lossy = mail.lossy or lossy
            if ctype == "text/plain" and not mail.text:
                mail.text = text
                continue
            if ctype == "text/html" and not mail.html:
                html_size = len(text)
                if html_size > limits.max_html_bytes:
                    raise Rejected("html_too_large", f"an HTML body of {html_size} characters")
                mail.html = text
                continue
        if ctype == "message/rfc822" or (
            ctype.startswith("message/") and ctype not in ("message/delivery-status",)
        ):
            data = _message_bytes(part)
            mail.parts.append(
                Part(
                    safe_file_name(file_name or "forwarded-message.eml"),
                    "message/rfc822",
                    "",
                    data,
                    inline=False,
                )
            )
            continue
        payload, corrupt = _payload(part)
        content_id = _MSGID.findall(header_text(part, "content-id") or "")
        mail.parts.append(
            Part(
                file_name=safe_file_name(file_name or _default_name(ctype)),
                content_type=ctype,
                content_id=content_id[0] if content_id else "",
                data=payload,
                inline=disposition == "inline" or (not disposition and bool(content_id)),
                corrupt=corrupt,
            )
        )
    mail.text = mail.text.replace("\x00", "")
    mail.html = mail.html.replace("\x00", "")


def _walk(part: Message, depth: int) -> Iterator[tuple[Message, int]]:
    """Parts depth first with their depth; message/rfc822 parts are not descended into
    (a forwarded message is kept whole as an attachment)."""
    yield part, depth
    if part.is_multipart():
        payload = part.get_payload()
        if isinstance(payload, list):
            for child in payload:
                if isinstance(child, Message):
                    yield from _walk(child, depth + 1)


def _file_name(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return clean_header(str(name)) if name else ""


def _default_name(ctype: str) -> str:
    ext = {
        "image/png": ".png",
        "image/jpeg": ".jpg",
        "image/gif": ".gif",
        "application/pdf": ".pdf",
        "text/plain": ".txt",
        "text/html": ".html",
        "text/calendar": ".ics",
        "message/delivery-status": ".txt",
    }.get(ctype, ".bin")
    return f"attachment{ext}"


def _decode_text(part: Message) -> tuple[str, bool]:
    """The text of a text part and whether decoding lost anything."""
    if isinstance(part, EmailMessage):
        try:
            text = part.get_content()
            if isinstance(text, str):
                return text, "\ufffd" in text
        except Exception:  # noqa: S110 - LookupError (unknown charset) and friends
            pass
    data, _corrupt = _payload(part)
    declared = part.get_content_charset() or ""
    for charset in (declared, *FALLBACK_CHARSETS):
        if not charset:
            continue
        try:
            return data.decode(charset), charset != declared
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1"), True  # pragma: no cover - latin-1 always decodes


def _payload(part: Message) -> tuple[bytes, bool]:
    big = _big_base64(part)
    if big is not None:
        return big, False
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    corrupt = any("Base64" in type(d).__name__ for d in part.defects)
    if isinstance(data, bytes):
        return data, corrupt
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape"), True
    return b"", True


def _big_base64(part: Message) -> bytes | None:
    """A large, well-formed base64 part decoded a slice at a time. The stdlib decodes by
    splitting the whole text into lines and joining them again (three more copies of a
    25 MB attachment at once); this keeps one slice besides the result. None: small, not
    base64, or anything unusual (stray characters, padding inside), for the stdlib."""
    text = part.get_payload()
    if not isinstance(text, str) or len(text) < BIG_PART:
        return None
    try:
        encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    except Exception:
        return None
    if encoding != "base64":
        return None
    out, carry = BytesIO(), ""
    for start in range(0, len(text), BIG_PART):
        piece = carry + _WHITESPACE.sub("", text[start : start + BIG_PART])
        if not _BASE64_TEXT.fullmatch(piece) or "=" in piece[:-2]:
            return None
        cut = len(piece) - len(piece) % 4
        if "=" in piece and start + BIG_PART < len(text):
            return None  # padding before the end
        out.write(binascii.a2b_base64(piece[:cut]))
        carry = piece[cut:]
    return None if carry else out.getvalue()


def _message_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    try:
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            return payload[0].as_bytes(policy=policy.default.clone(linesep="\r\n"))
        if isinstance(payload, str):
            return payload.encode("utf-8", "surrogateescape")
        decoded = part.get_payload(decode=True)
        return decoded if isinstance(decoded, bytes) else b""
    except Exception:
        try:
            return part.as_bytes()
        except Exception:
            return b""
