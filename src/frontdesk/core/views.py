"""Health endpoints: liveness (the process answers) and readiness (the database answers)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready", never a 500 page
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the API's JSON error shape for unknown paths; browsers the page."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": "No such endpoint.", "details": None}
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)
