"""REST endpoints of the offline AI: a ticket's predictions, similar tickets, answer
suggestions and sentiment (working staff who see the ticket); model versions, field
settings, production accuracy and training (administrators; changes need the admin scope).
Customers get 404 throughout."""

from django.http import HttpRequest
from ninja import Router, Status

from frontdesk.ai import actions, queries
from frontdesk.ai.access import require_ai_admin
from frontdesk.ai.models import Prediction
from frontdesk.ai.schemas import (
    AcceptedOut,
    AccuracyOut,
    FieldSettingIn,
    FieldSettingOut,
    ModelOut,
    PredictionOut,
    SentimentOut,
    SimilarOut,
    SuggestionOut,
    TrainQueuedOut,
)
from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.events import Origin

router = Router(tags=["ai"])


def _origin(request: HttpRequest) -> Origin:
    return Origin(channel=Channel.API, ip_address=request.META.get("REMOTE_ADDR") or None)


@router.get("/tickets/{number}/similar", response={200: list[SimilarOut], **ERRORS})
def similar(request: HttpRequest, number: int, limit: int = 5) -> list[SimilarOut]:
    """The solved tickets most like this one (that you may see), with their resolution."""
    user = actor(request)
    ticket = queries.ticket_for(user, number)
    limit = max(1, min(limit, queries.MAX_SIMILAR))
    return [SimilarOut.of(s) for s in queries.similar_tickets(user, ticket, limit=limit)]


@router.get("/tickets/{number}/answer-suggestions", response={200: list[SuggestionOut], **ERRORS})
def answer_suggestions(request: HttpRequest, number: int) -> list[SuggestionOut]:
    """Up to three texts for the composer: knowledge base articles, then the replies that
    resolved similar tickets. Drafts for the agent; nothing is sent."""
    user = actor(request)
    ticket = queries.ticket_for(user, number)
    return [SuggestionOut.of(s) for s in queries.answer_suggestions(user, ticket)]


@router.get(
    "/tickets/{number}/sentiment",
    response={200: list[SentimentOut], **ERRORS},
    summary="Sentiment",
)
def list_sentiment(request: HttpRequest, number: int) -> list[SentimentOut]:
    """The customer's messages' sentiment and urgency, newest first."""
    ticket = queries.ticket_for(actor(request), number)
    return [SentimentOut.of(s) for s in queries.sentiment(ticket)]


@router.get(
    "/tickets/{number}/predictions",
    response={200: list[PredictionOut], **ERRORS},
    summary="Predictions",
)
def list_predictions(request: HttpRequest, number: int) -> list[PredictionOut]:
    """Every logged prediction for this ticket (shadow ones included) and its outcome."""
    ticket = queries.ticket_for(actor(request), number)
    rows = Prediction.objects.filter(ticket=ticket).order_by("field", "-confidence", "pk")
    return [PredictionOut.of(r) for r in rows]


@router.post("/ai/predictions/{prediction_id}/accept", response={200: AcceptedOut, **ERRORS})
def accept(request: HttpRequest, prediction_id: int) -> AcceptedOut:
    """Apply a suggestion to its ticket, as your own change."""
    ticket = actions.accept_prediction(
        actor=actor(request), origin=_origin(request), prediction_id=prediction_id
    )
    return AcceptedOut(number=ticket.number, version=ticket.version)


@router.post("/ai/predictions/{prediction_id}/dismiss", response={204: None, **ERRORS})
def dismiss(request: HttpRequest, prediction_id: int) -> Status[None]:
    actions.dismiss_prediction(actor=actor(request), prediction_id=prediction_id)
    return Status(204, None)


@router.get("/ai/models", response={200: list[ModelOut], **ERRORS}, summary="Models")
def list_models(request: HttpRequest) -> list[ModelOut]:
    """Model versions, newest first, with their held-out per-class precision and recall."""
    return [ModelOut.of(m) for m in queries.model_versions(actor(request))]


@router.post("/ai/models/train", response={202: TrainQueuedOut, **ERRORS})
def train(request: HttpRequest) -> Status[TrainQueuedOut]:
    """Queue a training run (the worker trains; the new version appears in /ai/models)."""
    from frontdesk.ai.tasks import train_on_demand

    user = admin_actor(request)
    train_on_demand.enqueue(user.pk)
    return Status(202, TrainQueuedOut(queued=True))


@router.get("/ai/settings", response={200: list[FieldSettingOut], **ERRORS})
def settings(request: HttpRequest) -> list[FieldSettingOut]:
    require_ai_admin(actor(request))
    return [FieldSettingOut.of(s) for s in actions.field_settings().values()]


@router.put("/ai/settings/{field}", response={200: FieldSettingOut, **ERRORS})
def put_setting(request: HttpRequest, field: str, payload: FieldSettingIn) -> FieldSettingOut:
    """A field's mode (off, shadow, suggest, auto) and auto-apply threshold."""
    setting = actions.save_field_setting(
        actor=admin_actor(request),
        field_name=field,
        mode=payload.mode,
        threshold=payload.threshold,
    )
    return FieldSettingOut.of(setting)


@router.get("/ai/accuracy", response={200: list[AccuracyOut], **ERRORS}, summary="Accuracy")
def list_accuracy(request: HttpRequest) -> list[AccuracyOut]:
    """Production accuracy: predictions settled against the value agents kept."""
    return [AccuracyOut.of(a) for a in queries.production_accuracy(actor(request))]
