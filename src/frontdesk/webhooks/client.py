"""One webhook POST to a checked address (`guard.Target`), bounded in time and size.

The connection goes to `target.ip`, never to a fresh lookup of the host name; the host
name is still sent as `Host` and as the TLS server name (SNI), and the certificate is
verified against it. Redirects are not followed (the standard library's client never
follows them: a 3xx is just the answer). The whole exchange is cut off after `timeout`
seconds (a timer shuts the socket, so a server that drips bytes cannot hold a worker), and
at most `max_bytes` of the answer are read.
"""

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from frontdesk.webhooks.guard import Target


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most max_bytes
    duration_ms: int


class DeliveryError(Exception):
    """No HTTP answer: a timeout, a refused connection, a TLS failure."""

    def __init__(self, text: str, *, duration_ms: int, timeout: bool = False) -> None:
        super().__init__(text)
        self.text = text
        self.duration_ms = duration_ms
        self.timeout = timeout


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._ip = target.ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._ip = target.ip
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def post(
    target: Target,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float,
    max_bytes: int,
    tls: ssl.SSLContext | None = None,
) -> Answer:
    """POST `body` to `target`; the answer, or DeliveryError."""
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target, timeout, tls or ssl.create_default_context())
    else:
        connection = _PinnedHTTPConnection(target, timeout)
    started = time.monotonic()
    cut = threading.Event()

    def cut_off() -> None:
        cut.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(timeout, cut_off)
    timer.daemon = True
    timer.start()
    try:
        connection.request("POST", target.path, body=body, headers=dict(headers))
        response = connection.getresponse()
        data = _read(response, max_bytes)
        return Answer(response.status, data, _ms(started))
    except TimeoutError as exc:
        raise DeliveryError(
            f"no answer within {timeout:g} s", duration_ms=_ms(started), timeout=True
        ) from exc
    except ssl.SSLError as exc:
        raise DeliveryError(f"TLS failed: {exc.reason or exc}", duration_ms=_ms(started)) from exc
    except (OSError, http.client.HTTPException) as exc:
        if cut.is_set():
            raise DeliveryError(
                f"no complete answer within {timeout:g} s", duration_ms=_ms(started), timeout=True
            ) from exc
        raise DeliveryError(_describe(exc), duration_ms=_ms(started)) from exc
    finally:
        timer.cancel()
        connection.close()


def _read(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    chunks, size = [], 0
    while size < max_bytes:
        chunk = response.read(min(8192, max_bytes - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without an answer"
    text = str(exc) or type(exc).__name__
    return f"connection failed: {text}"[:300]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
