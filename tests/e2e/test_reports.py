"""Reports in a real browser: a supervisor (of support; billing's tickets are not counted
for him) opens the dashboard, narrows the date range and
the team (kept in the URL), and downloads the CSV; charts are drawn by Chart.js beside
their tables; axe finds nothing serious."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Desk
from playwright.sync_api import expect
from tests.e2e.conftest import run_axe

# Transactional: the live server's thread must see the data (statuses: see conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)


def test_supervisor_filters_the_dashboard_and_exports_csv(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Any]
) -> None:
    today = datetime.now(tz=UTC)
    make_ticket(team=desk.support, subject="Support one")
    make_ticket(team=desk.support, subject="Support two")
    make_ticket(team=desk.billing, subject="Billing one")
    make_ticket(team=desk.support, subject="Long ago", now=today - timedelta(days=100))

    page = open_page("sam")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports: Overview")
    # Sam supervises support: billing's ticket is not his to count.
    expect(page.locator("[data-metric=created]")).to_have_text("2")
    assert page.evaluate("typeof window.Chart") == "function"
    assert page.evaluate("document.querySelectorAll('canvas[data-chart]').length") == 4
    expect(page.get_by_role("table").first).to_be_visible()
    assert run_axe(page) == []

    start = (today - timedelta(days=120)).date().isoformat()
    page.get_by_label("From").fill(start)
    page.get_by_label("Team").select_option(label="Support")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(
        f"{page.url.split('?')[0]}?from={start}&to={today.date().isoformat()}&team={desk.support.pk}&agent=&channel=&priority=&tag="
    )
    expect(page.locator("[data-metric=created]")).to_have_text("3")
    assert run_axe(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV").click()
    download = info.value
    text = Path(download.path()).read_text()
    assert download.suggested_filename.startswith(f"report-overview-{start}")
    assert text.startswith("metric,value")
    assert "volume.created,3" in text

    page.get_by_role("link", name="Teams", exact=True).click()
    expect(page).to_have_url(
        f"{page.url.split('?')[0]}?from={start}&to={today.date().isoformat()}&team={desk.support.pk}"
    )
    expect(page.get_by_role("rowheader", name="Support")).to_be_visible()
    assert run_axe(page) == []
