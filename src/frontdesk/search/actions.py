"""Keeping the search index in step with the tickets (docs/search.md, "Consistency").

The ticket actions call `queue_reindex(ticket_id)` (from `save_ticket` and wherever a
message or attachment is added). Inside the action's transaction that costs one tiny
INSERT into `search_pending`, once per ticket and transaction; after the commit the
ticket's document is rebuilt from the committed rows (about 5 small queries and one
upsert) and its pending row deleted. A crash between the two leaves the pending row, which
the scheduler's `search_flush_pending` job (every minute) or `frontdesk search reindex
--pending` rebuilds. Outside a transaction the document is rebuilt at once.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction

from frontdesk.core import clock
from frontdesk.search.documents import DocumentText, Part, compose
from frontdesk.search.models import PendingDocument, SearchDocument
from frontdesk.tickets.models import Attachment, Message, Ticket, TicketTag

log = logging.getLogger(__name__)

DOCUMENT_FIELDS = ["subject", "keywords", "public_text", "internal_text", "indexed_at"]
BATCH = 1000


@dataclass
class _Batch:
    """The tickets queued in the current transaction and its one on-commit callback."""

    ids: set[int] = field(default_factory=set)
    flush: Callable[[], None] | None = None
    flushed: bool = False


def queue_reindex(ticket_id: int) -> None:
    """Rebuild the ticket's document once the current transaction commits."""
    if not connection.in_atomic_block:
        reindex_tickets([ticket_id])
        return
    batch = _current_batch()
    if ticket_id in batch.ids:
        return
    PendingDocument.objects.bulk_create(
        [PendingDocument(ticket_id=ticket_id, queued_at=clock.now())], ignore_conflicts=True
    )
    batch.ids.add(ticket_id)


def _current_batch() -> _Batch:
    """This transaction's batch. A batch whose callback is no longer registered belongs to
    a transaction (or savepoint) that ended, so a fresh one starts."""
    batch: _Batch | None = getattr(connection, "_frontdesk_search_batch", None)
    registered = {id(entry[1]) for entry in connection.run_on_commit}
    live = batch is not None and not batch.flushed and batch.flush is not None
    if batch is not None and live and id(batch.flush) in registered:
        return batch
    fresh = _Batch()

    def flush() -> None:
        fresh.flushed = True
        ids = sorted(fresh.ids)
        try:
            reindex_tickets(ids)
            PendingDocument.objects.filter(ticket_id__in=ids).delete()
        except Exception:  # the pending rows stay; the scheduler's job retries
            log.exception("search: rebuilding the documents of %d tickets failed", len(ids))

    fresh.flush = flush
    connection._frontdesk_search_batch = fresh  # type: ignore[attr-defined]
    transaction.on_commit(flush)
    return fresh


def reindex_tickets(ticket_ids: Sequence[int], *, now: datetime | None = None) -> int:
    """Rebuild the documents of these tickets from their rows (deleted tickets are skipped);
    returns how many were written."""
    now = now or clock.now()
    documents = [
        SearchDocument(ticket_id=pk, indexed_at=now, **text.__dict__)
        for pk, text in build_documents(ticket_ids)
    ]
    if documents:
        SearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["ticket"],
            update_fields=DOCUMENT_FIELDS,
        )
    return len(documents)


def build_documents(ticket_ids: Sequence[int]) -> Iterator[tuple[int, DocumentText]]:
    ids = list(ticket_ids)
    rows = Ticket.objects.filter(pk__in=ids).values_list(
        "pk",
        "number",
        "subject",
        "custom_fields",
        "requester__name",
        "requester__email",
        "organization__name",
    )
    messages: dict[int, list[Part]] = defaultdict(list)
    for ticket_id, is_public, text in (
        Message.objects.filter(ticket_id__in=ids)
        .order_by("ticket_id", "created_at", "pk")
        .values_list("ticket_id", "is_public", "body_text")
    ):
        messages[ticket_id].append(Part(text, is_public))
    attachments: dict[int, list[Part]] = defaultdict(list)
    for ticket_id, is_public, name in Attachment.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "is_public", "file_name"
    ):
        attachments[ticket_id].append(Part(name, is_public))
    tags: dict[int, list[str]] = defaultdict(list)
    for ticket_id, name in TicketTag.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "tag__name"
    ):
        tags[ticket_id].append(name)
    for pk, number, subject, custom, name, email, org in rows:
        yield (
            pk,
            compose(
                number=number,
                subject=subject,
                requester_name=name,
                requester_email=email,
                organization=org,
                tags=tags[pk],
                custom_fields=custom if isinstance(custom, dict) else {},
                messages=messages[pk],
                attachments=attachments[pk],
            ),
        )


def flush_pending(*, older_than: timedelta = timedelta(seconds=0)) -> int:
    """Rebuild the documents of pending tickets queued before `now - older_than`."""
    cutoff = clock.now() - older_than
    done = 0
    while True:
        ids = list(
            PendingDocument.objects.filter(queued_at__lte=cutoff)
            .order_by("ticket_id")
            .values_list("ticket_id", flat=True)[:BATCH]
        )
        if not ids:
            return done
        reindex_tickets(ids)
        PendingDocument.objects.filter(ticket_id__in=ids, queued_at__lte=cutoff).delete()
        done += len(ids)


@dataclass
class ReindexReport:
    documents: int
    seconds: float
    vendor: str


def reindex_all(
    *, batch: int = 2000, progress: Callable[[int], None] | None = None
) -> ReindexReport:
    """Rebuild every document (`frontdesk search reindex`), in id order and batches of
    `batch` tickets, each batch in its own transaction; documents of deleted tickets go
    with their tickets (ON DELETE CASCADE in the model). Safe while the desk runs: a
    ticket changed meanwhile is rebuilt again by its own action."""
    started = time.monotonic()
    done = 0
    last = 0
    while True:
        ids = list(
            Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        with transaction.atomic():
            done += reindex_tickets(ids)
        last = ids[-1]
        if progress:
            progress(done)
    _optimize()
    return ReindexReport(done, round(time.monotonic() - started, 2), connection.vendor)


def _optimize() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


def write_documents(documents: Iterable[tuple[int, DocumentText]], now: datetime) -> int:
    """Insert documents built elsewhere (the bulk seeder), without reading the tickets."""
    rows = [SearchDocument(ticket_id=pk, indexed_at=now, **t.__dict__) for pk, t in documents]
    SearchDocument.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
