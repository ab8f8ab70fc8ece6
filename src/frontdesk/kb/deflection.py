"""Deflection: which articles a customer was shown while typing a request's subject, what
they clicked, and whether they submitted a ticket afterwards in the same visit.

A visit is a random token kept in the session (`visit_token`), so it survives signing in
(Django keeps the session's data when it changes the key). The portal's request form calls
`ticket_submitted(request, ticket)` after creating the ticket: every suggestion set of the
visit not yet tied to a ticket is tied to this one. A set never tied to a ticket is a
deflection (`kb.reports.deflection_figures` counts them once they are a day old).
"""

import secrets
from collections.abc import Sequence
from datetime import datetime

from django.http import HttpRequest

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.kb.models import Article, Deflection
from frontdesk.tickets.models import Ticket

SESSION_KEY = "kb_visit"


def visit_token(request: HttpRequest) -> str:
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or len(token) != 32:
        token = secrets.token_hex(16)
        request.session[SESSION_KEY] = token
    return token


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def record_shown(
    request: HttpRequest, query: str, articles: Sequence[Article], *, now: datetime | None = None
) -> Deflection | None:
    """Record a set of suggestions shown (none when nothing matched)."""
    if not articles:
        return None
    return Deflection.objects.create(
        visit=visit_token(request),
        user=_user(request),
        query=query[:300],
        article_ids=[a.pk for a in articles],
        shown_at=now or clock.now(),
    )


def record_click(
    request: HttpRequest, deflection_id: int, article: Article, *, now: datetime | None = None
) -> bool:
    """A suggested article opened from the set `deflection_id` of this visit (first click
    counts). False when the set is not this visit's or did not offer the article."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        return False
    row = Deflection.objects.filter(pk=deflection_id, visit=token).first()
    if row is None or article.pk not in row.article_ids or row.clicked_at is not None:
        return False
    row.clicked_article, row.clicked_at = article, now or clock.now()
    row.save(update_fields=["clicked_article", "clicked_at"])
    return True


def ticket_submitted(request: HttpRequest, ticket: Ticket, *, now: datetime | None = None) -> int:
    """The visit submitted `ticket`: its open suggestion sets were not a deflection.
    Call after the ticket is created; returns how many sets it settled."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        return 0
    return Deflection.objects.filter(visit=token, ticket__isnull=True).update(
        ticket=ticket, submitted_at=now or clock.now()
    )
