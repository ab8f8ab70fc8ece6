import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.tickets.reply_tokens import (
    make_reply_token,
    read_reply_token,
    reply_address,
    token_in_address,
)


@given(st.integers(min_value=1, max_value=10**17))
def test_a_token_names_its_ticket(number: int) -> None:
    assert read_reply_token(make_reply_token(number)) == number
    assert read_reply_token(make_reply_token(number).upper()) == number  # case folded


@pytest.mark.parametrize(
    "token",
    ["", "1042", "1042-", "1043-" + "a" * 26, "0-" + "a" * 26, "-1-abc", "1042-" + "1" * 26],
    ids=["empty", "number only", "no signature", "forged", "zero", "negative", "bad alphabet"],
)
def test_anything_else_names_no_ticket(token: str) -> None:
    assert read_reply_token(token) is None


def test_a_signature_does_not_move_to_another_ticket() -> None:
    signature = make_reply_token(1042).split("-")[1]
    assert read_reply_token(f"1043-{signature}") is None


@given(st.text(max_size=200))
def test_reading_never_raises(text: str) -> None:
    read_reply_token(text)


def test_reply_address_round_trip() -> None:
    address = reply_address("support@example.com", 1042)
    token = token_in_address(address)
    assert address.startswith("support+1042-")
    assert token is not None
    assert read_reply_token(token) == 1042
    assert token_in_address("support@example.com") is None
