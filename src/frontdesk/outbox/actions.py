"""Outbound email: the only code that writes the outbox, preferences and templates.

Mail is queued inside the caller's transaction, so it exists exactly when the change it
tells about was committed, and leaves later from a task (`outbox.sending`). Everything a
mail needs is decided here, when it is queued: sender, recipients, subject, both bodies and
the threading headers (docs/email.md, "Outbound").
"""

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction

from frontdesk.accounts.access import require_admin
from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Invalid, NotFound
from frontdesk.mail.models import Mailbox
from frontdesk.notifications.choices import NotificationKind
from frontdesk.outbox.choices import AutoSubmitted, OutboundKind, OutboundState
from frontdesk.outbox.defaults import (
    ACKNOWLEDGMENT,
    APPROVAL_REQUEST,
    AUTOMATION_FALLBACK,
    TEMPLATE_KEYS,
    Wording,
)
from frontdesk.outbox.models import (
    EmailTemplate,
    NotificationPreference,
    OutboundEmail,
)
from frontdesk.outbox.queries import preferences_for, wordings
from frontdesk.outbox.render import (
    render,
    render_subject,
    text_to_mail_html,
    unknown_placeholders,
)
from frontdesk.tickets.models import Message, Ticket, TicketFollower
from frontdesk.tickets.reply_tokens import reply_address

MAX_REFERENCES = 20
ACK_WINDOW = timedelta(hours=1)


# --- senders and headers ------------------------------------------------------------------


def default_mailbox() -> Mailbox | None:
    """The mailbox named by FRONTDESK_OUTBOUND_MAILBOX, if it exists and is active."""
    address = settings.FRONTDESK_OUTBOUND_MAILBOX
    if not address:
        return None
    return Mailbox.objects.filter(address__iexact=address, is_active=True).first()


def sender(mailbox: Mailbox | None) -> tuple[str, str]:
    """(From header, bare address) of mail sent through `mailbox`, or the global sender."""
    if mailbox is not None:
        return mailbox.from_header, mailbox.address
    header = settings.DEFAULT_FROM_EMAIL
    return header, parseaddr(header)[1] or header


def new_message_id(address: str) -> str:
    """`<random@domain of the sender>`: unique, and ours by its domain."""
    domain = address.rpartition("@")[2] or "frontdesk.localhost"
    return f"<{secrets.token_hex(16)}@{domain}>"


def _own_addresses() -> set[str]:
    """Our own addresses: mail to them would loop."""
    own = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    own.add(sender(None)[1].lower())
    return own


def _ticket_mailbox(ticket: Ticket) -> Mailbox | None:
    """The mailbox the ticket's mail went out through before (its acknowledgment names the
    address the customer wrote to), else the default."""
    earlier = (
        OutboundEmail.objects.filter(ticket=ticket, mailbox__isnull=False, mailbox__is_active=True)
        .exclude(kind=OutboundKind.NOTIFICATION)
        .select_related("mailbox")
        .order_by("-created_at", "-id")
        .first()
    )
    return earlier.mailbox if earlier is not None else default_mailbox()


def thread_ids(ticket: Ticket, *, exclude_message: Message | None = None) -> list[str]:
    """The Message-IDs of the ticket's conversation so far, oldest first: every message's
    (received or sent) and our acknowledgments'."""
    found: list[tuple[datetime, int, str]] = []
    messages = Message.objects.filter(ticket=ticket).exclude(email_message_id="")
    if exclude_message is not None:
        messages = messages.exclude(pk=exclude_message.pk)
    found += [(at, 0, mid) for at, mid in messages.values_list("created_at", "email_message_id")]
    acks = OutboundEmail.objects.filter(ticket=ticket, kind=OutboundKind.ACKNOWLEDGMENT)
    found += [(at, 1, mid) for at, mid in acks.values_list("created_at", "message_id")]
    ids: list[str] = []
    for _, _, mid in sorted(found):
        if mid not in ids:
            ids.append(mid)
    return ids


def references_header(ids: Sequence[str]) -> str:
    """The first id and the latest ones (RFC 5322 allows trimming the middle)."""
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return " ".join(ids)


def ticket_values(
    ticket: Ticket | None, *, requester: User | None, agent: User | None, recipient: User | None
) -> dict[str, str]:
    """The placeholder values (`outbox.render.PLACEHOLDERS`) for one mail."""
    base = settings.FRONTDESK_PUBLIC_URL.rstrip("/")
    values = {
        "agent.name": str(agent) if agent else "Frontdesk",
        "recipient.name": str(recipient) if recipient else "",
        "requester.name": str(requester) if requester else "",
        "requester.email": requester.email if requester else "",
    }
    if ticket is not None:
        values |= {
            "ticket.number": str(ticket.number),
            "ticket.subject": ticket.subject,
            "ticket.status": ticket.status_category,
            "ticket.priority": ticket.get_priority_display(),
            "ticket.url": f"{base}/desk/tickets/{ticket.number}/",
            "ticket.portal_url": f"{base}/portal/tickets/{ticket.number}/",
        }
    else:
        blank = ("ticket.number", "ticket.subject", "ticket.status", "ticket.priority")
        values |= dict.fromkeys((*blank, "ticket.url", "ticket.portal_url"), "")
    return values


def _clean_subject(subject: str) -> str:
    return " ".join(subject.replace("\x00", "").split())[:900]


def _new_email(*, now: datetime, from_address: str, **fields: object) -> OutboundEmail:
    return OutboundEmail(
        message_id=new_message_id(from_address),
        state=OutboundState.QUEUED,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
        **fields,
    )


def _worded_email(
    wording: Wording,
    values: Mapping[str, str],
    *,
    now: datetime,
    from_address: str,
    **fields: object,
) -> OutboundEmail:
    """An unsaved mail whose subject and text and HTML bodies come from `wording`."""
    body = render(wording.body, values)
    return _new_email(
        now=now,
        from_address=from_address,
        subject=render_subject(wording.subject, values),
        body_text=body,
        body_html=text_to_mail_html(body),
        **fields,
    )


def _send_soon(email_ids: Iterable[int]) -> None:
    """After commit, hand the new mail to a worker at once (the periodic sender also finds
    it, so a lost enqueue only delays it)."""
    ids = list(email_ids)
    if not ids:
        return

    def enqueue() -> None:
        from frontdesk.outbox.tasks import send_outbound_email

        for email_id in ids:
            send_outbound_email.enqueue(email_id)

    transaction.on_commit(enqueue, robust=True)


# --- (a) agent replies ----------------------------------------------------------------------


def reply_recipients(ticket: Ticket, *, author: User | None) -> tuple[list[str], list[str]]:
    """(To, Cc) of a reply: the requester, and the customers who follow the ticket.

    Inactive people, the author and our own addresses are left out."""
    own = _own_addresses()

    def wanted(person: User) -> bool:
        return (
            person.is_active
            and bool(person.email)
            and person.email.lower() not in own
            and (author is None or person.pk != author.pk)
        )

    requester = ticket.requester
    to = [requester.email] if wanted(requester) else []
    followers = User.objects.filter(
        pk__in=TicketFollower.objects.filter(ticket=ticket).values("user_id"),
        role="customer",
    ).order_by("email")
    cc = [p.email for p in followers if wanted(p) and p.pk != requester.pk]
    if not to and cc:
        to, cc = cc[:1], cc[1:]
    return to, cc


def queue_reply(message: Message, *, now: datetime | None = None) -> OutboundEmail | None:
    """Queue a staff member's public reply as an email to the requester (Cc: customers who
    follow the ticket). Call inside the reply's transaction, after its attachments are
    claimed. Returns None when there is nobody to mail. Sets the message's
    `email_message_id`, so the customer's answer threads by In-Reply-To too."""
    if message.kind != "reply" or not message.is_public:
        return None
    now = now or clock.now()
    ticket = message.ticket
    if ticket.channel == "chat" and _in_live_chat(ticket):
        return None  # read live in the chat widget; the transcript follows by email
    to, cc = reply_recipients(ticket, author=message.author)
    if not to:
        return None
    mailbox = _ticket_mailbox(ticket)
    from_header, from_address = sender(mailbox)
    earlier = thread_ids(ticket, exclude_message=message)
    email = _new_email(
        now=now,
        from_address=from_address,
        kind=OutboundKind.REPLY,
        ticket=ticket,
        ticket_message=message,
        mailbox=mailbox,
        from_header=from_header,
        to=to,
        cc=cc,
        subject=_clean_subject(f"Re: {ticket.subject} [#{ticket.number}]"),
        body_text=_reply_text(message, ticket),
        body_html=_reply_html(message, ticket),
        in_reply_to=earlier[-1] if earlier else "",
        references=references_header(earlier),
        reply_to=reply_address(from_address, ticket.number),
    )
    email.save()
    email.attachments.set(message.attachments.filter(is_public=True))
    Message.objects.filter(pk=message.pk).update(email_message_id=email.message_id)
    message.email_message_id = email.message_id
    _send_soon([email.pk])
    return email


def _in_live_chat(ticket: Ticket) -> bool:
    from frontdesk.chat.models import ChatSession

    return ChatSession.objects.filter(ticket=ticket).exclude(state="ended").exists()


def _reply_text(message: Message, ticket: Ticket) -> str:
    return (
        f"{message.body_text.strip()}\n\n-- \n"
        f"Ticket #{ticket.number}. Reply to this email to answer; "
        f"keep [#{ticket.number}] in the subject.\n"
    )


def _reply_html(message: Message, ticket: Ticket) -> str:
    # body_html is sanitised when the message is written (tickets.content.sanitize_html).
    footer = text_to_mail_html(
        f"Ticket #{ticket.number}. Reply to this email to answer; "
        f"keep [#{ticket.number}] in the subject."
    )
    return f'<div>{message.body_html}</div>\n<hr>\n<div style="color:#666">{footer}</div>'


# --- (b) acknowledgments --------------------------------------------------------------------


def acknowledge_new_ticket(
    ticket: Ticket, inbound: object = None, *, now: datetime | None = None
) -> OutboundEmail | None:
    """Queue the acknowledgment of a new ticket to its requester: the number and a portal
    link, `Auto-Submitted: auto-replied`, threaded under the customer's mail.

    `inbound` is the received mail the ticket came from, if any: its `mailbox` (the address
    written to) sends the acknowledgment and its `message_id` is answered. Call only for
    genuine mail (never in answer to automatic mail; an `inbound` whose `is_automatic` is
    true is ignored). At most FRONTDESK_ACK_LIMIT_PER_HOUR acknowledgments go to one
    address per hour. Returns None when none is queued."""
    now = now or clock.now()
    if getattr(inbound, "is_automatic", False):
        return None
    requester = ticket.requester
    address = (requester.email or "").lower()
    if not address or not requester.is_active or address in _own_addresses():
        return None
    recent = OutboundEmail.objects.filter(
        rate_key=address, kind=OutboundKind.ACKNOWLEDGMENT, created_at__gt=now - ACK_WINDOW
    ).count()
    if recent >= settings.FRONTDESK_ACK_LIMIT_PER_HOUR:
        return None
    mailbox = getattr(inbound, "mailbox", None)
    if not isinstance(mailbox, Mailbox) or not mailbox.is_active:
        mailbox = default_mailbox()
    from_header, from_address = sender(mailbox)
    answered = str(getattr(inbound, "message_id", "") or "")
    wording = wordings([ACKNOWLEDGMENT])[ACKNOWLEDGMENT]
    values = ticket_values(ticket, requester=requester, agent=None, recipient=requester)
    email = _worded_email(
        wording,
        values,
        now=now,
        from_address=from_address,
        kind=OutboundKind.ACKNOWLEDGMENT,
        ticket=ticket,
        mailbox=mailbox,
        from_header=from_header,
        to=[requester.email],
        in_reply_to=answered,
        references=answered,
        reply_to=reply_address(from_address, ticket.number),
        auto_submitted=AutoSubmitted.AUTO_REPLIED,
        rate_key=address,
    )
    email.save()
    _send_soon([email.pk])
    return email


# --- (b2) automation emails ------------------------------------------------------------------


def queue_email(
    *, ticket: Ticket, to: Sequence[str], template: str, now: datetime | None = None
) -> list[OutboundEmail]:
    """The email of a trigger's or time rule's `send_email` action: one per address, worded
    by the admin-editable template `template` (a name with no wording of its own falls back
    to `ticket_update`), automatic (`Auto-Submitted: auto-generated`), threaded under the
    ticket's conversation with the reply token in Reply-To. Our own addresses and inactive
    people are skipped, so an automation cannot mail itself into a loop."""
    now = now or clock.now()
    own = _own_addresses()
    people = {u.email.lower(): u for u in User.objects.filter(email__in=[a.lower() for a in to])}
    addresses = sorted(
        {a.lower() for a in to if a and a.lower() not in own}
        - {e for e, u in people.items() if not u.is_active}
    )
    wording = wordings([template, AUTOMATION_FALLBACK])
    chosen = wording.get(template) or wording[AUTOMATION_FALLBACK]
    mailbox = _ticket_mailbox(ticket)
    from_header, from_address = sender(mailbox)
    ids = thread_ids(ticket)
    emails = []
    for address in addresses:
        person = people.get(address)
        values = ticket_values(ticket, requester=ticket.requester, agent=None, recipient=person)
        emails.append(
            _worded_email(
                chosen,
                values,
                now=now,
                from_address=from_address,
                kind=OutboundKind.NOTIFICATION,
                ticket=ticket,
                mailbox=mailbox,
                from_header=from_header,
                to=[address],
                in_reply_to=ids[-1] if ids else "",
                references=references_header(ids),
                reply_to=reply_address(from_address, ticket.number),
                auto_submitted=AutoSubmitted.AUTO_GENERATED,
                rate_key=address,
            )
        )
    OutboundEmail.objects.bulk_create(emails)
    _send_soon(e.pk for e in emails)
    return emails


# --- (b3) approval requests -----------------------------------------------------------------


def queue_approval_request(
    ticket: Ticket, links: Mapping[User, str], *, now: datetime | None = None
) -> list[OutboundEmail]:
    """One email per approver with their one-time decision link (a path from
    `approvals.actions.approval_link`, made absolute with FRONTDESK_PUBLIC_URL), for the
    approvers whose preferences ask for approval requests by email."""
    now = now or clock.now()
    _in_app_only, by_email = split_by_preference(
        [p for p in links if p.email and p.is_active], NotificationKind.APPROVAL_REQUESTED
    )
    wording = wordings([APPROVAL_REQUEST])[APPROVAL_REQUEST]
    mailbox = default_mailbox()
    from_header, from_address = sender(mailbox)
    base = settings.FRONTDESK_PUBLIC_URL.rstrip("/")
    emails = []
    for person in by_email:
        values = ticket_values(ticket, requester=ticket.requester, agent=None, recipient=person)
        values["approval.url"] = base + links[person]
        emails.append(
            _worded_email(
                wording,
                values,
                now=now,
                from_address=from_address,
                kind=OutboundKind.APPROVAL,
                ticket=ticket,
                recipient=person,
                mailbox=mailbox,
                from_header=from_header,
                to=[person.email],
                auto_submitted=AutoSubmitted.AUTO_GENERATED,
            )
        )
    OutboundEmail.objects.bulk_create(emails)
    _send_soon(e.pk for e in emails)
    return emails


# --- (b4) portal mail --------------------------------------------------------------------

PORTAL_MAIL_WINDOW = timedelta(hours=1)


def queue_portal_email(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    limit_per_hour: int,
    now: datetime | None = None,
) -> OutboundEmail | None:
    """Portal mail that belongs to no ticket yet (the link that verifies the address of an
    anonymous request held by the portal): composed by the caller, sent through the default
    mailbox with `Auto-Submitted: auto-generated`. At most `limit_per_hour` such mails go
    to one address per hour, and none to our own addresses; returns None when none is
    queued. (Sign-in codes and password resets are sent by allauth through Django's mailer,
    never kept in the outbox, where admins could read them.)"""
    now = now or clock.now()
    address = to.strip().lower()
    if not address or address in _own_addresses():
        return None
    recent = OutboundEmail.objects.filter(
        rate_key=f"portal:{address}", created_at__gt=now - PORTAL_MAIL_WINDOW
    ).count()
    if recent >= limit_per_hour:
        return None
    mailbox = default_mailbox()
    from_header, from_address = sender(mailbox)
    email = _new_email(
        now=now,
        from_address=from_address,
        kind=OutboundKind.NOTIFICATION,
        mailbox=mailbox,
        from_header=from_header,
        to=[address],
        subject=_clean_subject(subject),
        body_text=body_text,
        body_html=body_html or text_to_mail_html(body_text),
        auto_submitted=AutoSubmitted.AUTO_GENERATED,
        rate_key=f"portal:{address}",
    )
    email.save()
    _send_soon([email.pk])
    return email


def queue_report_email(
    *,
    to: Sequence[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    key: str,
    now: datetime | None = None,
) -> OutboundEmail | None:
    """A scheduled report (`reports.actions.send_due_reports`): one mail to all of `to`
    through the default mailbox, `Auto-Submitted: auto-generated`. `key` names the run
    (schedule and day): a second call with it queues nothing and returns None, as does an
    empty recipient list once our own addresses are removed."""
    now = now or clock.now()
    own = _own_addresses()
    addresses = sorted({a.strip().lower() for a in to if a.strip()} - own)
    rate_key = f"report:{key}"[:100]
    if not addresses or OutboundEmail.objects.filter(rate_key=rate_key).exists():
        return None
    mailbox = default_mailbox()
    from_header, from_address = sender(mailbox)
    email = _new_email(
        now=now,
        from_address=from_address,
        kind=OutboundKind.NOTIFICATION,
        mailbox=mailbox,
        from_header=from_header,
        to=addresses,
        subject=_clean_subject(subject),
        body_text=body_text,
        body_html=body_html or text_to_mail_html(body_text),
        auto_submitted=AutoSubmitted.AUTO_GENERATED,
        rate_key=rate_key,
    )
    email.save()
    _send_soon([email.pk])
    return email


# --- (c) notifications by email -------------------------------------------------------------


@dataclass(frozen=True)
class NotificationMail:
    """A notification to send by email (its recipient already chose email for its kind)."""

    recipient: User
    kind: str
    text: str
    ticket: Ticket | None
    actor: User | None = None
    dedupe_key: str = ""


def queue_notification_emails(mails: Sequence[NotificationMail], *, now: datetime) -> int:
    """Queue one email per notification, worded by the kind's template, in a fixed number
    of queries. With a dedupe key, a recipient gets one email per key however often this
    runs. Returns how many were queued (or already were). Approval requests are left to
    `queue_approval_request`, whose email carries the approver's decision link."""
    mails = [
        m
        for m in mails
        if m.recipient.email
        and m.recipient.is_active
        and m.kind != NotificationKind.APPROVAL_REQUESTED
    ]
    if not mails:
        return 0
    texts = wordings({m.kind for m in mails})
    requesters = _requesters({m.ticket.requester_id for m in mails if m.ticket is not None})
    mailbox = default_mailbox()
    from_header, from_address = sender(mailbox)
    rows = []
    for mail in mails:
        wording = texts.get(mail.kind) or texts.get(NotificationKind.SYSTEM) or Wording("", "")
        requester = requesters.get(mail.ticket.requester_id) if mail.ticket else None
        values = ticket_values(
            mail.ticket, requester=requester, agent=mail.actor, recipient=mail.recipient
        )
        values["notification.text"] = mail.text
        body = render(wording.body, values)
        rows.append(
            _new_email(
                now=now,
                from_address=from_address,
                kind=OutboundKind.NOTIFICATION,
                ticket=mail.ticket,
                recipient=mail.recipient,
                mailbox=mailbox,
                from_header=from_header,
                to=[mail.recipient.email],
                subject=render_subject(wording.subject, values) or mail.text[:200],
                body_text=body,
                body_html=text_to_mail_html(body),
                auto_submitted=AutoSubmitted.AUTO_GENERATED,
                dedupe_key=f"n:{mail.recipient.pk}:{mail.dedupe_key}"[:250]
                if mail.dedupe_key
                else "",
            )
        )
    OutboundEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    # Mail is sent by the periodic sender: a sweep may queue hundreds at once.
    return len(rows)


def _requesters(ids: set[int]) -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(pk__in=ids)} if ids else {}


def split_by_preference(people: Sequence[User], kind: str) -> tuple[list[User], list[User]]:
    """(who is told in the app, who by email) about a `kind` notification."""
    chosen = preferences_for([p.pk for p in people], [kind])
    in_app = [p for p in people if chosen[(p.pk, kind)].in_app]
    email = [p for p in people if chosen[(p.pk, kind)].email]
    return in_app, email


# --- preferences and templates --------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceChange:
    kind: str
    in_app: bool
    email: bool


def set_preferences(actor: User, changes: Sequence[PreferenceChange]) -> None:
    """Store the actor's own choices (staff only: customers have no notifications)."""
    if not actor.is_staff:
        raise NotFound()
    known = set(NotificationKind.values)
    for change in changes:
        if change.kind not in known:
            raise Invalid("unknown_kind", f"No notification kind {change.kind!r}.")
    with transaction.atomic():
        for change in changes:
            NotificationPreference.objects.update_or_create(
                user=actor,
                kind=change.kind,
                defaults={"in_app": change.in_app, "email": change.email},
            )


def save_template(
    *, actor: User, key: str, subject: str, body: str, now: datetime | None = None
) -> EmailTemplate:
    """Replace the wording of one automatic mail (administrators). Only the placeholders of
    `outbox.render.PLACEHOLDERS` are accepted."""
    require_admin(actor)
    if key not in TEMPLATE_KEYS:
        raise NotFound("No such template.")
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise Invalid("template_empty", "A template needs a subject and a body.")
    unknown = unknown_placeholders(subject) + unknown_placeholders(body)
    if unknown:
        raise Invalid(
            "unknown_placeholder",
            "Unknown placeholders: " + ", ".join("{{" + n + "}}" for n in unknown),
            {"unknown": unknown},
        )
    template, _ = EmailTemplate.objects.update_or_create(
        key=key,
        defaults={
            "subject": subject,
            "body": body,
            "updated_at": now or clock.now(),
            "updated_by": actor,
        },
    )
    return template


def reset_template(*, actor: User, key: str) -> None:
    """Go back to the built-in wording."""
    require_admin(actor)
    if key not in TEMPLATE_KEYS:
        raise NotFound("No such template.")
    EmailTemplate.objects.filter(key=key).delete()


# --- the admin's retry ----------------------------------------------------------------------


def retry_email(*, actor: User, email_id: int, now: datetime | None = None) -> OutboundEmail:
    """Send a failed (or waiting) mail again now, with a fresh attempt count."""
    require_admin(actor)
    now = now or clock.now()
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            raise NotFound("No such email.")
        if email.state not in (OutboundState.FAILED, OutboundState.QUEUED):
            raise Invalid("not_retryable", f"This email is {email.state}; it cannot be retried.")
        email.state = OutboundState.QUEUED
        email.attempts = 0
        email.next_attempt_at = now
        email.updated_at = now
        email.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
        _send_soon([email.pk])
    return email
