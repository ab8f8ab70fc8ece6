"""Writers for customer organisations and their contacts."""

from collections.abc import Sequence

from django.db import IntegrityError, transaction

from frontdesk.accounts.access import require_admin
from frontdesk.accounts.models import User
from frontdesk.core.errors import Conflict, Invalid, NotFound
from frontdesk.customers.models import Membership, Organization, Tier


def create_organization(
    *,
    actor: User | None,
    name: str,
    email_domains: Sequence[str] = (),
    tier: str = Tier.STANDARD,
    shares_tickets: bool = False,
) -> Organization:
    if actor is not None:
        require_admin(actor)
    if tier not in Tier.values:
        raise Invalid("unknown_tier", f"Unknown tier {tier!r}.")
    try:
        with transaction.atomic():
            return Organization.objects.create(
                name=name,
                tier=tier,
                shares_tickets=shares_tickets,
                email_domains=sorted({d.strip().lower() for d in email_domains if d.strip()}),
            )
    except IntegrityError as exc:
        raise Conflict("organization_exists", "An organisation with that name exists.") from exc


def add_contact(
    *, actor: User | None, organization_id: int, user_id: int, is_primary: bool = False
) -> Membership:
    """Put a customer into an organisation (a contact may belong to several)."""
    if actor is not None:
        require_admin(actor)
    organization = Organization.objects.filter(pk=organization_id).first()
    user = User.objects.filter(pk=user_id).first()
    if organization is None or user is None:
        raise NotFound("No such organisation or user.")
    if not user.is_customer:
        raise Invalid("not_a_contact", "Only customers belong to organisations.")
    with transaction.atomic():
        membership, _ = Membership.objects.update_or_create(
            organization=organization, user=user, defaults={"is_primary": is_primary}
        )
    return membership
