"""The Slack Events API endpoint, `POST /hooks/slack/events` (no session, no CSRF: every
request is checked against the signing secret).

Answers: 404 while no signing secret is configured; 401 `missing_signature`,
`bad_signature` or `stale_request` (a timestamp more than five minutes away: replays are
refused); 413 over 1 MiB; 400 not JSON; the `challenge` for Slack's URL verification;
otherwise 200 `{"result": ...}` (Slack's retries of an event id answer `duplicate`).
"""

import json
import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from frontdesk.slack import signing
from frontdesk.slack.actions import handle_event
from frontdesk.slack.conf import slack_settings

MAX_BODY = 1 << 20


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": None}, status=status)


@csrf_exempt
def events(request: HttpRequest) -> HttpResponse:
    conf = slack_settings()
    if not conf.enabled:
        return _error(404, "not_configured", "The Slack integration is not configured.")
    if request.method != "POST":
        return _error(405, "method_not_allowed", "POST events here.")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > MAX_BODY else request.read(MAX_BODY + 1)
    if declared > MAX_BODY or len(body) > MAX_BODY:
        return _error(413, "payload_too_large", "The body is over 1 MiB.")
    refused = signing.check(
        conf.signing_secret,
        request.headers.get("X-Slack-Request-Timestamp", ""),
        request.headers.get("X-Slack-Signature", ""),
        body,
        time.time(),
    )
    if refused:
        return _error(401, refused, "The request signature does not check out.")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid_json", "The body is not JSON.")
    if not isinstance(payload, dict):
        return _error(400, "invalid_json", "The body is not a JSON object.")
    if payload.get("type") == "url_verification":
        return JsonResponse({"challenge": str(payload.get("challenge", ""))[:200]})
    if payload.get("type") != "event_callback":
        return JsonResponse({"result": "ignored"})
    return JsonResponse({"result": handle_event(payload)})
