"""Who may do what in the portal. Ticket visibility itself is `tickets.access.visible_to`."""

from allauth.account.models import EmailAddress  # type: ignore[import-untyped, unused-ignore]

from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden
from frontdesk.portal.errors import PortalErrorCode


def has_verified_email(user: User) -> bool:
    """The user's own address is verified (sign-up link, sign-in code or password reset)."""
    return bool(
        EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def require_customer(user: User) -> None:
    if not (user.is_active and user.is_customer):
        raise Forbidden(
            PortalErrorCode.NOT_A_CUSTOMER,
            "The portal is for customers; staff work tickets in the workspace.",
        )


def require_verified_customer(user: User) -> None:
    require_customer(user)
    if not has_verified_email(user):
        raise Forbidden(
            PortalErrorCode.NOT_VERIFIED, "Verify your email address before submitting requests."
        )
