"""The generic inbound webhook: mapping, deduplication, idempotency, clear 4xx answers."""

import json
from typing import Any

import pytest
from conftest import Desk
from django.core.management import call_command
from django.test import Client

from frontdesk.intake.actions import create_source
from frontdesk.intake.mapping import MappingError, extract, validate_mapping
from frontdesk.intake.models import IntakeRecord, IntakeSource
from frontdesk.tickets.choices import Channel, MessageKind, Priority, StatusCategory
from frontdesk.tickets.models import Message, Ticket

FORM_MAPPING = {
    "subject": "form.title",
    "body": "form.answers.0.text",
    "requester_email": "contact.email",
    "requester_name": "contact.name",
    "external_id": "submission_id",
    "priority": "=high",
    "tags": "labels",
    "custom_fields.order": "form.order_ref",
}


def form_post(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "submission_id": "sub-81",
        "contact": {"email": "Pat@Example.com", "name": "Pat Doe"},
        "form": {
            "title": "Where is my parcel?",
            "answers": [{"text": "Ordered two weeks ago, nothing yet."}],
            "order_ref": "A-1009",
        },
        "labels": "web-form, shipping",
    }
    document.update(changes)
    return document


@pytest.fixture
def token(desk: Desk) -> str:
    from frontdesk.tickets.actions.catalog import create_custom_field

    create_custom_field(actor=desk.carol, key="order", label="Order", field_type="text")
    _, secret = create_source(
        actor=desk.carol,
        name="Web form",
        as_user_id=desk.alice.pk,
        mapping=FORM_MAPPING,
        channel=Channel.WEB,
        default_team_id=desk.support.pk,
    )
    return secret


def post(token: str, body: Any, **headers: str) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Client().post(
        "/hooks/intake/",
        raw,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", **headers},
    )


def test_a_mapped_post_opens_a_ticket(token: str, desk: Desk) -> None:
    response = post(token, form_post())
    assert response.status_code == 201, response.content
    assert response.json()["result"] == "created"
    ticket = Ticket.objects.get(number=response.json()["ticket"])
    assert ticket.subject == "Where is my parcel?"
    assert ticket.channel == Channel.WEB
    assert ticket.priority == Priority.HIGH
    assert ticket.team == desk.support
    assert ticket.requester.email == "pat@example.com"
    assert ticket.requester.name == "Pat Doe"
    assert ticket.custom_fields == {"order": "A-1009"}
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["shipping", "web-form"]
    assert IntakeRecord.objects.get().external_id == "sub-81"


def test_the_same_external_id_threads_onto_the_ticket(token: str, desk: Desk) -> None:
    first = post(token, form_post()).json()["ticket"]
    follow = form_post(form={"title": "Re", "answers": [{"text": "Any news?"}]})
    response = post(token, follow)
    assert response.status_code == 200
    assert response.json() == {"ticket": first, "result": "replied"}
    reply = Message.objects.filter(ticket__number=first).order_by("pk").last()
    assert reply is not None
    assert reply.kind == MessageKind.REPLY
    assert reply.author is not None
    assert reply.author.email == "pat@example.com"
    # Someone else under the same id: an internal note by the source, never a public reply.
    other = form_post(contact={"email": "mallory@example.com"})
    assert post(token, other).json() == {"ticket": first, "result": "noted"}
    note = Message.objects.filter(ticket__number=first).order_by("pk").last()
    assert note is not None
    assert note.kind == MessageKind.NOTE
    assert note.author == desk.alice
    assert Ticket.objects.count() == 1


def test_a_reply_to_a_solved_ticket_reopens_it(token: str, desk: Desk) -> None:
    from frontdesk.tickets.actions import update_ticket
    from frontdesk.tickets.events import Origin

    number = post(token, form_post()).json()["ticket"]
    update_ticket(
        actor=desk.alice,
        origin=Origin(),
        number=number,
        changes={"status": "solved"},
        expected_version=None,
    )
    assert post(token, form_post()).json()["result"] == "replied"
    assert Ticket.objects.get(number=number).status_category == StatusCategory.OPEN


def test_idempotency_key_makes_retries_harmless(token: str) -> None:
    body = form_post(submission_id=None)
    first = post(token, body, **{"Idempotency-Key": "retry-1"})
    again = post(token, body, **{"Idempotency-Key": "retry-1"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == {"ticket": first.json()["ticket"], "result": "replayed"}
    changed = post(
        token, form_post(submission_id=None, labels="x"), **{"Idempotency-Key": "retry-1"}
    )
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_without_external_id_or_key_each_post_is_a_ticket(token: str) -> None:
    post(token, form_post(submission_id=None))
    post(token, form_post(submission_id=None))
    assert Ticket.objects.count() == 2


def test_identity_mapping_takes_the_fields_as_named(desk: Desk) -> None:
    _, secret = create_source(actor=None, name="Plain", as_user_id=desk.carol.pk)
    body = {"subject": "Hello", "body": "World", "requester_email": "bob@example.com"}
    response = post(secret, body)
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    # Contacts are matched by address across channels: Bob's existing account.
    assert ticket.requester == desk.bob
    assert ticket.channel == Channel.API


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (b"{oops", 400, "invalid_json", None),
        ([1, 2], 422, "invalid_payload", "body"),
        ({"form": {"title": "x"}}, 422, "invalid_payload", "form.answers.0.text"),
        ({"form": {"answers": [{"text": "x"}]}}, 422, "invalid_payload", "form.title"),
        (
            {"form": {"title": {"nested": 1}, "answers": [{"text": "x"}]}},
            422,
            "invalid_payload",
            "subject",
        ),
        (
            {"form": {"title": "t", "answers": [{"text": "x"}]}, "contact": {"email": "nope"}},
            422,
            "invalid_payload",
            "contact.email",
        ),
        (
            {"form": {"title": "t", "answers": [{"text": "x"}]}, "labels": [1]},
            422,
            "invalid_payload",
            "tags",
        ),
    ],
)
def test_bad_payloads_are_clear_4xx(
    token: str, body: Any, status: int, code: str, field: str | None
) -> None:
    response = post(token, body)
    assert response.status_code == status
    assert response.json()["code"] == code
    if field:
        assert response.json()["details"] == {"field": field}
    assert not Ticket.objects.exists()


def test_ticket_rules_answer_with_their_code(desk: Desk) -> None:
    _, secret = create_source(actor=None, name="P", as_user_id=desk.carol.pk)
    response = post(secret, {"subject": "s", "body": "b", "priority": "sky-high"})
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_priority"


def test_tokens(token: str) -> None:
    assert post("fdi_nope", form_post()).status_code == 401
    assert Client().post("/hooks/intake/", {}, content_type="application/json").status_code == 401
    assert Client().get("/hooks/intake/").status_code == 405
    source = IntakeSource.objects.get()
    assert len(source.token_hash) == 64
    assert token not in source.token_hash
    source.is_active = False
    source.save()
    assert post(token, form_post()).status_code == 401


def test_oversized_body(token: str) -> None:
    assert post(token, b"{" + b" " * (1 << 20) + b"}").status_code == 413


def test_mapping_validation() -> None:
    assert validate_mapping({"subject": "a.b", "custom_fields.x": "=1"}) == {
        "subject": "a.b",
        "custom_fields.x": "=1",
    }
    bad_mappings: list[Any] = [{"assignee": "x"}, {"subject": ""}, {"subject": 3}, []]
    for bad in bad_mappings:
        with pytest.raises(MappingError):
            validate_mapping(bad)
    extracted = extract({"subject": "=Constant", "body": "list.1"}, {"list": ["a", "b"]})
    assert (extracted.subject, extracted.body) == ("Constant", "b")


def test_bad_mappings_are_refused_at_creation(desk: Desk) -> None:
    from frontdesk.core.errors import Invalid

    with pytest.raises(Invalid) as caught:
        create_source(actor=None, name="Bad", as_user_id=desk.alice.pk, mapping={"team": "t"})
    assert caught.value.code == "invalid_mapping"
    with pytest.raises(Invalid):
        create_source(actor=None, name="Bob's", as_user_id=desk.bob.pk)


def test_command(desk: Desk, capsys: Any) -> None:
    call_command(
        "intakesource", "create", "--name", "CLI", "--as", desk.alice.email, "--mapping", "{}"
    )
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("fdi_")
    assert post(secret, {"subject": "s", "body": "b"}).status_code == 201


def test_query_budgets(token: str, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(2):
        assert post("fdi_wrong", form_post()).status_code == 401
    with django_assert_max_num_queries(2):
        assert post(token, {"form": {}}).status_code == 422
