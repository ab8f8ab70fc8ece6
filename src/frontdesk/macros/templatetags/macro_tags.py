"""The composer's macro picker (`{% macro_picker %}` on the ticket page)."""

from typing import Any

from django import template

from frontdesk.core.errors import DomainError

register = template.Library()


@register.inclusion_tag("macros/_picker.html", takes_context=True)
def macro_picker(context: template.Context) -> dict[str, Any]:
    """The picker; with a macro already chosen in a draft the server sent back (a refused
    send, newer messages), that macro's changes as chosen. No query otherwise."""
    from frontdesk.macros.views import preview_context

    ticket, user, draft = context["ticket"], context["user"], context.get("draft") or {}
    chosen = None
    value = str(draft.get("macro", "") or "")
    if value.isdigit():
        try:
            chosen = preview_context(user, int(value), ticket.number, chosen=True)
        except DomainError:
            value = ""
    else:
        value = ""
    return {"ticket": ticket, "chosen": chosen, "value": value}
