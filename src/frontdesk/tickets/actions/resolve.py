"""Turn the primitive values clients send (slugs, ids, names) into rows, or raise Invalid."""

from collections.abc import Sequence

from django.db import IntegrityError, transaction

from frontdesk.accounts.access import can_work_tickets
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team, User
from frontdesk.core.errors import Forbidden, Invalid
from frontdesk.tickets.choices import PRIORITY_BY_NAME, Priority
from frontdesk.tickets.errors import TicketErrorCode
from frontdesk.tickets.models import Category, Status, Tag

MAX_TAGS = 50
ASSIGNABLE_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.AGENT)


def resolve_requester(actor: User, email: str | None, name: str) -> User:
    """Customers raise tickets for themselves; working staff for anyone (new contacts are
    created on the spot, as a phone call or walk-in would need)."""
    if actor.is_customer:
        if email and email.lower() != actor.email:
            raise Forbidden("not_allowed", "Customers can only raise tickets for themselves.")
        return actor
    if not can_work_tickets(actor):
        raise Forbidden("not_allowed", "Your role may not create tickets.")
    if not email:
        return actor
    email = email.strip().lower()
    user = User.objects.filter(email=email).first() or _new_contact(email, name)
    if not user.is_active:
        raise Invalid(TicketErrorCode.UNKNOWN_USER, "That requester is deactivated.")
    return user


def _new_contact(email: str, name: str) -> User:
    """Create a contact; if a concurrent request created the same address first, use that
    one (the unique email decides, so two first tickets never fail or duplicate a person)."""
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email, name=name.strip()[:200], role=Role.CUSTOMER
            )
    except IntegrityError:
        return User.objects.get(email=email)


def resolve_priority(name: str) -> Priority:
    try:
        return PRIORITY_BY_NAME[name]
    except KeyError:
        raise Invalid(
            TicketErrorCode.UNKNOWN_PRIORITY,
            f"Unknown priority {name!r}; use one of {sorted(PRIORITY_BY_NAME)}.",
        ) from None


def resolve_status(slug: str) -> Status:
    status = Status.objects.filter(slug=slug).first()
    if status is None:
        raise Invalid(TicketErrorCode.UNKNOWN_STATUS, f"Unknown status {slug!r}.")
    return status


def resolve_category(slug: str | None) -> Category | None:
    if slug is None:
        return None
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise Invalid(TicketErrorCode.UNKNOWN_CATEGORY, f"Unknown category {slug!r}.")
    return category


def resolve_team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise Invalid(TicketErrorCode.UNKNOWN_TEAM, f"No team with id {team_id}.")
    return team


def resolve_assignee(assignee_id: int | None, team: Team | None) -> User | None:
    """An assignee must be an active agent, supervisor or admin, and a member of the team."""
    if assignee_id is None:
        return None
    assignee = User.objects.filter(
        pk=assignee_id, is_active=True, role__in=ASSIGNABLE_ROLES
    ).first()
    if assignee is None:
        raise Invalid(TicketErrorCode.INVALID_ASSIGNEE, "The assignee must be an active agent.")
    if team is not None and not team.members.filter(pk=assignee.pk).exists():
        raise Invalid(
            TicketErrorCode.INVALID_ASSIGNEE, f"{assignee} is not a member of team {team}."
        )
    return assignee


def resolve_assignment(
    team_id: int | None, assignee_id: int | None
) -> tuple[Team | None, User | None]:
    team = resolve_team(team_id)
    return team, resolve_assignee(assignee_id, team)


def normalize_tag(name: str) -> str:
    tag = "".join(name.split()).lower()
    if not tag or len(tag) > 64:
        raise Invalid(TicketErrorCode.INVALID_TAG, f"Invalid tag {name!r} (1-64 characters).")
    return tag


def resolve_tags(names: Sequence[str]) -> list[Tag]:
    """Tags by name, created on first use. Names are lower-cased, without whitespace."""
    wanted = sorted({normalize_tag(n) for n in names})
    if len(wanted) > MAX_TAGS:
        raise Invalid(TicketErrorCode.INVALID_TAG, f"At most {MAX_TAGS} tags per ticket.")
    if not wanted:
        return []
    existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    missing = [Tag(name=n) for n in wanted if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    return [existing[n] for n in wanted]
