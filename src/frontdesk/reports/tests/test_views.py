"""Report pages: who sees them, filters in the URL, chart data beside tables, exports,
and scheduled reports through the outbox."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.test import Client

from frontdesk.outbox.models import OutboundEmail
from frontdesk.reports import actions as report_actions
from frontdesk.reports.models import ScheduledReport


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_for_supervisors_and_admins(desk: Any, make_ticket: Any) -> None:
    make_ticket(subject="=cmd")
    report_actions.rebuild_all()
    client = signed_in(desk.sam)
    for path in ("", "teams/", "agents/", "channels/", "sla/"):
        response = client.get(f"/desk/reports/{path}?team={desk.support.pk}")
        assert response.status_code == 200, path
        html = response.content.decode()
        assert 'id="report-charts"' in html
        assert "vendor/chart.umd.min.js" in html
        assert f'<option value="{desk.support.pk}" selected>' in html
        assert "<script>" not in html  # no inline script: CSP
    assert signed_in(desk.carol).get("/desk/reports/").status_code == 200
    assert signed_in(desk.alice).get("/desk/reports/").status_code == 403
    assert signed_in(desk.bob).get("/desk/reports/").status_code == 404
    assert signed_in(desk.sam).get("/desk/reports/nope/").status_code == 404
    assert signed_in(desk.sam).get("/desk/reports/?from=bad").status_code == 422


def test_chart_js_is_loaded_only_on_report_pages(desk: Any) -> None:
    html = signed_in(desk.sam).get("/desk/").content.decode()
    assert "chart.umd.min.js" not in html


def test_exports(desk: Any, make_ticket: Any) -> None:
    make_ticket()
    report_actions.rebuild_all()
    client = signed_in(desk.sam)
    response = client.get("/desk/reports/overview.csv?from=2026-01-01&to=2026-01-31")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('2026-01-01-2026-01-31.csv"')
    assert response.content.decode().startswith("metric,value")
    teams = client.get("/desk/reports/teams.json")
    assert teams.json()["rows"][0]["label"] == "Support"
    assert signed_in(desk.alice).get("/desk/reports/teams.csv").status_code == 403


def test_scheduled_report_is_emailed_once_a_day(desk: Any, make_ticket: Any) -> None:
    make_ticket()
    client = signed_in(desk.sam)
    response = client.post(
        "/desk/reports/schedules/",
        {
            "name": "Weekly",
            "page": "overview",
            "frequency": "weekly",
            "weekday": "0",
            "hour": "7",
            "recipients": [desk.sam.pk, desk.carol.pk],
        },
    )
    assert response.status_code == 302
    schedule = ScheduledReport.objects.get()
    monday_8 = datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert report_actions.send_due_reports(now=monday_8 - timedelta(hours=2)) == 0  # 06:00
    assert report_actions.send_due_reports(now=monday_8) == 1
    assert report_actions.send_due_reports(now=monday_8 + timedelta(hours=1)) == 0
    email = OutboundEmail.objects.get()
    assert sorted(email.to) == sorted([desk.sam.email, desk.carol.email])
    assert "Created:" in email.body_text
    assert "2026-11-16 to 2026-11-22" in email.subject
    assert report_actions.send_due_reports(now=monday_8 + timedelta(days=1)) == 0  # Tuesday
    schedule.refresh_from_db()
    assert schedule.last_sent_on == monday_8.date()
    page = client.get("/desk/reports/schedules/").content.decode()
    assert "Weekly" in page
    refused = signed_in(desk.sam).post(
        "/desk/reports/schedules/",
        {"name": "To an agent", "page": "overview", "recipients": [desk.alice.pk]},
    )
    assert refused.status_code == 422


def test_ticket_views_link_their_export_for_report_readers(desk: Any, make_ticket: Any) -> None:
    make_ticket(subject="=SUM(1)")
    html = signed_in(desk.sam).get("/desk/views/open/").content.decode()
    assert "/api/v1/reports/tickets?view=open&amp;format=csv" in html
    export = signed_in(desk.sam).get("/api/v1/reports/tickets?view=open&format=csv")
    assert export.status_code == 200
    assert "'=SUM(1)" in export.content.decode()
    assert (
        "/api/v1/reports/tickets"
        not in signed_in(desk.alice).get("/desk/views/open/").content.decode()
    )
