"""Satisfaction surveys: the only code that writes them.

`ticket_solved` runs inside the transaction of the event that solved a ticket (the
listener in `csat.hooks`): it creates the ticket's one survey and queues its email through
the outbox, unless the requester's last mail was automatic or mail to their address
failed permanently (the survey then waits in the portal only). `rate` records a rating
from the emailed link's page (POST only) or the portal.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Invalid, NotFound
from frontdesk.csat.choices import Rating, SkipReason
from frontdesk.csat.errors import CsatErrorCode
from frontdesk.csat.models import CsatSetting, Survey
from frontdesk.mail.models import InboundMessage
from frontdesk.outbox import actions as outbox
from frontdesk.outbox.choices import AutoSubmitted, OutboundKind, OutboundState
from frontdesk.outbox.models import OutboundEmail
from frontdesk.outbox.render import text_to_mail_html
from frontdesk.tickets.models import Ticket

# A rating can be given this long after the ticket was solved ...
OPEN_FOR = timedelta(days=30)
# ... and changed this long after it was first given.
CHANGEABLE_FOR = timedelta(days=7)
TOKEN_PREFIX = "cs_"  # noqa: S105 - a prefix, not a secret
MAX_COMMENT = 2000


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_enabled(ticket_type: str) -> bool:
    if not settings.FRONTDESK_CSAT_ENABLED:
        return False
    row = CsatSetting.objects.filter(ticket_type=ticket_type).first()
    return row is None or row.enabled


def set_enabled(*, actor: User, ticket_type: str, enabled: bool) -> CsatSetting:
    from frontdesk.accounts.access import require_admin

    require_admin(actor)
    row, _ = CsatSetting.objects.update_or_create(
        ticket_type=ticket_type, defaults={"enabled": enabled}
    )
    return row


def ticket_solved(ticket: Ticket, *, now: datetime | None = None) -> Survey | None:
    """The ticket was just solved (inside the event's transaction): its survey, once per
    ticket, with the email when it may be sent."""
    now = now or clock.now()
    if Survey.objects.filter(ticket=ticket).exists() or not survey_enabled(ticket.type):
        return None
    requester = ticket.requester
    if requester.is_staff:
        return None  # tickets raised by agents for themselves are not surveyed
    survey = Survey.objects.create(
        ticket=ticket,
        requester=requester,
        agent_id=ticket.assignee_id,
        team_id=ticket.team_id,
        ticket_type=ticket.type,
        solved_at=ticket.solved_at or now,
        created_at=now,
    )
    skip = skip_reason(requester)
    if skip:
        survey.skipped = skip
        survey.save(update_fields=["skipped"])
        return survey
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    survey.token_hash = hash_token(token)
    survey.email = queue_survey(survey, token, now=now)
    survey.save(update_fields=["token_hash", "email"])
    return survey


def skip_reason(requester: User) -> str:
    """Why the survey must not be mailed to `requester`, or "" when it may be."""
    address = (requester.email or "").lower()
    if not address or not requester.is_active or address in outbox._own_addresses():
        return SkipReason.NO_ADDRESS
    last = (
        InboundMessage.objects.filter(from_address__iexact=address)
        .order_by("-received_at", "-id")
        .only("classification")
        .first()
    )
    if last is not None and last.is_automatic:
        return SkipReason.AUTOMATIC
    failed = OutboundEmail.objects.filter(
        state=OutboundState.FAILED, ticket__requester=requester
    ).values_list("to", flat=True)[:50]
    if any(address in [a.lower() for a in to] for to in failed):
        return SkipReason.BOUNCED
    return ""


def links(token: str) -> dict[str, str]:
    base = settings.FRONTDESK_PUBLIC_URL.rstrip("/")
    page = base + reverse("csat:link", args=[token])
    return {"good": page + "?rating=good", "bad": page + "?rating=bad"}


def queue_survey(survey: Survey, token: str, *, now: datetime) -> OutboundEmail:
    """The survey email: two links (good, bad) to a page where the rating is confirmed,
    with a comment; threaded under the ticket's conversation, automatic."""
    ticket = survey.ticket
    urls = links(token)
    values = {"number": ticket.number, "subject": ticket.subject}
    body = "\n\n".join(
        [
            _("Hello %(name)s,") % {"name": survey.requester},
            _("your request #%(number)s “%(subject)s” was solved. How did we do?") % values,
            _("Good, I'm satisfied: %(url)s") % {"url": urls["good"]},
            _("Bad, I'm not satisfied: %(url)s") % {"url": urls["bad"]},
            _("You can change your answer for a week after giving it."),
        ]
    )
    mailbox = outbox._ticket_mailbox(ticket)
    from_header, from_address = outbox.sender(mailbox)
    ids = outbox.thread_ids(ticket)
    email = outbox._new_email(
        now=now,
        from_address=from_address,
        kind=OutboundKind.NOTIFICATION,
        ticket=ticket,
        mailbox=mailbox,
        from_header=from_header,
        to=[survey.requester.email],
        subject=_("How did we do? [#%(number)s]") % values,
        body_text=body,
        body_html=text_to_mail_html(body),
        in_reply_to=ids[-1] if ids else "",
        references=outbox.references_header(ids),
        auto_submitted=AutoSubmitted.AUTO_GENERATED,
        rate_key=survey.requester.email.lower(),
        dedupe_key=f"csat:{survey.pk}",
    )
    email.save()
    outbox._send_soon([email.pk])
    return email


# --- ratings -------------------------------------------------------------------------------


def survey_by_token(token: str) -> Survey:
    survey = (
        Survey.objects.select_related("ticket", "requester", "agent")
        .filter(token_hash=hash_token(token))
        .first()
        if token.startswith(TOKEN_PREFIX)
        else None
    )
    if survey is None:
        raise NotFound(_("This survey link is not valid."))
    return survey


def survey_for_requester(user: User, number: int) -> Survey:
    """The survey of ticket `number` when `user` is its requester (otherwise none exists)."""
    survey = (
        Survey.objects.select_related("ticket", "requester", "agent")
        .filter(ticket__number=number, requester=user)
        .first()
    )
    if survey is None or not user.is_active:
        raise NotFound(_("There is no survey for this request."))
    return survey


def is_open(survey: Survey, now: datetime) -> bool:
    """Whether a rating may be given or changed now."""
    if survey.first_rated_at is not None:
        return now < survey.first_rated_at + CHANGEABLE_FOR
    return now < survey.solved_at + OPEN_FOR


def rate(survey: Survey, rating: str, comment: str = "", *, now: datetime | None = None) -> Survey:
    """Record (or change) the rating: one per survey; open for OPEN_FOR after the solve,
    changeable for CHANGEABLE_FOR after it was first given."""
    now = now or clock.now()
    if rating not in Rating.values:
        raise Invalid(CsatErrorCode.INVALID_RATING, _("Choose good or bad."))
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if not is_open(locked, now):
            raise Invalid(
                CsatErrorCode.SURVEY_CLOSED, _("This survey is closed; thank you all the same.")
            )
        locked.rating = rating
        locked.comment = " ".join(comment.replace("\x00", "").split(" "))[:MAX_COMMENT].strip()
        locked.first_rated_at = locked.first_rated_at or now
        locked.rated_at = now
        locked.save(update_fields=["rating", "comment", "first_rated_at", "rated_at"])
    return locked
