"""A stand-in for Slack's Web API on loopback: records each call (method, headers, body)
and answers like Slack for `chat.postMessage` and `users.info`."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class StandIn:
    url: str
    calls: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_posts: bool = False

    def posts(self) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["method"] == "chat.postMessage"]


@contextmanager
def slack_stand_in() -> Iterator[StandIn]:
    state = StandIn(url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, data: dict[str, Any]) -> None:
            raw = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            method = parts.path.rsplit("/", 1)[-1]
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            state.calls.append(
                {
                    "method": method,
                    "authorization": self.headers.get("Authorization"),
                    "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                    "json": body,
                }
            )
            if method == "chat.postMessage":
                if state.fail_posts:
                    self._answer({"ok": False, "error": "channel_not_found"})
                else:
                    self._answer({"ok": True, "ts": f"1700000100.{len(state.calls):06d}"})
            elif method == "users.info":
                user = state.users.get(parse_qs(parts.query).get("user", [""])[0])
                self._answer(
                    {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
                )
            else:
                self._answer({"ok": False, "error": "unknown_method"})

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
