"""Search through the actions' index: matching, filters, ranking, highlighting, pages,
and visibility (an agent never finds another team's ticket; a customer never finds the
text of an internal note)."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from django.core.management import call_command
from django.test import Client

from frontdesk.search.models import PendingDocument, SearchDocument
from frontdesk.search.queries import search
from frontdesk.search.query import QueryError
from frontdesk.tickets import actions
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

ORIGIN = Origin()


@pytest.fixture
def indexed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a write and the after-commit rebuild it queues, as a request would."""

    def run(write: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


@pytest.fixture
def tickets(desk: Desk, make_ticket: Callable[..., Ticket], indexed: Any) -> dict[str, Ticket]:
    made = {
        "printer": indexed(
            lambda: make_ticket(subject="Printer jams on page two", body="Paper jam again.")
        ),
        "vpn": indexed(
            lambda: make_ticket(subject="VPN drops", body="The tunnel closes hourly.", tags=["vip"])
        ),
        "invoice": indexed(
            lambda: make_ticket(
                requester=desk.gil,
                team=desk.billing,
                subject="Invoice 2026-113 is wrong",
                body="Printer toner was billed twice.",
                priority="high",
            )
        ),
    }
    indexed(
        lambda: actions.add_note(
            actor=desk.alice,
            origin=ORIGIN,
            number=made["vpn"].number,
            body="Customer's firewall is misconfigured, xylophone.",
        )
    )
    indexed(
        lambda: actions.post_reply(
            actor=desk.alice,
            origin=ORIGIN,
            number=made["vpn"].number,
            body="Could you send the router model?",
        )
    )
    return made


def numbers(user: Any, text: str) -> list[int]:
    return [hit.ticket.number for hit in search(user, text).hits]


def test_writes_keep_documents_and_leave_nothing_pending(
    tickets: dict[str, Ticket], desk: Desk
) -> None:
    assert SearchDocument.objects.count() == 3
    assert not PendingDocument.objects.exists()
    vpn = SearchDocument.objects.get(ticket=tickets["vpn"])
    assert "xylophone" in vpn.internal_text
    assert "xylophone" not in vpn.public_text
    assert "router model" in vpn.public_text
    assert "vip" in vpn.public_text
    assert desk.bob.email in vpn.keywords


def test_free_text_phrases_and_stems(tickets: dict[str, Ticket], desk: Desk) -> None:
    admin = desk.carol
    assert set(numbers(admin, "printer")) == {tickets["printer"].number, tickets["invoice"].number}
    assert numbers(admin, '"paper jam"') == [tickets["printer"].number]
    assert numbers(admin, '"jam paper"') == []
    assert numbers(admin, "jams") == [tickets["printer"].number]  # stemmed
    assert numbers(admin, "tunnel hourly") == [tickets["vpn"].number]
    assert numbers(admin, "tunnel printer") == []
    assert numbers(admin, "zzzabsent") == []
    assert numbers(admin, "print*") != []
    assert numbers(admin, "printer -toner") == [tickets["printer"].number]


def test_subject_ranks_above_body(tickets: dict[str, Ticket], desk: Desk) -> None:
    # "printer" is in the printer ticket's subject and only in the invoice's body.
    assert numbers(desk.carol, "printer")[0] == tickets["printer"].number


def test_fragments_numbers_and_addresses(tickets: dict[str, Ticket], desk: Desk) -> None:
    admin = desk.carol
    invoice = tickets["invoice"]
    assert numbers(admin, f"#{invoice.number}") == [invoice.number]
    assert invoice.number in numbers(admin, str(invoice.number))
    assert set(numbers(admin, desk.gil.email)) == {invoice.number}
    fragment = desk.gil.email.split("@")[0]
    assert invoice.number in numbers(admin, fragment)


def test_filters(tickets: dict[str, Ticket], desk: Desk) -> None:
    admin = desk.carol
    assert numbers(admin, "tag:vip") == [tickets["vpn"].number]
    assert tickets["vpn"].number not in numbers(admin, "-tag:vip")
    assert numbers(admin, "priority>=high") == [tickets["invoice"].number]
    assert numbers(admin, "team:billing") == [tickets["invoice"].number]
    assert numbers(admin, f"requester:{desk.gil.email}") == [tickets["invoice"].number]
    assert numbers(admin, "org:globex") == [tickets["invoice"].number]
    assert set(numbers(admin, "printer team:support")) == {tickets["printer"].number}
    assert numbers(admin, "assignee:none status:new,open") != []
    assert numbers(admin, "updated<1d") != []
    assert numbers(admin, "created<2000-01-01") == []
    assert numbers(admin, "has:attachment") == []


@pytest.mark.parametrize(
    "text", ["team:nosuchteam", "status:nosuch", "requester:nobody@example.com", "foo:bar"]
)
def test_unknown_names_are_query_errors(tickets: dict[str, Ticket], desk: Desk, text: str) -> None:
    with pytest.raises(QueryError):
        search(desk.carol, text)


def test_agent_never_finds_another_teams_ticket(tickets: dict[str, Ticket], desk: Desk) -> None:
    # dave works billing: the invoice is his team's, the printer ticket is support's.
    assert numbers(desk.dave, "printer") == [tickets["invoice"].number]
    assert numbers(desk.dave, f"#{tickets['printer'].number}") == []
    assert numbers(desk.alice, "invoice") == []


def test_customer_never_finds_internal_note_text(tickets: dict[str, Ticket], desk: Desk) -> None:
    assert numbers(desk.alice, "xylophone") == [tickets["vpn"].number]
    assert numbers(desk.bob, "xylophone") == []
    assert numbers(desk.bob, "firewall misconfigured") == []
    assert numbers(desk.bob, "router") == [tickets["vpn"].number]  # public reply: found
    assert numbers(desk.gil, "printer") == [tickets["invoice"].number]  # his own only


def test_snippets_are_escaped_and_marked(
    desk: Desk, make_ticket: Callable[..., Ticket], indexed: Any
) -> None:
    ticket = indexed(
        lambda: make_ticket(subject="Odd <b>markup</b>", body="a <em>bold</em> printer")
    )
    [hit] = search(desk.carol, "printer").hits
    assert hit.ticket.pk == ticket.pk
    assert hit.snippet is not None
    assert "<em>" not in hit.snippet
    assert "&lt;em&gt;" in hit.snippet
    assert "<mark>printer</mark>" in hit.snippet
    [hit] = search(desk.carol, "markup").hits
    assert hit.subject_html == "Odd &lt;b&gt;<mark>markup</mark>&lt;/b&gt;"


def test_note_snippet_only_for_staff(tickets: dict[str, Ticket], desk: Desk) -> None:
    [hit] = search(desk.alice, "xylophone").hits
    assert hit.snippet_source == "note"
    assert hit.snippet is not None
    assert "xylophone" in hit.snippet


def test_keyset_pages(desk: Desk, make_ticket: Callable[..., Ticket], indexed: Any) -> None:
    made = {indexed(lambda i=i: make_ticket(subject=f"Disk full {i}")).number for i in range(7)}
    for text in ("disk", "team:support"):
        seen: list[int] = []
        cursor = None
        for _ in range(10):  # 7+ tickets in pages of 3: a cursor that repeats must fail
            page = search(desk.carol, text, cursor=cursor, limit=3)
            seen += [h.ticket.number for h in page.hits]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert cursor is None
        assert len(seen) == len(set(seen))
        assert made <= set(seen)


def test_reindex_command_rebuilds_and_pending_is_flushed(
    tickets: dict[str, Ticket], desk: Desk
) -> None:
    SearchDocument.objects.all().delete()
    assert numbers(desk.carol, "printer") == []
    call_command("search", "reindex", stdout=_Null())
    assert len(numbers(desk.carol, "printer")) == 2
    # A change whose after-commit rebuild never ran (a crash) stays pending until flushed.
    actions.add_note(
        actor=desk.alice, origin=ORIGIN, number=tickets["printer"].number, body="kumquat"
    )
    assert PendingDocument.objects.filter(ticket=tickets["printer"]).exists()
    assert numbers(desk.carol, "kumquat") == []
    call_command("search", "reindex", "--pending", stdout=_Null())
    assert numbers(desk.carol, "kumquat") == [tickets["printer"].number]
    assert not PendingDocument.objects.exists()


def test_api_search_and_errors(tickets: dict[str, Ticket], desk: Desk, as_user: Any) -> None:
    client: Client = as_user(desk.alice)
    response = client.get("/api/v1/search", {"q": "printer"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [i["ticket"]["number"] for i in body["items"]] == [tickets["printer"].number]
    assert body["ranked"] is True
    assert "<mark>" in body["items"][0]["subject_html"]
    bad = client.get("/api/v1/search", {"q": 'status:open "oops'})
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_query"
    assert bad.json()["details"] == {"position": 12}
    customer = as_user(desk.bob).get("/api/v1/search", {"q": "xylophone"})
    assert customer.status_code == 200
    assert customer.json()["items"] == []


class _Null:
    def write(self, _: str) -> None:
        pass

    def flush(self) -> None:
        pass
