"""Ticket lists (the sidebar's views) with filters, keyset pages and bulk changes."""

from typing import Any

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from frontdesk.accounts.models import User
from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import keyset_page
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.tickets import actions
from frontdesk.tickets.choices import PRIORITY_BY_NAME
from frontdesk.tickets.forms import LIST_SORTS, BulkForm, ListFilterForm, split_tags
from frontdesk.tickets.models import TicketQuerySet, TicketTag
from frontdesk.tickets.queues import find_queue, queue_tickets
from frontdesk.tickets.views._common import desk_context, web_origin

PAGE_SIZE = 25


@staff_view
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    view = find_queue(slug)
    form = ListFilterForm(request.GET)
    form.is_valid()  # invalid values are dropped, never an error page
    filters = form.cleaned_data
    tickets = _filtered(queue_tickets(user, view), user, filters)
    sort = filters.get("sort") or "-updated_at"
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
    )
    return render_page(request, "tickets/queue.html", context, fragment="results")


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


def _without(request: HttpRequest, key: str) -> str:
    params = request.GET.copy()
    params.pop(key, None)
    return params.urlencode()


@require_POST
@staff_view
def bulk_update(request: HttpRequest) -> HttpResponse:
    """Apply one change to each selected ticket through update_ticket, ticket by ticket, so
    each gets its own permission check and audit events; failures are reported, not fatal."""
    user = request_user(request)
    form = BulkForm(request.POST)
    if not form.is_valid() or not (form.changes() or form.cleaned_data["add_tags"]):
        messages.error(request, _("Select tickets and a change to apply."))
        return redirect(request.POST.get("next") or "tickets:home")
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


def _apply_bulk(request: HttpRequest, user: User, number: int, form: BulkForm) -> None:
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
