"""REST endpoints for customer organisations and their contacts."""

from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Status

from frontdesk.accounts.models import User
from frontdesk.accounts.schemas import UserOut
from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS
from frontdesk.core.errors import NotFound
from frontdesk.core.pagination import keyset_page
from frontdesk.customers import actions
from frontdesk.customers.models import Organization
from frontdesk.customers.schemas import (
    ContactIn,
    OrganizationIn,
    OrganizationOut,
    OrganizationPage,
)

router = Router(tags=["customers"])


@router.get("/organizations", response={200: OrganizationPage, **ERRORS})
def list_organizations(
    request: HttpRequest,
    cursor: str | None = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 50,
) -> OrganizationPage:
    page = keyset_page(_visible(actor(request)), order="name", cursor=cursor, limit=limit)
    return OrganizationPage(
        items=[OrganizationOut.of(o) for o in page.items], next_cursor=page.next_cursor
    )


@router.post("/organizations", response={201: OrganizationOut, **ERRORS})
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Status[OrganizationOut]:
    org = actions.create_organization(actor=admin_actor(request), **payload.model_dump())
    return Status(201, OrganizationOut.of(org))


@router.get("/organizations/{organization_id}", response={200: OrganizationOut, **ERRORS})
def get_organization(request: HttpRequest, organization_id: int) -> OrganizationOut:
    org = _visible(actor(request)).filter(pk=organization_id).first()
    if org is None:
        raise NotFound("No such organisation.")
    return OrganizationOut.of(org)


@router.get("/organizations/{organization_id}/contacts", response={200: list[UserOut], **ERRORS})
def list_contacts(request: HttpRequest, organization_id: int) -> list[UserOut]:
    user = actor(request)
    org = _visible(user).filter(pk=organization_id).first()
    if org is None or not (user.is_staff or org.shares_tickets):
        raise NotFound("No such organisation.")
    return [UserOut.of(u) for u in org.members.order_by("email")[:500]]


@router.post("/organizations/{organization_id}/contacts", response={204: None, **ERRORS})
def add_contact(request: HttpRequest, organization_id: int, payload: ContactIn) -> Status[None]:
    actions.add_contact(
        actor=admin_actor(request), organization_id=organization_id, **payload.model_dump()
    )
    return Status(204, None)


def _visible(user: User) -> QuerySet[Organization]:
    """Staff see every organisation; a customer sees the ones they belong to."""
    organizations = Organization.objects.all()
    return organizations if user.is_staff else organizations.filter(members=user)
