"""Macro pages, mounted at /desk/ (`macros:*`): the list (yours, your teams', everyone's,
with usage counts), a macro's form, and the ticket composer's picker (the matching macros
as listbox options, and a macro's preview for the ticket).

Every staff member may open them; what they may change is decided by `macros.access`
through the actions, whose refusals are shown on the form.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.accounts.models import User
from frontdesk.core.errors import DomainError, Invalid
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.macros import actions, queries
from frontdesk.macros.access import can_change
from frontdesk.macros.choices import Visibility
from frontdesk.macros.forms import MacroForm, make_read_only
from frontdesk.macros.models import Macro
from frontdesk.macros.placeholders import PLACEHOLDERS
from frontdesk.tickets.access import access_ticket
from frontdesk.tickets.content import markdown_to_html
from frontdesk.tickets.views._common import desk_context

ACTIVE_VIEW = "macros"  # no sidebar entry is current on these pages
MAX_OPTIONS = 20


@dataclass(frozen=True)
class Row:
    macro: Macro
    does: str  # its field changes in words
    can_change: bool


@dataclass
class Group:
    title: str
    rows: list[Row] = field(default_factory=list)
    owners: bool = False  # show whose macros they are


def _groups(user: User, macros: list[Macro]) -> list[Group]:
    """Yours, then each team's, then everyone's; administrators also see others' own."""
    mine = Group(_("Yours (only you)"))
    everyone = Group(_("Shared with everyone"))
    others = Group(_("Other people's personal macros"), owners=True)
    teams: dict[str, Group] = {}
    for macro in macros:
        row = Row(macro, ", ".join(actions.describe(macro.actions or [])), can_change(user, macro))
        if macro.visibility == Visibility.PERSONAL:
            (mine if macro.owner_id == user.pk else others).rows.append(row)
        elif macro.visibility == Visibility.TEAM and macro.team is not None:
            title = _("Shared with %(team)s") % {"team": macro.team.name}
            teams.setdefault(macro.team.name, Group(title)).rows.append(row)
        else:
            everyone.rows.append(row)
    ordered = [mine, *(teams[name] for name in sorted(teams)), everyone]
    return ordered + ([others] if others.rows else [])


@require_GET
@staff_view
def macro_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    context = desk_context(user, ACTIVE_VIEW, groups=_groups(user, list(queries.macro_list(user))))
    return render_page(request, "macros/list.html", context)


@require_http_methods(["GET", "POST"])
@staff_view
def macro_page(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    """A macro's form (without an id, a new one); read-only for those who may not change
    it. A refusal by the action (sharing, placeholders, changes) is shown on its field."""
    user = request_user(request)
    macro = queries.macro(user, macro_id) if macro_id is not None else None
    changeable = macro is None or can_change(user, macro)
    posted = request.POST if request.method == "POST" else None
    form = MacroForm(posted, user=user, macro=macro, initial=MacroForm.initial_for(macro))
    if not changeable:
        make_read_only(form)
    status = 200
    if posted is not None:
        status = 422
        if form.is_valid():
            try:
                saved = actions.save_macro(
                    actor=user, macro_id=macro.pk if macro else None, **form.save_arguments()
                )
            except DomainError as exc:
                form.put_error(exc)
                status = exc.http_status
            else:
                messages.success(request, _("Saved “%(name)s”.") % {"name": saved.name})
                return redirect("macros:list")
    context = desk_context(
        user,
        ACTIVE_VIEW,
        macro=macro,
        form=form,
        can_change=changeable,
        placeholders=[("{{" + name + "}}", what) for name, what in PLACEHOLDERS.items()],
    )
    return render_page(request, "macros/macro.html", context, status=status)


@require_POST
@staff_view
def delete_macro(request: HttpRequest, macro_id: int) -> HttpResponse:
    user = request_user(request)
    macro = queries.macro(user, macro_id)
    actions.delete_macro(actor=user, macro_id=macro.pk)
    messages.success(request, _("Deleted “%(name)s”.") % {"name": macro.name})
    return redirect("macros:list")


# --- the composer's picker ----------------------------------------------------------------


@require_GET
@staff_view
def picker_options(request: HttpRequest) -> HttpResponse:
    """The active macros whose name contains `q`, as the picker's listbox options."""
    user = request_user(request)
    query = request.GET.get("q", "").strip()[:100]
    macros = queries.macro_list(user, active_only=True)
    if query:
        macros = macros.filter(name__icontains=query)
    return render_page(
        request, "macros/_options.html", {"macros": list(macros[:MAX_OPTIONS]), "query": query}
    )


@require_GET
@staff_view
def picker_preview(request: HttpRequest) -> HttpResponse:
    """What a macro would do on the ticket: its text rendered for the ticket and the agent,
    and the field changes made when the reply is sent. Changes nothing."""
    user = request_user(request)
    try:
        macro_id, number = int(request.GET["macro"]), int(request.GET["ticket"])
    except (KeyError, ValueError) as exc:
        raise Invalid("invalid_request", _("Choose a macro and a ticket.")) from exc
    return render_page(request, "macros/_preview.html", preview_context(user, macro_id, number))


def preview_context(user: User, macro_id: int, number: int, *, chosen: bool = False) -> Any:
    macro = queries.macro(user, macro_id)
    ticket = access_ticket(user, number)
    shown = actions.preview(macro, ticket, user)
    return {
        "macro": macro,
        "text": shown.text,
        "html": markdown_to_html(shown.text),
        "summary": shown.summary,
        "unknown": ["{{" + name + "}}" for name in shown.unknown],
        "chosen": chosen,
    }
