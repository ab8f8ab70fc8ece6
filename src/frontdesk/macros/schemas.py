from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.macros.models import Macro
from frontdesk.macros.placeholders import PLACEHOLDERS

VisibilityName = Literal["personal", "team", "everyone"]
PostName = Literal["reply", "note", "none"]

BODY_HELP = "Markdown with placeholders: " + ", ".join("{{" + p + "}}" for p in PLACEHOLDERS)
ACTIONS_HELP = (
    "Field changes in the rule language: set_field (status, priority, type, team, "
    "category, assignee), add_tags, remove_tags; see docs/automation.md."
)


class MacroIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    body: str = Field("", max_length=20_000, description=BODY_HELP)
    actions: list[dict[str, Any]] = Field(
        default_factory=list, max_length=50, description=ACTIONS_HELP
    )
    visibility: VisibilityName = Field(
        "personal",
        description="personal: yours only; team: the members of team_id (administrators and "
        "its supervisors share); everyone (administrators).",
    )
    team_id: int | None = None
    is_active: bool = True


class MacroOut(Schema):
    id: int
    name: str
    body: str
    actions: list[dict[str, Any]]
    visibility: VisibilityName
    team_id: int | None
    owner_id: int | None
    is_active: bool
    usage_count: int
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def of(macro: Macro) -> "MacroOut":
        return MacroOut(
            id=macro.pk,
            name=macro.name,
            body=macro.body,
            actions=list(macro.actions),
            visibility=macro.visibility,  # type: ignore[arg-type]
            team_id=macro.team_id,
            owner_id=macro.owner_id,
            is_active=macro.is_active,
            usage_count=macro.usage_count,
            last_used_at=macro.last_used_at,
            created_at=macro.created_at,
            updated_at=macro.updated_at,
        )


class MacroPreviewIn(InputSchema):
    ticket: int = Field(description="The ticket's number.")


class MacroPreviewOut(Schema):
    macro_id: int
    ticket: int
    text: str = Field(description="The reply text rendered for the ticket and you.")
    unknown_placeholders: list[str]
    changes: dict[str, Any] = Field(
        description="The field changes it would make, as PATCH /tickets/{number} takes them."
    )
    summary: list[str] = Field(description="The changes in words.")


class MacroApplyIn(InputSchema):
    ticket: int = Field(description="The ticket's number.")
    post: PostName = Field(
        "reply",
        description="Post the text as a public reply, an internal note, or not at all "
        "(it is returned for you to use).",
    )


class MacroApplyOut(Schema):
    macro_id: int
    ticket: int
    version: int
    text: str
    changes: dict[str, Any]
    message_id: int | None
