"""django-allauth adapters: where Frontdesk departs from allauth's defaults."""

from typing import Any, override

from allauth.account.adapter import DefaultAccountAdapter  # type: ignore[import-untyped, unused-ignore]
from django.conf import settings
from django.http import HttpRequest

from frontdesk.accounts.choices import Role


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Sign-up is for customers of the portal only (FRONTDESK_PORTAL_SIGNUP, docs/portal.md).

    Staff accounts are created by staff (or the command line), never by signing up: an
    account made here is always a customer, whatever the form posted.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.FRONTDESK_PORTAL_SIGNUP)

    @override  # allauth's signature, which passes `commit` positionally
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.role = Role.CUSTOMER
        if commit:
            user.save()
        return user

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Customers land in the portal, staff in the workspace (unless `next` says where)."""
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_customer", False):
            return "/portal/"
        return str(super().get_login_redirect_url(request))
