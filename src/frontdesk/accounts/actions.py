"""Writers for people: users, teams and API tokens."""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from frontdesk.accounts.access import require_admin
from frontdesk.accounts.choices import STAFF_ROLES, Role, Scope
from frontdesk.accounts.errors import AccountErrorCode
from frontdesk.accounts.models import AgentProfile, ApiToken, Team, User
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Forbidden, Invalid, NotFound

TOKEN_PREFIX = "fd_"  # noqa: S105 - a label, not a secret
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    """Tokens are 256-bit random, so a fast hash is enough (no dictionary to try)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_user(
    *,
    actor: User | None,
    email: str,
    name: str = "",
    role: str = Role.CUSTOMER,
    password: str | None = None,
    time_zone: str = "UTC",
) -> User:
    """Create a user. `actor=None` is the command line (createadmin, demo data)."""
    if actor is not None:
        require_admin(actor)
    if role not in Role.values:
        raise Invalid(AccountErrorCode.UNKNOWN_ROLE, f"Unknown role {role!r}.")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, name=name, role=role, time_zone=time_zone
            )
            if role in STAFF_ROLES:
                AgentProfile.objects.create(user=user)
    except IntegrityError as exc:
        raise Conflict(AccountErrorCode.EMAIL_TAKEN, "A user with that email exists.") from exc
    return user


def update_user(
    *,
    actor: User,
    user_id: int,
    name: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
) -> User:
    """Change a user's name, role or active flag (admins). Deactivation revokes access at
    once: sessions and tokens of an inactive user are refused on the next request."""
    require_admin(actor)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound("No such user.")
    if role is not None and role not in Role.values:
        raise Invalid(AccountErrorCode.UNKNOWN_ROLE, f"Unknown role {role!r}.")
    if user.pk == actor.pk and (is_active is False or (role and role != Role.ADMIN)):
        raise Invalid(AccountErrorCode.SELF_LOCKOUT, "You cannot demote or deactivate yourself.")
    with transaction.atomic():
        user.name = name if name is not None else user.name
        user.role = role or user.role
        user.is_active = user.is_active if is_active is None else is_active
        user.save()
        if user.role in STAFF_ROLES:
            AgentProfile.objects.get_or_create(user=user)
    return user


def create_team(*, actor: User | None, name: str, member_ids: Sequence[int] = ()) -> Team:
    if actor is not None:
        require_admin(actor)
    members = list(User.objects.filter(pk__in=member_ids, role__in=STAFF_ROLES))
    if len(members) != len(set(member_ids)):
        raise Invalid(AccountErrorCode.INVALID_MEMBER, "Team members must be existing staff.")
    try:
        with transaction.atomic():
            team = Team.objects.create(name=name, slug=slugify(name)[:100] or "team")
            team.members.set(members)
    except IntegrityError as exc:
        raise Conflict(AccountErrorCode.TEAM_EXISTS, "A team with that name exists.") from exc
    return team


def create_api_token(
    *,
    actor: User,
    user: User,
    name: str,
    scopes: Sequence[str],
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for `user` and return it with its secret, which is never stored.

    Users issue their own tokens; admins may issue for anyone (the CLI passes the admin).
    The admin scope is only granted to administrators.
    """
    if actor.pk != user.pk:
        require_admin(actor)
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise Invalid(AccountErrorCode.INVALID_SCOPE, f"Scopes must be among {Scope.values}.")
    if Scope.ADMIN in scopes and user.role != Role.ADMIN:
        raise Forbidden(AccountErrorCode.INVALID_SCOPE, "Only administrators hold admin scope.")
    if expires_at is not None and expires_at <= clock.now():
        raise Invalid(AccountErrorCode.INVALID_EXPIRY, "The expiry must be in the future.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:12],
        token_hash=hash_token(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    return token, secret


def revoke_api_token(*, actor: User, token_id: int) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=actor, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound("No such token.")
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])


def revoke_api_tokens_named(*, user: User, name: str) -> int:
    """Revoke `user`'s live tokens called `name` (the command line's own tokens)."""
    return ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


def authenticate_token(secret: str) -> ApiToken | None:
    """The live token for `secret` (active user, not expired or revoked), else None.

    `last_used_at` is written at most once a minute so reads stay read-only.
    """
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    now = clock.now()
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
