"""Background work for webhooks: a new delivery is attempted at once by its own task, and
every 30 seconds the sender takes what is due (retries, and anything whose task was lost)."""

from django.tasks import task

from frontdesk.core.scheduler import every
from frontdesk.webhooks.sending import send_due, send_one


@task()
def deliver_webhook(delivery_id: int) -> bool:
    """Attempt one delivery if it is still due."""
    return send_one(delivery_id)


@every(seconds=30)
@task()
def deliver_webhooks() -> int:
    """Attempt every due delivery: new ones, and retries whose backoff has passed."""
    return send_due()
