"""Slack request signatures (pure): `v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>` with
the app's signing secret, and a timestamp no further than five minutes from now, so a
captured request cannot be replayed later."""

import hashlib
import hmac

WINDOW_SECONDS = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def check(secret: str, timestamp: str, signature: str, body: bytes, now: float) -> str | None:
    """None when the request is genuine and fresh; otherwise the reason it is refused:
    `missing_signature`, `stale_request` or `bad_signature`."""
    if not timestamp or not signature:
        return "missing_signature"
    try:
        sent = int(timestamp)
    except ValueError:
        return "bad_signature"
    if abs(now - sent) > WINDOW_SECONDS:
        return "stale_request"
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        return "bad_signature"
    return None
