"""The generic inbound webhook, `POST /hooks/intake/` (no session, no CSRF): the body
is a JSON object, the source's token is sent as `Authorization: Bearer <token>`, an
optional `Idempotency-Key` header makes retries safe.

Answers: 201 `{"ticket": 123, "result": "created"}`; 200 with `result` `replayed`
(same Idempotency-Key and body), `replied` or `noted` (an external id seen before); 400
`invalid_json`; 401 `unauthenticated`; 413 over 1 MiB; 422 `invalid_payload` naming the
field (`details.field`), or a ticket rule's own code (an unknown priority, a bad custom
field, an Idempotency-Key reused with another body).
"""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from frontdesk.core.errors import DomainError
from frontdesk.intake import actions
from frontdesk.intake.mapping import MappingError, extract

MAX_BODY = 1 << 20


def _error(status: int, code: str, message: str, details: object = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": details}, status=status)


@csrf_exempt
def receive(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _error(405, "method_not_allowed", "POST here.")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    source = actions.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if source is None:
        response = _error(401, "unauthenticated", "A valid source token is required.")
        response["WWW-Authenticate"] = 'Bearer realm="intake"'
        return response
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > MAX_BODY else request.read(MAX_BODY + 1)
    if declared > MAX_BODY or len(body) > MAX_BODY:
        return _error(413, "payload_too_large", "The body is over 1 MiB.")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid_json", "The body is not JSON.")
    try:
        data = extract(source.mapping, document)
    except MappingError as exc:
        return _error(422, "invalid_payload", str(exc), {"field": exc.field})
    key = request.headers.get("Idempotency-Key", "").strip()[:200] or None
    try:
        outcome = actions.receive(
            source=source,
            data=data,
            idempotency_key=key,
            ip_address=request.META.get("REMOTE_ADDR"),
        )
    except DomainError as exc:
        return _error(exc.http_status, exc.code, exc.message, exc.details)
    status = 201 if outcome.result == "created" else 200
    return JsonResponse({"ticket": outcome.ticket.number, "result": outcome.result}, status=status)
