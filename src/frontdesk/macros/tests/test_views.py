"""The macros pages and the composer's picker: the list with usage counts, saving through
the actions with their refusals inline, read-only shared macros, deleting, the picker's
options and preview, sending a reply with a macro (its changes made in the same
transaction), CSRF, and customers refused."""

from typing import Any

import pytest
from django.test import Client

from frontdesk.macros import actions
from frontdesk.macros.models import Macro
from frontdesk.tickets.models import Message

pytestmark = pytest.mark.django_db

PAGES = "/desk/macros"
BODY = "Hi {{requester.first_name}}, ticket {{ticket.number}} needs logs. {{agent.first_name}}"
PENDING = [
    {"type": "set_field", "field": "status", "value": "pending"},
    {"type": "add_tags", "tags": ["logs"]},
]


def signed_in(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def make(actor: Any, **fields: Any) -> Macro:
    data: dict[str, Any] = {"name": "Need logs", "body": BODY, "actions": PENDING}
    return actions.save_macro(actor=actor, **(data | fields))


def macro_post(**changes: str) -> dict[str, str]:
    data = {
        "name": "Need logs",
        "body": BODY,
        "visibility": "personal",
        "share_team": "",
        "is_active": "on",
        "set_status": "pending",
        "set_priority": "",
        "set_type": "",
        "set_team": "",
        "set_category": "",
        "set_assignee": "",
        "add_tags": "logs, waiting",
        "remove_tags": "",
    }
    return data | changes


def test_the_list_groups_macros_with_usage_counts(desk):
    mine = make(desk.alice, name="Mine", visibility="personal")
    make(desk.sam, name="Support's", visibility="team", team_id=desk.support.pk)
    make(desk.carol, name="For all", visibility="everyone")
    Macro.objects.filter(pk=mine.pk).update(usage_count=7)

    page = signed_in(desk.alice).get(f"{PAGES}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Yours (only you)") < text.index("Mine") < text.index("Shared with Support")
    assert text.index("Shared with Support") < text.index("Support&#x27;s")
    assert text.index("Shared with everyone") < text.index("For all")
    assert '<td class="num">7</td>' in text
    assert "status → pending, +logs" in text
    assert f'href="{PAGES}/"' in text  # the header's link, for every staff member


def test_an_agent_creates_a_personal_macro_with_changes(desk):
    response = signed_in(desk.alice).post(f"{PAGES}/new/", macro_post())

    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.owner, macro.visibility, macro.body) == (desk.alice, "personal", BODY)
    assert macro.actions == [
        {"type": "set_field", "field": "status", "value": "pending"},
        {"type": "add_tags", "tags": ["logs", "waiting"]},
    ]


def test_the_form_reads_a_macro_back(desk):
    macro = make(
        desk.carol,
        visibility="everyone",
        actions=[
            {"type": "set_field", "field": "team", "value": None},
            {"type": "remove_tags", "tags": ["vip"]},
        ],
    )

    form = signed_in(desk.carol).get(f"{PAGES}/{macro.pk}/").context["form"]

    assert form.initial["set_team"] == ":clear"
    assert form.initial["remove_tags"] == "vip"
    assert form.initial["visibility"] == "everyone"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"body": "Hi {{ ''.__class__ }}"}, "body", "Unknown placeholder"),
        ({"body": "", "set_status": "", "add_tags": ""}, "body", "needs text, field changes"),
        ({"name": " "}, "name", "required"),
        ({"visibility": "team", "share_team": ""}, "share_team", "Choose the team"),
    ],
)
def test_refusals_are_shown_next_to_their_field(desk, changes, field, message):
    response = signed_in(desk.sam).post(f"{PAGES}/new/", macro_post(**changes))

    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert Macro.objects.count() == 0


def test_who_shares_with_whom_is_the_actions_call_shown_inline(desk):
    """Supervisors share with their own teams only; the action says so on the form."""
    post = macro_post(visibility="team", share_team=str(desk.billing.pk))

    response = signed_in(desk.sam).post(f"{PAGES}/new/", post)

    assert response.status_code == 403
    assert "supervisors with their teams" in response.context["form"].errors["visibility"][0]
    assert Macro.objects.count() == 0

    ok = signed_in(desk.sam).post(f"{PAGES}/new/", post | {"share_team": str(desk.support.pk)})
    assert ok.status_code == 302
    assert Macro.objects.get().team == desk.support


def test_agents_are_offered_only_personal_macros(desk):
    form = signed_in(desk.alice).get(f"{PAGES}/new/").context["form"]
    assert [v for v, _ in form.fields["visibility"].choices] == ["personal"]

    response = signed_in(desk.alice).post(f"{PAGES}/new/", macro_post(visibility="everyone"))
    assert response.status_code == 422
    assert Macro.objects.count() == 0


def test_a_shared_macro_is_read_only_for_those_who_may_not_change_it(desk):
    macro = make(desk.carol, visibility="everyone")

    page = signed_in(desk.alice).get(f"{PAGES}/{macro.pk}/")
    assert page.status_code == 200
    assert "Read-only" in page.content.decode()
    assert "Save macro" not in page.content.decode()

    response = signed_in(desk.alice).post(f"{PAGES}/{macro.pk}/", macro_post(name="Mine now"))
    assert response.status_code == 403
    assert "may not change" in response.context["form"].errors["visibility"][0]
    assert Macro.objects.get().name == "Need logs"

    refused = signed_in(desk.alice).post(f"{PAGES}/{macro.pk}/delete/")
    assert refused.status_code == 403
    assert Macro.objects.count() == 1


def test_the_owner_edits_and_deletes(desk):
    macro = make(desk.alice)
    client = signed_in(desk.alice)

    assert client.post(f"{PAGES}/{macro.pk}/", macro_post(name="Logs")).status_code == 302
    assert Macro.objects.get().name == "Logs"
    assert client.post(f"{PAGES}/{macro.pk}/delete/").status_code == 302
    assert Macro.objects.count() == 0


def test_someone_elses_personal_macro_does_not_exist(desk):
    macro = make(desk.alice)
    assert signed_in(desk.dave).get(f"{PAGES}/{macro.pk}/").status_code == 404
    assert signed_in(desk.dave).post(f"{PAGES}/{macro.pk}/delete/").status_code == 404


@pytest.mark.parametrize("path", ["/", "/new/", "/pick/?q=x", "/preview/?macro=1&ticket=1"])
def test_customers_get_404_and_strangers_the_sign_in(desk, path):
    assert signed_in(desk.bob).get(f"{PAGES}{path}").status_code == 404
    anonymous = Client().get(f"{PAGES}{path}")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]


def test_writes_need_the_csrf_token(desk):
    macro = make(desk.alice)
    client = signed_in(desk.alice, csrf=True)
    assert client.post(f"{PAGES}/new/", macro_post()).status_code == 403
    assert client.post(f"{PAGES}/{macro.pk}/delete/").status_code == 403
    assert Macro.objects.count() == 1


# --- the composer's picker ----------------------------------------------------------------


def test_the_picker_lists_the_active_macros_that_match(desk):
    make(desk.alice, name="Need logs")
    make(desk.alice, name="Logs received", is_active=False)
    make(desk.alice, name="Thanks")
    make(desk.dave, name="Dave's logs")

    response = signed_in(desk.alice).get(f"{PAGES}/pick/", {"q": "LOGS"})

    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('role="option"') == 1
    assert "Need logs" in text
    assert "yours" in text
    empty = signed_in(desk.alice).get(f"{PAGES}/pick/", {"q": "zzz"}).content.decode()
    assert 'aria-disabled="true"' in empty
    assert "No macro matches" in empty


def test_the_preview_renders_for_the_ticket_and_changes_nothing(desk, make_ticket):
    ticket = make_ticket()
    macro = make(desk.alice)
    version = ticket.version

    response = signed_in(desk.alice).get(
        f"{PAGES}/preview/", {"macro": macro.pk, "ticket": ticket.number}
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert f"Hi Bob, ticket {ticket.number} needs logs. Alice" in text
    assert "Status → Pending" in text
    assert "Tags +logs" in text
    ticket.refresh_from_db()
    assert ticket.version == version
    assert Macro.objects.get().usage_count == 0


def test_the_preview_of_a_ticket_out_of_reach_is_404(desk, make_ticket):
    ticket = make_ticket()  # support's
    macro = make(desk.dave)
    response = signed_in(desk.dave).get(
        f"{PAGES}/preview/", {"macro": macro.pk, "ticket": ticket.number}
    )
    assert response.status_code == 404


def test_sending_with_a_macro_makes_its_changes_in_the_same_transaction(desk, make_ticket):
    ticket = make_ticket()
    macro = make(desk.alice)
    edited = f"Hi Bob, ticket {ticket.number} needs logs (edited). Alice"

    response = signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/messages/",
        {"kind": "reply", "body": edited, "macro": str(macro.pk), "last_message_id": "999999"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status.slug == "pending"
    assert set(ticket.tags.values_list("name", flat=True)) == {"logs"}
    assert Message.objects.filter(ticket=ticket).latest("pk").body_text.startswith("Hi Bob")
    macro.refresh_from_db()
    assert macro.usage_count == 1


def test_a_refused_macro_change_sends_nothing_and_keeps_the_draft(desk, make_ticket):
    """A light agent may note but not change fields: the note is not added either."""
    ticket = make_ticket()
    macro = make(desk.carol, visibility="everyone")
    notes = Message.objects.filter(ticket=ticket).count()

    post = {"kind": "note", "body": "Asked for logs", "macro": str(macro.pk)}

    response = signed_in(desk.lena).post(
        f"/desk/tickets/{ticket.number}/messages/",
        post | {"last_message_id": "999999"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 403
    assert Message.objects.filter(ticket=ticket).count() == notes
    text = response.content.decode()
    assert "Asked for logs" in text  # the draft
    assert f'name="macro" value="{macro.pk}"' in text  # the macro stays chosen
    assert "Remove macro" in text
    assert Macro.objects.get().usage_count == 0


def test_newer_messages_keep_the_chosen_macro_in_the_composer(desk, make_ticket):
    ticket = make_ticket()
    macro = make(desk.alice)

    response = signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/messages/",
        {"kind": "reply", "body": "Hi", "macro": str(macro.pk), "last_message_id": "0"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 409
    text = response.content.decode()
    assert f'name="macro" value="{macro.pk}"' in text
    assert "Status → Pending" in text
    ticket.refresh_from_db()
    assert ticket.status.slug != "pending"


def test_the_ticket_page_carries_the_picker(desk, make_ticket):
    ticket = make_ticket()
    text = signed_in(desk.alice).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert 'role="combobox"' in text
    assert 'aria-controls="macro-options"' in text
    assert f"/desk/macros/preview/?ticket={ticket.number}" in text
    assert "<kbd>m</kbd>" in text  # in the shortcut list
