"""The live broadcaster: the in-process fan-out, and PostgreSQL and Redis when reachable."""

import io
import logging
import subprocess
import threading
import time
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from frontdesk.core import live
from frontdesk.core.management.commands.run import Command

PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def fresh_brokers(monkeypatch):
    """Every test starts with no broker, so no subscriber leaks from one test to another."""
    monkeypatch.setattr(live, "_brokers", {})


def topic() -> str:
    """A topic no other test (or xdist worker sharing a server) publishes on."""
    return f"test:{uuid.uuid4().hex}"


# -- memory -------------------------------------------------------------------------------


def test_memory_fans_out_to_every_subscriber():
    broker = live.MemoryBroker()
    with broker.subscribe(["a"]) as first, broker.subscribe(["a", "b"]) as second:
        broker.publish("a", live.encode("a", {"n": 1}))
        assert first.get(timeout=1) == live.LiveMessage("a", {"n": 1})
        assert second.get(timeout=1) == live.LiveMessage("a", {"n": 1})


def test_memory_delivers_only_subscribed_topics():
    broker = live.MemoryBroker()
    with broker.subscribe(["a"]) as only_a, broker.subscribe(["b"]) as only_b:
        broker.publish("b", live.encode("b", {"n": 2}))
        assert only_a.get(timeout=0.05) is None
        assert only_b.get(timeout=1) == live.LiveMessage("b", {"n": 2})


def test_memory_full_queue_drops_the_oldest_and_never_blocks():
    broker = live.MemoryBroker(queue_size=3)
    with broker.subscribe(["a"]) as slow:
        started = time.monotonic()
        for n in range(5):
            broker.publish("a", live.encode("a", {"n": n}))
        assert time.monotonic() - started < 0.5
        received = [message.data["n"] for message in iter(lambda: slow.get(timeout=0), None)]
    assert received == [2, 3, 4]
    assert slow.dropped == 2


def test_get_times_out_with_none():
    broker = live.MemoryBroker()
    with broker.subscribe(["a"]) as subscription:
        started = time.monotonic()
        assert subscription.get(timeout=0.2) is None
        assert 0.15 <= time.monotonic() - started < 1


def test_a_waiting_get_wakes_up_on_publish():
    broker = live.MemoryBroker()
    with broker.subscribe(["a"]) as subscription:
        timer = threading.Timer(0.1, broker.publish, ["a", live.encode("a", {"n": 1})])
        timer.start()
        started = time.monotonic()
        assert subscription.get(timeout=5) == live.LiveMessage("a", {"n": 1})
        assert time.monotonic() - started < 2
        timer.join()


def test_closing_unsubscribes_and_a_closed_subscription_refuses_get():
    broker = live.MemoryBroker()
    subscription = broker.subscribe(["a"])
    subscription.close()
    subscription.close()  # idempotent
    broker.publish("a", live.encode("a", {}))
    assert broker._by_topic == {}
    with pytest.raises(live.LiveUnavailable):
        subscription.get(timeout=0)


def test_publishers_on_many_threads_lose_nothing_under_the_queue_size():
    broker = live.MemoryBroker(queue_size=1000)
    with broker.subscribe(["a"]) as subscription:

        def send(thread: int) -> None:
            for n in range(50):
                broker.publish("a", live.encode("a", {"t": thread, "n": n}))

        threads = [threading.Thread(target=send, args=[t]) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        received = list(iter(lambda: subscription.get(timeout=0), None))
    assert len(received) == 400
    for t in range(8):  # each publisher's messages arrive in its order
        assert [m.data["n"] for m in received if m.data["t"] == t] == list(range(50))


def test_publish_and_subscribe_use_the_configured_backend(settings):
    settings.FRONTDESK_LIVE_BACKEND = "memory"
    with live.subscribe(["a"]) as subscription:
        live.publish("a", {"n": 1})
        assert subscription.get(timeout=1) == live.LiveMessage("a", {"n": 1})


def test_publish_never_raises(settings, caplog):
    settings.FRONTDESK_LIVE_BACKEND = "memory"
    with caplog.at_level(logging.WARNING, logger="frontdesk.core.live"):
        live.publish("a", {"not json": object()})
    assert "dropped" in caplog.text

    settings.FRONTDESK_LIVE_BACKEND = "carrier-pigeon"
    live.publish("a", {"n": 1})  # misconfigured: logged, not raised


def test_backend_defaults(settings):
    settings.FRONTDESK_LIVE_BACKEND = ""
    settings.REDIS_URL = ""
    expected = "postgres" if connection.vendor == "postgresql" else "memory"
    assert live.backend_name() == expected
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert live.backend_name() == "redis"
    settings.FRONTDESK_LIVE_BACKEND = "Memory"
    assert live.backend_name() == "memory"
    settings.FRONTDESK_LIVE_BACKEND = "kafka"
    with pytest.raises(ImproperlyConfigured):
        live.backend_name()


def test_malformed_payloads_are_ignored():
    assert live.decode("not json") is None
    assert live.decode('{"topic": 1, "data": {}}') is None
    assert live.decode('{"topic": "a", "data": []}') is None
    assert live.decode('{"topic": "a", "data": {"n": 1}}') == live.LiveMessage("a", {"n": 1})


# -- PostgreSQL ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_url() -> str:
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(PG_URL, connect_timeout=2).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}: {exc}")
    return PG_URL


def test_postgres_fans_out_with_topic_filtering(pg_url):
    broker = live.PostgresBroker(pg_url)
    a, b = topic(), topic()
    with (
        broker.subscribe([a]) as first,
        broker.subscribe([a]) as second,
        broker.subscribe([b]) as other,
    ):
        broker.publish(a, live.encode(a, {"n": 1}))
        assert first.get(timeout=5) == live.LiveMessage(a, {"n": 1})
        assert second.get(timeout=5) == live.LiveMessage(a, {"n": 1})
        assert other.get(timeout=0.2) is None


def test_postgres_delivers_a_burst_in_order(pg_url):
    broker = live.PostgresBroker(pg_url)
    a = topic()
    with broker.subscribe([a]) as subscription:
        for n in range(20):
            broker.publish(a, live.encode(a, {"n": n}))
        received = [subscription.get(timeout=5) for _ in range(20)]
        assert [m.data["n"] for m in received if m] == list(range(20))
        assert subscription.get(timeout=0.1) is None


def test_postgres_get_times_out_with_none(pg_url):
    with live.PostgresBroker(pg_url).subscribe([topic()]) as subscription:
        started = time.monotonic()
        assert subscription.get(timeout=0.3) is None
        assert 0.25 <= time.monotonic() - started < 2


def test_postgres_refuses_oversized_payloads(pg_url, caplog):
    broker = live.PostgresBroker(pg_url)
    a = topic()
    with broker.subscribe([a]) as subscription:
        with caplog.at_level(logging.WARNING, logger="frontdesk.core.live"):
            broker.publish(a, live.encode(a, {"blob": "x" * 8000}))
        assert "NOTIFY limit" in caplog.text
        assert subscription.get(timeout=0.3) is None
        broker.publish(a, live.encode(a, {"n": 1}))  # the broker still works
        assert subscription.get(timeout=5) == live.LiveMessage(a, {"n": 1})


def test_postgres_closed_subscription_refuses_get(pg_url):
    subscription = live.PostgresBroker(pg_url).subscribe([topic()])
    subscription.close()
    subscription.close()
    with pytest.raises(live.LiveUnavailable):
        subscription.get(timeout=0)


def test_postgres_unreachable_is_live_unavailable():
    broker = live.PostgresBroker("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    with pytest.raises(live.LiveUnavailable):
        broker.subscribe(["a"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the test database is not PostgreSQL")
def test_postgres_through_djangos_connection(settings):
    """The default broker: NOTIFY through Django's connection, LISTEN with its parameters."""
    settings.FRONTDESK_LIVE_BACKEND = "postgres"
    a = topic()
    with live.subscribe([a]) as subscription:
        live.publish(a, {"n": 1})
        assert subscription.get(timeout=5) == live.LiveMessage(a, {"n": 1})


# -- Redis --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


def test_redis_fans_out_with_topic_filtering(redis_url):
    broker = live.RedisBroker(redis_url)
    a, b = topic(), topic()
    with (
        broker.subscribe([a]) as first,
        broker.subscribe([a, b]) as second,
        broker.subscribe([b]) as other,
    ):
        broker.publish(a, live.encode(a, {"n": 1}))
        assert first.get(timeout=5) == live.LiveMessage(a, {"n": 1})
        assert second.get(timeout=5) == live.LiveMessage(a, {"n": 1})
        assert other.get(timeout=0.2) is None


def test_redis_get_times_out_with_none(redis_url):
    with live.RedisBroker(redis_url).subscribe([topic()]) as subscription:
        started = time.monotonic()
        assert subscription.get(timeout=0.3) is None
        assert 0.25 <= time.monotonic() - started < 2


def test_redis_closed_subscription_refuses_get(redis_url):
    subscription = live.RedisBroker(redis_url).subscribe([topic()])
    subscription.close()
    with pytest.raises(live.LiveUnavailable):
        subscription.get(timeout=0)


def test_redis_is_the_default_with_redis_url(redis_url, settings):
    settings.FRONTDESK_LIVE_BACKEND = ""
    settings.REDIS_URL = redis_url
    a = topic()
    with live.subscribe([a]) as subscription:
        assert isinstance(subscription, live.RedisSubscription)
        live.publish(a, {"n": 1})
        assert subscription.get(timeout=5) == live.LiveMessage(a, {"n": 1})


# -- `frontdesk run` ----------------------------------------------------------------------


def run_command(stderr: io.StringIO | None = None) -> Command:
    return Command(stdout=io.StringIO(), stderr=stderr or io.StringIO())


def test_run_defaults_to_one_web_worker_with_the_memory_backend(settings, monkeypatch):
    monkeypatch.delenv("FRONTDESK_WEB_WORKERS", raising=False)
    settings.FRONTDESK_LIVE_BACKEND = "memory"
    assert run_command()._web_workers(None) == 1
    settings.FRONTDESK_LIVE_BACKEND = "redis"
    assert run_command()._web_workers(None) == 2


def test_run_warns_about_several_workers_with_the_memory_backend(settings, monkeypatch):
    settings.FRONTDESK_LIVE_BACKEND = "memory"
    monkeypatch.setenv("FRONTDESK_WEB_WORKERS", "3")
    warnings = io.StringIO()
    assert run_command(warnings)._web_workers(None) == 3
    assert "memory live backend" in warnings.getvalue()
    assert run_command()._web_workers(4) == 4  # --workers wins over the environment
    settings.FRONTDESK_LIVE_BACKEND = "postgres"
    warnings = io.StringIO()
    assert run_command(warnings)._web_workers(None) == 3
    assert warnings.getvalue() == ""


def test_run_gives_wsgi_its_blocking_threads(settings, monkeypatch):
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda command, **kw: started.append(command))
    monkeypatch.delenv("FRONTDESK_SERVER_INTERFACE", raising=False)
    settings.FRONTDESK_WEB_THREADS = 12
    run_command()._start({"host": "127.0.0.1", "port": 8000, "workers": 1})
    web = started[0]
    assert web[web.index("--blocking-threads") + 1] == "12"
    assert web[web.index("--workers") + 1] == "1"
    assert web[-1] == "frontdesk.config.wsgi:application"
