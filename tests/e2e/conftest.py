"""Browser tests: Debian's Chromium driven by Playwright against a live server.

They skip, saying why, when Chromium, Playwright or the npm assets are missing, so
`make test` passes on a bare machine; `.ci/run` installs all three.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Desk

from frontdesk.tickets.views.live import STREAMS

CHROMIUM = os.environ.get("FRONTDESK_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "src/frontdesk/static/vendor/htmx.min.js"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
PASSWORDS = {"alice": "pw-alice", "sam": "pw-sam", "carol": "pw-carol", "dave": "pw-dave"}

# Playwright's sync API runs an event loop in the test thread; the Django ORM calls the
# tests make there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Assertions wait as long as actions do (10 s) unless a test states its own bound (the
# 2-second live-update checks do): the test server handles one request at a time on a
# shared in-memory database, and a busy CI machine made 5-second waits miss now and then.
EXPECT_TIMEOUT_MS = 10_000


def _missing() -> str | None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"no Chromium at {CHROMIUM} (Debian: apt install chromium)"
    if not VENDOR.exists():
        return "front-end assets missing (run `make assets`; needs npm)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make test installs requirements-dev.lock)"
    return None


MISSING = _missing()
if MISSING and os.environ.get("FRONTDESK_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"browser tests required but cannot run: {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path) and MISSING:
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(autouse=True)
def _e2e_settings(settings: Any) -> None:
    # Streams that outlast each test (a reconnection gap mid-test could drop a presence
    # message) but not the session: a stream holds one of the live server's threads.
    settings.FRONTDESK_LIVE_STREAM_SECONDS = 20


@pytest.fixture(autouse=True)
def _default_statuses(migration_rows: None) -> None:
    """Browser tests are transactional (the live server's thread must see the data)."""


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Any, live_server: Any, desk: Desk) -> Iterator[Callable[..., Any]]:
    """A new browser context signed in as `name` through the real sign-in form."""
    contexts: list[Any] = []

    def open_as(name: str, *, width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        from playwright.sync_api import expect

        context.set_default_timeout(10_000)
        expect.set_options(timeout=EXPECT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(f"{name}@example.com")
        page.get_by_label("Password").fill(PASSWORDS[name])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/desk/")
        page.wait_for_selector("html[data-app-ready]")
        return page

    yield open_as
    for context in contexts:
        context.close()
    # Streams would otherwise run on in the live server past this test's flush.
    STREAMS.end_all()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the current page."""
    # evaluate() goes through the DevTools protocol, so our strict CSP does not block it
    # (a <script> tag would be, rightly).
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
