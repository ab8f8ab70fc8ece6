"""The offline AI's use cases: training a version, triaging a new ticket by the field
settings, accepting or dismissing a suggestion, settling predictions against what agents
finally kept, and scoring customer messages' sentiment. The only writers of `ai` rows."""

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery

from frontdesk.accounts.models import Team, User
from frontdesk.ai import similar, store, triage
from frontdesk.ai.access import require_ai_admin, require_ai_staff
from frontdesk.ai.choices import Mode, Outcome, TrainingState, TriageField
from frontdesk.ai.models import FieldSetting, MessageSentiment, Prediction, TriageModel
from frontdesk.ai.sentiment import score
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Invalid, NotFound
from frontdesk.tickets.access import access_ticket
from frontdesk.tickets.choices import MessageKind, Priority, StatusCategory, TicketType
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Category, Message, Tag, Ticket, TicketTag

log = logging.getLogger(__name__)

MAX_TRAINING_TICKETS = 100_000
MAX_SIMILAR_TICKETS = 20_000
KEEP_VERSIONS = 3
DEFAULT_MIN_EXAMPLES = 20
MAX_TAG_SUGGESTIONS = 3
MIN_TAG_CONFIDENCE = 0.5  # a tag is suggested at all only when more likely than not


# --- training -----------------------------------------------------------------------------


def _first_message() -> Subquery:
    return Subquery(
        Message.objects.filter(ticket=OuterRef("pk"), kind=MessageKind.REPLY)
        .order_by("created_at", "pk")
        .values("body_text")[:1]
    )


def _example(row: Mapping[str, Any], tags: Sequence[str]) -> triage.Example:
    email = (row["requester__email"] or "").lower()
    return triage.Example(
        subject=row["subject"],
        body=row["first_body"] or "",
        channel=row["channel"],
        requester_domain=email.rpartition("@")[2],
        organization=row["organization__name"] or "",
        labels={
            "team": row["team__slug"],
            "category": row["category__slug"],
            "priority": Priority(row["priority"]).label,
            "type": row["type"],
        },
        tags=tuple(tags),
    )


def training_examples(limit: int = MAX_TRAINING_TICKETS) -> list[triage.Example]:
    """The newest `limit` tickets that are not merged away, with the values they have now
    (what agents settled on), their first message, and their tags."""
    rows = list(
        Ticket.objects.filter(merged_into__isnull=True)
        .order_by("-created_at", "-pk")
        .annotate(first_body=_first_message())
        .values(
            "pk",
            "subject",
            "first_body",
            "channel",
            "requester__email",
            "organization__name",
            "team__slug",
            "category__slug",
            "priority",
            "type",
        )[:limit]
    )
    tags: dict[int, list[str]] = defaultdict(list)
    ids = [row["pk"] for row in rows]
    for start in range(0, len(ids), 5_000):
        for ticket_id, name in TicketTag.objects.filter(
            ticket_id__in=ids[start : start + 5_000]
        ).values_list("ticket_id", "tag__name"):
            tags[ticket_id].append(name)
    return [_example(row, tags[row["pk"]]) for row in rows]


def _similar_index() -> similar.SimilarIndex | None:
    rows = (
        Ticket.objects.filter(
            status_category__in=(StatusCategory.SOLVED, StatusCategory.CLOSED),
            merged_into__isnull=True,
        )
        .order_by("-solved_at", "-pk")
        .annotate(first_body=_first_message())
        .values_list("pk", "subject", "first_body")[:MAX_SIMILAR_TICKETS]
    )
    ids, texts = [], []
    for pk, subject, body in rows:
        ids.append(pk)
        texts.append(f"{subject}\n{subject}\n{body or ''}")
    return similar.build_index(ids, texts)


def train_model(
    *, actor: User | None = None, min_examples: int = DEFAULT_MIN_EXAMPLES
) -> TriageModel:
    """Train a new version on the instance's tickets and make it the active one.

    Runs outside any transaction (it takes seconds to minutes); the row is written when the
    artefact is safely on disk. A failure is recorded as a failed version, the previous
    version stays active."""
    if actor is not None:
        require_ai_admin(actor)
    started = time.perf_counter()
    row = TriageModel.objects.create(
        created_at=clock.now(), trained_by=actor, min_examples=min_examples
    )
    try:
        examples = training_examples()
        if len(examples) < 2 * min_examples:
            raise ValueError(f"{len(examples)} tickets: too few to learn from")
        result = triage.train(examples, min_examples=min_examples)
        result.bundle.similar = _similar_index()
        name, digest = store.save(row.pk, result.bundle)
    except Exception as exc:
        log.exception("training the triage model failed")
        row.state, row.error = TrainingState.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        row.duration_ms = int((time.perf_counter() - started) * 1000)
        row.save(update_fields=["state", "error", "duration_ms"])
        return row
    row.file_name, row.sha256 = name, digest
    row.n_examples = result.n_examples
    row.n_similar = len(result.bundle.similar.ticket_ids) if result.bundle.similar else 0
    row.metrics = result.metrics
    row.duration_ms = int((time.perf_counter() - started) * 1000)
    row.save()
    kept = TriageModel.objects.filter(state=TrainingState.READY).exclude(file_name="")
    store.remove_except(set(kept.values_list("file_name", flat=True)[:KEEP_VERSIONS]))
    return row


def active_model() -> TriageModel | None:
    return TriageModel.objects.filter(state=TrainingState.READY).exclude(file_name="").first()


def active_bundle() -> tuple[TriageModel, triage.TriageBundle] | None:
    """The newest ready version and its loaded artefact, or None (never raises: a missing
    or refused file means no suggestions, logged)."""
    row = active_model()
    if row is None:
        return None
    try:
        bundle = store.load(row.pk, row.file_name, row.sha256)
    except (store.ArtefactRefused, OSError, ValueError, EOFError):
        log.exception("cannot load triage model v%s", row.pk)
        return None
    if getattr(bundle, "format", None) != triage.FORMAT:
        return None
    return row, bundle


# --- triage at creation -------------------------------------------------------------------


def field_settings() -> dict[str, FieldSetting]:
    """Every field's setting; fields without a row have the defaults (suggest, 0.9)."""
    stored = {s.field: s for s in FieldSetting.objects.all()}
    return {f: stored.get(f) or FieldSetting(field=f) for f in TriageField.values}


@dataclass
class TriagePlan:
    """What the model predicted for a new ticket and which of it was applied."""

    model: TriageModel | None = None
    rows: list[Prediction] = field(default_factory=list)
    added_tags: list[Tag] = field(default_factory=list)


def example_for(ticket: Ticket, body: str) -> triage.Example:
    email = ticket.requester.email.lower() if ticket.requester_id else ""
    return triage.Example(
        subject=ticket.subject,
        body=body,
        channel=ticket.channel,
        requester_domain=email.rpartition("@")[2],
        organization=ticket.organization.name if ticket.organization else "",
    )


def _already_set(ticket: Ticket, name: str, tags: Sequence[Tag], ruled: set[str]) -> bool:
    """Set by the creator, a routing rule or the channel: the model never overrides it.
    Priority and type always have a value; their defaults (normal, question) count as unset
    unless a rule chose them."""
    if name in ruled or (name == "team" and "team_id" in ruled):
        return True
    match name:
        case "team":
            return ticket.team_id is not None or ticket.assignee_id is not None
        case "category":
            return ticket.category_id is not None
        case "priority":
            return ticket.priority != Priority.NORMAL
        case "type":
            return ticket.type != TicketType.QUESTION
        case _:
            return bool(tags)


def _apply(ticket: Ticket, name: str, value: str) -> bool:
    match name:
        case "team":
            team = Team.objects.filter(slug=value).first()
            if team is None:
                return False
            ticket.team = team
        case "category":
            category = Category.objects.filter(slug=value).first()
            if category is None:
                return False
            ticket.category = category
        case "priority":
            ranks = {p.label: p for p in Priority}
            if value not in ranks:
                return False
            ticket.priority = ranks[value]
        case "type":
            if value not in TicketType.values:
                return False
            ticket.type = value
    return True


def plan_triage(
    ticket: Ticket, *, tags: Sequence[Tag], body: str, routed: Any = None, now: datetime
) -> TriagePlan:
    """Predict the unsaved new ticket's fields (after routing rules) and apply those in
    `auto` mode whose confidence reaches the threshold and that nobody else set. Call
    before the creating transaction; `record_triage` logs the plan after the save.
    Never raises: triage must not stop a ticket from being created."""
    try:
        return _plan(ticket, tags=tags, body=body, routed=routed, now=now)
    except Exception:
        log.exception("triage of a new ticket failed; created without it")
        return TriagePlan()


def _plan(
    ticket: Ticket, *, tags: Sequence[Tag], body: str, routed: Any, now: datetime
) -> TriagePlan:
    settings = field_settings()
    if all(s.mode == Mode.OFF for s in settings.values()):
        return TriagePlan()
    loaded = active_bundle()
    if loaded is None:
        return TriagePlan()
    model, bundle = loaded
    predicted = bundle.predict(example_for(ticket, body))
    ruled = {key for d in getattr(routed, "decisions", ()) for key in d.changes}
    plan = TriagePlan(model=model)
    for name, setting in settings.items():
        if setting.mode == Mode.OFF or not predicted.get(name):
            continue
        if name == TriageField.TAGS:
            candidates = [
                (tag, p)
                for tag, p in predicted[name][:MAX_TAG_SUGGESTIONS]
                if p >= MIN_TAG_CONFIDENCE
            ]
        else:
            candidates = predicted[name][:1]
        blocked = _already_set(ticket, name, tags, ruled)
        for value, confidence in candidates:
            row = Prediction(
                model=model,
                field=name,
                value=value,
                confidence=round(confidence, 4),
                mode=setting.mode,
                created_at=now,
            )
            if setting.mode == Mode.AUTO and not blocked and confidence >= setting.threshold:
                if name == TriageField.TAGS:
                    found = Tag.objects.filter(name=value).first()
                    if found is not None:
                        plan.added_tags.append(found)
                        row.outcome = Outcome.APPLIED
                elif _apply(ticket, name, value):
                    row.outcome = Outcome.APPLIED
            plan.rows.append(row)
    return plan


def record_triage(ticket: Ticket, plan: TriagePlan) -> None:
    """Log the plan's predictions for the saved ticket (inside the creating transaction)."""
    if not plan.rows:
        return
    for row in plan.rows:
        row.ticket = ticket
    Prediction.objects.bulk_create(plan.rows)


# --- the agent's decision and settling -----------------------------------------------------


def _prediction(actor: User, prediction_id: int, *, lock: bool = True) -> Prediction:
    require_ai_staff(actor)
    rows = Prediction.objects.filter(pk=prediction_id, mode__in=(Mode.SUGGEST, Mode.AUTO))
    if lock:
        rows = rows.select_for_update()
    row = rows.select_related("ticket").first()
    if row is None:
        raise NotFound("No such suggestion.")
    access_ticket(actor, row.ticket.number)  # a ticket the actor cannot see: 404
    if row.outcome != Outcome.PENDING:
        raise Conflict("suggestion_decided", "This suggestion was already decided.")
    return row


def accept_prediction(*, actor: User, origin: Origin, prediction_id: int) -> Ticket:
    """Apply a suggestion to its ticket as the agent's own change (audit trail, triggers,
    SLA), and log it as accepted."""
    from frontdesk.tickets.actions import update_ticket

    now = clock.now()
    with transaction.atomic():
        row = _prediction(actor, prediction_id)
        ticket = row.ticket
        changes: dict[str, Any]
        match row.field:
            case "team":
                team = Team.objects.filter(slug=row.value).first()
                if team is None:
                    raise Invalid("unknown_team", "That team no longer exists.")
                changes = {"team_id": team.pk}
            case "tags":
                current = list(ticket.tags.values_list("name", flat=True))
                changes = {"tags": sorted({*current, row.value})}
            case _:
                changes = {row.field: row.value}
        updated = update_ticket(
            actor=actor,
            origin=origin,
            number=ticket.number,
            changes=changes,
            expected_version=None,
            now=now,
        )
        row.outcome, row.final_value = Outcome.ACCEPTED, row.value
        row.decided_by, row.settled_at = actor, now
        row.save(update_fields=["outcome", "final_value", "decided_by", "settled_at"])
    return updated


def dismiss_prediction(*, actor: User, prediction_id: int) -> None:
    """Hide a suggestion; its final value is settled later from the ticket."""
    from frontdesk.tickets.access import require_can_work

    with transaction.atomic():
        row = _prediction(actor, prediction_id)
        require_can_work(actor)
        row.outcome, row.decided_by = Outcome.DISMISSED, actor
        row.save(update_fields=["outcome", "decided_by"])


def _current_values(ticket: Ticket) -> dict[str, Any]:
    return {
        "team": ticket.team.slug if ticket.team else None,
        "category": ticket.category.slug if ticket.category else None,
        "priority": Priority(ticket.priority).label,
        "type": ticket.type,
    }


def settle_predictions(now: datetime | None = None, *, batch: int = 2_000) -> int:
    """Record the value agents finally kept for predictions on solved or closed tickets
    (tags: whether the tag is still on the ticket). Returns how many were settled."""
    now = now or clock.now()
    rows = list(
        Prediction.objects.filter(
            settled_at__isnull=True,
            ticket__status_category__in=(StatusCategory.SOLVED, StatusCategory.CLOSED),
        ).select_related("ticket__team", "ticket__category")[:batch]
    )
    if not rows:
        return 0
    ticket_ids = {r.ticket_id for r in rows}
    tags: dict[int, set[str]] = defaultdict(set)
    for ticket_id, name in TicketTag.objects.filter(ticket_id__in=ticket_ids).values_list(
        "ticket_id", "tag__name"
    ):
        tags[ticket_id].add(name)
    for row in rows:
        if row.field == TriageField.TAGS:
            row.final_value = row.value if row.value in tags[row.ticket_id] else ""
        else:
            row.final_value = _current_values(row.ticket).get(row.field) or ""
        if row.outcome in (Outcome.PENDING, Outcome.DISMISSED):
            row.outcome = Outcome.SETTLED if row.outcome == Outcome.PENDING else row.outcome
        row.settled_at = now
    Prediction.objects.bulk_update(rows, ["final_value", "outcome", "settled_at"])
    return len(rows)


# --- settings -----------------------------------------------------------------------------


def save_field_setting(
    *, actor: User, field_name: str, mode: str, threshold: float
) -> FieldSetting:
    require_ai_admin(actor)
    if field_name not in TriageField.values:
        raise Invalid("unknown_field", f"Unknown field {field_name!r}.")
    if mode not in Mode.values:
        raise Invalid("unknown_mode", f"Unknown mode {mode!r}.")
    if not 0 <= threshold <= 1:
        raise Invalid("invalid_threshold", "The threshold is a confidence from 0 to 1.")
    setting, _ = FieldSetting.objects.update_or_create(
        field=field_name, defaults={"mode": mode, "threshold": threshold}
    )
    return setting


# --- sentiment ----------------------------------------------------------------------------


def score_messages(messages: Iterable[Message]) -> list[MessageSentiment]:
    """Score customer messages that have no score yet; return the new rows."""
    rows = [
        MessageSentiment(message=m, ticket_id=m.ticket_id, **vars(score(m.body_text)))
        for m in messages
    ]
    MessageSentiment.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


LOOKBACK_IDS = 1_000  # rows committed out of id order behind the newest scored message


def score_new_messages(*, batch: int = 2_000) -> int:
    """The scheduler's job: customers' messages without a score, oldest first, from just
    behind the newest scored one, so each run reads a bounded slice of the table however
    large it is. (A message the job never reached is scored when its ticket is shown.)"""
    newest = MessageSentiment.objects.aggregate(newest=Max("message_id"))["newest"] or 0
    pending = list(
        Message.objects.filter(
            kind=MessageKind.REPLY,
            author__role="customer",
            pk__gt=max(0, newest - LOOKBACK_IDS),
        )
        .exclude(
            pk__in=MessageSentiment.objects.filter(message_id__gt=newest - LOOKBACK_IDS).values(
                "message_id"
            )
        )
        .order_by("pk")
        .only("pk", "ticket_id", "body_text")[:batch]
    )
    return len(score_messages(pending))
