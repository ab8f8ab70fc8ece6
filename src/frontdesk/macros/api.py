"""REST endpoints for macros: staff list and use the macros they see; a macro is changed by
whoever may share it that way (macros/access.py)."""

from django.http import HttpRequest
from ninja import Router, Status

from frontdesk.accounts.access import require_staff
from frontdesk.api.auth import actor
from frontdesk.api.origin import origin_of
from frontdesk.api.schemas import ERRORS
from frontdesk.macros import actions, queries
from frontdesk.macros.schemas import (
    MacroApplyIn,
    MacroApplyOut,
    MacroIn,
    MacroOut,
    MacroPreviewIn,
    MacroPreviewOut,
)
from frontdesk.tickets.access import access_ticket

router = Router(tags=["macros"])


@router.get("/macros", response={200: list[MacroOut], **ERRORS})
def list_macros(request: HttpRequest) -> list[MacroOut]:
    """The macros you may use: shared with everyone, with your teams, and your own
    (administrators: all), by name."""
    return [MacroOut.of(m) for m in queries.macro_list(actor(request))]


@router.post("/macros", response={201: MacroOut, **ERRORS})
def create_macro(request: HttpRequest, payload: MacroIn) -> Status[MacroOut]:
    """Add a macro. Unknown placeholders and changes a macro cannot make are a 422."""
    user = actor(request)
    require_staff(user)
    macro = actions.save_macro(actor=user, **payload.model_dump())
    return Status(201, MacroOut.of(macro))


@router.get("/macros/{macro_id}", response={200: MacroOut, **ERRORS})
def get_macro(request: HttpRequest, macro_id: int) -> MacroOut:
    return MacroOut.of(queries.macro(actor(request), macro_id))


@router.put("/macros/{macro_id}", response={200: MacroOut, **ERRORS})
def put_macro(request: HttpRequest, macro_id: int, payload: MacroIn) -> MacroOut:
    """Replace a macro (its usage count stays)."""
    macro = actions.save_macro(actor=actor(request), macro_id=macro_id, **payload.model_dump())
    return MacroOut.of(macro)


@router.delete("/macros/{macro_id}", response={204: None, **ERRORS})
def delete_macro(request: HttpRequest, macro_id: int) -> Status[None]:
    actions.delete_macro(actor=actor(request), macro_id=macro_id)
    return Status(204, None)


@router.post("/macros/{macro_id}/preview", response={200: MacroPreviewOut, **ERRORS})
def preview_macro(request: HttpRequest, macro_id: int, payload: MacroPreviewIn) -> MacroPreviewOut:
    """What applying the macro to the ticket would do: the text rendered for the ticket and
    you, and the field changes. Changes nothing."""
    user = actor(request)
    macro = queries.macro(user, macro_id)
    ticket = access_ticket(user, payload.ticket)
    shown = actions.preview(macro, ticket, user)
    return MacroPreviewOut(
        macro_id=macro.pk,
        ticket=ticket.number,
        text=shown.text,
        unknown_placeholders=list(shown.unknown),
        changes=dict(shown.changes),
        summary=shown.summary,
    )


@router.post("/macros/{macro_id}/apply", response={200: MacroApplyOut, **ERRORS})
def apply_macro(request: HttpRequest, macro_id: int, payload: MacroApplyIn) -> MacroApplyOut:
    """Apply the macro: its field changes (as an update by you), then its text as a public
    reply, an internal note or neither; one transaction. Counts as a use."""
    applied = actions.apply_macro(
        actor=actor(request),
        origin=origin_of(request),
        macro_id=macro_id,
        number=payload.ticket,
        post=payload.post,
    )
    return MacroApplyOut(
        macro_id=macro_id,
        ticket=applied.ticket.number,
        version=applied.ticket.version,
        text=applied.text,
        changes=dict(applied.changes),
        message_id=applied.message.pk if applied.message else None,
    )
