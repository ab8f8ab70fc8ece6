"""Background work for the email channel: IMAP polling, every 30 seconds for the mailboxes
that are due (each mailbox's own interval and backoff decide)."""

from django.tasks import task

from frontdesk.core import clock
from frontdesk.core.scheduler import every
from frontdesk.mail.imap import due_mailboxes, poll_mailbox


@every(seconds=30)
@task()
def poll_mailboxes() -> int:
    """Poll every active IMAP mailbox whose next poll is due; returns messages fetched."""
    fetched = 0
    for mailbox_id in due_mailboxes(clock.now()):
        fetched += poll_mailbox(mailbox_id).fetched
    return fetched
