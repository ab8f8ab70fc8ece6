from typing import Literal

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.customers.models import Organization

TierName = Literal["standard", "premium", "enterprise"]


class OrganizationOut(Schema):
    id: int
    name: str
    email_domains: list[str]
    tier: TierName
    shares_tickets: bool

    @staticmethod
    def of(org: Organization) -> "OrganizationOut":
        return OrganizationOut(
            id=org.pk,
            name=org.name,
            email_domains=org.email_domains,
            tier=org.tier,  # type: ignore[arg-type]
            shares_tickets=org.shares_tickets,
        )


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next_cursor: str | None


class OrganizationIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    email_domains: list[str] = Field(default_factory=list, max_length=50)
    tier: TierName = "standard"
    shares_tickets: bool = False


class ContactIn(InputSchema):
    user_id: int
    is_primary: bool = False
