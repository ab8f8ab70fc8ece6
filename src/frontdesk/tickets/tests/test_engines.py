"""Property-based tests of the pure engines: custom fields, file names, HTML, cursors.

Each property is a promise the rest of the code relies on: field validation fails only
with FieldValueError (which actions turn into a 422), a stored file name is never a path,
sanitised HTML never carries script, and a forged cursor is Invalid, never a 500.
"""

import html
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from frontdesk.accounts.models import User
from frontdesk.core.errors import Invalid
from frontdesk.core.pagination import Page, decode_cursor, encode_cursor, keyset_page
from frontdesk.customers.models import Organization
from frontdesk.tickets.choices import FieldType
from frontdesk.tickets.content import sanitize_html
from frontdesk.tickets.fields import FieldSpec, FieldValueError, coerce_value, merge_values
from frontdesk.tickets.files import MAX_NAME_LENGTH, safe_file_name
from frontdesk.tickets.models import Message, Ticket, TicketEvent


def outcome[E: Exception](expected: type[E], fn: Any, *args: Any, **kwargs: Any) -> Any:
    """(result, None), or (None, the error) if `fn` raised `expected`; anything else escapes
    and fails the test."""
    try:
        return fn(*args, **kwargs), None
    except expected as exc:
        return None, exc


# --- custom fields ----------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["2024-02-29", "2023-02-29", "2024-13-01", "", "a"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
field_types = st.sampled_from(FieldType.values) | st.text(max_size=8)
specs = st.builds(
    FieldSpec,
    key=st.text(max_size=10),
    field_type=field_types,
    choices=st.lists(st.text(max_size=5) | st.sampled_from(["a", "b"]), max_size=4).map(tuple),
    required=st.booleans(),
)


@given(specs, json_values)
@example(FieldSpec("n", FieldType.NUMBER), float("nan"))
@example(FieldSpec("n", FieldType.NUMBER), float("inf"))
@example(FieldSpec("n", FieldType.NUMBER), True)
@example(FieldSpec("n", FieldType.NUMBER), 10**400)
@example(FieldSpec("d", FieldType.DATE), 20240101)
@example(FieldSpec("d", FieldType.DATE), "2024-02-30")
@example(FieldSpec("c", FieldType.CHOICE, ("a",)), ["a"])
@example(FieldSpec("c", FieldType.CHOICE, ("a",)), {"a": 1})
@example(FieldSpec("t", FieldType.TEXT), "x" * 10_001)
def test_coerce_fails_only_with_field_value_error(spec, value):
    stored, error = outcome(FieldValueError, coerce_value, spec, value)
    if error is not None:
        assert error.key == spec.key
        return
    # What is stored is itself a valid value: reading it back and saving it again is a no-op.
    assert coerce_value(spec, stored) == stored


@given(
    st.lists(specs, max_size=5).map(lambda items: {s.key: s for s in items}),
    st.dictionaries(st.text(max_size=10), json_values, max_size=4),
    st.data(),
)
def test_merge_fails_only_with_field_value_error(field_specs, current, data):
    keys = st.sampled_from(sorted(field_specs)) if field_specs else st.text(max_size=10)
    changes = data.draw(st.dictionaries(keys | st.text(max_size=3), json_values, max_size=4))
    merged, error = outcome(FieldValueError, merge_values, field_specs, current, changes)
    if error is not None:
        assert error.key in changes
        return
    for key, value in changes.items():
        assert key in field_specs
        if value is None:
            assert key not in merged
        else:
            assert merged[key] == coerce_value(field_specs[key], value)


# --- file names -------------------------------------------------------------------------

any_text = st.text(st.characters(exclude_categories=()), max_size=400)


@given(
    any_text
    | st.builds(
        lambda a, b: a + b,
        st.sampled_from(
            ["../", "..\\", "/etc/", "C:\\", "\\\\server\\share\\", "....", " . ", "\r\n", "\x00"]
        ),
        any_text,
    )
)
@example("../../etc/passwd\r\nX: y")
@example("." * 500)
@example("a" * 300 + "." + "b" * 300)
@example("x" * 190 + ".tar.gz" + "\u202e" * 40)
@example("\ud800.txt")
@example("")
def test_safe_file_name(name):
    safe = safe_file_name(name)
    assert safe
    assert "/" not in safe
    assert "\\" not in safe
    assert not any(unicodedata.category(ch).startswith("C") for ch in safe)
    assert len(safe) <= MAX_NAME_LENGTH + 20
    assert not safe.startswith(".")


def test_safe_file_name_keeps_ordinary_names():
    assert safe_file_name("Quarterly report (final).pdf") == "Quarterly report (final).pdf"
    assert safe_file_name("../../etc/passwd\r\nX: y") == "passwdX: y"
    assert safe_file_name("C:\\Users\\bob\\photo.jpg") == "photo.jpg"
    long = safe_file_name("a" * 300 + ".pdf")
    assert (len(long), long[-4:]) == (200, ".pdf")


# --- HTML -------------------------------------------------------------------------------

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}


class Inspector(HTMLParser):
    """Collects what a browser would see: tags and unescaped attribute values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def assert_harmless(output: str) -> None:
    assert "<script" not in output.lower()
    inspector = Inspector()
    inspector.feed(output)
    inspector.close()
    assert not {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "form",
        "base",
        "meta",
        "link",
    } & set(inspector.tags)
    for name, value in inspector.attributes:
        assert not name.lower().startswith("on"), (name, output)
        # Browsers drop ASCII whitespace and control characters inside a scheme.
        squeezed = "".join(ch for ch in html.unescape(value) if ord(ch) > 0x20).lower()
        if name.lower() in URL_ATTRIBUTES:
            assert not squeezed.startswith(DANGEROUS_SCHEMES), (name, value, output)
        if name.lower() == "style":
            assert "javascript:" not in squeezed
            assert "expression(" not in squeezed


HOSTILE = [
    "<script>alert(1)</script>",
    "<ScRiPt src=//evil.example/x.js></ScRiPt>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" \tjavascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="&#0000106avascript:alert(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VBScript:msgbox(1)">x</a>',
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    '<img src=x OnErRoR="alert(1)">',
    "<img/src=x/onerror=alert(1)>",
    '<img src="x" onerror\n=alert(1)>',
    "<svg onload=alert(1)><circle/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</p>',
    '<a href="http://ok.example" onclick="alert(1)">ok</a>',
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="cid:image001.png">inline</a>',
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sanitize_html_known_vectors(hostile):
    assert_harmless(sanitize_html(hostile))


def test_sanitize_html_keeps_safe_markup():
    out = sanitize_html('<p>Hi <a href="https://x.example/a?b=1">link</a> <b>bold</b></p>')
    assert '<a href="https://x.example/a?b=1" rel="noopener noreferrer nofollow">link</a>' in out
    assert "<b>bold</b>" in out


FRAGMENTS = st.sampled_from(
    [
        '<a href="',
        "<a href=",
        "<img src=",
        "<img src=x ",
        '">',
        "'>",
        ">",
        "<",
        "/",
        "=",
        "javascript:",
        "JaVaScRiPt:",
        "jav&#x09;ascript:",
        "&#106;avascript:",
        "&#x6A;",
        "&#0000106",
        "&colon;",
        "&Tab;",
        "&NewLine;",
        "data:text/html,",
        "DATA:",
        "vbscript:",
        "onerror=",
        " onload=",
        ' OnClick="',
        "alert(1)",
        "<script>",
        "</script>",
        "<svg",
        "<style>",
        "<iframe ",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "\x00",
        "\t",
        "\n",
        " ",
        "<math>",
        "<noscript>",
        '<p title="',
        "</p>",
        '<div style="',
        "url(",
        "expression(",
    ]
)


@settings(max_examples=300)
@given(st.lists(FRAGMENTS | st.text(max_size=5), max_size=30).map("".join))
def test_sanitize_html_never_lets_script_through(markup):
    output = sanitize_html(markup)
    assert_harmless(output)
    assert_harmless(sanitize_html(output))  # stored HTML sanitised again stays harmless


# --- cursors ----------------------------------------------------------------------------

cursor_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "2024-01-01T00:00:00+00:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2024-01-01",
            "\x00",
            "a\x00b",
            2**63,
            -(2**63) - 1,
            10**30,
        ]
    )
    | st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=5,
)
forged_cursors = (
    st.text(max_size=60)
    | st.lists(cursor_values, max_size=4).map(encode_cursor)
    | st.tuples(cursor_values, cursor_values).map(list).map(encode_cursor)
)
LISTS = [
    (Ticket, "-updated_at"),
    (Ticket, "created_at"),
    (Message, "created_at"),
    (TicketEvent, "created_at"),
    (User, "email"),
    (Organization, "name"),
]


@pytest.mark.django_db
@settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(cursor=forged_cursors, listing=st.sampled_from(LISTS))
@example(cursor=encode_cursor(["a\x00b", 1]), listing=(User, "email"))
@example(cursor=encode_cursor(["2024-01-01T00:00:00", "1\x00"]), listing=(Ticket, "created_at"))
@example(cursor=encode_cursor(["0001-01-01T00:00:00+14:00", 1]), listing=(Ticket, "created_at"))
@example(cursor=encode_cursor(["2024-01-01T00:00:00Z", 10**30]), listing=(Message, "created_at"))
@example(cursor=encode_cursor(["x", float("inf")]), listing=(User, "email"))
@example(cursor="W10", listing=(User, "email"))
def test_a_forged_cursor_is_invalid_never_an_error(cursor, listing):
    model, order = listing
    page, error = outcome(
        Invalid, keyset_page, model.objects.all(), order=order, cursor=cursor, limit=5
    )
    if error is not None:
        assert error.code == "invalid_cursor"
        return
    assert isinstance(page, Page)


@given(st.lists(st.integers() | st.text(max_size=20) | st.none(), min_size=2, max_size=2))
def test_cursor_round_trip(values):
    assert decode_cursor(encode_cursor(values), size=2) == values
