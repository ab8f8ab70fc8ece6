"""Safe placeholders for administrator-edited mail templates (pure, no ORM).

A template is plain text with `{{name}}` placeholders from the fixed list `PLACEHOLDERS`.
Rendering is one regular-expression pass that swaps each known name for a string the
caller computed beforehand: no template engine runs on the administrator's text, no
attribute is ever looked up by a name taken from it, and a value is never scanned again,
so a ticket subject that reads `{{agent.name}}` stays exactly that. Unknown names are
refused when a template is saved (`unknown_placeholders`) and left as written if one
slips through.
"""

import html
import re
from collections.abc import Mapping

PLACEHOLDERS: dict[str, str] = {
    "ticket.number": "The ticket's number (1042)",
    "ticket.subject": "The ticket's subject",
    "ticket.status": "The ticket's status",
    "ticket.priority": "The ticket's priority",
    "ticket.url": "The ticket's page in the agent workspace",
    "ticket.portal_url": "The ticket's page in the customer portal",
    "requester.name": "The requester's name (or address)",
    "requester.email": "The requester's address",
    "agent.name": "Who caused the mail (the acting agent), or Frontdesk",
    "recipient.name": "The person the mail is for",
    "notification.text": "The notification's one-line text",
    "approval.url": "An approver's one-time link to approve or reject (approval requests only)",
}

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]{1,64})\s*\}\}")
_LINE_BREAKS = re.compile(r"[\r\n\t\x00-\x1f\x7f]+")


def placeholders_in(template: str) -> list[str]:
    return [match[1] for match in _PLACEHOLDER.finditer(template)]


def unknown_placeholders(template: str) -> list[str]:
    """Names in `template` that are not in `PLACEHOLDERS`, in order, each once."""
    unknown: list[str] = []
    for name in placeholders_in(template):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def render(template: str, values: Mapping[str, str]) -> str:
    """Swap each known placeholder for its value, in a single pass."""

    def swap(match: re.Match[str]) -> str:
        name = match[1]
        if name in PLACEHOLDERS and name in values:
            return str(values[name])
        return match[0]

    return _PLACEHOLDER.sub(swap, template)


def render_subject(template: str, values: Mapping[str, str]) -> str:
    """A subject is one header line: control characters (CR, LF...) become spaces."""
    return _LINE_BREAKS.sub(" ", render(template, values)).strip()[:900]


def text_to_mail_html(text: str) -> str:
    """Plain text as a small HTML part: escaped, paragraphs and line breaks kept."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>\n" for p in paragraphs)
