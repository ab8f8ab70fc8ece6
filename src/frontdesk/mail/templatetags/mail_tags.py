"""Template filters for received mail on the ticket page."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from frontdesk.mail.content import QUOTE_MARK
from frontdesk.tickets.content import sanitize_html

register = template.Library()


@register.filter
def quoted_parts(body_html: str) -> tuple[SafeString, SafeString]:
    """(the new part, the quoted history and signature) of a message's stored HTML, split
    at the pipeline's `QUOTE_MARK`; the second is empty when there is none. Each half is
    sanitised again, so a cut can never leave a tag or attribute open (and remote images
    stay the click-to-open links the pipeline made of them)."""
    new, mark, quoted = (body_html or "").partition(QUOTE_MARK)
    if not mark or not quoted.strip():
        return mark_safe(body_html or ""), mark_safe("")  # noqa: S308 - stored sanitised
    return (
        mark_safe(sanitize_html(new)),  # noqa: S308 - sanitised just now
        mark_safe(sanitize_html("<blockquote>" + quoted)),  # noqa: S308 - sanitised just now
    )
