"""The placeholder substitution: known names only, no evaluation of anything else."""

import pytest

from frontdesk.macros.placeholders import PLACEHOLDERS, escape, placeholders_in, render

VALUES = {
    "ticket.number": "1042",
    "requester.first_name": "Bob",
    "agent.name": "Alice Agent",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {{requester.first_name}},", "Hi Bob,"),
        ("Hi {{ requester.first_name }},", "Hi Bob,"),
        ("#{{ticket.number}} / {{ticket.number}}", "#1042 / 1042"),
        ("— {{agent.name}}", "— Alice Agent"),
        ("{{organization.name}}", ""),  # known, no value: empty
        ("no placeholders", "no placeholders"),
        ("{ {ticket.number} }", "{ {ticket.number} }"),
    ],
)
def test_known_placeholders_are_replaced(text, expected):
    assert render(text, VALUES).text == expected
    assert render(text, VALUES).unknown == ()


@pytest.mark.parametrize(
    "attempt",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ticket.requester.password}}",
        "{{ requester }}",
        "{{ticket.number|upper}}",
        "{{ settings.SECRET_KEY }}",
        "{{ request.user }}",
        "{{ self }}",
        "{{ __import__('os').system('id') }}",
        "{{}}",
    ],
)
def test_anything_else_stays_as_written_and_is_reported(attempt):
    rendered = render(f"a {attempt} b", VALUES)
    assert rendered.text == f"a {attempt} b"
    assert rendered.unknown


@pytest.mark.parametrize(
    "text",
    [
        "{% load static %}{% debug %}",
        "{% include 'base.html' %}",
        "{# comment #}",
        "${7*7} <%= 7*7 %> #{7*7}",
    ],
)
def test_template_tags_are_plain_text(text):
    rendered = render(text, VALUES)
    assert rendered.text == text
    assert placeholders_in(text) == ([], [])


def test_values_are_literal_text():
    """A customer's name cannot become a link, markup or more placeholders."""
    values = {"requester.name": "[Click](https://evil.example) <b>x</b> *y*\n# z {{agent.name}}"}
    text = render("Dear {{requester.name}}", values).text
    assert text == (r"Dear \[Click\](https://evil.example) \<b\>x\</b\> \*y\* # z {{agent.name}}")
    assert "\n" not in text
    # Substitution is one pass: the value's "{{agent.name}}" was not expanded.
    assert escape("a_b") == r"a\_b"


def test_every_placeholder_is_documented_and_found():
    text = " ".join("{{" + name + "}}" for name in PLACEHOLDERS)
    known, unknown = placeholders_in(text + " {{nope}}")
    assert known == list(PLACEHOLDERS)
    assert unknown == ["nope"]
