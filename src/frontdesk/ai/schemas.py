"""API shapes of the offline AI."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from frontdesk.ai.models import FieldSetting, Prediction, TriageModel
from frontdesk.ai.queries import AnswerSuggestion, FieldAccuracy, MessageScore, SimilarTicket
from frontdesk.api.schemas import InputSchema


class PredictionOut(Schema):
    id: int
    field: str
    value: str
    confidence: float
    mode: str
    outcome: str
    final_value: str | None
    model_version: int | None
    created_at: datetime

    @classmethod
    def of(cls, row: Prediction) -> "PredictionOut":
        return cls(
            id=row.pk,
            field=row.field,
            value=row.value,
            confidence=row.confidence,
            mode=row.mode,
            outcome=row.outcome,
            final_value=row.final_value if row.settled_at else None,
            model_version=row.model_id,
            created_at=row.created_at,
        )


class AcceptedOut(Schema):
    number: int
    version: int


class SimilarOut(Schema):
    number: int
    subject: str
    status_category: str
    solved_at: datetime | None
    similarity: float = Field(description="Cosine similarity of the texts, 0-1.")
    resolution: str = Field(description="The last public staff reply on that ticket.")

    @classmethod
    def of(cls, item: SimilarTicket) -> "SimilarOut":
        return cls(**vars(item))


class SuggestionOut(Schema):
    source: str = Field(description="`kb` (an article) or `ticket` (a similar ticket's reply).")
    title: str
    text: str = Field(description="Plain text for the composer; never sent by itself.")
    reference: str
    score: float

    @classmethod
    def of(cls, item: AnswerSuggestion) -> "SuggestionOut":
        return cls(**vars(item))


class SentimentOut(Schema):
    message_id: int
    created_at: datetime
    compound: float = Field(description="VADER compound score, -1 (negative) to +1.")
    urgency: float = Field(description="0-1.")
    label: str

    @classmethod
    def of(cls, item: MessageScore) -> "SentimentOut":
        return cls(**vars(item))


class ModelOut(Schema):
    version: int
    created_at: datetime
    state: str
    error: str
    examples: int
    similar_indexed: int
    duration_ms: int
    min_examples: int
    metrics: dict[str, Any]

    @classmethod
    def of(cls, row: TriageModel) -> "ModelOut":
        return cls(
            version=row.pk,
            created_at=row.created_at,
            state=row.state,
            error=row.error,
            examples=row.n_examples,
            similar_indexed=row.n_similar,
            duration_ms=row.duration_ms,
            min_examples=row.min_examples,
            metrics=row.metrics,
        )


class FieldSettingOut(Schema):
    field: str
    mode: str
    threshold: float

    @classmethod
    def of(cls, row: FieldSetting) -> "FieldSettingOut":
        return cls(field=row.field, mode=row.mode, threshold=row.threshold)


class FieldSettingIn(InputSchema):
    mode: str = Field(description="off, shadow, suggest or auto.")
    threshold: float = Field(0.9, ge=0, le=1)


class AccuracyOut(Schema):
    field: str
    mode: str
    settled: int
    correct: int
    accuracy: float | None

    @classmethod
    def of(cls, item: FieldAccuracy) -> "AccuracyOut":
        return cls(
            field=item.field,
            mode=item.mode,
            settled=item.settled,
            correct=item.correct,
            accuracy=item.accuracy,
        )


class TrainQueuedOut(Schema):
    queued: bool
