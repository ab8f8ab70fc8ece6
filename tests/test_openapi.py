"""The committed OpenAPI schema is the contract: any change to the API must show up as a
diff of src/frontdesk/api/openapi.json (regenerate with `make schema`)."""

from pathlib import Path

from frontdesk.core.management.commands.export_openapi import openapi_json

COMMITTED = Path(__file__).resolve().parent.parent / "src/frontdesk/api/openapi.json"


def test_committed_schema_matches_generated():
    assert COMMITTED.read_text() == openapi_json(), (
        "The API changed: run `make schema` and commit src/frontdesk/api/openapi.json."
    )


def test_schema_is_openapi_31_with_bearer_auth():
    import json

    schema = json.loads(COMMITTED.read_text())
    assert schema["openapi"].startswith("3.1")
    assert "TokenAuth" in schema["components"]["securitySchemes"]


def test_served_schema_is_the_committed_one(client):
    import json

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"] == json.loads(COMMITTED.read_text())["paths"]
