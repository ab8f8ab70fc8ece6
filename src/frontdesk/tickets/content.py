"""Pure helpers that turn untrusted text into what we store and render."""

import html

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# cid: lets inline email images resolve to their attachment; no javascript:, data: or vbscript:.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "cid"}
# CommonMark with tables and strikethrough; "html": False renders raw HTML as text.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def clean_text(value: str) -> str:
    """Drop NUL bytes (PostgreSQL text rejects them) and normalise line endings."""
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def sanitize_html(value: str) -> str:
    return nh3.clean(
        clean_text(value),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def text_to_html(text: str) -> str:
    """Plain text as safe HTML: escaped, paragraphs on blank lines, <br> on single breaks."""
    paragraphs = [p for p in clean_text(text).split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def html_to_text(value: str) -> str:
    """A plain-text rendering of sanitised HTML, for search and notifications."""
    stripped = nh3.clean(value.replace("<br>", "\n").replace("</p>", "\n\n"), tags=set())
    return html.unescape(stripped).strip()


def markdown_to_html(text: str) -> str:
    """Agents write Markdown. Raw HTML in it is shown as text, and the result is sanitised
    like any other HTML we store."""
    return sanitize_html(_MARKDOWN.render(clean_text(text)))
