"""Template context shared by every page."""

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The few sentences our scripts write into the page, translated on the server and handed
# over as JSON (`{{ ui_strings|json_script:"ui-strings" }}`); {name}-style placeholders.
UI_STRINGS: dict[str, Promise] = {
    "selected_one": _("1 selected"),
    "selected_many": _("{n} selected"),
    "message_sent": _("Message sent."),
    "updated": _("Updated"),
    "updated_by": _("Updated by {name}"),
    "and": _("and"),
    "one_viewing": _("{names} is viewing"),
    "many_viewing": _("{names} are viewing"),
    "one_replying": _("{names} is replying"),
    "many_replying": _("{names} are replying"),
    # SLA countdowns (sla/templatetags/sla_tags.py renders the same texts on the server)
    "due_in": _("in {amount}"),
    "overdue_by": _("overdue {amount}"),
    "minutes_short": _("{n} min"),
    "hours_short": _("{n} h"),
    "days_short": _("{n} d"),
}


def ui_strings(request: HttpRequest) -> dict[str, dict[str, str]]:
    return {"ui_strings": {key: str(text) for key, text in UI_STRINGS.items()}}
