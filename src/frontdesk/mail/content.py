"""A received message's text and HTML as the conversation shows them. Pure.

- The full text is kept (`body_text`); the display HTML is the new part of the message
  followed by `QUOTE_MARK` and the quoted history and signature, which the ticket page folds
  behind "Show quoted text" (`mail_tags.quoted_parts`).
- Quotes and signatures are found by mail-parser-reply (several languages) in plain text,
  and by the quote containers of the usual clients in HTML (Gmail, Apple Mail, Outlook,
  Thunderbird).
- HTML goes through `tickets.content.sanitize_html` (nh3). Remote images are not loaded:
  each becomes a link that opens the image only when clicked (and the page's CSP allows
  images from our own origin only). `cid:` images point at the stored attachment.
"""

import html
import re
from collections.abc import Mapping

from mailparser_reply import EmailReplyParser  # type: ignore[import-untyped]

from frontdesk.tickets.content import clean_text, html_to_text, sanitize_html, text_to_html

QUOTE_MARK = "<hr><blockquote>"
LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "sv", "da", "pl", "cs"]
MAX_STRIP_CHARS = 100_000  # longer bodies are shown whole (the regexes are not linear)

_HTML_QUOTE_START = re.compile(
    r"<div[^>]*class=\"?[^\">]*gmail_quote"
    r"|<blockquote[^>]*type=\"?cite"
    r"|<div[^>]*id=\"?(?:divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)"
    r"|<div[^>]*class=\"?[^\">]*(?:moz-cite-prefix|OutlookMessageHeader|yahoo_quoted)"
    r"|<hr[^>]*id=\"?stopSpelling"
    r"|-----\s*Original Message\s*-----",
    re.IGNORECASE,
)
_REMOTE_IMG = re.compile(r"<img\b([^>]*?)\bsrc=\"(https?://[^\"]*)\"([^>]*)>", re.IGNORECASE)
_CID_IMG = re.compile(r"(<img\b[^>]*?\bsrc=\")cid:([^\"]*)(\")", re.IGNORECASE)
_ALT = re.compile(r"\balt=\"([^\"]*)\"")


def split_text(text: str) -> tuple[str, str]:
    """(new part, quoted history and signature) of a plain-text body."""
    text = clean_text(text)
    if len(text) > MAX_STRIP_CHARS or not text.strip():
        return text.strip(), ""
    try:
        parsed = EmailReplyParser(languages=LANGUAGES).read(text)
    except Exception:
        return text.strip(), ""
    if not parsed.replies:
        return text.strip(), ""
    first = parsed.replies[0]
    hidden = [first.signatures or "", *(reply.content for reply in parsed.replies[1:])]
    reply = first.body.strip()
    if not reply:  # nothing but a quote: show it all
        return text.strip(), ""
    return reply, "\n\n".join(h for h in hidden if h.strip()).strip()


def display_html(text: str, html_body: str, cid_urls: Mapping[str, str]) -> tuple[str, str]:
    """(display HTML, full plain text) of a received body."""
    if html_body.strip():
        start = _HTML_QUOTE_START.search(html_body)
        head, tail = (
            (html_body[: start.start()], html_body[start.start() :])
            if start
            else (
                html_body,
                "",
            )
        )
        new = _safe(head, cid_urls)
        quoted = _safe(tail, cid_urls) if tail else ""
        full_text = clean_text(text) if text.strip() else html_to_text(_safe(html_body, {}))
        if not html_to_text(new).strip() and quoted:
            new, quoted = quoted, ""
        return (new + (QUOTE_MARK + quoted + "</blockquote>" if quoted else ""), full_text)
    new_text, quoted_text = split_text(text)
    rendered = text_to_html(new_text)
    if quoted_text:
        rendered += QUOTE_MARK + text_to_html(quoted_text) + "</blockquote>"
    return rendered, clean_text(text)


def _safe(fragment: str, cid_urls: Mapping[str, str]) -> str:
    clean = sanitize_html(fragment)
    clean = _CID_IMG.sub(lambda m: _cid(m, cid_urls), clean)
    return _REMOTE_IMG.sub(_blocked, clean)


def _cid(match: re.Match[str], cid_urls: Mapping[str, str]) -> str:
    url = cid_urls.get(html.unescape(match[2]).strip("<>"))
    return f"{match[1]}{html.escape(url)}{match[3]}" if url else f"{match[1]}{match[3]}"


def _blocked(match: re.Match[str]) -> str:
    attributes = match[1] + match[3]
    alt = _ALT.search(attributes)
    label = html.unescape(alt[1]) if alt and alt[1].strip() else "image"
    url = match[2]
    host = re.sub(r"^https?://([^/:?#]*).*$", r"\1", html.unescape(url))
    return (
        f'<a href="{url}" title="Remote image, not loaded">'
        f"[{html.escape(label)}: remote image from {html.escape(host)}, click to open]</a>"
    )
