"""The reports API: who may read, the filters, CSV and JSON exports (formula cells
neutralised), the incremental ticket export's cursor, and the forecast."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import token_client

from frontdesk.reports import actions as report_actions
from frontdesk.reports.exports import neutralise, to_csv
from frontdesk.reports.forecast import forecast


def test_readers_only(desk: Any, make_ticket: Any) -> None:
    make_ticket()
    assert token_client(desk.sam).get("/api/v1/reports/overview").status_code == 200
    assert token_client(desk.carol).get("/api/v1/reports/overview").status_code == 200
    refused = token_client(desk.alice).get("/api/v1/reports/overview")
    assert refused.status_code == 403
    assert refused.json()["code"] == "reports_readers_only"
    assert token_client(desk.bob).get("/api/v1/reports/overview").status_code == 404


def test_filters_are_checked(desk: Any) -> None:
    client = token_client(desk.sam)
    for query in ("from=yesterday", "priority=huge", "team=x", "from=2026-02-01&to=2026-01-01"):
        response = client.get(f"/api/v1/reports/overview?{query}")
        assert response.status_code == 422, query
        assert response.json()["code"] == "invalid_filter"
    assert client.get("/api/v1/reports/breakdown/colour").status_code == 422


def test_overview_counts_with_filters(desk: Any, make_ticket: Any) -> None:
    make_ticket(team=desk.support)
    make_ticket(team=desk.billing)
    report_actions.rebuild_all()
    client = token_client(desk.carol)
    today = datetime.now(tz=UTC).date().isoformat()
    body = client.get(f"/api/v1/reports/overview?from={today}&to={today}").json()
    assert body["volume"]["created"] == 2
    body = client.get(f"/api/v1/reports/overview?to={today}&team={desk.billing.pk}").json()
    assert body["volume"]["created"] == 1
    assert body["filters"]["team"] == str(desk.billing.pk)


def test_csv_cells_are_neutralised(desk: Any, make_ticket: Any) -> None:
    for subject in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "plain"):
        make_ticket(subject=subject)
    report_actions.rebuild_all()
    response = token_client(desk.carol).get("/api/v1/reports/tickets?view=open&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    subjects = {row["subject"] for row in rows}
    assert subjects == {"'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "plain"}
    # Subjects are stripped when stored; other text cells may still start with tab or CR.
    assert (neutralise("\tx"), neutralise("\rx")) == ("'\tx", "'\rx")
    as_json = token_client(desk.carol).get("/api/v1/reports/tickets?view=open&format=json")
    assert {row["subject"] for row in as_json.json()} >= {"=HYPERLINK(1)", "plain"}
    assert neutralise(-3) == -3
    assert to_csv(["a"], [[-3]]) == "a\r\n-3\r\n"


def test_report_csv(desk: Any, make_ticket: Any) -> None:
    make_ticket()
    report_actions.rebuild_all()
    response = token_client(desk.sam).get("/api/v1/reports/overview?format=csv")
    text = response.content.decode()
    assert text.startswith("metric,value\r\n")
    assert "volume.created,1" in text
    agents = token_client(desk.sam).get("/api/v1/reports/breakdown/team?format=csv")
    assert agents.content.decode().startswith("key,label,created")


def test_incremental_export_pages_by_update_time(desk: Any, make_ticket: Any) -> None:
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for i in range(3):
        make_ticket(subject=f"T{i}", now=start + timedelta(minutes=i))
    client = token_client(desk.carol)
    first = client.get("/api/v1/reports/tickets/incremental?start_time=2026-01-01T00:00:00Z")
    body = first.json()
    assert [t["subject"] for t in body["tickets"]] == ["T0", "T1", "T2"]
    assert body["more"] is False
    again = client.get(f"/api/v1/reports/tickets/incremental?cursor={body['cursor']}").json()
    assert again["tickets"] == []
    assert again["cursor"] == body["cursor"]
    bad = client.get("/api/v1/reports/tickets/incremental?cursor=!!!")
    assert bad.status_code == 422
    assert token_client(desk.alice).get("/api/v1/reports/tickets/incremental").status_code == 403


def test_forecast_endpoint_and_model(desk: Any) -> None:
    body = token_client(desk.sam).get("/api/v1/reports/forecast").json()
    assert len(body["forecast"]) == 14
    # A clean weekly pattern: both models are near exact on the held-out fortnight.
    weekly = [10, 12, 11, 13, 9, 2, 1] * 12
    result = forecast(weekly)
    assert result.mae is not None
    assert result.mae < 0.5
    assert [round(v) for v in result.values[:7]] == weekly[:7]
    assert len(result.holdout_actual) == 14
    short = forecast([3, 4])
    assert short.method == "mean"
    assert short.values[0] == 3.5


def test_overview_deflection_from_the_knowledge_base(desk: Any) -> None:
    from frontdesk.kb.models import Deflection

    two_days_ago = datetime.now(tz=UTC) - timedelta(days=2)
    Deflection.objects.create(visit="v1", query="printer", shown_at=two_days_ago)
    Deflection.objects.create(visit="v2", query="vpn", shown_at=two_days_ago)
    body = token_client(desk.sam).get("/api/v1/reports/overview").json()
    # Two visits shown suggestions, settled (over a day old), neither submitted a ticket.
    assert body["deflection"] == {
        "available": True,
        "deflected": 2,
        "attempts": 2,
        "pending": 0,
        "rate": 100.0,
    }
