"""Perform the planned stories through the ticket actions, in time order.

Every beat is a real action call with `now=` set to the beat's time, so numbers, status
changes, first-response times and the audit trail are exactly what live use would leave.
The daily auto-close job runs between the beats, as the scheduler would have.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils.text import slugify

from frontdesk.accounts.models import User
from frontdesk.demo.cast import Cast
from frontdesk.demo.content import (
    CHASERS,
    EXTRA_NOTES,
    FIXED_AGAIN,
    FOLLOW_UPS,
    HOLD_NOTES,
    HOLD_REPLY,
    STILL_BROKEN,
    TEAMS,
    WAITING_ON_VENDOR,
)
from frontdesk.demo.stories import CUSTOMER_CHANNELS, Beat, Fate, Story, tags
from frontdesk.tickets.actions import (
    add_note,
    claim_ticket,
    close_solved_tickets,
    create_ticket,
    post_reply,
    update_ticket,
)
from frontdesk.tickets.choices import Channel, StatusCategory
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

type Scene = tuple[datetime, int, Callable[[datetime], object]]


def play(stories: list[Story], cast: Cast, *, now: datetime, days: int) -> None:
    scenes: list[Scene] = [
        (at, len(stories) + i, close_job)
        for i, at in enumerate(now - timedelta(days=d) for d in range(days, -1, -1))
    ]
    for order, story in enumerate(stories):
        scenes += [(at, order, _performer(story, cast, beat)) for beat, at in story.beats]
    # Stable sort: at equal times, a story's beats keep their order and tickets their rank.
    for at, _, perform in sorted(scenes, key=lambda scene: (scene[0], scene[1])):
        perform(at)


def close_job(at: datetime) -> int:
    return close_solved_tickets(now=at)


def _performer(story: Story, cast: Cast, beat: Beat) -> Callable[[datetime], object]:
    return lambda at: PERFORMERS[beat](story, cast, at)


def staff_origin(user: User, channel: str = Channel.WEB) -> Origin:
    # Documentation addresses (RFC 5737): staff in one range, customers in another.
    return Origin(channel=channel, ip_address=f"198.51.100.{10 + user.pk % 200}")


def customer_origin(story: Story) -> Origin:
    """Customers answer on the channel they came in by; tickets an agent or an integration
    raised are answered from the notification email."""
    channel = story.channel if story.channel in CUSTOMER_CHANNELS else Channel.EMAIL
    address = None if channel == Channel.EMAIL else f"203.0.113.{10 + story.requester.pk % 200}"
    return Origin(channel=channel, ip_address=address)


def agent_text(story: Story, agent: User, text: str) -> str:
    body = story.text(text)
    return (
        f"Hi {story.words['first']},\n\n{body}\n\n"
        f"Best regards,\n{agent.name}\n{TEAMS[story.team_key]} team"
    )


def customer_text(story: Story, text: str) -> str:
    body = story.text(text)
    if story.channel == Channel.EMAIL:
        return f"Hello,\n\n{body}\n\nThanks,\n{story.requester.name}\n{story.organization.name}"
    return body


def opening(story: Story) -> str:
    """The first message, framed by how it reached the help desk."""
    text = story.text(story.scenario.opening)
    who = f"{story.requester.name} ({story.organization.name})"
    match story.channel:
        case Channel.PHONE:
            return f"Phone call with {who}:\n\n{text}"
        case Channel.API:
            return f"Sent from the website contact form by {who}:\n\n{text}"
        case Channel.WEB:
            return text
    return customer_text(story, story.scenario.opening)


def create(story: Story, cast: Cast, at: datetime) -> None:
    if story.channel in CUSTOMER_CHANNELS:
        story.number = _create_as_customer(story, at).number
    else:
        story.number = _create_as_staff(story, cast, at).number


def _create_as_customer(story: Story, at: datetime) -> Ticket:
    portal = story.channel == Channel.PORTAL  # the portal form asks for these two
    return create_ticket(
        actor=story.requester,
        origin=customer_origin(story),
        subject=story.text(story.scenario.subject),
        body=opening(story),
        type=story.scenario.type,
        priority=story.priority if portal else "normal",
        custom_fields={"product": story.custom_fields["product"]} if portal else None,
        now=at,
    )


def _create_as_staff(story: Story, cast: Cast, at: datetime) -> Ticket:
    actor, origin, assignee_id = _staff_creation(story, cast)
    return create_ticket(
        actor=actor,
        origin=origin,
        subject=story.text(story.scenario.subject),
        body=opening(story),
        type=story.scenario.type,
        requester_email=story.requester.email,
        priority=story.priority,
        category=story.scenario.category,
        tags=tags(story),
        team_id=cast.teams[story.team_key].pk,
        assignee_id=assignee_id,
        custom_fields=story.custom_fields,
        now=at,
    )


def _staff_creation(story: Story, cast: Cast) -> tuple[User, Origin, int | None]:
    """Who raises a staff ticket: an integration (API) leaves it in the team queue; an agent
    logging a call or a task assigns it to themselves unless it is left new on purpose."""
    if story.channel == Channel.API:
        return cast.admin, staff_origin(cast.admin, Channel.API), None
    assignee_id = None if story.fate == Fate.NEW else story.assignee.pk
    return story.assignee, staff_origin(story.assignee, story.channel), assignee_id


def triage(story: Story, cast: Cast, at: datetime) -> None:
    triager = cast.supervisor if story.rng.random() < 0.6 else story.assignee
    changes: dict[str, object] = {
        "team_id": cast.teams[story.team_key].pk,
        "tags": tags(story),
        "category": story.scenario.category,
        "priority": story.priority,
        "custom_fields": story.custom_fields,
    }
    if story.assign_in_triage:
        changes["assignee_id"] = story.assignee.pk
    update_ticket(
        actor=triager,
        origin=staff_origin(triager),
        number=story.number,
        changes=changes,
        expected_version=None,
        now=at,
    )


def claim(story: Story, cast: Cast, at: datetime) -> None:
    claim_ticket(
        actor=story.assignee, origin=staff_origin(story.assignee), number=story.number, now=at
    )


def agent_reply(story: Story, at: datetime, text: str, status: str | None = None) -> None:
    post_reply(
        actor=story.assignee,
        origin=staff_origin(story.assignee),
        number=story.number,
        body=agent_text(story, story.assignee, text),
        status=status,
        now=at,
    )


def customer_reply(story: Story, at: datetime, text: str) -> None:
    post_reply(
        actor=story.requester,
        origin=customer_origin(story),
        number=story.number,
        body=customer_text(story, text),
        now=at,
    )


def note(story: Story, cast: Cast, at: datetime, text: str) -> None:
    """Anyone in the team may note, light agents included."""
    author = story.rng.choice([story.assignee, *cast.members(story.team_key)])
    add_note(
        actor=author,
        origin=staff_origin(author),
        number=story.number,
        body=story.text(text),
        now=at,
    )


def finding(story: Story) -> str:
    """Usually what the agent found out; now and then a general remark."""
    return story.scenario.note if story.rng.random() < 0.75 else story.rng.choice(EXTRA_NOTES)


def hold(story: Story, cast: Cast, at: datetime) -> None:
    vendor = story.rng.random() < 0.5
    status = slugify(WAITING_ON_VENDOR) if vendor else "on-hold"
    agent_reply(story, at, HOLD_REPLY, status=status)


def follow_up(story: Story, cast: Cast, at: datetime) -> None:
    """Only a closed ticket gets a follow-up; one reopened since just has nothing to add."""
    ticket = Ticket.objects.get(number=story.number)
    if ticket.status_category == StatusCategory.CLOSED:
        customer_reply(story, at, story.rng.choice(FOLLOW_UPS))


PERFORMERS: dict[Beat, Callable[[Story, Cast, datetime], None]] = {
    Beat.CREATE: create,
    Beat.TRIAGE: triage,
    Beat.CLAIM: claim,
    Beat.CHASE: lambda s, c, at: customer_reply(s, at, s.rng.choice(CHASERS)),
    Beat.ASK: lambda s, c, at: agent_reply(s, at, s.scenario.question, status="pending"),
    Beat.DETAILS: lambda s, c, at: customer_reply(s, at, s.scenario.details),
    Beat.NOTE: lambda s, c, at: note(s, c, at, finding(s)),
    Beat.HOLD_NOTE: lambda s, c, at: note(s, c, at, s.rng.choice(HOLD_NOTES)),
    Beat.HOLD: hold,
    Beat.SOLVE: lambda s, c, at: agent_reply(s, at, s.scenario.solution, status="solved"),
    Beat.STILL_BROKEN: lambda s, c, at: customer_reply(s, at, s.rng.choice(STILL_BROKEN)),
    Beat.FIXED_AGAIN: lambda s, c, at: agent_reply(
        s, at, s.rng.choice(FIXED_AGAIN), status="solved"
    ),
    Beat.FOLLOW_UP: follow_up,
}
