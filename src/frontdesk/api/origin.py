"""Where an API request came from, for the audit trail."""

from django.http import HttpRequest

from frontdesk.tickets.choices import Channel
from frontdesk.tickets.events import Origin


def origin_of(request: HttpRequest) -> Origin:
    """The API channel and the peer address. Forwarded-for headers are not trusted here:
    a reverse proxy that sets REMOTE_ADDR correctly is the deployment's job."""
    return Origin(channel=Channel.API, ip_address=request.META.get("REMOTE_ADDR") or None)
