from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from frontdesk.accounts.models import AgentProfile
from frontdesk.api.schemas import InputSchema
from frontdesk.routing.actions import MAX_REASSIGN_DELAY_MINUTES
from frontdesk.routing.models import TeamAssignment

StrategyName = Literal["manual", "round_robin", "load_balanced", "skills"]
AvailabilityName = Literal["online", "away", "offline"]


class TeamAssignmentOut(Schema):
    team_id: int
    strategy: StrategyName
    reassign_offline_after_minutes: int | None = Field(
        description="Tickets of an agent offline for longer go back through assignment; "
        "null: never."
    )

    @staticmethod
    def of(settings: TeamAssignment) -> "TeamAssignmentOut":
        return TeamAssignmentOut(
            team_id=settings.team_id,
            strategy=settings.strategy,  # type: ignore[arg-type]
            reassign_offline_after_minutes=settings.reassign_offline_after_minutes,
        )


class TeamAssignmentIn(InputSchema):
    strategy: StrategyName
    reassign_offline_after_minutes: int | None = Field(None, ge=1, le=MAX_REASSIGN_DELAY_MINUTES)


class AvailabilityIn(InputSchema):
    availability: AvailabilityName


class AvailabilityOut(Schema):
    availability: AvailabilityName
    offline_since: datetime | None = Field(description="Since when you are offline.")

    @staticmethod
    def of(profile: AgentProfile) -> "AvailabilityOut":
        return AvailabilityOut(
            availability=profile.availability,  # type: ignore[arg-type]
            offline_since=profile.offline_since,
        )
