"""The alert endpoints, mounted at /hooks/alerts/ (no session, no CSRF: each request
carries its source's token as `Authorization: Bearer <token>`).

- `POST /hooks/alerts/alertmanager`: Prometheus Alertmanager's webhook (version 4);
- `POST /hooks/alerts/generic`: the generic alert JSON (docs/channels.md).

Answers: 200 `{"results": [{"key", "ticket", "result"}]}`; 401 without a valid token;
400 for a body that is not JSON; 413 over 1 MiB; 422 for JSON that is not a valid
payload, naming the field; 403 when the source's account may no longer work on tickets.
"""

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from frontdesk.alerts import actions
from frontdesk.alerts.choices import DedupeBy
from frontdesk.alerts.errors import AlertErrorCode
from frontdesk.alerts.models import AlertSource
from frontdesk.alerts.payloads import AlertEvent, PayloadError, parse_alertmanager, parse_generic
from frontdesk.core.errors import DomainError

MAX_BODY = 1 << 20


def _error(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": details}, status=status)


def _handle(
    request: HttpRequest, parse: Callable[[Any, AlertSource], list[AlertEvent]]
) -> HttpResponse:
    if request.method != "POST":
        return _error(405, "method_not_allowed", "POST alerts here.")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    source = actions.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if source is None:
        response = _error(401, AlertErrorCode.UNAUTHENTICATED, "A valid source token is required.")
        response["WWW-Authenticate"] = 'Bearer realm="alerts"'
        return response
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > MAX_BODY else request.read(MAX_BODY + 1)
    if declared > MAX_BODY or len(body) > MAX_BODY:
        return _error(413, AlertErrorCode.PAYLOAD_TOO_LARGE, "The body is over 1 MiB.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, AlertErrorCode.INVALID_JSON, "The body is not JSON.")
    try:
        events = parse(data, source)
    except PayloadError as exc:
        return _error(422, AlertErrorCode.INVALID_PAYLOAD, str(exc), {"field": exc.field})
    try:
        outcomes = actions.receive(
            source=source, events=events, ip_address=request.META.get("REMOTE_ADDR")
        )
    except DomainError as exc:
        return _error(exc.http_status, exc.code, exc.message, exc.details)
    return JsonResponse(
        {
            "results": [
                {"key": o.key, "ticket": o.ticket_number, "result": o.result} for o in outcomes
            ]
        }
    )


@csrf_exempt
def alertmanager(request: HttpRequest) -> HttpResponse:
    return _handle(
        request,
        lambda data, source: parse_alertmanager(data, by_group=source.dedupe_by == DedupeBy.GROUP),
    )


@csrf_exempt
def generic(request: HttpRequest) -> HttpResponse:
    return _handle(request, lambda data, _source: parse_generic(data))
