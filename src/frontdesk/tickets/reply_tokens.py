"""Reply tokens: the unguessable part of a ticket's reply address (support+TOKEN@example.com).

A token names a ticket and is signed with HMAC-SHA256 under the instance's SECRET_KEY, so
only we can make one and a guessed number gets nowhere. It is the most trusted threading
signal of inbound mail (docs/email.md): outbound mail puts it in Reply-To, inbound mail finds
it in the recipient addresses.

Format: "<number>-<signature>", the signature the first 16 bytes of the HMAC in lowercase
base32 without padding (26 characters), so it survives mail systems that fold case.
"""

import base64
import hashlib
import hmac
import re

from django.conf import settings

_SALT = b"frontdesk.reply-token.v1:"
_TOKEN = re.compile(r"^(?P<number>[1-9][0-9]{0,17})-(?P<signature>[a-z2-7]{26})$")
_PLUS = re.compile(r"^[^@+]+\+(?P<token>[^@]+)@", re.IGNORECASE)


def make_reply_token(ticket_number: int) -> str:
    if ticket_number <= 0:
        raise ValueError("ticket numbers are positive")
    return f"{ticket_number}-{_signature(ticket_number)}"


def read_reply_token(token: str) -> int | None:
    """The ticket number a genuine token names, else None (never raises on any text)."""
    match = _TOKEN.match(token.strip().lower())
    if match is None:
        return None
    number = int(match["number"])
    return number if hmac.compare_digest(match["signature"], _signature(number)) else None


def reply_address(mailbox_address: str, ticket_number: int) -> str:
    """support@example.com -> support+1042-<signature>@example.com"""
    local, _, domain = mailbox_address.partition("@")
    return f"{local}+{make_reply_token(ticket_number)}@{domain}"


def token_in_address(address: str) -> str | None:
    """The plus-address part of `address`, if it has one."""
    match = _PLUS.match(address.strip())
    return None if match is None else match["token"]


def _signature(number: int) -> str:
    key = hashlib.sha256(_SALT + settings.SECRET_KEY.encode()).digest()
    digest = hmac.new(key, str(number).encode(), hashlib.sha256).digest()[:16]
    return base64.b32encode(digest).decode().rstrip("=").lower()
