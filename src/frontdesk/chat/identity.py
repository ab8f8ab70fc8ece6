"""Visitor identities signed by the host site (pure).

A site that knows its visitor (signed in there) can skip the name-and-email step: it
computes `<payload>.<signature>` where payload is the URL-safe base64 (no padding) of
`{"email": ..., "name": ..., "exp": <unix seconds>}` and signature the hex HMAC-SHA256 of
the payload text, keyed with the widget's identity secret. Expired, malformed or wrongly
signed tokens are refused.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

MAX_TOKEN = 2000


@dataclass(frozen=True)
class Identity:
    email: str
    name: str


def sign_identity(secret: str, email: str, name: str, exp: int) -> str:
    payload = base64.urlsafe_b64encode(
        json.dumps({"email": email, "name": name, "exp": exp}).encode()
    ).rstrip(b"=")
    signature = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return payload.decode() + "." + signature


def verify_identity(secret: str, token: str, now: float) -> Identity | None:
    if not secret or not token or len(token) > MAX_TOKEN or token.count(".") != 1:
        return None
    payload, signature = token.split(".")
    expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exp"), int) or data["exp"] < now:
        return None
    email, name = data.get("email"), data.get("name", "")
    if not isinstance(email, str) or "@" not in email or not isinstance(name, str):
        return None
    return Identity(email.strip().lower()[:254], name.strip()[:200])
