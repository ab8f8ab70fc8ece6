"""django-allauth adapters: where Frontdesk departs from allauth's defaults."""

from allauth.account.adapter import DefaultAccountAdapter  # type: ignore[import-untyped, unused-ignore]
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Accounts are created by staff (or the command line); nobody signs themselves up.

    The customer portal will open sign-up for customers later.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
