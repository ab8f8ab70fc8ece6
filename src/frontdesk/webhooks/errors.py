from enum import StrEnum


class WebhookErrorCode(StrEnum):
    ADMIN_REQUIRED = "admin_required"
    INVALID_URL = "invalid_webhook_url"
    URL_REFUSED = "webhook_url_refused"
    INVALID_EVENTS = "invalid_webhook_events"
    INVALID_NAME = "invalid_name"
    DISABLED = "webhook_disabled"
