"""What a ticket is found by, and how a hit is shown: pure functions, no ORM.

`compose` turns a ticket's parts into the text columns of its `SearchDocument`; `snippet`
cuts the part of a text that matched and marks the terms, HTML-escaped.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

# A tsvector holds at most 1 MB; long conversations are cut, their start is what is searched.
MAX_TEXT = 200_000
SNIPPET_CHARS = 180


@dataclass(frozen=True)
class Part:
    text: str
    is_public: bool


@dataclass(frozen=True)
class DocumentText:
    subject: str
    keywords: str
    public_text: str
    internal_text: str


def compose(
    *,
    number: int,
    subject: str,
    requester_name: str,
    requester_email: str,
    organization: str | None,
    tags: Iterable[str],
    custom_fields: dict[str, object],
    messages: Iterable[Part],
    attachments: Iterable[Part],
) -> DocumentText:
    """The document's columns. Internal notes and internal attachment names go only to
    `internal_text`, which customers' searches never read."""
    keywords = " ".join(
        x for x in (f"#{number}", requester_name, requester_email, organization or "") if x
    )
    public: list[str] = []
    internal: list[str] = []
    for part in messages:
        (public if part.is_public else internal).append(part.text)
    for part in attachments:
        (public if part.is_public else internal).append(part.text)
    public.extend(sorted(tags))
    public.extend(_field_text(custom_fields))
    return DocumentText(
        subject=_clean(subject),
        keywords=_clean(keywords),
        public_text=_clean("\n".join(public))[:MAX_TEXT],
        internal_text=_clean("\n".join(internal))[:MAX_TEXT],
    )


def _field_text(fields: dict[str, object]) -> list[str]:
    return [str(v) for v in fields.values() if isinstance(v, str | int | float) and v != ""]


def _clean(text: str) -> str:
    return text.replace("\x00", " ")


def term_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """A pattern for the words of a query as a stemmer would match them: the word or its
    stem at a word start (`printers` finds `printer`, `printing`, `printed`)."""
    stems = sorted({_stem(w) for w in words if _stem(w)}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)


def _stem(word: str) -> str:
    word = word.lower().strip()
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def query_words(texts: Iterable[str]) -> list[str]:
    """The words of the query's terms and phrases, for highlighting."""
    return [w for text in texts for w in re.findall(r"\w+", text) if len(w) > 1]


def highlight(text: str, pattern: re.Pattern[str] | None) -> str:
    """`text` HTML-escaped, with every match of `pattern` in <mark>."""
    if pattern is None:
        return escape(text)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def snippet(text: str, pattern: re.Pattern[str] | None, size: int = SNIPPET_CHARS) -> str | None:
    """About `size` characters of `text` around its first match, escaped and marked; None
    when nothing matches."""
    if pattern is None:
        return None
    match = pattern.search(text)
    if match is None:
        return None
    start = max(0, match.start() - size // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < match.start() else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", match.end(), end)
        end = space if space > 0 else end
    body = " ".join(text[start:end].split())
    return ("… " if start else "") + highlight(body, pattern) + (" …" if end < len(text) else "")
