"""Turn a broken business rule raised under a web page into a 4xx page, never a 500.

The API has its own handlers (api/root.py); this covers the server-rendered pages.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontdesk.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        return render(
            request,
            "error.html",
            {"code": exception.code, "message": exception.message},
            status=exception.http_status,
        )
