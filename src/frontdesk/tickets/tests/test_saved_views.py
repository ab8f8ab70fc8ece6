"""Saved views: the actions' rules, who sees which view, and the workspace pages."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from django.test import Client

from frontdesk.accounts.models import User
from frontdesk.core.errors import Conflict, Forbidden, Invalid, NotFound
from frontdesk.tickets import actions
from frontdesk.tickets.actions.catalog import create_custom_field
from frontdesk.tickets.models import SavedView, Ticket
from frontdesk.tickets.queries import visible_saved_views
from frontdesk.tickets.tests.test_views import HTMX, queries, signed_in
from frontdesk.tickets.view_filters import DEFAULT_COLUMNS
from frontdesk.tickets.views._common import MAX_SIDEBAR_SAVED_VIEWS


def make_view(
    actor: User, name: str = "Urgent", team_id: int | None = None, **kw: Any
) -> SavedView:
    return actions.create_saved_view(
        actor=actor,
        name=name,
        filters=kw.pop("filters", {"priority": ["urgent"]}),
        columns=kw.pop("columns", DEFAULT_COLUMNS),
        sort=kw.pop("sort", "-updated_at"),
        team_id=team_id,
    )


# --- actions -------------------------------------------------------------------------------


def test_create_personal_view(desk: Desk) -> None:
    view = actions.create_saved_view(
        actor=desk.alice,
        name="  My   urgent ",
        filters={"priority": ["urgent"], "tag": ["VIP"], "assignee": "me"},
        columns=["updated", "subject", "number"],
        sort="-priority",
    )
    view.refresh_from_db()
    assert view.owner == desk.alice
    assert view.team is None
    assert view.name == "My urgent"
    assert view.filters == {"priority": ["urgent"], "tag": ["vip"], "assignee": "me"}
    assert view.columns == ["number", "subject", "updated"]
    assert view.sort == "-priority"


def test_create_shared_view_with_one_of_my_teams(desk: Desk) -> None:
    view = make_view(desk.alice, team_id=desk.support.pk)
    assert view.team == desk.support
    assert view.owner == desk.alice
    # admins share with any team
    assert make_view(desk.carol, team_id=desk.billing.pk).team == desk.billing


def test_customers_cannot_save_views(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        make_view(desk.bob)


def test_sharing_with_a_team_that_is_not_mine_is_forbidden(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        make_view(desk.alice, team_id=desk.billing.pk)
    view = make_view(desk.alice)
    with pytest.raises(Forbidden):
        actions.update_saved_view(actor=desk.alice, view_id=view.pk, team_id=desk.billing.pk)


def test_someone_elses_personal_view_is_not_found(desk: Desk) -> None:
    view = make_view(desk.alice)
    for other in (desk.dave, desk.sam, desk.carol):
        with pytest.raises(NotFound):
            actions.update_saved_view(actor=other, view_id=view.pk, name="Mine now")
        with pytest.raises(NotFound):
            actions.delete_saved_view(actor=other, view_id=view.pk)
    view.refresh_from_db()
    assert view.name == "Urgent"


def test_who_may_change_a_shared_view(desk: Desk) -> None:
    view = make_view(desk.alice, team_id=desk.support.pk)
    # a supervisor of the team and an admin may; another member may not; others see nothing
    actions.update_saved_view(actor=desk.sam, view_id=view.pk, name="Urgent (team)")
    actions.update_saved_view(actor=desk.carol, view_id=view.pk, sort="-priority")
    with pytest.raises(Forbidden):
        actions.update_saved_view(actor=desk.lena, view_id=view.pk, name="Lena's")
    with pytest.raises(NotFound):
        actions.delete_saved_view(actor=desk.dave, view_id=view.pk)
    # only the owner makes it personal again
    with pytest.raises(Forbidden):
        actions.update_saved_view(actor=desk.sam, view_id=view.pk, team_id=None)
    actions.update_saved_view(actor=desk.alice, view_id=view.pk, team_id=None)
    view.refresh_from_db()
    assert (view.name, view.sort, view.team_id) == ("Urgent (team)", "-priority", None)
    with pytest.raises(NotFound):
        actions.delete_saved_view(actor=desk.sam, view_id=view.pk)
    actions.delete_saved_view(actor=desk.alice, view_id=view.pk)
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    "filters",
    [
        {"priority": ["critical"]},
        {"stauts": ["open"]},
        {"custom": {"colour": "red"}},
        {"custom": {"plan": "enterprise"}},
        {"status": ["no-such-status"]},
        {"category": "no-such-category"},
        {"team_id": 999_999},
        {"assignee": 999_999},
    ],
    ids=str,
)
def test_invalid_filters_are_refused(desk: Desk, filters: dict[str, Any]) -> None:
    create_custom_field(
        actor=None, key="plan", label="Plan", field_type="choice", choices=["free", "pro"]
    )
    with pytest.raises(Invalid) as caught:
        make_view(desk.alice, filters=filters)
    assert caught.value.code == "invalid_filter"
    view = make_view(desk.alice)
    with pytest.raises(Invalid) as caught:
        actions.update_saved_view(actor=desk.alice, view_id=view.pk, filters=filters)
    assert caught.value.code == "invalid_filter"


def test_custom_field_filters_must_be_active_fields(desk: Desk) -> None:
    field = create_custom_field(actor=None, key="plan", label="Plan", field_type="text")
    make_view(desk.alice, "Pro", filters={"custom": {"plan": "pro"}})
    field.is_active = False
    field.save()
    with pytest.raises(Invalid):
        make_view(desk.alice, "Pro again", filters={"custom": {"plan": "pro"}})


def test_bad_name_columns_and_sort(desk: Desk) -> None:
    for kwargs, code in (
        ({"name": "   "}, "invalid_name"),
        ({"name": "x" * 101}, "invalid_name"),
        ({"columns": []}, "invalid_columns"),
        ({"columns": ["subject", "sla"]}, "invalid_columns"),
        ({"sort": "subject"}, "invalid_sort"),
    ):
        with pytest.raises(Invalid) as caught:
            make_view(desk.alice, **kwargs)
        assert caught.value.code == code


def test_names_are_unique_per_owner_and_per_team(desk: Desk) -> None:
    make_view(desk.alice)
    with pytest.raises(Conflict):
        make_view(desk.alice)
    make_view(desk.sam)  # someone else's personal view may have the same name
    make_view(desk.alice, team_id=desk.support.pk)  # and so may a shared one
    with pytest.raises(Conflict):
        make_view(desk.sam, team_id=desk.support.pk)
    other = make_view(desk.alice, "Other")
    with pytest.raises(Conflict):
        actions.update_saved_view(actor=desk.alice, view_id=other.pk, name="Urgent")


# --- visibility ------------------------------------------------------------------------------


def test_who_sees_which_views(desk: Desk) -> None:
    alice_own = make_view(desk.alice, "Alice's")
    alice_shared = make_view(desk.alice, "Alice for support", team_id=desk.support.pk)
    support = make_view(desk.sam, "Support's", team_id=desk.support.pk)
    sam_own = make_view(desk.sam, "Sam's")
    dave_own = make_view(desk.dave, "Dave's")
    billing = make_view(desk.dave, "Billing's", team_id=desk.billing.pk)
    carol_own = make_view(desk.carol, "Carol's")

    def names(user: User) -> set[str]:
        return set(visible_saved_views(user).values_list("name", flat=True))

    assert names(desk.alice) == {alice_own.name, alice_shared.name, support.name}
    assert names(desk.lena) == {alice_shared.name, support.name}
    assert names(desk.dave) == {dave_own.name, billing.name}
    assert names(desk.sam) == {sam_own.name, alice_shared.name, support.name}
    assert names(desk.carol) == {carol_own.name, alice_shared.name, support.name, billing.name}
    assert names(desk.bob) == set()


# --- pages -----------------------------------------------------------------------------------


def test_saved_view_page_lists_matching_tickets_the_viewer_may_see(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    make_ticket(subject="Urgent support", priority="urgent")
    make_ticket(subject="Calm support")
    make_ticket(subject="Urgent billing", priority="urgent", team=desk.billing)
    view = make_view(desk.carol, "All urgent", team_id=desk.support.pk)
    url = f"/desk/views/saved/{view.pk}/"

    html = signed_in(desk.alice).get(url).content.decode()
    assert "Urgent support" in html
    assert "Calm support" not in html
    assert "Urgent billing" not in html  # shared by an admin, still within alice's gate

    html = signed_in(desk.carol).get(url).content.decode()
    assert "Urgent support" in html
    assert "Urgent billing" in html


def test_assignee_me_is_the_viewer(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    make_ticket(subject="For alice", assignee_id=desk.alice.pk)
    make_ticket(subject="For sam", assignee_id=desk.sam.pk)
    view = make_view(desk.sam, "Mine", team_id=desk.support.pk, filters={"assignee": "me"})
    html = signed_in(desk.alice).get(f"/desk/views/saved/{view.pk}/").content.decode()
    assert "For alice" in html
    assert "For sam" not in html


def test_saved_view_page_honours_columns_and_sort(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    make_ticket(subject="Low one", priority="low", tags=["later"])
    make_ticket(subject="High one", priority="high")
    view = make_view(
        desk.alice,
        "By priority",
        filters={},
        columns=["number", "subject", "priority", "category"],
        sort="-priority",
    )
    response = signed_in(desk.alice).get(f"/desk/views/saved/{view.pk}/")
    html = response.content.decode()
    assert [t.subject for t in response.context["page"].items] == ["High one", "Low one"]
    assert '<th scope="col" class="col-optional">Priority</th>' in html
    assert '<th scope="col" class="col-optional">Category</th>' in html
    for absent in ("Requester", "Assignee", "Updated"):
        assert f">{absent}</th>" not in html
    assert '<span class="tag">later</span>' not in html  # tags were not chosen
    with_tags = make_view(desk.alice, "Tags", filters={}, columns=["number", "tags"])
    html = signed_in(desk.alice).get(f"/desk/views/saved/{with_tags.pk}/").content.decode()
    assert '<span class="tag">later</span>' in html
    assert '<a class="list__subject"' in html  # the number links when the subject is not shown


def test_built_in_views_keep_the_default_columns(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    make_ticket(tags=["vip"])
    html = signed_in(desk.alice).get("/desk/views/open/").content.decode()
    for header in ["Subject", "Requester", "Status", "Team", "Assignee"]:
        assert f">{header}</th>" in html
    for sortable in ["#", "Updated ↓"]:  # headers that sort the list are links
        assert f">{sortable}</a></th>" in html
    assert ">Priority</th>" not in html
    assert '<span class="tag">vip</span>' in html


def test_foreign_saved_views_are_not_found(desk: Desk) -> None:
    personal = make_view(desk.dave, "Dave's")
    billing = make_view(desk.dave, "Billing's", team_id=desk.billing.pk)
    client = signed_in(desk.alice)
    for view in (personal, billing):
        for suffix in ("", "edit/", "delete/"):
            assert client.get(f"/desk/views/saved/{view.pk}/{suffix}").status_code == 404
        assert client.post(f"/desk/views/saved/{view.pk}/delete/").status_code == 404
    assert client.get("/desk/views/saved/999999/").status_code == 404
    assert signed_in(desk.bob).get(f"/desk/views/saved/{billing.pk}/").status_code == 404
    assert SavedView.objects.count() == 2


def test_sidebar_lists_saved_views_with_counts(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    make_ticket(priority="urgent")
    make_ticket(priority="urgent")
    view = make_view(desk.sam, "Team urgent", team_id=desk.support.pk)
    make_view(desk.dave, "Dave's secret")
    html = signed_in(desk.alice).get("/desk/?part=sidebar").content.decode()
    assert "Saved views" in html
    assert f'href="/desk/views/saved/{view.pk}/"' in html
    assert "Team urgent" in html
    assert 'aria-label="2 tickets">2</span>' in html
    assert "Dave&#x27;s secret" not in html
    assert "Dave's secret" not in html


def test_saved_view_page_query_count_does_not_grow(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    view = make_view(
        desk.alice, "Everything", filters={"tag": ["a"]}, columns=list(DEFAULT_COLUMNS)
    )
    make_view(desk.alice, "Urgent", team_id=desk.support.pk)
    client = signed_in(desk.alice)
    url = f"/desk/views/saved/{view.pk}/"
    make_ticket(tags=["a"])
    make_ticket(tags=["a", "b"], assignee_id=desk.alice.pk)
    small = (queries(client, url), queries(client, "/desk/"))
    for i in range(30):
        make_ticket(tags=["a", f"t{i}"], assignee_id=desk.alice.pk, priority="urgent")
    large = (queries(client, url), queries(client, "/desk/"))
    assert large == small


def test_sidebar_count_queries_are_capped(desk: Desk) -> None:
    client = signed_in(desk.alice)
    for i in range(MAX_SIDEBAR_SAVED_VIEWS + 1):
        make_view(desk.alice, f"View {i:02d}")
    at_cap = queries(client, "/desk/")
    for i in range(5):
        make_view(desk.alice, f"More {i}")
    assert queries(client, "/desk/") == at_cap
    assert "Only the first 20 saved views are listed." in client.get("/desk/").content.decode()


def test_htmx_saved_view_request_gets_only_the_results(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    make_ticket(priority="urgent")
    view = make_view(desk.alice)
    html = signed_in(desk.alice).get(f"/desk/views/saved/{view.pk}/", headers=HTMX)
    assert html.content.decode().lstrip().startswith('<div id="results"')


# --- saving a list, editing, deleting ----------------------------------------------------------


def test_list_page_offers_to_save_its_current_filters(desk: Desk) -> None:
    html = signed_in(desk.alice).get("/desk/views/pending/?priority=urgent&tag=vip").content
    page = html.decode()
    assert 'action="/desk/views/save/"' in page
    assert '<input type="hidden" form="save-view" name="priority" value="urgent">' in page
    assert '<input type="hidden" form="save-view" name="tag" value="vip">' in page
    assert '<label for="save-view-name">' in page
    assert '<label for="save-view-share_team">' in page


def test_save_from_list_creates_the_view_with_the_lists_filters(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    client = signed_in(desk.alice)
    response = client.post(
        "/desk/views/save/",
        {
            "queue": "pending",
            "name": "Urgent VIPs waiting",
            "share_team": str(desk.support.pk),
            "priority": "urgent",
            "tag": "VIP",
            "assignee": "me",
            "sort": "-priority",
        },
    )
    view = SavedView.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/views/saved/{view.pk}/"
    assert view.owner == desk.alice
    assert view.team == desk.support
    assert view.filters == {
        "status_category": ["pending"],
        "priority": ["urgent"],
        "assignee": "me",
        "tag": ["vip"],
    }
    assert view.sort == "-priority"
    assert view.columns == list(DEFAULT_COLUMNS)
    assert "Urgent VIPs waiting" in client.get(response["Location"]).content.decode()


def test_save_from_list_refusals_go_back_to_the_list(desk: Desk) -> None:
    make_view(desk.alice, "Taken")
    client = signed_in(desk.alice)
    for data in (
        {"queue": "open", "name": "Taken", "priority": "high"},  # name in use
        {"queue": "open", "name": "Billing", "share_team": str(desk.billing.pk)},  # not mine
        {"queue": "open", "name": ""},
    ):
        response = client.post("/desk/views/save/", data, follow=True)
        assert response.redirect_chain[0][0].startswith("/desk/views/open/")
        assert 'class="flash__item flash__item--error"' in response.content.decode()
    assert SavedView.objects.count() == 1
    assert client.post("/desk/views/save/", {"queue": "nope", "name": "X"}).status_code == 404
    assert (
        signed_in(desk.bob).post("/desk/views/save/", {"queue": "open", "name": "X"}).status_code
        == 404
    )


def test_edit_a_saved_view(desk: Desk) -> None:
    view = make_view(desk.alice, team_id=desk.support.pk)
    client = signed_in(desk.alice)
    page = client.get(f"/desk/views/saved/{view.pk}/edit/").content.decode()
    assert '<label for="id_columns_4">' in page  # every checkbox has its label
    assert 'for="id_share_team"' in page
    response = client.post(
        f"/desk/views/saved/{view.pk}/edit/",
        {
            "name": "Hot",
            "columns": ["subject", "priority"],
            "sort": "-created_at",
            "share_team": "",
        },
    )
    assert response.status_code == 302
    view.refresh_from_db()
    assert (view.name, view.columns, view.sort, view.team_id) == (
        "Hot",
        ["subject", "priority"],
        "-created_at",
        None,
    )
    assert view.filters == {"priority": ["urgent"]}  # kept as saved
    response = client.post(
        f"/desk/views/saved/{view.pk}/edit/", {"name": "Hot", "columns": [], "sort": "x"}
    )
    assert response.status_code == 422


def test_edit_and_delete_need_the_right_to_change(desk: Desk) -> None:
    view = make_view(desk.alice, team_id=desk.support.pk)
    lena = signed_in(desk.lena)
    page = lena.get(f"/desk/views/saved/{view.pk}/").content.decode()
    assert "/edit/" not in page
    assert lena.get(f"/desk/views/saved/{view.pk}/edit/").status_code == 403
    assert lena.post(f"/desk/views/saved/{view.pk}/edit/", {"name": "x"}).status_code == 403
    assert lena.get(f"/desk/views/saved/{view.pk}/delete/").status_code == 403
    assert lena.post(f"/desk/views/saved/{view.pk}/delete/").status_code == 403
    # sam supervises the team: he may, but cannot make it personal (no such choice)
    sam_page = signed_in(desk.sam).get(f"/desk/views/saved/{view.pk}/edit/").content.decode()
    assert "Only me (personal)" not in sam_page
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_delete_asks_for_confirmation_then_deletes(desk: Desk) -> None:
    view = make_view(desk.alice)
    client = signed_in(desk.alice)
    page = client.get(f"/desk/views/saved/{view.pk}/")
    assert f'href="/desk/views/saved/{view.pk}/delete/"' in page.content.decode()
    confirm = client.get(f"/desk/views/saved/{view.pk}/delete/")
    assert confirm.status_code == 200
    assert "Delete the view" in confirm.content.decode()
    assert SavedView.objects.filter(pk=view.pk).exists()
    response = client.post(f"/desk/views/saved/{view.pk}/delete/")
    assert response.status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_anonymous_is_sent_to_sign_in(db: Any) -> None:
    for url in ("/desk/views/saved/1/", "/desk/views/saved/1/edit/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
