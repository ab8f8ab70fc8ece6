"""Article text: Markdown to safe HTML, and the plain text search reads (pure, no ORM)."""

import re
from difflib import unified_diff
from html import unescape

from markdown_it import MarkdownIt

from frontdesk.tickets.content import clean_text, sanitize_html

# CommonMark with tables and strikethrough; raw HTML is rendered as text, then sanitised.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
_TAGS = re.compile(r"<[^>]+>")


def render_markdown(body: str) -> str:
    return sanitize_html(_MARKDOWN.render(clean_text(body)))


def plain_text(html: str) -> str:
    return " ".join(unescape(_TAGS.sub(" ", html)).split())


def search_text(html: str, labels: list[str]) -> str:
    return (plain_text(html) + "\n" + " ".join(labels)).strip()


def excerpt(text: str, size: int = 180) -> str:
    if len(text) <= size:
        return text
    cut = text.rfind(" ", 0, size)
    return text[: cut if cut > 0 else size] + " …"


def diff_lines(old: str, new: str, *, old_name: str, new_name: str) -> list[tuple[str, str]]:
    """A unified diff of two bodies as (kind, line): kind is add, del, hunk or ctx."""
    out: list[tuple[str, str]] = []
    lines = unified_diff(
        clean_text(old).splitlines(),
        clean_text(new).splitlines(),
        fromfile=old_name,
        tofile=new_name,
        lineterm="",
    )
    for line in lines:
        if line.startswith(("+++", "---")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
        out.append((kind, line))
    return out


def markdown_link(title: str, url: str) -> str:
    """`[title](url)` with the title's brackets escaped."""
    safe = title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{safe}]({url})"
