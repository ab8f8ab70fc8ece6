"""Placeholders in macro text: `{{ticket.number}}`, `{{requester.first_name}}`... (pure).

A tiny substitution of our own, not a template engine: a placeholder is `{{ name }}` where
`name` is one of `PLACEHOLDERS`; nothing else is evaluated. There is no attribute access,
no filters, no tags: `{{ ''.__class__ }}`, `{% load %}` or `{{ ticket.requester.password }}`
are not names we know, so they stay in the text as written and are reported as unknown
(saving a macro refuses them). Substituted values are plain text: whitespace is collapsed
and the Markdown characters that could make a link or markup out of a customer's name are
escaped, so the value shows as typed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDERS: Mapping[str, str] = {
    "ticket.number": "The ticket's number",
    "ticket.subject": "The ticket's subject",
    "ticket.status": "The ticket's status",
    "ticket.priority": "The ticket's priority",
    "ticket.type": "The ticket's type",
    "ticket.team": "The ticket's team",
    "ticket.url": "The ticket's page in the workspace",
    "requester.name": "The requester's full name",
    "requester.first_name": "The requester's first name",
    "requester.email": "The requester's email address",
    "organization.name": "The requester's organisation",
    "assignee.name": "The assignee's full name",
    "assignee.first_name": "The assignee's first name",
    "agent.name": "Your full name (the agent applying the macro)",
    "agent.first_name": "Your first name",
}

# `{{`, up to 100 characters without braces, `}}`: anything else is not a placeholder.
_TOKEN = re.compile(r"\{\{([^{}\n]{0,100})\}\}")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>])")
MAX_VALUE = 500


@dataclass(frozen=True)
class Rendered:
    text: str
    unknown: tuple[str, ...]  # placeholders left as written, in order of appearance


def placeholders_in(text: str) -> tuple[list[str], list[str]]:
    """(known, unknown) placeholder names in `text`, each once, in order."""
    known: list[str] = []
    unknown: list[str] = []
    for match in _TOKEN.finditer(text):
        name = match.group(1).strip()
        target = known if name in PLACEHOLDERS else unknown
        if name not in target:
            target.append(name)
    return known, unknown


def escape(value: str) -> str:
    """A value as literal Markdown text on one line."""
    flat = " ".join(str(value).split())[:MAX_VALUE]
    return _MARKDOWN.sub(r"\\\1", flat)


def render(text: str, values: Mapping[str, str]) -> Rendered:
    """`text` with each known placeholder replaced by its value ("" when missing)."""
    unknown: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            if name not in unknown:
                unknown.append(name)
            return match.group(0)
        return escape(values.get(name, ""))

    return Rendered(_TOKEN.sub(substitute, text), tuple(unknown))
