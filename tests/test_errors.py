"""Bad input is never a 500: every case below answers with a 4xx and the one error shape
`{code, message, details}` (or succeeds, where the input is merely odd).

Each case runs as the administrator, who passes every permission check, so the input
reaches as deep into the code as it can. Cases that only differ by database (a NUL
character is text to SQLite but refused by PostgreSQL; SQLite's driver refuses integers
beyond 64 bits) list every acceptable outcome.
"""

import json
from typing import Any

import pytest
from conftest import token_client
from django.test import Client

from frontdesk.core.pagination import encode_cursor

HUGE = 10**20  # beyond any 64-bit column
HUGE_PATH = "99999999999999999999"


def case(
    method: str,
    path: str,
    body: Any,
    status: int | set[int],
    code: str | set[str] = "",
    id: str = "",
) -> Any:
    statuses = {status} if isinstance(status, int) else status
    codes = {code} if isinstance(code, str) and code else (code or set())
    return pytest.param(method, path, body, statuses, codes, id=id or f"{method} {path}")


CASES = [
    # --- malformed bodies ---
    case("POST", "/tickets", "{not json", 400, id="malformed-json"),
    case("POST", "/tickets", '{"subject": "a", "body": ', 400, id="truncated-json"),
    case("PATCH", "/tickets/{number}", "{", 400, id="malformed-json-patch"),
    case("POST", "/tickets", "[" * 100_000, 400, id="deeply-nested-json"),
    case("POST", "/tickets", '{"version": ' + "9" * 5000 + "}", 400, id="number-too-long"),
    case("POST", "/tickets", "[1, 2]", 422, "validation_error", id="array-body"),
    case("POST", "/tickets", '"text"', 422, "validation_error", id="string-body"),
    case("POST", "/tickets/{number}/replies", "null", 422, "validation_error", id="null-body"),
    case("POST", "/tickets", b"\xff\xfe\x00", 400, id="not-utf8"),
    # --- unknown fields: input schemas forbid extras (no mass assignment) ---
    case(
        "POST",
        "/tickets",
        {"subject": "a", "body": "b", "is_admin": True},
        422,
        "validation_error",
        id="extra-on-create",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        {"version": 1, "number": 1},
        422,
        "validation_error",
        id="extra-number-on-update",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        {"version": 1, "requester_id": 1},
        422,
        "validation_error",
        id="extra-requester-on-update",
    ),
    case(
        "POST",
        "/tickets/{number}/replies",
        {"body": "x", "is_public": False},
        422,
        "validation_error",
        id="extra-on-reply",
    ),
    case(
        "POST",
        "/tickets/{number}/notes",
        {"body": "x", "kind": "reply"},
        422,
        "validation_error",
        id="extra-on-note",
    ),
    case(
        "POST",
        "/tickets/{number}/merge",
        {"into_number": 1, "force": True},
        422,
        "validation_error",
        id="extra-on-merge",
    ),
    case(
        "POST",
        "/users",
        {"email": "x@y.z", "is_superuser": True},
        422,
        "validation_error",
        id="extra-on-user",
    ),
    case(
        "PATCH",
        "/users/{alice}",
        {"password": "hunter22"},
        422,
        "validation_error",
        id="extra-on-user-update",
    ),
    case(
        "POST",
        "/tokens",
        {"name": "t", "scopes": ["read"], "user_id": 1},
        422,
        "validation_error",
        id="extra-on-token",
    ),
    case(
        "POST",
        "/organizations",
        {"name": "O", "id": 5},
        422,
        "validation_error",
        id="extra-on-organization",
    ),
    case(
        "POST",
        "/statuses",
        {"name": "S", "category": "open", "is_default": True},
        422,
        "validation_error",
        id="extra-on-status",
    ),
    case("POST", "/teams", {"name": "T", "slug": "t"}, 422, "validation_error", id="extra-on-team"),
    # --- wrong types and values outside the schema ---
    case(
        "POST",
        "/tickets",
        {"subject": 123, "body": "x"},
        422,
        "validation_error",
        id="subject-not-a-string",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "tags": "vip"},
        422,
        "validation_error",
        id="tags-not-a-list",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "team_id": "support"},
        422,
        "validation_error",
        id="team-id-not-an-int",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "custom_fields": []},
        422,
        "validation_error",
        id="custom-fields-not-an-object",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "priority": "extreme"},
        422,
        "validation_error",
        id="unknown-priority",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x" * 501, "body": "x"},
        422,
        "validation_error",
        id="subject-too-long",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "   ", "body": "x"},
        422,
        "empty_subject",
        id="blank-subject",
    ),
    case("POST", "/tickets", {"subject": "x", "body": " \n "}, 422, "empty_body", id="blank-body"),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "custom_fields": {"nope": 1}},
        422,
        "invalid_custom_field",
        id="unknown-custom-field",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        {"version": "one"},
        422,
        "validation_error",
        id="version-not-an-int",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        {"priority": "high"},
        422,
        "validation_error",
        id="version-missing",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        '{"version": 1e999}',
        422,
        "validation_error",
        id="version-infinite",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        {"version": 1, "subject": ""},
        422,
        "validation_error",
        id="empty-subject-update",
    ),
    case(
        "POST",
        "/tickets/{number}/merge",
        {"into_number": [1]},
        422,
        "validation_error",
        id="merge-target-a-list",
    ),
    case(
        "POST",
        "/tickets/{number}/followers",
        {"user_id": None},
        422,
        "validation_error",
        id="follower-null",
    ),
    case("POST", "/tickets/{number}/replies", {"body": ""}, 422, "empty_body", id="empty-reply"),
    case(
        "POST",
        "/tickets/{number}/replies",
        {"body": "x", "attachment_ids": ["nope"]},
        422,
        "validation_error",
        id="attachment-id-not-a-uuid",
    ),
    case(
        "POST",
        "/tickets/{number}/replies",
        {"body": "x", "attachment_ids": ["00000000-0000-0000-0000-000000000000"]},
        422,
        "invalid_attachment",
        id="attachment-id-unknown",
    ),
    case(
        "POST",
        "/tickets/{number}/links",
        {"target_number": "{number}"},
        422,
        "invalid_link",
        id="link-to-itself",
    ),
    case(
        "POST",
        "/tickets/{number}/merge",
        {"into_number": "{number}"},
        422,
        "invalid_merge",
        id="merge-into-itself",
    ),
    case(
        "POST",
        "/tokens",
        {"name": "t", "scopes": ["root"]},
        422,
        "validation_error",
        id="unknown-scope",
    ),
    case("POST", "/tokens", {"name": "t", "scopes": []}, 422, "validation_error", id="no-scope"),
    case(
        "POST",
        "/tokens",
        {"name": "t", "scopes": ["read"], "expires_at": "2000-01-01T00:00:00Z"},
        422,
        "invalid_expiry",
        id="token-expired-already",
    ),
    case("POST", "/users", {"email": "not-an-email"}, 422, "validation_error", id="bad-email"),
    case(
        "POST",
        "/custom-fields",
        {"key": "Bad Key", "label": "x", "field_type": "text"},
        422,
        "invalid_key",
        id="bad-custom-field-key",
    ),
    case(
        "POST",
        "/custom-fields",
        {"key": "k", "label": "x", "field_type": "choice"},
        422,
        "invalid_choices",
        id="choice-without-choices",
    ),
    case("GET", "/tickets?limit=0", None, 422, "validation_error", id="limit-zero"),
    case("GET", "/tickets?limit=101", None, 422, "validation_error", id="limit-too-big"),
    case("GET", "/tickets?limit=abc", None, 422, "validation_error", id="limit-not-an-int"),
    case("GET", "/tickets?order=evil", None, 422, "validation_error", id="unknown-order"),
    case(
        "GET",
        "/tickets?created_after=yesterday",
        None,
        422,
        "validation_error",
        id="bad-date-filter",
    ),
    case("GET", "/tickets?unassigned=maybe", None, 422, "validation_error", id="bad-bool-filter"),
    case(
        "GET",
        "/tickets?status_category=nope",
        None,
        422,
        "invalid_filter",
        id="unknown-status-category-filter",
    ),
    case(
        "GET", "/tickets?priority=nope", None, 422, "invalid_filter", id="unknown-priority-filter"
    ),
    case("GET", "/tickets?status=nope", None, 200, id="unknown-status-filter-is-empty"),
    case("GET", "/users?limit=100000", None, 422, "validation_error", id="users-limit"),
    # --- unknown status slugs ---
    case(
        "PATCH",
        "/tickets/{number}",
        {"version": 1, "status": "nope"},
        422,
        "unknown_status",
        id="update-unknown-status",
    ),
    case(
        "POST",
        "/tickets/{number}/replies",
        {"body": "x", "status": "nope"},
        422,
        "unknown_status",
        id="reply-unknown-status",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        {"version": 1, "status": "x" * 101},
        422,
        "validation_error",
        id="status-slug-too-long",
    ),
    case(
        "POST",
        "/statuses",
        {"name": "S", "category": "nope"},
        422,
        "validation_error",
        id="unknown-status-category",
    ),
    # --- path integers: malformed, negative, beyond 64 bits ---
    case("GET", "/tickets/abc", None, 422, "validation_error", id="ticket-number-not-an-int"),
    case("GET", "/tickets/1.5", None, 422, "validation_error", id="ticket-number-a-float"),
    case("GET", "/tickets/-1", None, 404, "not_found", id="ticket-number-negative"),
    case("GET", "/tickets/0", None, 404, "not_found", id="ticket-number-zero"),
    case("GET", f"/tickets/{HUGE_PATH}", None, 404, "not_found", id="ticket-number-huge"),
    case(
        "PATCH",
        f"/tickets/{HUGE_PATH}",
        {"version": 1, "priority": "high"},
        404,
        "not_found",
        id="update-huge",
    ),
    case("POST", f"/tickets/{HUGE_PATH}/replies", {"body": "x"}, 404, "not_found", id="reply-huge"),
    case("POST", f"/tickets/{HUGE_PATH}/notes", {"body": "x"}, 404, "not_found", id="note-huge"),
    case("POST", f"/tickets/{HUGE_PATH}/claim", None, 404, "not_found", id="claim-huge"),
    case("POST", f"/tickets/{HUGE_PATH}/reopen", None, 404, "not_found", id="reopen-huge"),
    case("GET", f"/tickets/{HUGE_PATH}/messages", None, 404, "not_found", id="messages-huge"),
    case("GET", f"/tickets/{HUGE_PATH}/events", None, 404, "not_found", id="events-huge"),
    case("GET", f"/tickets/{HUGE_PATH}/links", None, 404, "not_found", id="links-huge"),
    case(
        "DELETE", f"/tickets/{{number}}/links/{HUGE_PATH}", None, 404, "not_found", id="unlink-huge"
    ),
    case(
        "DELETE", f"/tickets/{{number}}/followers/{HUGE_PATH}", None, {204, 422}, id="unfollow-huge"
    ),
    case("GET", f"/users/{HUGE_PATH}", None, 404, "not_found", id="user-huge"),
    case("PATCH", f"/users/{HUGE_PATH}", {"name": "x"}, 404, "not_found", id="user-update-huge"),
    case("GET", f"/teams/{HUGE_PATH}", None, 404, "not_found", id="team-huge"),
    case("GET", f"/organizations/{HUGE_PATH}", None, 404, "not_found", id="organization-huge"),
    case("GET", f"/organizations/{HUGE_PATH}/contacts", None, 404, "not_found", id="contacts-huge"),
    case(
        "POST",
        f"/organizations/{HUGE_PATH}/contacts",
        {"user_id": HUGE},
        404,
        "not_found",
        id="add-contact-huge",
    ),
    case("DELETE", f"/tokens/{HUGE_PATH}", None, 404, "not_found", id="token-huge"),
    # --- integers beyond 64 bits in bodies and queries ---
    case(
        "POST",
        "/tickets/{number}/merge",
        {"into_number": HUGE},
        404,
        "not_found",
        id="merge-into-huge",
    ),
    case(
        "POST",
        "/tickets/{number}/links",
        {"target_number": HUGE},
        404,
        "not_found",
        id="link-to-huge",
    ),
    case(
        "POST",
        "/tickets/{number}/followers",
        {"user_id": HUGE},
        422,
        "unknown_user",
        id="follower-huge",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "team_id": HUGE},
        422,
        "unknown_team",
        id="create-team-huge",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "assignee_id": HUGE},
        422,
        "invalid_assignee",
        id="create-assignee-huge",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "organization_id": HUGE},
        422,
        "invalid_organization",
        id="create-organization-huge",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        {"version": HUGE, "priority": "high"},
        409,
        "version_conflict",
        id="version-huge",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        {"version": 1, "assignee_id": HUGE},
        422,
        "invalid_assignee",
        id="assignee-huge",
    ),
    case(
        "POST",
        "/teams",
        {"name": "T", "member_ids": [HUGE]},
        422,
        {"invalid_member", "invalid_value"},
        id="team-member-huge",
    ),
    case("GET", f"/tickets?team_id={HUGE}", None, {200, 422}, id="filter-team-huge"),
    case(
        "GET",
        f"/tickets?requester_id={HUGE}&assignee_id=-{HUGE}",
        None,
        {200, 422},
        id="filter-people-huge",
    ),
    # --- attachments ---
    case("GET", "/attachments/not-a-uuid", None, 422, "validation_error", id="uuid-malformed"),
    case(
        "GET",
        "/attachments/00000000-0000-0000-0000-000000000000",
        None,
        404,
        "not_found",
        id="uuid-unknown",
    ),
    case(
        "GET",
        "/attachments/%27%20OR%201=1%20--",
        None,
        422,
        "validation_error",
        id="uuid-injection",
    ),
    case(
        "POST",
        "/tickets/{number}/attachments",
        {"internal": "false"},
        422,
        "validation_error",
        id="upload-without-file",
    ),
    # --- forged cursors ---
    case("GET", "/tickets?cursor=garbage", None, 422, "invalid_cursor", id="cursor-garbage"),
    case(
        "GET",
        "/tickets?cursor=" + encode_cursor(["2024-01-01T00:00:00Z"]),
        None,
        422,
        "invalid_cursor",
        id="cursor-short",
    ),
    case(
        "GET",
        "/tickets?cursor=" + encode_cursor(["yesterday", 1]),
        None,
        422,
        "invalid_cursor",
        id="cursor-bad-date",
    ),
    case(
        "GET",
        "/tickets?cursor=" + encode_cursor(["2024-01-01T00:00:00Z", "one"]),
        None,
        422,
        "invalid_cursor",
        id="cursor-bad-pk",
    ),
    case(
        "GET",
        "/tickets?cursor=" + encode_cursor(["2024-01-01T00:00:00Z", [1]]),
        None,
        422,
        "invalid_cursor",
        id="cursor-pk-a-list",
    ),
    case(
        "GET",
        "/tickets?cursor=" + encode_cursor([None, 1]),
        None,
        422,
        "invalid_cursor",
        id="cursor-null",
    ),
    case(
        "GET",
        "/tickets?order=created_at&cursor=" + encode_cursor(["0001-01-01T00:00:00+14:00", 1]),
        None,
        422,
        "invalid_cursor",
        id="cursor-date-overflow",
    ),
    case(
        "GET",
        "/tickets?cursor=" + encode_cursor(["2024-01-01T00:00:00Z", HUGE]),
        None,
        200,
        id="cursor-pk-huge",
    ),
    case(
        "GET",
        "/users?cursor=" + encode_cursor(["a\x00b", 1]),
        None,
        422,
        "invalid_cursor",
        id="cursor-nul",
    ),
    case("GET", "/users?cursor=%%%", None, 422, "invalid_cursor", id="users-cursor"),
    case("GET", "/organizations?cursor=e30", None, 422, "invalid_cursor", id="orgs-cursor"),
    case(
        "GET",
        "/tickets/{number}/messages?cursor=WzFd",
        None,
        422,
        "invalid_cursor",
        id="messages-cursor",
    ),
    case(
        "GET",
        "/tickets/{number}/events?cursor=W251bGwsIG51bGxd",
        None,
        422,
        "invalid_cursor",
        id="events-cursor",
    ),
    # --- NUL characters: text to SQLite, refused by PostgreSQL ---
    case("GET", "/users?email=%00", None, {200, 422}, id="nul-user-email-filter"),
    case("GET", "/users?role=a%00", None, {200, 422}, id="nul-user-role-filter"),
    case("GET", "/tags?prefix=%00", None, {200, 422}, id="nul-tag-prefix"),
    case(
        "GET", "/tickets?status=%00&category=%00&tag=%00", None, {200, 422}, id="nul-ticket-filters"
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "category": "a\x00"},
        422,
        {"unknown_category", "invalid_value"},
        id="nul-category",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "tags": ["a\x00"]},
        {201, 422},
        id="nul-tag",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "x", "body": "x", "requester_email": "a\x00@b.c"},
        {201, 422},
        id="nul-requester",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "a\x00b", "body": "c\x00d"},
        201,
        id="nul-in-text-is-dropped",
    ),
    case(
        "POST",
        "/tickets",
        {"subject": "\x00", "body": "x"},
        422,
        "empty_subject",
        id="nul-only-subject",
    ),
    case(
        "PATCH",
        "/tickets/{number}",
        {"version": 1, "status": "a\x00"},
        422,
        {"unknown_status", "invalid_value"},
        id="nul-status",
    ),
    case("POST", "/users", {"email": "a\x00@b.c"}, {201, 422}, id="nul-email"),
    case(
        "POST", "/statuses", {"name": "S\x00", "category": "open"}, {201, 422}, id="nul-status-name"
    ),
]


def send(client: Client, method: str, path: str, body: Any) -> Any:
    url = "/api/v1" + path
    if method == "POST" and path.endswith("/attachments"):
        return client.post(url, body)  # multipart
    if body is None:
        return client.generic(method, url)
    if isinstance(body, dict):
        body = json.dumps(body)
    return client.generic(method, url, body, content_type="application/json")


def fill(value: Any, names: dict[str, Any]) -> Any:
    """Put the scene's numbers into paths and bodies ("{number}" -> 1001)."""
    if isinstance(value, str) and "{" in value and "}" in value:
        if value.strip("{}") in names and value.startswith("{"):
            return names[value.strip("{}")]
        return value.replace("{number}", str(names["number"])).replace(
            "{alice}", str(names["alice"])
        )
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    return value


def assert_error_shape(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["code"], str)
    assert body["code"]
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


@pytest.mark.parametrize(("method", "path", "body", "statuses", "codes"), CASES)
def test_bad_input_is_a_4xx_with_the_error_shape(
    desk, make_ticket, settings, tmp_path, method, path, body, statuses, codes
):
    settings.ATTACHMENTS_DIR = tmp_path
    ticket = make_ticket()
    names = {"number": ticket.number, "alice": desk.alice.pk}
    client = token_client(desk.carol, ("read", "write", "admin"))

    response = send(client, method, fill(path, names), fill(body, names))

    assert response.status_code in statuses, response.content[:300]
    if response.status_code >= 400:
        error = assert_error_shape(response)
        if codes:
            assert error["code"] in codes, error
    # Nothing after this touches the database: on PostgreSQL a refused NUL aborts the
    # test's transaction.


@pytest.mark.parametrize(
    "path",
    [
        "/tickets/{number}",
        "/tickets/{number}/messages",
        "/tickets/{number}/events",
        "/tickets/{number}/links",
        "/users/{alice}",
        "/teams/{support}",
        "/organizations/{acme}",
        "/organizations/{acme}/contacts",
    ],
)
@pytest.mark.parametrize("number", ["abc", HUGE_PATH, "-5", "0"])
def test_customers_get_the_same_shapes(desk, make_ticket, path, number):
    """The same junk from a customer: validation first (422), else not found (404)."""
    make_ticket()
    client = token_client(desk.erin, ("read", "write"))
    url = "/api/v1" + path.format(number=number, alice=number, support=number, acme=number)
    response = client.get(url)
    assert response.status_code == (422 if number == "abc" else 404)
    assert_error_shape(response)


def test_authentication_errors_have_the_shape(desk):
    for headers in (
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic eDp5"},
        {"Authorization": "Bearer " + "x" * 10_000},
    ):
        response = Client(headers=headers).get("/api/v1/tickets")
        assert response.status_code == 401
        assert assert_error_shape(response)["code"] == "unauthenticated"


def test_read_only_token_error_has_the_shape(desk):
    response = token_client(desk.bob, ("read",)).post(
        "/api/v1/tickets",
        json.dumps({"subject": "x", "body": "y"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert assert_error_shape(response)["code"] == "insufficient_scope"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/api/v1/tickets"), ("DELETE", "/api/v1/teams"), ("PATCH", "/api/v1/statuses")],
)
def test_wrong_method_gets_the_json_error_shape(
    desk: Any, as_user: Any, method: str, path: str
) -> None:
    response = as_user(desk.carol).generic(method, path)
    assert response.status_code == 405
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert body["details"]["allowed"]
    assert response["Allow"] == ", ".join(body["details"]["allowed"])
