"""Macros: saving (checked text and changes, who may share), previewing and applying
(composer and API paths), usage counts, and the triggers' apply_macro action."""

from typing import Any

import pytest

from frontdesk.core.errors import Forbidden, Invalid, NotFound
from frontdesk.macros import actions
from frontdesk.macros.models import Macro
from frontdesk.macros.queries import macro_list
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message

pytestmark = pytest.mark.django_db

BODY = "Hi {{requester.first_name}}, ticket #{{ticket.number}} is solved. — {{agent.first_name}}"
SOLVE = [
    {"type": "set_field", "field": "status", "value": "solved"},
    {"type": "add_tags", "tags": ["macro-solved"]},
]


def make(desk: Any, **fields: Any) -> Macro:
    data: dict[str, Any] = {
        "name": "Solved",
        "body": BODY,
        "actions": SOLVE,
        "visibility": "everyone",
    }
    data.update(fields)
    actor = data.pop("actor", desk.carol)
    return actions.save_macro(actor=actor, **data)


def test_saving_checks_placeholders_and_actions(desk):
    with pytest.raises(Invalid) as bad:
        make(desk, body="Hi {{ ''.__class__ }}")
    assert bad.value.code == "invalid_macro_body"
    with pytest.raises(Invalid) as bad:
        make(desk, actions=[{"type": "webhook", "webhook_id": 1}])
    assert bad.value.details == {"path": "actions[0]"}
    with pytest.raises(Invalid) as bad:
        make(desk, actions=[{"type": "set_field", "field": "priority", "value": "huge"}])
    assert bad.value.details == {"path": "actions[0].value"}
    with pytest.raises(Invalid):
        make(desk, body="", actions=[])


def test_who_shares_with_whom(desk):
    personal = make(desk, actor=desk.alice, visibility="personal", name="Mine")
    assert personal.owner_id == desk.alice.pk
    team = make(desk, actor=desk.sam, visibility="team", team_id=desk.support.pk, name="Ours")
    everyone = make(desk, name="All")
    with pytest.raises(Forbidden):
        make(desk, actor=desk.alice, visibility="everyone")
    with pytest.raises(Forbidden):
        make(desk, actor=desk.sam, visibility="team", team_id=desk.billing.pk)
    with pytest.raises(Forbidden):
        make(desk, actor=desk.alice, visibility="team", team_id=desk.support.pk)

    assert set(macro_list(desk.alice)) == {personal, team, everyone}
    assert set(macro_list(desk.dave)) == {everyone}  # billing: not support's, not alice's
    assert set(macro_list(desk.carol)) == {personal, team, everyone}
    with pytest.raises(NotFound):
        macro_list(desk.bob)
    with pytest.raises(NotFound):  # dave cannot even see alice's macro
        actions.delete_macro(actor=desk.dave, macro_id=personal.pk)
    with pytest.raises(Forbidden):  # alice sees the shared one but may not change it
        actions.delete_macro(actor=desk.alice, macro_id=everyone.pk)
    actions.delete_macro(actor=desk.alice, macro_id=personal.pk)


def test_preview_renders_for_the_ticket_and_the_agent(desk, make_ticket):
    ticket = make_ticket()
    macro = make(desk)
    shown = actions.preview(macro, ticket, desk.alice)
    assert shown.text == f"Hi Bob, ticket #{ticket.number} is solved. — Alice"
    assert shown.changes == {"status": "solved", "tags": ["macro-solved"]}
    assert shown.summary == ["Status → Solved", "Tags +macro-solved"]
    assert Macro.objects.get().usage_count == 0  # a preview is not a use


def test_applying_through_the_api_path_replies_changes_and_counts(desk, make_ticket):
    ticket = make_ticket()
    macro = make(desk)
    applied = actions.apply_macro(
        actor=desk.alice, origin=Origin(), macro_id=macro.pk, number=ticket.number
    )
    assert applied.ticket.status.slug == "solved"
    assert applied.message is not None
    reply = Message.objects.get(pk=applied.message.pk)
    assert reply.is_public
    assert reply.body_text.startswith("Hi Bob, ticket #")
    assert set(applied.ticket.tags.values_list("name", flat=True)) == {"macro-solved"}
    macro.refresh_from_db()
    assert macro.usage_count == 1
    assert macro.last_used_at is not None


def test_a_refused_change_applies_nothing(desk, make_ticket):
    ticket = make_ticket()
    macro = make(desk, actions=[{"type": "set_field", "field": "assignee", "value": desk.dave.pk}])
    replies = Message.objects.filter(ticket=ticket, kind="reply").count()
    with pytest.raises(Invalid):  # dave is not in support
        actions.apply_macro(
            actor=desk.alice, origin=Origin(), macro_id=macro.pk, number=ticket.number
        )
    assert Message.objects.filter(ticket=ticket, kind="reply").count() == replies
    assert Macro.objects.get().usage_count == 0


def test_light_agents_and_strangers_cannot_apply(desk, make_ticket):
    ticket = make_ticket()
    macro = make(desk)
    with pytest.raises(Forbidden):
        actions.apply_macro(
            actor=desk.lena, origin=Origin(), macro_id=macro.pk, number=ticket.number
        )
    with pytest.raises(NotFound):  # billing's dave does not see the support ticket
        actions.apply_macro(
            actor=desk.dave, origin=Origin(), macro_id=macro.pk, number=ticket.number
        )


def test_a_trigger_applies_a_macro_as_an_internal_note(desk, make_ticket):
    from frontdesk.tickets import actions as ticket_actions
    from frontdesk.triggers.actions import save_trigger
    from frontdesk.triggers.rulebook import forget_triggers

    macro = make(
        desk,
        body="Auto: {{ticket.subject}} for {{requester.name}}",
        actions=[{"type": "add_tags", "tags": ["auto"]}],
    )
    save_trigger(
        actor=desk.carol,
        name="Tag urgent",
        condition={"field": "priority", "op": "changed_to", "value": "urgent"},
        actions=[{"type": "apply_macro", "macro_id": macro.pk}],
    )
    forget_triggers()
    ticket = make_ticket(subject="Fire")
    ticket_actions.update_ticket(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        changes={"priority": "urgent"},
        expected_version=None,
    )
    note = Message.objects.get(ticket=ticket, kind="note")
    assert note.body_text == "Auto: Fire for Bob"
    assert not note.is_public
    assert note.author_id is None
    assert set(ticket.tags.values_list("name", flat=True)) == {"auto"}
    event = ticket.events.filter(action="triggered").latest("pk")
    (effect,) = event.new_value["effects"]
    assert effect["type"] == "apply_macro"
    assert effect["done"] is True
    assert effect["changes"] == {"tags": ["auto"]}
    assert Macro.objects.get().usage_count == 1
