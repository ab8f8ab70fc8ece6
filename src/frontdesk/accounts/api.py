"""REST endpoints for users, teams and the caller's own API tokens."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Status

from frontdesk.accounts import actions
from frontdesk.accounts.access import require_staff
from frontdesk.accounts.models import ApiToken, Team, User
from frontdesk.accounts.schemas import (
    TeamIn,
    TeamOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserCreateIn,
    UserOut,
    UserPage,
    UserUpdateIn,
)
from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS
from frontdesk.core.errors import NotFound
from frontdesk.core.pagination import keyset_page

router = Router(tags=["people"])


@router.get("/users/me", response={200: UserOut, **ERRORS})
def me(request: HttpRequest) -> UserOut:
    return UserOut.of(actor(request))


@router.get("/users", response={200: UserPage, **ERRORS})
def list_users(
    request: HttpRequest,
    role: str | None = None,
    email: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 50,
) -> UserPage:
    """Staff see everyone (agents and contacts); customers only have `/users/me`."""
    require_staff(actor(request))
    users = User.objects.all()
    if role:
        users = users.filter(role=role)
    if email:
        users = users.filter(email=email.lower())
    page = keyset_page(users, order="email", cursor=cursor, limit=limit)
    return UserPage(items=[UserOut.of(u) for u in page.items], next_cursor=page.next_cursor)


@router.post("/users", response={201: UserOut, **ERRORS})
def create_user(request: HttpRequest, payload: UserCreateIn) -> Status[UserOut]:
    user = actions.create_user(actor=admin_actor(request), **payload.model_dump())
    return Status(201, UserOut.of(user))


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS})
def get_user(request: HttpRequest, user_id: int) -> UserOut:
    user = actor(request)
    if user.pk != user_id:
        require_staff(user)
    found = User.objects.filter(pk=user_id).first()
    if found is None:
        raise NotFound("No such user.")
    return UserOut.of(found)


@router.patch("/users/{user_id}", response={200: UserOut, **ERRORS})
def update_user(request: HttpRequest, user_id: int, payload: UserUpdateIn) -> UserOut:
    user = actions.update_user(
        actor=admin_actor(request), user_id=user_id, **payload.model_dump(exclude_unset=True)
    )
    return UserOut.of(user)


@router.get("/teams", response={200: list[TeamOut], **ERRORS})
def list_teams(request: HttpRequest) -> list[TeamOut]:
    require_staff(actor(request))
    return [TeamOut.of(t) for t in Team.objects.prefetch_related("members").order_by("name")]


@router.post("/teams", response={201: TeamOut, **ERRORS})
def create_team(request: HttpRequest, payload: TeamIn) -> Status[TeamOut]:
    team = actions.create_team(actor=admin_actor(request), **payload.model_dump())
    return Status(201, TeamOut.of(team))


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS})
def get_team(request: HttpRequest, team_id: int) -> TeamOut:
    require_staff(actor(request))
    team = Team.objects.prefetch_related("members").filter(pk=team_id).first()
    if team is None:
        raise NotFound("No such team.")
    return TeamOut.of(team)


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    tokens = ApiToken.objects.filter(user=actor(request), revoked_at__isnull=True)
    return [TokenOut.of(t) for t in tokens.order_by("-created_at")]


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    user = actor(request)
    token, secret = actions.create_api_token(actor=user, user=user, **payload.model_dump())
    return Status(201, TokenCreatedOut(**TokenOut.of(token).model_dump(), token=secret))


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    actions.revoke_api_token(actor=actor(request), token_id=token_id)
    return Status(204, None)
