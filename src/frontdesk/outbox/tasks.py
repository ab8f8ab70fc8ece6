"""Background work for outbound email: a fresh mail is sent at once by its own task, and
every 30 seconds the sender takes what is due (retries, and anything whose task was lost)."""

from django.tasks import task

from frontdesk.core.scheduler import every
from frontdesk.outbox.sending import send_due, send_one


@task()
def send_outbound_email(email_id: int) -> bool:
    """Send one queued mail if it is still due (idempotent: a sent mail is left alone)."""
    return send_one(email_id)


@every(seconds=30)
@task()
def send_outbox() -> int:
    """Send every due mail: new ones, and retries whose backoff has passed."""
    return send_due()
