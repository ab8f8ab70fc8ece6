"""An agent's routing settings: how many active tickets they may hold, their skills, and the
business calendar of their working hours. Administrators set every agent's; a supervisor
sets those of the agents in their own teams (as they set those teams' strategy)."""

from typing import Any

from django.db import transaction

from frontdesk.accounts.access import WORKING_ROLES
from frontdesk.accounts.models import AgentProfile, User
from frontdesk.core.errors import Invalid, NotFound
from frontdesk.routing.access import require_agent_lead
from frontdesk.routing.actions.assignment import working_calendar_row
from frontdesk.routing.errors import RoutingErrorCode

MAX_CAPACITY = 1000
MAX_SKILLS = 50
MAX_SKILL_LENGTH = 50


def configure_agent_profile(
    *,
    actor: User,
    user_id: int,
    capacity: int | None,
    skills: list[str],
    working_calendar_id: int | None = None,
) -> AgentProfile:
    """Replace an agent's capacity (None: no cap), skills (compared as tags are: lower-case,
    no spaces; stored as typed, without repeats) and working calendar (None: always on
    shift)."""
    agent = User.objects.filter(pk=user_id, is_active=True).first()
    if not actor.is_staff or agent is None or not agent.is_staff:
        raise NotFound("No such agent.")
    require_agent_lead(actor, agent)
    if agent.role not in WORKING_ROLES:
        raise Invalid(RoutingErrorCode.NOT_AN_AGENT, "Light agents are never assigned tickets.")
    if capacity is not None and (isinstance(capacity, bool) or not 0 <= capacity <= MAX_CAPACITY):
        raise Invalid(
            RoutingErrorCode.INVALID_CAPACITY,
            f"Capacity is 0 to {MAX_CAPACITY} active tickets, or empty for no cap.",
        )
    clean = _clean_skills(skills)
    calendar = working_calendar_row(working_calendar_id)
    with transaction.atomic():
        profile, _ = AgentProfile.objects.select_for_update().get_or_create(user=agent)
        profile.capacity = capacity
        profile.skills = clean
        profile.working_calendar = calendar
        profile.save(update_fields=["capacity", "skills", "working_calendar"])
    return profile


def _clean_skills(skills: Any) -> list[str]:
    if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
        raise Invalid(RoutingErrorCode.INVALID_SKILLS, "Skills are a list of words.")
    clean: list[str] = []
    for skill in skills:
        word = "".join(skill.split())
        if not word:
            continue
        if len(word) > MAX_SKILL_LENGTH:
            raise Invalid(
                RoutingErrorCode.INVALID_SKILLS,
                f"A skill has at most {MAX_SKILL_LENGTH} characters: {word[:20]}….",
            )
        if word.lower() not in {c.lower() for c in clean}:
            clean.append(word)
    if len(clean) > MAX_SKILLS:
        raise Invalid(RoutingErrorCode.INVALID_SKILLS, f"At most {MAX_SKILLS} skills.")
    return clean
