"""Helpers shared by the server-rendered pages: staff-only views and HTMX fragments."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from frontdesk.accounts.models import User
from frontdesk.core.errors import NotFound

View = Callable[..., HttpResponse]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def staff_view(view: View) -> View:
    """Signed-in staff only. Anonymous users go to the sign-in page; customers get a 404
    (the workspace does not exist for them, as a foreign ticket does not)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request_user(request).is_staff:
            raise NotFound(
                _("This is the support team's workspace; there is nothing here for you.")
            )
        return view(request, *args, **kwargs)

    return wrapper


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "staff_view guarantees a signed-in user"
    return user


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or for an HTMX request only `fragment` (a {% partialdef %})."""
    name = f"{template}#{fragment}" if fragment and is_htmx(request) else template
    return render(request, name, context, status=status)
