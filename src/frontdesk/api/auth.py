"""API authentication: a session cookie (with CSRF) or `Authorization: Bearer <token>`.

Token scopes: `read` for safe methods, `write` for the rest, and `admin` on top for
administrative endpoints. A session carries every scope its user's role allows.
"""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from frontdesk.accounts.access import require_admin
from frontdesk.accounts.actions import authenticate_token
from frontdesk.accounts.choices import Scope
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        scopes = frozenset(api_token.scopes)
        needed = Scope.READ if request.method in SAFE_METHODS else Scope.WRITE
        if needed not in scopes:
            raise Forbidden("insufficient_scope", f"This token lacks the {needed} scope.")
        request.token_scopes = scopes  # type: ignore[attr-defined]
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        return user if isinstance(user, User) and user.is_active else None


def actor(request: HttpRequest) -> User:
    """The authenticated user of this request (every route requires one)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def admin_actor(request: HttpRequest) -> User:
    """The user, if an administrator acting with admin scope."""
    user = actor(request)
    require_admin(user)
    scopes = getattr(request, "token_scopes", None)
    if scopes is not None and Scope.ADMIN not in scopes:
        raise Forbidden("insufficient_scope", "This token lacks the admin scope.")
    return user
