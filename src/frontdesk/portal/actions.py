"""Portal actions: the only code that writes portal rows. Tickets are written through
`tickets.actions`, always as the customer (so `tickets.access.visible_to` decides)."""

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from frontdesk.accounts.access import require_admin
from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Forbidden, Invalid, NotFound
from frontdesk.customers.models import Membership
from frontdesk.mail.actions import contact_for
from frontdesk.mail.parse import Addr
from frontdesk.outbox.actions import acknowledge_new_ticket, queue_portal_email
from frontdesk.portal.access import require_customer, require_verified_customer
from frontdesk.portal.errors import PortalErrorCode
from frontdesk.portal.formspec import Definition, FormSpecError, parse_fields
from frontdesk.portal.models import PendingRequest, RequestForm
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.access import access_ticket
from frontdesk.tickets.actions._common import default_status, save_ticket, set_status, touch
from frontdesk.tickets.actions.conversation import _claim_attachments
from frontdesk.tickets.actions.relations import add_follower
from frontdesk.tickets.choices import Channel, StatusCategory, TicketType
from frontdesk.tickets.events import Origin, record_changes
from frontdesk.tickets.models import Category, CustomFieldDefinition, Message, Ticket
from frontdesk.triggers.hooks import ticket_event

PENDING_LIFETIME = timedelta(hours=24)


def portal_origin(ip_address: str | None) -> Origin:
    return Origin(channel=Channel.PORTAL, ip_address=ip_address)


def active_definitions() -> dict[str, Definition]:
    return {
        d.key: Definition(d.key, d.label, d.field_type, tuple(d.choices))
        for d in CustomFieldDefinition.objects.filter(is_active=True)
    }


# --- request forms (admins) ----------------------------------------------------------------


@dataclass(frozen=True)
class FormInput:
    name: str
    slug: str
    description: str = ""
    ticket_type: str = TicketType.QUESTION
    category: str | None = None
    team_id: int | None = None
    fields: Sequence[Mapping[str, Any]] = ()
    position: int = 0
    is_active: bool = True


def save_request_form(
    *, actor: User, data: FormInput, form_id: int | None = None, now: datetime | None = None
) -> RequestForm:
    """Create (form_id None) or replace a request form. Admins only; the field list is
    checked against the active custom fields (conditions on earlier fields)."""
    require_admin(actor)
    now = now or clock.now()
    if data.ticket_type not in TicketType.values:
        raise Invalid(PortalErrorCode.INVALID_FORM, f"Unknown ticket type {data.ticket_type!r}.")
    try:
        parse_fields(list(data.fields), active_definitions())
    except FormSpecError as exc:
        raise Invalid(PortalErrorCode.INVALID_FORM, str(exc), {"index": exc.index}) from exc
    category = None
    if data.category:
        category = Category.objects.filter(slug=data.category).first()
        if category is None:
            raise Invalid(PortalErrorCode.INVALID_FORM, f"Unknown category {data.category!r}.")
    with transaction.atomic():
        if form_id is None:
            if RequestForm.objects.filter(slug=data.slug).exists():
                raise Conflict(PortalErrorCode.INVALID_FORM, "A form with this slug exists.")
            form = RequestForm(created_at=now)
        else:
            found = RequestForm.objects.select_for_update().filter(pk=form_id).first()
            if found is None:
                raise NotFound("No such request form.")
            form = found
        form.name = data.name.strip()[:100] or data.slug
        form.slug = data.slug
        form.description = data.description.strip()[:500]
        form.ticket_type = data.ticket_type
        form.category = category
        form.team_id = data.team_id
        form.fields = [dict(f) for f in data.fields]
        form.position = data.position
        form.is_active = data.is_active
        form.updated_at = now
        form.save()
    return form


def delete_request_form(*, actor: User, form_id: int) -> None:
    require_admin(actor)
    deleted, _rows = RequestForm.objects.filter(pk=form_id).delete()
    if not deleted:
        raise NotFound("No such request form.")


# --- submitting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    subject: str
    body: str
    custom_fields: Mapping[str, Any]
    form: RequestForm | None = None


@dataclass(frozen=True)
class Upload:
    file_name: str
    content: IO[bytes]


def submit_request(
    *,
    actor: User,
    origin: Origin,
    submission: Submission,
    uploads: Sequence[Upload] = (),
    now: datetime | None = None,
) -> Ticket:
    """A signed-in, verified customer's request: the ticket (channel portal, the form's
    type, category and team), its attachments on the first message, and the
    acknowledgment email."""
    require_verified_customer(actor)
    now = now or clock.now()
    form = submission.form
    with transaction.atomic():
        ticket = ticket_actions.create_ticket(
            actor=actor,
            origin=origin,
            subject=submission.subject,
            body=submission.body,
            type=form.ticket_type if form else TicketType.QUESTION,
            custom_fields=dict(submission.custom_fields),
            default_team_id=form.team_id if form else None,
            default_category=form.category.slug if form and form.category else None,
            now=now,
        )
        if uploads:
            ids = [
                ticket_actions.attach_file(
                    actor=actor,
                    origin=origin,
                    number=ticket.number,
                    file_name=upload.file_name,
                    content=upload.content,
                    now=now,
                ).pk
                for upload in uploads
            ]
            first = Message.objects.filter(ticket=ticket).order_by("pk").first()
            assert first is not None
            _claim_attachments(ticket, actor, first, ids)
        acknowledge_new_ticket(ticket, now=now)
    return ticket


def reply(
    *,
    actor: User,
    origin: Origin,
    number: int,
    body: str,
    uploads: Sequence[Upload] = (),
    now: datetime | None = None,
) -> Message:
    """A customer's reply with attachments (uploaded, then claimed by the reply)."""
    require_customer(actor)
    now = now or clock.now()
    with transaction.atomic():
        ids: list[UUID] = [
            ticket_actions.attach_file(
                actor=actor,
                origin=origin,
                number=number,
                file_name=upload.file_name,
                content=upload.content,
                now=now,
            ).pk
            for upload in uploads
        ]
        return ticket_actions.post_reply(
            actor=actor, origin=origin, number=number, body=body, attachment_ids=ids, now=now
        )


# --- anonymous requests, held until the address is verified ---------------------------------


def hold_anonymous_request(
    *,
    email: str,
    name: str,
    submission: Submission,
    verify_url: str,
    ip_address: str | None,
    now: datetime | None = None,
) -> PendingRequest | None:
    """Keep an anonymous request and email its verification link (`verify_url` with
    `{token}`). Nothing is created until the link is confirmed. Returns None (and keeps
    nothing) when the address may not receive more portal mail this hour."""
    if not settings.FRONTDESK_PORTAL_ANONYMOUS:
        raise Forbidden(PortalErrorCode.ANONYMOUS_DISABLED, "Sign in to submit a request.")
    now = now or clock.now()
    email = email.strip().lower()
    if not submission.subject.strip() or not submission.body.strip():
        raise Invalid(PortalErrorCode.INVALID_FORM, "A request needs a subject and a description.")
    token = secrets.token_urlsafe(32)
    link = verify_url.replace("{token}", token)
    with transaction.atomic():
        mail = queue_portal_email(
            to=email,
            subject=_("Confirm your request: %(subject)s") % {"subject": submission.subject},
            body_text=_(
                'Hello,\n\nSomeone (we hope you) asked for help with "%(subject)s" using this '
                "address. Open this link within 24 hours to confirm it, and we will open your "
                "request:\n\n%(link)s\n\nIf it was not you, ignore this email; nothing will "
                "be created."
            )
            % {"subject": submission.subject, "link": link},
            limit_per_hour=settings.FRONTDESK_PORTAL_MAILS_PER_ADDRESS_HOUR,
            now=now,
        )
        if mail is None:
            return None
        return PendingRequest.objects.create(
            token_hash=_hash(token),
            email=email,
            name=name.strip()[:200],
            form=submission.form,
            subject=submission.subject.strip()[:500],
            body=submission.body,
            custom_fields=dict(submission.custom_fields),
            ip_address=ip_address,
            created_at=now,
            expires_at=now + PENDING_LIFETIME,
        )


def pending_for_token(token: str, *, now: datetime | None = None) -> PendingRequest:
    now = now or clock.now()
    pending = PendingRequest.objects.filter(token_hash=_hash(token)).first()
    if pending is None or (pending.confirmed_at is None and pending.expires_at <= now):
        raise NotFound(_("This link is unknown or has expired."))
    return pending


def confirm_anonymous_request(
    *, token: str, ip_address: str | None, now: datetime | None = None
) -> Ticket:
    """Create the held request's ticket (once; a second confirmation returns it) as its
    requester, a contact found or created by address, and acknowledge it."""
    now = now or clock.now()
    with transaction.atomic():
        pending = pending_for_token(token, now=now)
        pending = PendingRequest.objects.select_for_update().get(pk=pending.pk)
        if pending.ticket_number is not None:
            ticket = Ticket.objects.get(number=pending.ticket_number)
            return ticket
        requester = contact_for(Addr(name=pending.name, email=pending.email))
        if not requester.is_active or not requester.is_customer:
            raise Forbidden(
                PortalErrorCode.NOT_A_CUSTOMER, _("Please sign in to submit a request.")
            )
        form = pending.form
        ticket = ticket_actions.create_ticket(
            actor=requester,
            origin=portal_origin(ip_address),
            subject=pending.subject,
            body=pending.body,
            type=form.ticket_type if form else TicketType.QUESTION,
            custom_fields=pending.custom_fields,
            default_team_id=form.team_id if form else None,
            default_category=form.category.slug if form and form.category else None,
            now=now,
        )
        pending.confirmed_at, pending.ticket_number = now, ticket.number
        pending.save(update_fields=["confirmed_at", "ticket_number"])
        acknowledge_new_ticket(ticket, now=now)
    return ticket


def delete_expired_pending(*, now: datetime | None = None) -> int:
    now = now or clock.now()
    deleted, _rows = PendingRequest.objects.filter(
        Q(confirmed_at__isnull=True, expires_at__lte=now)
        | Q(confirmed_at__lte=now - timedelta(days=7))
    ).delete()
    return deleted


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- the request page -----------------------------------------------------------------------


def mark_solved(*, actor: User, origin: Origin, number: int, now: datetime | None = None) -> Ticket:
    """The customer says their request is solved (any open state; not closed)."""
    require_customer(actor)
    now = now or clock.now()
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)
        if ticket.status_category in (StatusCategory.SOLVED, StatusCategory.CLOSED):
            raise Conflict(PortalErrorCode.NOT_SOLVABLE, _("This request is already solved."))
        change = set_status(ticket, default_status(StatusCategory.SOLVED), now)
        ticket.awaiting_agent_since = None
        touch(ticket, now)
        save_ticket(ticket, now)
        changes = [change] if change else []
        record_changes(ticket, changes, actor=actor, origin=origin, now=now)
        ticket_event(ticket, "status_changed", actor=actor, now=now, changes=changes)
    return ticket


def reopen_window() -> timedelta:
    return timedelta(days=settings.FRONTDESK_PORTAL_REOPEN_DAYS)


def can_reopen(ticket: Ticket, now: datetime) -> bool:
    return (
        ticket.status_category == StatusCategory.SOLVED
        and ticket.solved_at is not None
        and now - ticket.solved_at <= reopen_window()
    )


def reopen(*, actor: User, origin: Origin, number: int, now: datetime | None = None) -> Ticket:
    """Reopen a solved request within FRONTDESK_PORTAL_REOPEN_DAYS of its solving."""
    require_customer(actor)
    now = now or clock.now()
    ticket = access_ticket(actor, number)
    if not can_reopen(ticket, now):
        raise Conflict(
            PortalErrorCode.REOPEN_WINDOW_PASSED,
            _("This request can no longer be reopened; please submit a new one."),
        )
    return ticket_actions.reopen_ticket(actor=actor, origin=origin, number=number, now=now)


def colleagues(actor: User, ticket: Ticket) -> list[User]:
    """Whom the customer may CC: active customers of the ticket's organisation, if the
    customer belongs to it too, other than the requester and those already CC'd."""
    if ticket.organization_id is None:
        return []
    members = Membership.objects.filter(organization_id=ticket.organization_id)
    if not members.filter(user=actor).exists():
        return []
    return list(
        User.objects.filter(pk__in=members.values("user_id"), is_active=True, role="customer")
        .exclude(pk__in=[ticket.requester_id, actor.pk])
        .exclude(pk__in=ticket.followers.values("pk"))
        .order_by("name", "email")
    )


def cc_colleague(
    *, actor: User, origin: Origin, number: int, user_id: int, now: datetime | None = None
) -> None:
    """CC a colleague: they follow the request (and so see it and get its replies)."""
    require_customer(actor)
    now = now or clock.now()
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)
        colleague = next((u for u in colleagues(actor, ticket) if u.pk == user_id), None)
        if colleague is None:
            raise Invalid(
                PortalErrorCode.NOT_A_COLLEAGUE, _("Only your organisation's contacts can be CC'd.")
            )
        add_follower(ticket, colleague, actor=actor, origin=origin, now=now)
