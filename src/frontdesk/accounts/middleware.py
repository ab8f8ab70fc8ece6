"""Sign-in policy middleware."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator  # type: ignore[import-untyped, unused-ignore]
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from frontdesk.accounts.choices import Role

# URL names (allauth's) that stay reachable without an authenticator app: signing in and
# out, password reset, re-authentication and the two-factor pages themselves.
ALLOWED_URL_NAME_PREFIXES = ("account_", "mfa_")


class RequireAdminTwoFactorMiddleware:
    """With `FRONTDESK_REQUIRE_ADMIN_MFA`, an admin who has not activated an authenticator
    app (TOTP) is sent to its activation page from every page but the sign-in and
    two-factor pages, static files and the API (which has its own authentication).

    Place after allauth's AccountMiddleware (and so after authentication and messages).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_activate(request):
            if "text/html" in request.headers.get("Accept", ""):  # a page, not a favicon
                messages.info(
                    request,
                    _("Administrators must set up two-factor authentication before going on."),
                    fail_silently=True,
                )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_activate(self, request: HttpRequest) -> bool:
        if not settings.FRONTDESK_REQUIRE_ADMIN_MFA:
            return False
        user = request.user
        if not user.is_authenticated or getattr(user, "role", None) != Role.ADMIN:
            return False
        if self._is_exempt(request):
            return False
        return not Authenticator.objects.filter(
            user_id=user.pk, type=Authenticator.Type.TOTP
        ).exists()

    @staticmethod
    def _is_exempt(request: HttpRequest) -> bool:
        if request.path_info.startswith("/api/"):
            return True
        if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
            return True  # settings.STATIC_URL carries the script prefix, like request.path
        try:
            url_name = resolve(request.path_info).url_name or ""
        except Resolver404:
            return False
        return url_name.startswith(ALLOWED_URL_NAME_PREFIXES)
