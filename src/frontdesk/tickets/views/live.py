"""Live updates for the agent workspace: a bounded server-sent event stream, and presence.

The stream is a plain sync generator on the web server's thread pool. It ends after
`FRONTDESK_LIVE_STREAM_SECONDS` with `retry: 1000`, so the browser's EventSource comes back
within a second through this view again: a thread is held for a bounded time and every
reconnect re-checks the user and the ticket (docs/adr/0006-live-updates.md).
"""

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.views.decorators.http import require_GET, require_POST

from frontdesk.accounts.models import User
from frontdesk.core import live
from frontdesk.core.errors import NotFound
from frontdesk.tickets.access import access_ticket, visible_to
from frontdesk.tickets.models import Ticket

logger = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 10.0
LIST_COALESCE_SECONDS = 0.5
POLL_SECONDS = 1.0  # the longest single wait, so every loop looks at the clock
UNAVAILABLE_RETRY_MS = 5000
PRESENCE_STATES = ("viewing", "replying", "left")
PRESENCE_TTL_SECONDS = 30
PRESENCE_REPEAT_SECONDS = 2


@login_required
@require_GET
def stream(request: HttpRequest) -> StreamingHttpResponse:
    """`text/event-stream` of `ticket-changed` and `presence` for `?ticket=N`,
    `list-changed` when a ticket the user can see changes, and `notifications` when the
    user's own notifications change."""
    user = _staff(request)
    ticket = _ticket_from_query(user, request.GET.get("ticket"))
    topics = {"tickets", live.user_topic(user.pk)}
    topics |= {f"ticket:{ticket.number}"} if ticket else set()
    seconds = float(getattr(settings, "FRONTDESK_LIVE_STREAM_SECONDS", 30))
    try:
        subscription: live.Subscription | None = live.subscribe(topics)
    except live.LiveUnavailable:
        logger.warning("Live updates unavailable: cannot subscribe.", exc_info=True)
        subscription = None
    frames = EventStream(user, ticket, subscription, seconds)
    content: EventStream | AsyncEventStream = (
        AsyncEventStream(frames) if isinstance(request, ASGIRequest) else frames
    )
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@login_required
@require_POST
def presence(request: HttpRequest, number: int) -> HttpResponse:
    """Tell the ticket's other viewers that this user is viewing, replying or has left.

    `reply=1` marks a heartbeat sent because someone new appeared: it is limited apart from
    the regular ones, so the newcomer hears about us even right after our last heartbeat."""
    user = _staff(request)
    ticket = _visible_ticket(user, number)
    state = request.POST.get("state", "")
    if state not in PRESENCE_STATES:
        return JsonResponse(
            {
                "code": "invalid_state",
                "message": f"state must be one of {', '.join(PRESENCE_STATES)}.",
                "details": {"allowed": list(PRESENCE_STATES)},
            },
            status=400,
        )
    # A repeat of the same state within a few seconds tells nobody anything new.
    key = f"frontdesk:presence:{user.pk}:{ticket.number}"
    if request.POST.get("reply") == "1":
        key += ":reply"
    if cache.get(key) != state:
        cache.set(key, state, timeout=PRESENCE_REPEAT_SECONDS)
        live.publish(
            f"ticket:{ticket.number}",
            {
                "kind": "presence",
                "user_id": user.pk,
                "name": str(user),
                "state": state,
                "ttl": PRESENCE_TTL_SECONDS,
            },
        )
    return HttpResponse(status=204)


def _staff(request: HttpRequest) -> User:
    """The signed-in, active staff user; a 404 for anyone else (login_required ran)."""
    user = request.user
    if not isinstance(user, User) or not (user.is_active and user.is_staff):
        raise Http404
    return user


def _visible_ticket(user: User, number: int) -> Ticket:
    try:
        return access_ticket(user, number)
    except NotFound as exc:
        raise Http404 from exc


def _ticket_from_query(user: User, value: str | None) -> Ticket | None:
    if value is None:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return _visible_ticket(user, int(value))


class _Streams:
    """Open streams of this process, and a generation that ends them all when bumped (a
    server shutting down, or a test ending, must not wait for each stream's time limit)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation = 0
        self.open = 0

    def end_all(self, *, wait_seconds: float = 3.0) -> bool:
        """End every open stream within about POLL_SECONDS; True once none is open."""
        with self.lock:
            self.generation += 1
        deadline = time.monotonic() + wait_seconds
        while self.open and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.open == 0


STREAMS = _Streams()


def frame(event: str, data: dict[str, Any]) -> str:
    """One SSE frame; the JSON is one line (json.dumps escapes newlines)."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


class EventStream:
    """The frames of one stream. Closing it (Django closes the response when the client
    goes away or the stream ends) releases the subscription and the DB connection."""

    def __init__(
        self,
        user: User,
        ticket: Ticket | None,
        subscription: live.Subscription | None,
        seconds: float,
    ) -> None:
        self.user = user
        self.ticket_topic = f"ticket:{ticket.number}" if ticket else None
        self.user_topic = live.user_topic(user.pk)
        self.subscription = subscription
        self.seconds = seconds
        self.generation = STREAMS.generation
        self._frames = self._generate()

    def __iter__(self) -> Iterator[str]:
        return self._frames

    def close(self) -> None:
        self._frames.close()
        self._release()

    def _release(self) -> None:
        if self.subscription is not None:
            self.subscription.close()
        # Give the connection back rather than hold it between streams. Not inside a
        # transaction, nor when shared between threads (the test suite's live server).
        if not (connection.in_atomic_block or connection.allow_thread_sharing):
            connection.close()

    def _generate(self) -> Generator[str]:
        with STREAMS.lock:
            STREAMS.open += 1
            self.generation = STREAMS.generation
        try:
            if self.subscription is None:
                yield ": live updates unavailable\n\n"
                yield f"retry: {UNAVAILABLE_RETRY_MS}\n\n"
                return
            yield ": connected\n\n"
            yield from self._relay(self.subscription)
        finally:
            with STREAMS.lock:
                STREAMS.open -= 1
            self._release()

    def _relay(self, subscription: live.Subscription) -> Iterator[str]:
        start = last_write = time.monotonic()
        end = start + self.seconds
        list_due: float | None = None  # when a coalesced list-changed may go out
        list_data: dict[str, Any] = {}
        last_list = start - LIST_COALESCE_SECONDS
        while (now := time.monotonic()) < end and STREAMS.generation == self.generation:
            wait = min(end - now, POLL_SECONDS, last_write + KEEPALIVE_SECONDS - now)
            if list_due is not None:
                wait = min(wait, list_due - now)
            try:
                message = subscription.get(timeout=max(0.0, wait))
            except live.LiveUnavailable:
                logger.warning("Live stream ended: the broker connection broke.")
                yield f"retry: {UNAVAILABLE_RETRY_MS}\n\n"
                return
            if message is not None:
                if message.topic == "tickets":
                    number = message.data.get("number")
                    if list_due is None and self._sees(number):
                        list_due = max(time.monotonic(), last_list + LIST_COALESCE_SECONDS)
                        list_data = {"number": number}
                elif (event := self._direct_event(message)) is not None:
                    yield frame(event, message.data)
                    last_write = time.monotonic()
            now = time.monotonic()
            if list_due is not None and now >= list_due:
                yield frame("list-changed", list_data)
                last_write = last_list = now
                list_due = None
            elif now - last_write >= KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                last_write = now
        yield "retry: 1000\n\n"

    def _direct_event(self, message: live.LiveMessage) -> str | None:
        """The event for a message on this stream's own topics (its ticket, its user)."""
        if message.topic == self.user_topic:
            return "notifications"
        if message.topic != self.ticket_topic:
            return None
        kind = message.data.get("kind")
        if kind == "changed":
            return "ticket-changed"
        if kind == "presence" and message.data.get("user_id") != self.user.pk:
            return "presence"
        return None

    def _sees(self, number: object) -> bool:
        if not isinstance(number, int):
            return False
        return visible_to(self.user).filter(number=number).exists()


class AsyncEventStream:
    """The same frames for an ASGI server, which would otherwise read a sync iterator to
    its end before sending anything. The generator runs on a thread of its own (its
    database connection is that thread's), one frame at a time."""

    def __init__(self, frames: EventStream) -> None:
        self._frames = frames
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-stream")

    async def __aiter__(self) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        iterator = iter(self._frames)
        while (
            chunk := await loop.run_in_executor(self._executor, next, iterator, None)
        ) is not None:
            yield chunk

    def close(self) -> None:
        # Queued behind a get() that may still be waiting, on the thread that owns it.
        self._executor.submit(self._frames.close)
        self._executor.shutdown(wait=False)
