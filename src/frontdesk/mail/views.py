"""Email admin pages, mounted at /desk/admin/mail/ (`mail:*`), administrators only:
mailboxes (with 'test connection' for IMAP and SMTP), the quarantine and every inbound
message's record, with a retry and the raw .eml for download."""

from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.accounts.access import require_admin
from frontdesk.core.errors import DomainError, NotFound
from frontdesk.core.pagination import keyset_page
from frontdesk.core.web import View, render_page, request_user, staff_view
from frontdesk.mail import actions, checks, queries
from frontdesk.mail.forms import MailboxForm
from frontdesk.mail.models import Mailbox, State
from frontdesk.mail.store import open_raw
from frontdesk.tickets.views._common import desk_context

ACTIVE_VIEW = "mail-settings"
PAGE_SIZE = 50


def admin_page(view: View) -> View:
    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request_user(request))
        return view(request, *args, **kwargs)

    return wrapper


# --- mailboxes ----------------------------------------------------------------------------


@require_GET
@admin_page
def mailbox_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    quarantined = queries.inbound_list(user, state=State.QUARANTINED).count()
    context = desk_context(
        user, ACTIVE_VIEW, mailboxes=queries.mailboxes(user), quarantined=quarantined
    )
    return render_page(request, "mail/admin/mailboxes.html", context)


@require_http_methods(["GET", "POST"])
@admin_page
def mailbox_page(request: HttpRequest, mailbox_id: int | None = None) -> HttpResponse:
    user = request_user(request)
    mailbox = queries.mailbox(user, mailbox_id) if mailbox_id is not None else None
    form = MailboxForm(request.POST or None, initial=MailboxForm.initial_for(mailbox))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                saved = actions.save_mailbox(actor=user, mailbox_id=mailbox_id, **form.values())
            except DomainError as exc:
                _put_errors_on_form(form, exc)
            else:
                messages.success(request, _("The mailbox is saved."))
                return redirect("mail:mailbox", saved.pk)
    context = desk_context(user, ACTIVE_VIEW, mailbox=mailbox, form=form)
    return render_page(request, "mail/admin/mailbox.html", context, status=status)


def _put_errors_on_form(form: MailboxForm, exc: DomainError) -> None:
    """An action's refusal, next to its field where it names one (never a value)."""
    if isinstance(exc.details, dict):
        for field, errors in exc.details.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return
    field = {"move_folder_required": "move_to_folder", "mailbox_exists": "address"}.get(exc.code)
    form.add_error(field, exc.message)


@require_POST
@admin_page
def delete_mailbox(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    actions.delete_mailbox(actor=request_user(request), mailbox_id=mailbox_id)
    messages.success(request, _("The mailbox is removed; its messages' records stay."))
    return redirect("mail:mailboxes")


@require_POST
@admin_page
def test_mailbox(request: HttpRequest, mailbox_id: int, kind: str) -> HttpResponse:
    """Try the saved IMAP or SMTP settings; the outcome is shown on the mailbox page."""
    mailbox: Mailbox = queries.mailbox(request_user(request), mailbox_id)
    check = {"imap": checks.check_imap, "smtp": checks.check_smtp}.get(kind)
    if check is None:
        raise NotFound()
    try:
        outcome = check(mailbox)
    except checks.CheckFailed as exc:
        messages.error(request, f"{kind.upper()}: {exc}")
    else:
        messages.success(request, f"{kind.upper()}: {outcome}")
    return redirect("mail:mailbox", mailbox.pk)


# --- inbound messages ---------------------------------------------------------------------


@require_GET
@admin_page
def inbound_list(request: HttpRequest) -> HttpResponse:
    """The quarantine by default; `?state=` shows the other outcomes, `?state=all` all."""
    user = request_user(request)
    state = request.GET.get("state") or State.QUARANTINED
    page = keyset_page(
        queries.inbound_list(user, state=None if state == "all" else state),
        order="-received_at",
        cursor=request.GET.get("cursor"),
        limit=PAGE_SIZE,
    )
    context = desk_context(user, ACTIVE_VIEW, page=page, state=state, states=State.choices)
    return render_page(request, "mail/admin/inbound.html", context)


@require_GET
@admin_page
def inbound_page(request: HttpRequest, inbound_id: int) -> HttpResponse:
    user = request_user(request)
    row = queries.inbound(user, inbound_id)
    return render_page(request, "mail/admin/record.html", desk_context(user, ACTIVE_VIEW, row=row))


@require_POST
@admin_page
def retry(request: HttpRequest, inbound_id: int) -> HttpResponse:
    row = actions.retry_inbound(actor=request_user(request), inbound_id=inbound_id)
    if row.state == State.PROCESSED:
        messages.success(request, _("Processed this time."))
    else:
        messages.error(
            request, _("Still %(state)s: %(reason)s") % {"state": row.state, "reason": row.reason}
        )
    return redirect("mail:record", inbound_id)


@require_GET
@admin_page
def raw_download(request: HttpRequest, inbound_id: int) -> HttpResponse:
    """The message exactly as received, as a download only (never rendered)."""
    row = queries.inbound(request_user(request), inbound_id)
    try:
        stream = open_raw(row.sha256)
    except OSError as exc:
        raise NotFound(_("The raw message is missing from the store.")) from exc
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=f"inbound-{row.pk}.eml",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return cast(HttpResponse, response)  # a streaming response; the page helpers' type
