import json


def test_create_list_reply_update(desk, as_user):
    client = as_user(desk.alice)
    r = client.post(
        "/api/v1/tickets",
        json.dumps(
            {
                "subject": "Hello",
                "body": "World",
                "requester_email": "new@example.org",
                "team_id": desk.support.pk,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    r = client.get("/api/v1/tickets")
    assert r.status_code == 200, r.content
    assert [t["number"] for t in r.json()["items"]] == [number]
    r = client.post(
        f"/api/v1/tickets/{number}/replies",
        json.dumps({"body": "On it"}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    r = client.get(f"/api/v1/tickets/{number}")
    assert r.json()["status"] == "open"
    v = r.json()["version"]
    r = client.patch(
        f"/api/v1/tickets/{number}",
        json.dumps({"version": v, "priority": "high", "tags": ["VIP", "x"]}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["tags"] == ["vip", "x"]
    r = client.patch(
        f"/api/v1/tickets/{number}",
        json.dumps({"version": v, "priority": "low"}),
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "version_conflict"
