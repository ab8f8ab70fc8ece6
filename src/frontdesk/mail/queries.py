"""The read side of the email channel: mailboxes and the inbound messages' records.
Administrators only; customers are told nothing exists (404), other staff are refused (403)."""

from frontdesk.accounts.access import require_admin, require_staff
from frontdesk.accounts.models import User
from frontdesk.core.errors import NotFound
from frontdesk.mail.models import InboundMessage, InboundMessageQuerySet, Mailbox, State


def _require_reader(user: User) -> None:
    require_staff(user)
    require_admin(user)


def mailboxes(user: User) -> list[Mailbox]:
    _require_reader(user)
    return list(Mailbox.objects.select_related("default_team").order_by("address"))


def mailbox(user: User, mailbox_id: int) -> Mailbox:
    _require_reader(user)
    found = Mailbox.objects.select_related("default_team").filter(pk=mailbox_id).first()
    if found is None:
        raise NotFound("No such mailbox.")
    return found


def inbound_list(user: User, *, state: str | None = None) -> InboundMessageQuerySet:
    """Inbound messages' records, for keyset_page(order="-received_at")."""
    _require_reader(user)
    rows = InboundMessage.objects.select_related("mailbox", "ticket")
    if state in State.values:
        rows = rows.filter(state=state)
    return rows


def inbound(user: User, inbound_id: int) -> InboundMessage:
    _require_reader(user)
    found = (
        InboundMessage.objects.select_related("mailbox", "ticket", "ticket_message")
        .filter(pk=inbound_id)
        .first()
    )
    if found is None:
        raise NotFound("No such inbound message.")
    return found
