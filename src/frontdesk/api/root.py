"""The REST API v1: one NinjaAPI, the app routers, and one error shape for everything.

Every error is JSON `{code, message, details}` with a 4xx status; bad input is never a 500.
"""

import json
import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from frontdesk import __version__
from frontdesk.accounts.api import router as accounts_router
from frontdesk.ai.api import router as ai_router
from frontdesk.api.auth import ActiveSessionAuth, TokenAuth
from frontdesk.approvals.api import router as approvals_router
from frontdesk.core.errors import DomainError
from frontdesk.csat.api import router as csat_router
from frontdesk.customers.api import router as customers_router
from frontdesk.kb.api import router as kb_router
from frontdesk.macros.api import router as macros_router
from frontdesk.mail.api import router as mail_router
from frontdesk.notifications.api import router as notifications_router
from frontdesk.outbox.api import router as outbox_router
from frontdesk.reports.api import router as reports_router
from frontdesk.routing.api import router as routing_router
from frontdesk.search.api import router as search_router
from frontdesk.sla.api import router as sla_router
from frontdesk.tickets.api import catalog_router
from frontdesk.tickets.api import router as tickets_router
from frontdesk.triggers.api import router as triggers_router
from frontdesk.webhooks.api import router as webhooks_router

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Frontdesk API",
    version=__version__,
    description="The Frontdesk help desk. Authenticate with `Authorization: Bearer <token>` "
    "(create one with `frontdesk token create`) or a browser session with CSRF.",
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("", tickets_router)
api.add_router("", catalog_router)
api.add_router("", accounts_router)
api.add_router("", customers_router)
api.add_router("", notifications_router)
api.add_router("", routing_router)
api.add_router("", sla_router)
api.add_router("", approvals_router)
api.add_router("", search_router)
api.add_router("", ai_router)
api.add_router("", kb_router)
api.add_router("", csat_router)
api.add_router("", mail_router)
api.add_router("", outbox_router)
api.add_router("", triggers_router)
api.add_router("", macros_router)
api.add_router("", webhooks_router)
api.add_router("", reports_router)


def error(status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    body = {"code": code, "message": message, "details": details}
    return HttpResponse(
        json.dumps(body, default=str), status=status, content_type="application/json"
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error(exc.http_status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error(422, "validation_error", "The request is not valid.", exc.errors)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return error(422, "validation_error", "The request is not valid.", exc.messages)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(401, "unauthenticated", "Sign in or send a valid API token.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(exc.status_code, "http_error", str(exc))


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """Input the database cannot compare or store: a NUL character (PostgreSQL text), a
    number out of the column's range. Still the client's input, so a 422, but logged."""
    log.warning("DataError on %s %s: %s", request.method, request.path, exc)
    return error(
        422,
        "invalid_value",
        "A value is out of range or has characters that cannot be stored (such as NUL).",
    )


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """SQLite's driver refuses integers beyond 64 bits before the query runs."""
    return error(422, "invalid_value", "A number is out of range.")
