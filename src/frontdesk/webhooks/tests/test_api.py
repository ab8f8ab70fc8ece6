"""The webhooks API: administrators only; URLs the guard refuses are a 422; the secret is
shown once; the delivery log and the test ping."""

from typing import Any

import pytest

from frontdesk.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

URL = "https://93.184.215.14/hooks"


def body(**fields: Any) -> dict[str, Any]:
    return {"name": "CRM", "url": URL, "event_types": ["ticket.created"], **fields}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://localhost/hook",
        "ftp://93.184.215.14/",
    ],
)
def test_internal_urls_are_refused_when_saved(desk, as_user, url):
    response = as_user(desk.carol).post("/api/v1/webhooks", body(url=url), "application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "webhook_url_refused"
    assert response.json()["details"] == {"field": "url"}


def test_an_allowed_host_may_be_saved(desk, as_user, settings):
    settings.FRONTDESK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    client = as_user(desk.carol)
    response = client.post("/api/v1/webhooks", body(url="http://127.0.0.1:9/h"), "application/json")
    assert response.status_code == 201


def test_the_secret_is_shown_once_and_rotated_on_request(desk, as_user):
    client = as_user(desk.carol)
    created = client.post("/api/v1/webhooks", body(), "application/json").json()
    assert created["secret"].startswith("whsec_")
    assert created["secret_hint"] == created["secret"][-4:]
    path = f"/api/v1/webhooks/{created['id']}"
    assert client.get(path).json()["secret"] is None
    same = client.put(path, body(name="CRM 2"), "application/json").json()
    assert same["secret"] is None
    assert same["secret_hint"] == created["secret_hint"]
    rotated = client.put(path, body(rotate_secret=True), "application/json").json()
    assert rotated["secret"] not in (None, created["secret"])


def test_unknown_event_types_are_refused(desk, as_user):
    response = as_user(desk.carol).post(
        "/api/v1/webhooks", body(event_types=["ticket.exploded"]), "application/json"
    )
    assert response.status_code == 422


def test_the_test_ping_is_queued_and_logged(desk, as_user):
    client = as_user(desk.carol)
    created = client.post("/api/v1/webhooks", body(), "application/json").json()
    response = client.post(f"/api/v1/webhooks/{created['id']}/test")
    assert response.status_code == 202
    assert response.json()["event_type"] == "ping"
    assert response.json()["state"] == "pending"
    log = client.get(f"/api/v1/webhooks/{created['id']}/deliveries").json()
    assert [d["event_type"] for d in log] == ["ping"]
    assert log[0]["payload"]["data"]["webhook"] == {"id": created["id"], "name": "CRM"}
    assert WebhookDelivery.objects.count() == 1


def test_only_administrators(desk, as_user):
    for user, status in ((desk.bob, 404), (desk.alice, 403), (desk.sam, 403)):
        assert as_user(user).get("/api/v1/webhooks").status_code == status
