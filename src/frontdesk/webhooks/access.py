"""Webhooks are administrators' business: they read and change them; other staff get 403
and customers 404 (the workspace's resources do not exist for them)."""

from frontdesk.accounts.access import is_admin
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden, NotFound
from frontdesk.webhooks.errors import WebhookErrorCode


def require_webhook_admin(user: User) -> None:
    if not user.is_staff:
        raise NotFound("Not found.")
    if not is_admin(user):
        raise Forbidden(WebhookErrorCode.ADMIN_REQUIRED, "Only administrators manage webhooks.")
