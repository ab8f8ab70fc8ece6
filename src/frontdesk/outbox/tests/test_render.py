"""The placeholder renderer: known names only, one pass, no template engine (pure)."""

import pytest

from frontdesk.outbox.render import (
    PLACEHOLDERS,
    render,
    render_subject,
    text_to_mail_html,
    unknown_placeholders,
)

VALUES = {
    "ticket.number": "1042",
    "ticket.subject": "Printer {{agent.name}} {% debug %}",
    "agent.name": "Maya",
    "requester.name": "Bob <script>",
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("#{{ticket.number}}", "#1042"),
        ("#{{ ticket.number }}", "#1042"),  # spaces inside the braces are fine
        ("Hi {{requester.name}}", "Hi Bob <script>"),  # plain text: escaping is the caller's
        ("{{ticket.number}}{{ticket.number}}", "10421042"),
        ("no placeholders", "no placeholders"),
        ("{{ticket.url}}", "{{ticket.url}}"),  # known, but no value given: left as written
    ],
)
def test_render_swaps_known_names(template: str, expected: str) -> None:
    assert render(template, VALUES) == expected


def test_a_value_is_never_rendered_again() -> None:
    """A subject that reads like a placeholder or a template tag stays text."""
    assert render("{{ticket.subject}}", VALUES) == "Printer {{agent.name}} {% debug %}"


@pytest.mark.parametrize(
    "attempt",
    [
        "{{ticket.__class__}}",
        "{{ticket.requester.password}}",
        "{{ticket.number.__class__.__mro__}}",
        "{{settings.SECRET_KEY}}",
        "{{ticket}}",
        "{{agent.name|upper}}",
        "{{ request.user }}",
        "{{ticket.subject.upper}}",
    ],
)
def test_anything_outside_the_list_is_refused_and_left_alone(attempt: str) -> None:
    assert unknown_placeholders(attempt) != []
    assert render(attempt, VALUES) == attempt


@pytest.mark.parametrize(
    "text",
    [
        "{% load static %}{% debug %}",
        "{{ '{{' }}",
        "{% for x in ticket %}{{x}}{% endfor %}",
        "{# comment #}",
    ],
)
def test_template_engine_syntax_is_inert_text(text: str) -> None:
    rendered = render(text, VALUES)
    assert "{%" not in text or "{%" in rendered  # tags are never executed
    assert "{#" not in text or "{#" in rendered


def test_unknown_placeholders_lists_each_name_once() -> None:
    body = "{{ticket.number}} {{nope}} {{nope}} {{ticket.__dict__}}"
    assert unknown_placeholders(body) == ["nope", "ticket.__dict__"]
    assert unknown_placeholders("".join("{{" + name + "}}" for name in PLACEHOLDERS)) == []


def test_a_subject_is_one_line() -> None:
    values = {"ticket.subject": "Help\r\nBcc: victim@example.com"}
    assert render_subject("Re: {{ticket.subject}}", values) == ("Re: Help Bcc: victim@example.com")


def test_html_part_escapes_the_text() -> None:
    html = text_to_mail_html("Hello <b>Bob</b>\nline two\n\nnext paragraph")
    assert html == ("<p>Hello &lt;b&gt;Bob&lt;/b&gt;<br>\nline two</p>\n<p>next paragraph</p>\n")
