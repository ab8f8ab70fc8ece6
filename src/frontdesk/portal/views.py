"""Portal pages: parse a form, call an action, render a page.

Every ticket read goes through `tickets.access` (`access_ticket`, `access_attachment`,
`queries.ticket_messages`), so a request the customer may not see is a 404 here too.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.accounts.access import shared_organization_ids
from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import DomainError, NotFound
from frontdesk.portal import actions, queries, ratelimit
from frontdesk.portal.access import has_verified_email, require_customer
from frontdesk.portal.forms import AnonymousRequestForm, ReplyForm, RequestForm
from frontdesk.portal.formspec import FormField, is_shown, parse_fields, read_posted
from frontdesk.portal.models import Brand
from frontdesk.portal.models import RequestForm as RequestFormModel
from frontdesk.portal.templatetags.portal_tags import optional_url
from frontdesk.tickets.access import access_attachment, access_ticket
from frontdesk.tickets.actions.conversation import attachment_path
from frontdesk.tickets.queries import ticket_messages


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _customer(request: HttpRequest) -> User:
    user = _user(request)
    assert user is not None, "login_required"
    require_customer(user)
    return user


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "portal_nav": "home",
            "kb_search_url": optional_url("kb:portal_search"),
            "forms": list(queries.active_forms()),
        },
    )


@login_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    scope = request.GET.get("scope", "mine")
    org = queries.organisation_requests(user)
    shares = bool(shared_organization_ids(user))
    tickets = org if scope == "organisation" and shares else queries.my_requests(user)
    return render(
        request,
        "portal/requests.html",
        {
            "portal_nav": "requests",
            "tickets": list(tickets[: queries.PAGE]),
            "scope": "organisation" if scope == "organisation" and shares else "mine",
            "shares": shares,
        },
    )


def _form_fields(form: RequestFormModel | None) -> list[FormField]:
    if form is None:
        return []
    return parse_fields(form.fields, actions.active_definitions())


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    anonymous = user is None
    if anonymous and not settings.FRONTDESK_PORTAL_ANONYMOUS:
        return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
    if user is not None:
        require_customer(user)
    forms = list(queries.active_forms())
    slug = request.GET.get("form") or request.POST.get("form") or ""
    chosen = next((f for f in forms if f.slug == slug), None)
    if chosen is None and len(forms) > 1 and request.method == "GET":
        return render(request, "portal/choose_form.html", {"portal_nav": "submit", "forms": forms})
    chosen = chosen or (forms[0] if len(forms) == 1 else None)
    fields = _form_fields(chosen)
    form_class = AnonymousRequestForm if anonymous else RequestForm
    verified = user is not None and has_verified_email(user)
    values: dict[str, Any] = {}
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        values, field_errors = read_posted(fields, request.POST)
        if form.is_valid() and not field_errors:
            ratelimit.require(
                f"submit:{_ip(request)}",
                limit=settings.FRONTDESK_PORTAL_SUBMISSIONS_PER_IP_HOUR,
                seconds=3600,
            )
            try:
                return _submitted(request, user, form, chosen, values)
            except DomainError as exc:
                form.add_error(None, exc.message)
    else:
        form = form_class()
    return render(
        request,
        "portal/submit.html",
        {
            "portal_nav": "submit",
            "form": form,
            "request_form": chosen,
            "fields": [
                {
                    "field": f,
                    "value": request.POST.get(f"cf_{f.key}", ""),
                    "error": field_errors.get(f.key, ""),
                    "hidden": not is_shown(f, values, fields),
                }
                for f in fields
            ],
            "anonymous": anonymous,
            "verified": verified,
            "deflection_url": optional_url("kb:deflect"),
        },
        status=422 if request.method == "POST" else 200,
    )


def _submitted(
    request: HttpRequest,
    user: User | None,
    form: RequestForm,
    chosen: RequestFormModel | None,
    values: dict[str, Any],
) -> HttpResponse:
    submission = actions.Submission(
        subject=form.cleaned_data["subject"],
        body=form.cleaned_data["body"],
        custom_fields=values,
        form=chosen,
    )
    if user is None:
        verify_url = settings.FRONTDESK_PUBLIC_URL.rstrip("/") + reverse(
            "portal:confirm", args=["TOKEN"]
        ).replace("TOKEN", "{token}")
        actions.hold_anonymous_request(
            email=form.cleaned_data["email"],
            name=form.cleaned_data.get("name", ""),
            submission=submission,
            verify_url=verify_url,
            ip_address=_ip(request),
        )
        # The same answer whether or not mail went out (no probing of addresses or limits).
        return render(request, "portal/check_email.html", {"portal_nav": "submit"})
    uploads = [
        actions.Upload(file_name=f.name or "file", content=f)
        for f in form.cleaned_data.get("attachments") or []
    ]
    ticket = actions.submit_request(
        actor=user,
        origin=actions.portal_origin(_ip(request)),
        submission=submission,
        uploads=uploads,
    )
    messages.success(
        request, _("Your request #%(number)s was received.") % {"number": ticket.number}
    )
    return redirect("portal:ticket", number=ticket.number)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: GET shows a button (link scanners must not create tickets), POST
    creates the request."""
    pending = actions.pending_for_token(token)
    if request.method == "POST":
        ticket = actions.confirm_anonymous_request(token=token, ip_address=_ip(request))
        return render(request, "portal/confirmed.html", {"ticket": ticket, "portal_nav": "submit"})
    return render(request, "portal/confirm.html", {"pending": pending, "portal_nav": "submit"})


@login_required
@require_http_methods(["GET", "POST"])
def ticket(request: HttpRequest, number: int) -> HttpResponse:
    user = _customer(request)
    found = access_ticket(user, number)
    reply_form = ReplyForm()
    if request.method == "POST":
        reply_form = ReplyForm(request.POST, request.FILES)
        if reply_form.is_valid():
            try:
                actions.reply(
                    actor=user,
                    origin=actions.portal_origin(_ip(request)),
                    number=number,
                    body=reply_form.cleaned_data["body"],
                    uploads=[
                        actions.Upload(file_name=f.name or "file", content=f)
                        for f in reply_form.cleaned_data.get("attachments") or []
                    ],
                )
            except DomainError as exc:
                reply_form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your reply was sent."))
                return redirect("portal:ticket", number=number)
    found = access_ticket(user, number)
    followers = list(found.followers.filter(is_active=True).order_by("name", "email"))
    return render(
        request,
        "portal/ticket.html",
        {
            "portal_nav": "requests",
            "ticket": found,
            "conversation": list(ticket_messages(user, found).order_by("created_at", "pk")),
            "reply_form": reply_form,
            "followers": followers,
            "colleagues": actions.colleagues(user, found),
            "can_reopen": actions.can_reopen(found, clock.now()),
            "can_solve": found.status_category not in ("solved", "closed"),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def solve(request: HttpRequest, number: int) -> HttpResponse:
    user = _customer(request)
    actions.mark_solved(actor=user, origin=actions.portal_origin(_ip(request)), number=number)
    messages.success(request, _("Marked as solved. Thank you!"))
    return redirect("portal:ticket", number=number)


@login_required
@require_POST
def reopen(request: HttpRequest, number: int) -> HttpResponse:
    user = _customer(request)
    actions.reopen(actor=user, origin=actions.portal_origin(_ip(request)), number=number)
    messages.success(request, _("Your request is open again."))
    return redirect("portal:ticket", number=number)


@login_required
@require_POST
def cc(request: HttpRequest, number: int) -> HttpResponse:
    user = _customer(request)
    try:
        user_id = int(request.POST.get("user_id", ""))
    except ValueError:
        raise NotFound() from None
    actions.cc_colleague(
        actor=user, origin=actions.portal_origin(_ip(request)), number=number, user_id=user_id
    )
    messages.success(request, _("Your colleague is now copied on this request."))
    return redirect("portal:ticket", number=number)


@login_required
@require_GET
def attachment(request: HttpRequest, attachment_id: str) -> FileResponse:
    """A file on a request the customer sees, public files only (`access_attachment`)."""
    user = _customer(request)
    found = access_attachment(user, attachment_id)
    path = attachment_path(found)
    if not path.exists():
        raise NotFound("The file is missing from storage.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=found.file_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def brand_logo(request: HttpRequest, slug: str) -> HttpResponse:
    brand = get_object_or_404(Brand.objects.exclude(logo_content_type=""), slug=slug)
    response = HttpResponse(bytes(brand.logo), content_type=brand.logo_content_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
