"""Which ticket a received message belongs to. Pure: the lookups come in as functions.

In order of trust (the first that matches wins, and its name is recorded):
1. `reply_token`: a genuine reply token (HMAC, `tickets/reply_tokens.py`) in the
   plus-address of any recipient (To, Cc, Delivered-To, X-Original-To);
2. `in_reply_to`: the In-Reply-To id is a Message-ID we sent or received on a ticket;
3. `references`: any id in References, newest first, is one of those;
4. `subject_tag`: `[#1042]` in the subject, and only when the sender already takes part
   in that ticket (its requester, a follower, or staff); anybody else's tag is ignored,
   so a guessed number never reaches a ticket.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from frontdesk.mail.models import Signal
from frontdesk.mail.parse import ParsedMail
from frontdesk.tickets.reply_tokens import read_reply_token, token_in_address

SUBJECT_TAG = re.compile(r"\[#([1-9][0-9]{0,17})\]")


@dataclass(frozen=True)
class Candidates:
    token_numbers: tuple[int, ...]
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]  # newest first
    subject_numbers: tuple[int, ...]

    @property
    def message_ids(self) -> list[str]:
        return list(dict.fromkeys((*self.in_reply_to, *self.references)))


@dataclass(frozen=True)
class Match:
    number: int
    signal: Signal


def candidates(mail: ParsedMail) -> Candidates:
    numbers = []
    for address in mail.recipients:
        token = token_in_address(address)
        number = read_reply_token(token) if token else None
        if number is not None and number not in numbers:
            numbers.append(number)
    tags = tuple(dict.fromkeys(int(n) for n in SUBJECT_TAG.findall(mail.subject)))
    return Candidates(
        token_numbers=tuple(numbers),
        in_reply_to=tuple(mail.in_reply_to),
        references=tuple(reversed(mail.references)),
        subject_numbers=tags,
    )


def match(
    found: Candidates,
    *,
    numbers_by_message_id: Mapping[str, int],
    existing_numbers: Iterable[int],
    is_participant: Callable[[int], bool],
) -> Match | None:
    """`numbers_by_message_id`: ticket numbers of the known Message-IDs among the
    candidates'; `existing_numbers`: which candidate numbers are tickets;
    `is_participant(number)`: whether the sender takes part in that ticket."""
    existing = set(existing_numbers)
    for number in found.token_numbers:
        if number in existing:
            return Match(number, Signal.REPLY_TOKEN)
    for mid in found.in_reply_to:
        if mid in numbers_by_message_id:
            return Match(numbers_by_message_id[mid], Signal.IN_REPLY_TO)
    for mid in found.references:
        if mid in numbers_by_message_id:
            return Match(numbers_by_message_id[mid], Signal.REFERENCES)
    for number in found.subject_numbers:
        if number in existing and is_participant(number):
            return Match(number, Signal.SUBJECT_TAG)
    return None
