"""Turn a broken business rule raised under a web page into a 4xx page, never a 500.

The API has its own handlers (api/root.py); this covers the server-rendered pages.
"""

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from frontdesk.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        context = {"code": exception.code, "message": exception.message}
        if request.headers.get("HX-Request") != "true":
            return render(request, "error.html", context, status=exception.http_status)
        # An HTMX action: show the message in the page's error area, leave the rest as is.
        response = render(request, "error.html#banner", context, status=exception.http_status)
        response["HX-Retarget"] = "#error-area"
        response["HX-Reswap"] = "innerHTML"
        return response


class UserTimezoneMiddleware:
    """Show times in the signed-in user's own time zone (stored on the user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = getattr(getattr(request, "user", None), "time_zone", "")
        try:
            timezone.activate(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
