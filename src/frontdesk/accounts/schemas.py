from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from frontdesk.accounts.models import ApiToken, Team, User
from frontdesk.api.schemas import InputSchema

RoleName = Literal["admin", "supervisor", "agent", "light_agent", "customer"]
ScopeName = Literal["read", "write", "admin"]


class UserOut(Schema):
    id: int
    email: str
    name: str
    role: RoleName
    is_active: bool
    time_zone: str

    @staticmethod
    def of(user: User) -> "UserOut":
        return UserOut(
            id=user.pk,
            email=user.email,
            name=user.name,
            role=user.role,  # type: ignore[arg-type]
            is_active=user.is_active,
            time_zone=user.time_zone,
        )


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None


class UserCreateIn(InputSchema):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)
    name: str = Field("", max_length=200)
    role: RoleName = "customer"
    password: str | None = Field(None, min_length=8, max_length=200)


class UserUpdateIn(InputSchema):
    name: str = Field(None, max_length=200)  # type: ignore[assignment]
    role: RoleName = Field(None)  # type: ignore[arg-type]
    is_active: bool = Field(None)  # type: ignore[assignment]


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    member_ids: list[int]

    @staticmethod
    def of(team: Team) -> "TeamOut":
        return TeamOut(
            id=team.pk,
            name=team.name,
            slug=team.slug,
            member_ids=sorted(m.pk for m in team.members.all()),
        )


class TeamIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    member_ids: list[int] = Field(default_factory=list, max_length=500)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[ScopeName]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    @staticmethod
    def of(token: ApiToken) -> "TokenOut":
        return TokenOut(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            scopes=token.scopes,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
        )


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. Shown once; only its hash is stored.")


class TokenIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[ScopeName] = Field(min_length=1)
    expires_at: datetime | None = None
