"""Saved views: named filters, columns and sort an agent keeps in the workspace sidebar.

Who may do what (kept simple on purpose):
- Active staff, light agents included, create views; customers are refused (Forbidden).
- A personal view (no team) is its owner's alone; to anyone else it does not exist
  (NotFound), administrators included.
- A view may be shared with one team: one of the actor's own teams (admins: any team).
- A shared view is renamed, re-configured, moved to another team or deleted by its owner,
  by an administrator, or by a supervisor who is a member of its team. Other people who
  see it (members of that team) get Forbidden; everyone else NotFound.
- Only its owner makes a shared view personal again (it becomes the owner's view).

Filters, columns and sort are validated by `tickets.view_filters` (Invalid with the codes
invalid_filter, invalid_columns, invalid_sort); filters naming a status, category, team or
assignee that does not exist are invalid_filter too. Names are unique per owner among
personal views and per team among shared views (Conflict saved_view_exists).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from django.db import IntegrityError, transaction

from frontdesk.accounts.access import is_admin, team_ids
from frontdesk.accounts.choices import STAFF_ROLES, Role
from frontdesk.accounts.models import Team, User
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Forbidden, Invalid, NotFound
from frontdesk.tickets.actions._common import field_specs
from frontdesk.tickets.models import Category, SavedView, Status
from frontdesk.tickets.queries import visible_saved_views
from frontdesk.tickets.view_filters import (
    INVALID_FILTER,
    ViewFilters,
    parse_columns,
    parse_filters,
    parse_sort,
)

MAX_NAME_LENGTH = 100


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP  # update_saved_view(team_id=KEEP): leave the sharing as it is


def create_saved_view(
    *,
    actor: User,
    name: str,
    filters: Mapping[str, Any],
    columns: Sequence[str],
    sort: str,
    team_id: int | None = None,
    now: datetime | None = None,
) -> SavedView:
    """A new view owned by `actor`: personal, or shared with `team_id` (one of theirs)."""
    _require_staff(actor)
    view = SavedView(
        owner=actor,
        name=_clean_name(name),
        filters=validate_filters(filters).as_json(),
        columns=list(parse_columns(columns)),
        sort=parse_sort(sort),
        team=_sharing_team(actor, team_id),
    )
    view.created_at = view.updated_at = now or clock.now()
    return _unique(view)


def update_saved_view(
    *,
    actor: User,
    view_id: int,
    name: str | None = None,
    filters: Mapping[str, Any] | None = None,
    columns: Sequence[str] | None = None,
    sort: str | None = None,
    team_id: int | Literal[_Keep.KEEP] | None = KEEP,
    now: datetime | None = None,
) -> SavedView:
    """Change the given parts of a view; None (KEEP for `team_id`) leaves a part as it is.
    `team_id=None` makes a shared view personal (its owner's only)."""
    with transaction.atomic():
        view = _editable(actor, view_id)
        if name is not None:
            view.name = _clean_name(name)
        if filters is not None:
            view.filters = validate_filters(filters).as_json()
        if columns is not None:
            view.columns = list(parse_columns(columns))
        if sort is not None:
            view.sort = parse_sort(sort)
        if team_id is not KEEP and team_id != view.team_id:
            if team_id is None and view.owner_id != actor.pk:
                raise Forbidden("not_allowed", "Only its owner can make a shared view personal.")
            view.team = _sharing_team(actor, team_id)
        view.updated_at = now or clock.now()
        return _unique(view)


def delete_saved_view(*, actor: User, view_id: int) -> None:
    with transaction.atomic():
        _editable(actor, view_id).delete()


def validate_filters(filters: Mapping[str, Any]) -> ViewFilters:
    """Parse `filters` against the active custom fields, and check that the statuses,
    category, team and assignee they name exist (Invalid "invalid_filter" otherwise)."""
    parsed = parse_filters(filters, known_fields=field_specs())
    if parsed.status:
        known = set(Status.objects.filter(slug__in=parsed.status).values_list("slug", flat=True))
        if missing := [s for s in parsed.status if s not in known]:
            raise Invalid(INVALID_FILTER, f"status: unknown {', '.join(map(repr, missing))}.")
    if parsed.category is not None and not Category.objects.filter(slug=parsed.category).exists():
        raise Invalid(INVALID_FILTER, f"category: unknown {parsed.category!r}.")
    if parsed.team_id is not None and not Team.objects.filter(pk=parsed.team_id).exists():
        raise Invalid(INVALID_FILTER, f"team_id: no team with id {parsed.team_id}.")
    if isinstance(parsed.assignee, int):
        staff = User.objects.filter(pk=parsed.assignee, role__in=STAFF_ROLES)
        if not staff.exists():
            raise Invalid(INVALID_FILTER, f"assignee: no staff member with id {parsed.assignee}.")
    return parsed


def can_edit_saved_view(user: User, view: SavedView) -> bool:
    """Whether `user`, who can see `view`, may change or delete it (see the module doc)."""
    if not (user.is_active and user.is_staff):
        return False
    if view.owner_id == user.pk or is_admin(user):
        return True
    return (
        view.team_id is not None and user.role == Role.SUPERVISOR and view.team_id in team_ids(user)
    )


def _require_staff(actor: User) -> None:
    if not (actor.is_active and actor.is_staff):
        raise Forbidden("not_allowed", "Only staff keep saved views.")


def _editable(actor: User, view_id: int) -> SavedView:
    """The view, locked, if `actor` may change it; NotFound if they cannot see it."""
    _require_staff(actor)
    view = visible_saved_views(actor).select_for_update().filter(pk=view_id).first()
    if view is None:
        raise NotFound("No such saved view.")
    if not can_edit_saved_view(actor, view):
        raise Forbidden(
            "not_allowed",
            "Only its owner, an administrator or a supervisor of its team may change a "
            "shared view.",
        )
    return view


def _sharing_team(actor: User, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    if not is_admin(actor) and team_id not in team_ids(actor):
        raise Forbidden("not_allowed", "You can share a view only with one of your teams.")
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise Invalid("unknown_team", f"No team with id {team_id}.")
    return team


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.replace("\x00", "").split())
    if not cleaned:
        raise Invalid("invalid_name", "A view needs a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise Invalid("invalid_name", f"Names are at most {MAX_NAME_LENGTH} characters.")
    return cleaned


def _unique(view: SavedView) -> SavedView:
    try:
        with transaction.atomic():  # a savepoint: the outer transaction stays usable
            view.save()
    except IntegrityError as exc:
        where = "your personal views" if view.team_id is None else "that team's views"
        raise Conflict(
            "saved_view_exists", f"There is already a view of that name in {where}."
        ) from exc
    return view
