"""The read side: a user's own notifications, never anyone else's."""

from frontdesk.accounts.models import User
from frontdesk.core.errors import NotFound
from frontdesk.notifications.models import Notification, NotificationQuerySet

# The bell counts at most this many (one bounded index scan); more shows as "99+".
UNREAD_CAP = 100


def inbox(user: User) -> NotificationQuerySet:
    """The user's notifications: the only gate there is, as they are nobody else's."""
    return Notification.objects.filter(recipient=user)


def notification_list(user: User, *, unread_only: bool = False) -> NotificationQuerySet:
    """Newest first via keyset_page(order="-created_at"); carries what a row shows."""
    notifications = inbox(user).select_related("ticket", "actor")
    return notifications.unread() if unread_only else notifications


def unread_count(user: User) -> int:
    """Unread notifications, capped at UNREAD_CAP."""
    return inbox(user).unread().order_by()[:UNREAD_CAP].count()


def own_notification(user: User, notification_id: int) -> Notification:
    notification = inbox(user).select_related("ticket").filter(pk=notification_id).first()
    if notification is None:
        raise NotFound("No such notification.")
    return notification
