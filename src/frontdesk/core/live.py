"""Live messages between web processes: publish after commit, subscribe from a stream.

One interface, three backends, chosen by `FRONTDESK_LIVE_BACKEND` (docs/adr/0006):

- `memory`: an in-process fan-out. Messages reach only subscribers in the same process,
  so `frontdesk run` starts one web process with it.
- `postgres`: LISTEN/NOTIFY on one channel; each subscription holds its own connection.
- `redis`: Redis pub/sub, one channel per topic.

Unset, it is `redis` with `REDIS_URL`, else `postgres` on PostgreSQL, else `memory`.

`publish` never raises: it runs after a commit, where a failure must not turn a saved
change into an error. A lost message costs a refresh, never data. `subscribe` raises
`LiveUnavailable` when the broker cannot be reached, and so may `Subscription.get`.
"""

import json
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction

if TYPE_CHECKING:
    import psycopg
    import redis

logger = logging.getLogger(__name__)

BACKENDS = ("memory", "postgres", "redis")
CHANNEL = "frontdesk_live"
MAX_NOTIFY_BYTES = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes and more
MEMORY_QUEUE_SIZE = 256  # per subscriber; a slow one loses its oldest messages
CONNECT_TIMEOUT_SECONDS = 5


class LiveUnavailable(Exception):
    """The broker cannot be reached (or the connection broke)."""


@dataclass(frozen=True)
class LiveMessage:
    topic: str
    data: dict[str, Any]


class Subscription(ABC):
    """Messages on `topics`, in order. Close it (or use it as a context manager)."""

    def __init__(self, topics: Collection[str]) -> None:
        self.topics = frozenset(topics)

    @abstractmethod
    def get(self, timeout: float) -> LiveMessage | None:
        """The next message, or None after `timeout` seconds without one. Raises
        LiveUnavailable once closed or when the broker connection broke."""

    @abstractmethod
    def close(self) -> None:
        """Stop receiving. Idempotent."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class Broker(ABC):
    @abstractmethod
    def publish(self, topic: str, payload: str) -> None:
        """Send `payload` (the JSON of {topic, data}); may raise."""

    @abstractmethod
    def subscribe(self, topics: Collection[str]) -> Subscription: ...


def encode(topic: str, data: dict[str, Any]) -> str:
    return json.dumps({"topic": topic, "data": data}, separators=(",", ":"))


def decode(payload: str | bytes) -> LiveMessage | None:
    try:
        raw = json.loads(payload)
        topic, data = raw["topic"], raw["data"]
    except (ValueError, TypeError, KeyError):
        logger.warning("Ignoring a malformed live message.")
        return None
    if not isinstance(topic, str) or not isinstance(data, dict):
        logger.warning("Ignoring a malformed live message.")
        return None
    return LiveMessage(topic, data)


# -- memory -------------------------------------------------------------------------------


class MemorySubscription(Subscription):
    def __init__(self, broker: "MemoryBroker", topics: Collection[str], size: int) -> None:
        super().__init__(topics)
        self._broker = broker
        self._queue: deque[LiveMessage] = deque(maxlen=size)
        self._ready = threading.Condition()
        self._closed = False
        self.dropped = 0

    def put(self, message: LiveMessage) -> None:
        with self._ready:
            if len(self._queue) == self._queue.maxlen:
                self.dropped += 1  # the deque pushes the oldest out
            self._queue.append(message)
            self._ready.notify()

    def get(self, timeout: float) -> LiveMessage | None:
        with self._ready:
            self._ready.wait_for(lambda: self._queue or self._closed, timeout=max(0.0, timeout))
            if self._queue:
                return self._queue.popleft()
            if self._closed:
                raise LiveUnavailable("The subscription is closed.")
            return None

    def close(self) -> None:
        self._broker.remove(self)
        with self._ready:
            self._closed = True
            self._ready.notify_all()


class MemoryBroker(Broker):
    """Fan-out inside this process. Publishers never wait for subscribers."""

    def __init__(self, queue_size: int = MEMORY_QUEUE_SIZE) -> None:
        self._queue_size = queue_size
        self._lock = threading.Lock()
        self._by_topic: dict[str, set[MemorySubscription]] = {}

    def publish(self, topic: str, payload: str) -> None:
        message = decode(payload)
        if message is None:
            return
        with self._lock:
            subscribers = list(self._by_topic.get(topic, ()))
        for subscriber in subscribers:
            subscriber.put(message)

    def subscribe(self, topics: Collection[str]) -> MemorySubscription:
        subscription = MemorySubscription(self, topics, self._queue_size)
        with self._lock:
            for topic in subscription.topics:
                self._by_topic.setdefault(topic, set()).add(subscription)
        return subscription

    def remove(self, subscription: MemorySubscription) -> None:
        with self._lock:
            for topic in subscription.topics:
                subscribers = self._by_topic.get(topic)
                if subscribers is not None:
                    subscribers.discard(subscription)
                    if not subscribers:
                        del self._by_topic[topic]


# -- PostgreSQL ---------------------------------------------------------------------------


def django_connect_params(alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """psycopg.connect() keyword arguments for a Django database (Django-only keys removed)."""
    params: dict[str, Any] = dict(connections[alias].get_connection_params())
    for key in ("context", "cursor_factory", "prepare_threshold"):
        params.pop(key, None)
    return params


class PostgresSubscription(Subscription):
    def __init__(self, conn: "psycopg.Connection[Any]", topics: Collection[str]) -> None:
        super().__init__(topics)
        self._conn = conn
        self._buffer: deque[LiveMessage] = deque()

    def get(self, timeout: float) -> LiveMessage | None:
        import psycopg

        deadline = time.monotonic() + max(0.0, timeout)
        while not self._buffer:
            if self._conn.closed:
                raise LiveUnavailable("The subscription is closed.")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                # Drain the generator: notifications that arrived in one packet come out
                # together, and breaking out early would lose the rest.
                for notify in self._conn.notifies(timeout=remaining, stop_after=1):
                    message = decode(notify.payload)
                    if message is not None and message.topic in self.topics:
                        self._buffer.append(message)
            except psycopg.Error as exc:
                self.close()
                raise LiveUnavailable("The PostgreSQL live connection broke.") from exc
        return self._buffer.popleft()

    def close(self) -> None:
        if not self._conn.closed:
            self._conn.close()


class PostgresBroker(Broker):
    """LISTEN/NOTIFY on one channel.

    Without `conninfo`, Django's default database: NOTIFY goes through Django's connection
    (inside a transaction PostgreSQL delivers it at commit), LISTEN through a connection of
    its own per subscription. With `conninfo`, both use their own connections.
    """

    def __init__(self, conninfo: str | None = None) -> None:
        self._conninfo = conninfo
        self._lock = threading.Lock()
        self._publisher: psycopg.Connection[Any] | None = None

    def _connect(self) -> "psycopg.Connection[Any]":
        import psycopg

        params = {} if self._conninfo else django_connect_params()
        params.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        return psycopg.connect(self._conninfo or "", autocommit=True, **params)

    def publish(self, topic: str, payload: str) -> None:
        size = len(payload.encode())
        if size > MAX_NOTIFY_BYTES:
            logger.warning(
                "Live message on %s refused: %d bytes is over the NOTIFY limit of %d.",
                topic,
                size,
                MAX_NOTIFY_BYTES,
            )
            return
        if self._conninfo is None:
            connection = transaction.get_connection()
            # A savepoint inside a transaction, so a failure cannot break the caller's.
            savepoint = connection.in_atomic_block
            with transaction.atomic(savepoint=savepoint), connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])
            return
        with self._lock:
            if self._publisher is None or self._publisher.closed:
                self._publisher = self._connect()
            try:
                self._publisher.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])
            except Exception:
                self._publisher.close()
                raise

    def subscribe(self, topics: Collection[str]) -> PostgresSubscription:
        import psycopg

        try:
            conn = self._connect()
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            raise LiveUnavailable("Cannot LISTEN on PostgreSQL.") from exc
        return PostgresSubscription(conn, topics)


# -- Redis --------------------------------------------------------------------------------


def redis_channel(topic: str) -> str:
    return f"{CHANNEL}:{topic}"


class RedisSubscription(Subscription):
    def __init__(self, pubsub: "redis.client.PubSub", topics: Collection[str]) -> None:
        super().__init__(topics)
        self._pubsub = pubsub
        self._closed = False
        self._buffer: deque[LiveMessage] = deque()

    def confirm(self, timeout: float) -> None:
        """Wait until Redis confirmed every channel, so a message published after
        subscribe() returns is received (as LISTEN and the memory backend guarantee)."""
        pending = len(self.topics)
        deadline = time.monotonic() + timeout
        while pending and (remaining := deadline - time.monotonic()) > 0:
            raw = self._pubsub.get_message(timeout=remaining)
            if raw is None:
                continue
            if raw.get("type") == "subscribe":
                pending -= 1
            else:
                self._accept(raw)
        if pending:
            raise LiveUnavailable("Redis did not confirm the subscription.")

    def get(self, timeout: float) -> LiveMessage | None:
        import redis

        deadline = time.monotonic() + max(0.0, timeout)
        while not self._buffer:
            if self._closed:
                raise LiveUnavailable("The subscription is closed.")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                raw = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=remaining)
            except redis.RedisError as exc:
                self.close()
                raise LiveUnavailable("The Redis live connection broke.") from exc
            if raw is not None:
                self._accept(raw)
        return self._buffer.popleft()

    def _accept(self, raw: dict[str, Any]) -> None:
        if raw.get("type") != "message":
            return
        message = decode(raw["data"])
        if message is not None and message.topic in self.topics:
            self._buffer.append(message)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._pubsub.close()


class RedisBroker(Broker):
    """Redis pub/sub, one channel per topic. `redis` is imported only when chosen."""

    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=30
        )

    def publish(self, topic: str, payload: str) -> None:
        self._client.publish(redis_channel(topic), payload)

    def subscribe(self, topics: Collection[str]) -> RedisSubscription:
        import redis

        pubsub = self._client.pubsub()  # type: ignore[no-untyped-call]
        subscription = RedisSubscription(pubsub, topics)
        try:
            pubsub.subscribe(*(redis_channel(topic) for topic in subscription.topics))
            subscription.confirm(CONNECT_TIMEOUT_SECONDS)
        except (redis.RedisError, LiveUnavailable) as exc:
            subscription.close()
            raise LiveUnavailable("Cannot subscribe on Redis.") from exc
        return subscription


# -- the module interface -----------------------------------------------------------------

_brokers: dict[tuple[str, str], Broker] = {}
_brokers_lock = threading.Lock()


def backend_name() -> str:
    """The configured backend, or the default for this deployment."""
    configured = str(getattr(settings, "FRONTDESK_LIVE_BACKEND", "") or "").strip().lower()
    if configured:
        if configured not in BACKENDS:
            raise ImproperlyConfigured(
                f"FRONTDESK_LIVE_BACKEND must be one of {', '.join(BACKENDS)}, not {configured!r}."
            )
        return configured
    if settings.REDIS_URL:
        return "redis"
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return "postgres"
    return "memory"


def get_broker() -> Broker:
    """The broker for the current settings (one per backend and process)."""
    name = backend_name()
    key = (name, settings.REDIS_URL if name == "redis" else "")
    with _brokers_lock:
        broker = _brokers.get(key)
        if broker is None:
            broker = _brokers[key] = _create(name)
        return broker


def _create(name: str) -> Broker:
    if name == "redis":
        if not settings.REDIS_URL:
            raise ImproperlyConfigured("FRONTDESK_LIVE_BACKEND=redis needs REDIS_URL.")
        return RedisBroker(settings.REDIS_URL)
    if name == "postgres":
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            raise ImproperlyConfigured("FRONTDESK_LIVE_BACKEND=postgres needs PostgreSQL.")
        return PostgresBroker()
    return MemoryBroker()


def publish(topic: str, data: dict[str, Any]) -> None:
    """Send `data` to the subscribers of `topic`. Thread-safe; logs and drops on failure."""
    try:
        payload = encode(topic, data)
        get_broker().publish(topic, payload)
    except Exception:
        logger.warning("Live message on %s dropped.", topic, exc_info=True)


def subscribe(topics: Collection[str]) -> Subscription:
    """Receive the messages on `topics`. Raises LiveUnavailable if the broker is down."""
    return get_broker().subscribe(topics)


def user_topic(user_id: int) -> str:
    """The topic of messages meant for one user only (their notifications)."""
    return f"user:{user_id}"
