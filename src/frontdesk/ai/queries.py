"""The read side of the offline AI: a ticket's suggestions, sentiment, similar solved
tickets and answer suggestions, and the admin page's figures. Every ticket read starts from
`tickets.access.visible_to`."""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, F, OuterRef, Q, Subquery

from frontdesk.accounts.models import User
from frontdesk.ai import actions
from frontdesk.ai.access import require_ai_admin, require_ai_staff
from frontdesk.ai.choices import Mode, Outcome, TriageField
from frontdesk.ai.models import MessageSentiment, Prediction, TriageModel
from frontdesk.ai.sentiment import Score, score
from frontdesk.tickets.access import access_ticket, visible_to
from frontdesk.tickets.choices import MessageKind, Priority
from frontdesk.tickets.models import Message, Ticket

log = logging.getLogger(__name__)
MAX_SIMILAR = 10
SIMILAR_FLOOR = 0.1  # cosine similarity below this is not "similar"
MAX_SUGGESTIONS = 3
MAX_REPLY = 4_000


def ticket_for(user: User, number: int) -> Ticket:
    require_ai_staff(user)
    return access_ticket(user, number)


def _first_body(ticket: Ticket) -> str:
    first = (
        Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY)
        .order_by("created_at", "pk")
        .values_list("body_text", flat=True)
        .first()
    )
    return first or ""


def _current(ticket: Ticket, field: str) -> str | None:
    match field:
        case "team":
            return ticket.team.slug if ticket.team else None
        case "category":
            return ticket.category.slug if ticket.category else None
        case "priority":
            return Priority(ticket.priority).label
        case "type":
            return ticket.type
    return None


def suggestions(ticket: Ticket) -> list[Prediction]:
    """Pending suggestions worth showing: in suggest or auto mode, not yet decided, and
    not already the ticket's value. Shadow predictions are never shown."""
    rows = list(
        Prediction.objects.filter(
            ticket=ticket, mode__in=(Mode.SUGGEST, Mode.AUTO), outcome=Outcome.PENDING
        ).order_by("field", "-confidence")
    )
    if not rows:
        return []
    tags = set(ticket.tags.values_list("name", flat=True))
    shown = []
    for row in rows:
        current = (
            row.value in tags
            if row.field == TriageField.TAGS
            else (_current(ticket, row.field) == row.value)
        )
        if not current:
            shown.append(row)
    return shown


@dataclass(frozen=True)
class MessageScore:
    message_id: int
    created_at: Any
    compound: float
    urgency: float
    label: str


def sentiment(ticket: Ticket, *, limit: int = 20) -> list[MessageScore]:
    """The customer's messages' scores, newest first (scored now if the job has not yet)."""
    messages = list(
        Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY, author__role="customer")
        .order_by("-created_at", "-pk")
        .only("pk", "created_at", "body_text")[:limit]
    )
    stored = {
        s.message_id: Score(s.compound, s.urgency)
        for s in MessageSentiment.objects.filter(message_id__in=[m.pk for m in messages])
    }
    out = []
    for message in messages:
        result = stored.get(message.pk) or score(message.body_text)
        out.append(
            MessageScore(
                message.pk, message.created_at, result.compound, result.urgency, result.label
            )
        )
    return out


@dataclass(frozen=True)
class SimilarTicket:
    number: int
    subject: str
    status_category: str
    solved_at: Any
    similarity: float
    resolution: str


def _resolution_query() -> Subquery:
    """The last public reply by staff: how the ticket was answered."""
    return Subquery(
        Message.objects.filter(ticket=OuterRef("pk"), kind=MessageKind.REPLY, is_public=True)
        .exclude(author__role="customer")
        .exclude(author__isnull=True)
        .order_by("-created_at", "-pk")
        .values("body_text")[:1]
    )


def similar_tickets(user: User, ticket: Ticket, *, limit: int = 5) -> list[SimilarTicket]:
    """The solved tickets most like this one that `user` may see, with their resolution."""
    loaded = actions.active_bundle()
    if loaded is None or loaded[1].similar is None:
        return []
    text = f"{ticket.subject}\n{ticket.subject}\n{_first_body(ticket)}"
    hits = [
        (pk, s)
        for pk, s in loaded[1].similar.query(text, limit=limit * 4, exclude=ticket.pk)
        if s >= SIMILAR_FLOOR
    ]
    if not hits:
        return []
    found = {
        row.pk: row
        for row in visible_to(user)
        .filter(pk__in=[pk for pk, _ in hits], merged_into__isnull=True)
        .annotate(resolution=_resolution_query())
        .only("pk", "number", "subject", "status_category", "solved_at")
    }
    out = []
    for pk, similarity in hits:
        row = found.get(pk)
        if row is None:
            continue
        out.append(
            SimilarTicket(
                number=row.number,
                subject=row.subject,
                status_category=row.status_category,
                solved_at=row.solved_at,
                similarity=round(similarity, 3),
                resolution=(getattr(row, "resolution", "") or "")[:MAX_REPLY],
            )
        )
        if len(out) >= limit:
            break
    return out


@dataclass(frozen=True)
class AnswerSuggestion:
    source: str  # "kb" or "ticket"
    title: str
    text: str
    reference: str  # the article's slug or the ticket's number
    score: float


def _kb_suggestions(user: User, ticket: Ticket) -> list[AnswerSuggestion]:
    if not apps.is_installed("frontdesk.kb"):
        return []
    try:
        from frontdesk.kb.access import readable_articles
        from frontdesk.kb.search import search
    except ImportError:
        return []
    try:
        found = list(
            search(readable_articles(user), ticket.subject, any_word=True)[:MAX_SUGGESTIONS]
        )
    except Exception:  # the knowledge base is optional; its failure must not break the page
        log.exception("knowledge base suggestions failed")
        return []
    return [
        AnswerSuggestion(
            "kb",
            article.published_title or article.title,
            article.published_body[:MAX_REPLY],
            article.slug,
            float(getattr(article, "rank", 0.0) or 0.0),
        )
        for article in found
        if article.published_body
    ]


def answer_suggestions(
    user: User, ticket: Ticket, similar: Sequence[SimilarTicket] | None = None
) -> list[AnswerSuggestion]:
    """Up to three texts the agent may insert into the composer (never sent by
    themselves): knowledge base articles matching the subject first, then the replies
    that resolved the most similar solved tickets."""
    out = _kb_suggestions(user, ticket)
    similar = similar_tickets(user, ticket) if similar is None else similar
    seen = {s.text.strip() for s in out}
    for item in similar:
        text = item.resolution.strip()
        if not text or text in seen:
            continue
        seen.add(text)
        out.append(
            AnswerSuggestion(
                "ticket", f"#{item.number} {item.subject}", text, str(item.number), item.similarity
            )
        )
    return out[:MAX_SUGGESTIONS]


# --- the admin page -----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldAccuracy:
    field: str
    mode: str
    settled: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.settled if self.settled else None


def production_accuracy(user: User) -> list[FieldAccuracy]:
    """Per field and mode: predictions settled against the agents' final value, and how
    many the agents kept. Shadow rows measure the model without it acting."""
    require_ai_admin(user)
    rows = (
        Prediction.objects.filter(settled_at__isnull=False)
        .values("field", "mode")
        .annotate(
            settled=Count("pk"),
            correct=Count("pk", filter=Q(final_value=F("value"))),
        )
        .order_by("field", "mode")
    )
    return [FieldAccuracy(r["field"], r["mode"], r["settled"], r["correct"]) for r in rows]


def model_versions(user: User, *, limit: int = 10) -> list[TriageModel]:
    require_ai_admin(user)
    return list(TriageModel.objects.select_related("trained_by")[:limit])


def prediction_counts(user: User) -> dict[str, dict[str, int]]:
    require_ai_admin(user)
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for row in Prediction.objects.values("field", "outcome").annotate(n=Count("pk")):
        out[row["field"]][row["outcome"]] = row["n"]
    return dict(out)
