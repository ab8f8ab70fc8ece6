import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.core.errors import Invalid
from frontdesk.core.pagination import decode_cursor, encode_cursor, keyset_page
from frontdesk.tickets.models import Tag


@given(st.text(max_size=200))
def test_any_forged_cursor_is_invalid_or_decodes(cursor):
    # Either it decodes to a pair or it is Invalid: no other exception may escape.
    try:
        values = decode_cursor(cursor, size=2)
    except Invalid:
        return
    assert len(values) == 2


def test_cursor_round_trip():
    assert decode_cursor(encode_cursor(["a", 3]), size=2) == ["a", 3]


@pytest.mark.django_db
def test_pages_cover_every_row_once_in_order():
    Tag.objects.bulk_create(Tag(name=f"t{i:02d}") for i in range(25))
    seen, cursor = [], None
    for _ in range(10):
        page = keyset_page(Tag.objects.all(), order="name", cursor=cursor, limit=7)
        seen += [t.name for t in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [f"t{i:02d}" for i in range(25)]


@pytest.mark.django_db
def test_forged_cursor_value_of_wrong_type_is_invalid():
    with pytest.raises(Invalid):
        keyset_page(Tag.objects.all(), order="-id", cursor=encode_cursor(["x", "y"]), limit=5)


@pytest.mark.django_db
def test_forged_cursor_primary_key_of_wrong_type_is_invalid():
    with pytest.raises(Invalid):
        keyset_page(Tag.objects.all(), order="name", cursor=encode_cursor(["a", "y"]), limit=5)
