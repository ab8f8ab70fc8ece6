"""Ticket lists (the sidebar's views, built-in and saved) with filters, keyset pages and
bulk changes; saving a list as a view, editing and deleting saved views."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from frontdesk.accounts.models import User
from frontdesk.core.errors import DomainError, Forbidden, NotFound
from frontdesk.core.pagination import keyset_page
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.tickets import actions
from frontdesk.tickets.actions.views import can_edit_saved_view
from frontdesk.tickets.choices import PRIORITY_BY_NAME
from frontdesk.tickets.forms import (
    COLUMN_LABELS,
    LIST_SORTS,
    OPTIONAL_COLUMNS,
    BulkForm,
    EditSavedViewForm,
    ListFilterForm,
    SaveViewForm,
    split_tags,
)
from frontdesk.tickets.models import SavedView, TicketQuerySet, TicketTag
from frontdesk.tickets.queries import visible_saved_views
from frontdesk.tickets.queues import (
    ACTIVE,
    QUEUES_BY_SLUG,
    WORKABLE,
    find_queue,
    queue_tickets,
)
from frontdesk.tickets.view_filters import COLUMNS, DEFAULT_COLUMNS
from frontdesk.tickets.views._common import (
    desk_context,
    saved_view_slug,
    saved_view_tickets,
    web_origin,
)

PAGE_SIZE = 25
LIST_FILTERS = ("priority", "team", "assignee", "tag", "sort")

# What "Save as view" keeps of a built-in view besides the list's own filters: its status
# categories, and the assignee of "mine" and "unassigned". The team part of "unassigned" and
# "my teams" and the seven days of "recently solved" have no saved-view filter; what a saved
# view shows stays within the permission gate either way.
QUEUE_FILTERS: dict[str, dict[str, Any]] = {
    "mine": {"status_category": [str(c) for c in ACTIVE], "assignee": "me"},
    "unassigned": {"status_category": [str(c) for c in WORKABLE], "assignee": "none"},
    "my-teams": {"status_category": [str(c) for c in ACTIVE]},
    "open": {"status_category": [str(c) for c in WORKABLE]},
    "pending": {"status_category": ["pending"]},
    "on-hold": {"status_category": ["on_hold"]},
    "solved": {"status_category": ["solved"]},
}


@staff_view
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    view = find_queue(slug)
    form = ListFilterForm(request.GET)
    form.is_valid()  # invalid values are dropped, never an error page
    filters = form.cleaned_data
    tickets = _filtered(queue_tickets(user, view), user, filters)
    sort = filters.get("sort") or view.default_sort
    page = keyset_page(
        tickets.with_list_relations().select_related("team", "assignee"),
        order=sort,
        cursor=request.GET.get("cursor") or None,
        limit=PAGE_SIZE,
    )
    context = desk_context(
        user,
        slug,
        view=view,
        form=form,
        page=page,
        sorts=LIST_SORTS,
        sort=sort,
        bulk_form=BulkForm(auto_id="bulk-%s"),
        query_string=_without(request, "cursor"),
        save_form=SaveViewForm(user, initial={"queue": slug}),
        save_filters=[(k, filters[k]) for k in LIST_FILTERS if filters.get(k)],
        **_columns(DEFAULT_COLUMNS, sort=sort, query=_without(request, "cursor", "sort")),
    )
    return render_page(request, "tickets/queue.html", context, fragment="results")


@staff_view
def saved_view(request: HttpRequest, view_id: int) -> HttpResponse:
    """A saved view: its filters on top of what the user may see, its sort and columns.
    A shared view shows each viewer only their own visible tickets ("me" is the viewer)."""
    user = request_user(request)
    view = _visible_view(user, view_id)
    page = keyset_page(
        saved_view_tickets(user, view).with_list_relations().select_related("team", "assignee"),
        order=view.sort,
        cursor=request.GET.get("cursor") or None,
        limit=PAGE_SIZE,
    )
    context = desk_context(
        user,
        saved_view_slug(view),
        view=view,
        saved_view=view,
        can_edit=can_edit_saved_view(user, view),
        page=page,
        bulk_form=BulkForm(auto_id="bulk-%s"),
        query_string=_without(request, "cursor"),
        **_columns(view.columns or DEFAULT_COLUMNS),
    )
    return render_page(request, "tickets/queue.html", context, fragment="results")


@require_POST
@staff_view
def save_view(request: HttpRequest) -> HttpResponse:
    """Save the list a user is looking at (a built-in view and its filters) as a view."""
    user = request_user(request)
    form = SaveViewForm(user, request.POST)
    list_form = ListFilterForm(request.POST)
    list_form.is_valid()  # as on the list page: values it does not know are dropped
    filters = list_form.cleaned_data
    if not form.is_valid():
        messages.error(request, _("Give the view a name and choose who sees it."))
        return redirect(_list_url(request.POST.get("queue", ""), filters))
    slug = form.cleaned_data["queue"]
    find_queue(slug)  # an unknown view is a 404
    try:
        view = actions.create_saved_view(
            actor=user,
            name=form.cleaned_data["name"],
            filters=_view_filters(slug, filters),
            columns=DEFAULT_COLUMNS,
            sort=filters.get("sort") or "-updated_at",
            team_id=form.team_id(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_list_url(slug, filters))
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
    return redirect("tickets:saved_view", view_id=view.pk)


@staff_view
def edit_saved_view(request: HttpRequest, view_id: int) -> HttpResponse:
    user = request_user(request)
    view = _visible_view(user, view_id)
    _require_edit(user, view)
    initial = {
        "name": view.name,
        "columns": view.columns or list(DEFAULT_COLUMNS),
        "sort": view.sort,
        "share_team": str(view.team_id or ""),
    }
    form = EditSavedViewForm(user, view, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_saved_view(
                actor=user,
                view_id=view.pk,
                name=data["name"],
                columns=data["columns"],
                sort=data["sort"],
                team_id=form.team_id(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved your changes to the view."))
            return redirect("tickets:saved_view", view_id=view.pk)
    status = 422 if request.method == "POST" else 200
    context = desk_context(user, saved_view_slug(view), saved_view=view, form=form)
    return render_page(request, "tickets/saved_view_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_view
def delete_saved_view(request: HttpRequest, view_id: int) -> HttpResponse:
    """GET asks for confirmation (a page: no script needed); POST deletes."""
    user = request_user(request)
    view = _visible_view(user, view_id)
    if request.method == "POST":
        actions.delete_saved_view(actor=user, view_id=view.pk)
        messages.success(request, _("Deleted the view “%(name)s”.") % {"name": view.name})
        return redirect("tickets:home")
    _require_edit(user, view)
    context = desk_context(user, saved_view_slug(view), saved_view=view)
    return render_page(request, "tickets/saved_view_delete.html", context)


def _visible_view(user: User, view_id: int) -> SavedView:
    view = visible_saved_views(user).select_related("team").filter(pk=view_id).first()
    if view is None:
        raise NotFound(_("No such saved view."))
    return view


def _require_edit(user: User, view: SavedView) -> None:
    if not can_edit_saved_view(user, view):
        raise Forbidden(
            "not_allowed",
            _("Only its owner, an administrator or a supervisor of its team may change it."),
        )


# Columns a built-in list can be sorted by: their sort field and whether it goes both ways.
SORTABLE = {
    "number": ("number", False),
    "priority": ("priority", False),
    "created": ("created_at", True),
    "updated": ("updated_at", True),
}


def _columns(columns: Any, *, sort: str | None = None, query: str = "") -> dict[str, Any]:
    """The table's columns (a known subset, in display order). Tags show under the subject
    when both are chosen, as in the built-in views, and in a column of their own otherwise.
    With `sort`, sortable headers link to the list sorted by them (a second click reverses
    the sort where both directions are allowed)."""
    chosen = [c for c in COLUMNS if c in columns]
    shown = [c for c in chosen if not (c == "tags" and "subject" in chosen)]
    return {
        "columns": shown,
        "column_headers": [
            (c, COLUMN_LABELS[c], c in OPTIONAL_COLUMNS, *_sort_link(c, sort, query)) for c in shown
        ],
        "tags_under_subject": "tags" in chosen and "subject" in chosen,
    }


def _sort_link(column: str, sort: str | None, query: str) -> tuple[str | None, str | None]:
    """(href, aria-sort) of a column header; (None, None) for a column that does not sort."""
    if sort is None or column not in SORTABLE:
        return None, None
    field, both_ways = SORTABLE[column]
    current = {f"-{field}": "descending", field: "ascending"}.get(sort)
    target = field if current == "descending" and both_ways else f"-{field}"
    prefix = f"?{query}&" if query else "?"
    return f"{prefix}sort={target}", current


def _view_filters(slug: str, filters: dict[str, Any]) -> dict[str, Any]:
    """A saved view's filters from a built-in view and the list form's cleaned filters."""
    saved = dict(QUEUE_FILTERS.get(slug, {}))
    if filters.get("priority"):
        saved["priority"] = [filters["priority"]]
    if filters.get("team"):
        saved["team_id"] = int(filters["team"])
    assignee = filters.get("assignee")
    if assignee in ("me", "none"):
        saved["assignee"] = assignee
    elif assignee:
        saved["assignee"] = int(assignee)
    if filters.get("tag"):
        saved["tag"] = [filters["tag"].strip().lower()]
    return saved


def _list_url(slug: str, filters: dict[str, Any]) -> str:
    if slug not in QUEUES_BY_SLUG:
        return reverse("tickets:home")
    url = reverse("tickets:queue", args=[slug])
    query = urlencode({k: filters[k] for k in LIST_FILTERS if filters.get(k)})
    return f"{url}?{query}" if query else url


def _filtered(tickets: TicketQuerySet, user: User, filters: dict[str, Any]) -> TicketQuerySet:
    if filters.get("priority"):
        tickets = tickets.filter(priority=PRIORITY_BY_NAME[filters["priority"]])
    if filters.get("team"):
        tickets = tickets.filter(team_id=int(filters["team"]))
    assignee = filters.get("assignee")
    if assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee_id=int(assignee))
    if filters.get("tag"):
        tagged = TicketTag.objects.filter(ticket=OuterRef("pk"), tag__name=filters["tag"].lower())
        tickets = tickets.filter(Exists(tagged))
    return tickets


def _without(request: HttpRequest, *keys: str) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


@require_POST
@staff_view
def bulk_update(request: HttpRequest) -> HttpResponse:
    """Apply one change to each selected ticket through update_ticket, ticket by ticket, so
    each gets its own permission check and audit events; failures are reported, not fatal."""
    user = request_user(request)
    form = BulkForm(request.POST)
    if not form.is_valid() or not _bulk_change_chosen(form):
        messages.error(request, _("Select tickets and a change to apply."))
        return redirect(_safe_next(request))
    done, failed = 0, []
    for number in form.cleaned_data["numbers"]:
        try:
            _apply_bulk(request, user, number, form)
            done += 1
        except DomainError as exc:
            failed.append(f"#{number}: {exc.message}")
    if done:
        messages.success(
            request, ngettext("Updated %(n)d ticket.", "Updated %(n)d tickets.", done) % {"n": done}
        )
    for failure in failed:
        messages.error(request, failure)
    return redirect(_safe_next(request))


def _bulk_change_chosen(form: BulkForm) -> bool:
    data = form.cleaned_data
    return bool(form.changes() or data["add_tags"] or data["merge_into"])


def _apply_bulk(request: HttpRequest, user: User, number: int, form: BulkForm) -> None:
    into = form.cleaned_data["merge_into"]
    if into:
        if number != into:  # the target itself stays as it is
            actions.merge_tickets(
                actor=user, origin=web_origin(request), number=number, into_number=into
            )
        return
    changes = form.changes()
    new_tags = split_tags(form.cleaned_data["add_tags"])
    if new_tags:
        current = TicketTag.objects.filter(ticket__number=number).values_list(
            "tag__name", flat=True
        )
        changes["tags"] = sorted({*current, *(t.lower() for t in new_tags)})
    actions.update_ticket(
        actor=user,
        origin=web_origin(request),
        number=number,
        changes=changes,
        expected_version=None,
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/desk/") and "//" not in target else "/desk/"
