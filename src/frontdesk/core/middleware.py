"""Turn a broken business rule raised under a web page into a 4xx page, never a 500.

The API has its own handlers (api/root.py); this covers the server-rendered pages.
"""

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse, JsonResponse
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


class ApiMethodNotAllowedMiddleware:
    """A wrong HTTP method on an API route gets the API's JSON error shape.

    django-ninja answers it with Django's bare `HttpResponseNotAllowed` (an empty text body),
    which is the one error an API client would otherwise have to parse differently.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
        body = {
            "code": "method_not_allowed",
            "message": f"{request.method} is not allowed here.",
            "details": {"allowed": allowed},
        }
        json_response = JsonResponse(body, status=405)
        json_response["Allow"] = ", ".join(allowed)
        return json_response
