"""The chat widget's endpoints (`/chat/api/<widget key>/...`) and the agents' chat page.

Cross-origin by design: the widget runs on the customer's site and calls these with
`fetch`. Every request must come from an origin the widget allows (the `Origin` header);
answers carry `Access-Control-Allow-Origin` for that origin only, never `*`, and no
credentials are allowed, so no cookie of the help desk is ever sent or set. A visitor is
authenticated by the session token `start` returned, sent as `Authorization: Bearer`;
there is no ambient credential, so these views are CSRF-exempt on purpose
(docs/channels.md, "Live chat").
"""

import json
import time
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from frontdesk.chat import actions
from frontdesk.chat.identity import verify_identity
from frontdesk.chat.models import ChatSession, ChatWidget
from frontdesk.core import live
from frontdesk.core.errors import DomainError, NotFound
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.models import Message
from frontdesk.tickets.views._common import desk_context

MAX_JSON = 16 * 1024
KEEPALIVE_SECONDS = 10.0

View = Callable[..., HttpResponseBase]


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": None}, status=status)


def _cors(response: HttpResponseBase, origin: str) -> HttpResponseBase:
    response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    response["Access-Control-Max-Age"] = "600"
    response["Vary"] = "Origin"
    return response


def widget_api(view: View) -> View:
    """The widget (active, by key), the request's origin checked against it, CORS on every
    answer, preflights answered, domain errors as JSON."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, key: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        widget = ChatWidget.objects.filter(key=key, is_active=True).first()
        if widget is None:
            return _error(404, "not_found", "No such chat widget.")
        origin = request.headers.get("Origin", "").rstrip("/").lower()
        if origin not in widget.origins():
            return _error(403, "origin_not_allowed", "This site may not embed the chat.")
        if request.method == "OPTIONS":
            return _cors(HttpResponse(status=204), origin)
        try:
            response: HttpResponseBase = view(request, widget, *args, **kwargs)
        except DomainError as exc:
            response = _error(exc.http_status, exc.code, exc.message)
        return _cors(response, origin)

    return wrapper


def _json(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_JSON:
        raise DomainError("payload_too_large", "The request is too large.")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise DomainError("invalid_json", "The body is not JSON.") from None
    if not isinstance(data, dict):
        raise DomainError("invalid_json", "The body is not a JSON object.")
    return data


def _session(request: HttpRequest, widget: ChatWidget) -> ChatSession:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    session = actions.session_for(token.strip() if scheme.lower() == "bearer" else "")
    if session.widget_id != widget.pk:
        raise NotFound("No such conversation.")
    return session


def _message_data(message: Message, visitor_id: int) -> dict[str, Any]:
    return {
        "id": message.pk,
        "from": "visitor" if message.author_id == visitor_id else "agent",
        "name": (message.author.name if message.author else "") or "",
        "text": message.body_text,
        "at": message.created_at.isoformat(),
    }


@widget_api
def config(request: HttpRequest, widget: ChatWidget) -> HttpResponse:
    return JsonResponse(
        {
            "title": widget.title,
            "colour": widget.colour,
            "open": actions.is_open(widget),
            "identity": bool(widget.identity_secret),
            "max_message": actions.MAX_MESSAGE,
            "max_file_bytes": actions.MAX_FILE_BYTES,
        }
    )


@widget_api
def start(request: HttpRequest, widget: ChatWidget) -> HttpResponse:
    if request.method != "POST":
        return _error(405, "method_not_allowed", "POST to start a chat.")
    data = _json(request)
    name, email = str(data.get("name", "")), str(data.get("email", ""))
    if data.get("identity"):
        who = verify_identity(widget.identity_secret, str(data["identity"]), time.time())
        if who is None:
            return _error(401, "invalid_identity", "The visitor identity does not check out.")
        name, email = who.name, who.email
    started = actions.start_chat(
        widget=widget,
        name=name,
        email=email,
        message=str(data.get("message", "")),
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    if started.session is None:
        return JsonResponse({"mode": "request", "ticket": started.ticket.number}, status=201)
    return JsonResponse({"mode": "live", "token": started.token}, status=201)


@widget_api
def messages(request: HttpRequest, widget: ChatWidget) -> HttpResponse:
    session = _session(request, widget)
    if request.method == "POST":
        body = str(_json(request).get("text", ""))
        message = actions.visitor_message(
            session=session, body=body, ip_address=request.META.get("REMOTE_ADDR")
        )
        return JsonResponse(_message_data(message, session.visitor_id), status=201)
    after = request.GET.get("after", "0")
    rows = actions.public_messages(session.ticket, int(after) if after.isdigit() else 0)
    return JsonResponse(
        {
            "state": session.state,
            "messages": [_message_data(m, session.visitor_id) for m in rows],
        }
    )


@widget_api
def files(request: HttpRequest, widget: ChatWidget) -> HttpResponse:
    session = _session(request, widget)
    if request.method != "POST":
        return _error(405, "method_not_allowed", "POST a file.")
    upload = request.FILES.get("file")
    if upload is None:
        return _error(400, "no_file", "Send the file as the form field `file`.")
    message = actions.visitor_file(
        session=session,
        file_name=upload.name or "file",
        content=upload,
        size=upload.size or 0,
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return JsonResponse(_message_data(message, session.visitor_id), status=201)


@widget_api
def typing(request: HttpRequest, widget: ChatWidget) -> HttpResponse:
    session = _session(request, widget)
    if request.method != "POST":
        return _error(405, "method_not_allowed", "POST here.")
    actions.typing(session=session, who="visitor")
    return HttpResponse(status=204)


@widget_api
def end(request: HttpRequest, widget: ChatWidget) -> HttpResponse:
    session = _session(request, widget)
    if request.method != "POST":
        return _error(405, "method_not_allowed", "POST here.")
    ended = actions.end_chat(
        session=session, send_transcript=bool(_json(request).get("transcript"))
    )
    return JsonResponse({"state": ended.state, "transcript_sent": ended.transcript_sent})


@widget_api
def stream(request: HttpRequest, widget: ChatWidget) -> HttpResponseBase:
    """Server-sent events for one conversation: `message` (public replies only),
    `typing` (an agent writing), `accepted` and `ended`. Bounded like the workspace's
    stream; the widget reconnects with `?after=<last id>`."""
    session = _session(request, widget)
    after = request.GET.get("after", "0")
    topics = {f"ticket:{session.ticket.number}", actions.session_topic(session.pk)}
    try:
        subscription: live.Subscription | None = live.subscribe(topics)
    except live.LiveUnavailable:
        subscription = None
    seconds = float(getattr(settings, "FRONTDESK_LIVE_STREAM_SECONDS", 30))
    frames = _frames(session, subscription, int(after) if after.isdigit() else 0, seconds)
    response = StreamingHttpResponse(frames, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def _frame(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _frames(
    session: ChatSession, subscription: live.Subscription | None, after: int, seconds: float
) -> Iterator[str]:
    try:
        yield "retry: 1000\n\n"
        last = after
        for message in actions.public_messages(session.ticket, last):
            last = message.pk
            yield _frame("message", _message_data(message, session.visitor_id))
        if subscription is None:
            return
        deadline = time.monotonic() + seconds
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            got = subscription.get(timeout=1.0)
            if got is None:
                if time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
                    quiet_since = time.monotonic()
                    yield ": keepalive\n\n"
                continue
            quiet_since = time.monotonic()
            kind = got.data.get("kind")
            if got.topic.startswith("chat:"):
                if kind == "typing" and got.data.get("who") == "visitor":
                    continue
                yield _frame(str(kind), {k: v for k, v in got.data.items() if k != "kind"})
                if kind == "ended":
                    return
            elif kind == "presence":
                if got.data.get("state") != "replying":
                    continue
                if got.data.get("user_id") == session.visitor_id:
                    continue  # the visitor's own typing, shown to agents
                yield _frame("typing", {"who": "agent"})
            else:
                for message in actions.public_messages(session.ticket, last):
                    last = message.pk
                    yield _frame("message", _message_data(message, session.visitor_id))
    finally:
        if subscription is not None:
            subscription.close()


# --- agents ---------------------------------------------------------------------------------


@staff_view
def chats(request: HttpRequest) -> HttpResponse:
    """Waiting and answered chats on tickets the agent may see, oldest waiting first."""
    user = request_user(request)
    sessions = (
        ChatSession.objects.filter(
            ticket__in=visible_to(user),
            state__in=(ChatSession.State.WAITING, ChatSession.State.ACTIVE),
        )
        .select_related("ticket", "visitor", "accepted_by")
        .order_by("state", "created_at")[:100]
    )
    context = desk_context(user, "chats", sessions=list(sessions))
    return render_page(request, "chat/chats.html", context)


@require_POST
@staff_view
def accept(request: HttpRequest, number: int) -> HttpResponse:
    actions.accept_chat(actor=request_user(request), number=number)
    return redirect("tickets:detail", number=number)
