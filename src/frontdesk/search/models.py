"""The search index's rows: one document per ticket, and the tickets waiting for theirs.

`SearchDocument` holds the text a ticket is found by, split by who may find it: `subject`,
`keywords` (number, requester, organisation: short, public) and `public_text` (public
messages, tags, custom field text, public attachment names) for everyone who sees the
ticket; `internal_text` (internal notes, internal attachment names) for staff only.

The database derives the index from these columns in the same statement, so the two never
disagree (docs/search.md): on SQLite, triggers (migration 0001) keep the FTS5 table
`search_fts` (external content = this table); on PostgreSQL, the generated column `vector`
(a weighted tsvector) with its GIN index, and a trigram index on `keywords`. Neither column
nor table is a model field: the search backends reach them with SQL.

Only `search.actions` writes these rows.
"""

from django.db import models


class SearchDocument(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.TextField()
    keywords = models.TextField()
    public_text = models.TextField()
    internal_text = models.TextField()
    indexed_at = models.DateTimeField()

    class Meta:
        db_table = "search_document"

    def __str__(self) -> str:
        return f"document of {self.ticket_id}"


class PendingDocument(models.Model):
    """A ticket whose document must be rebuilt. Written in the transaction that changes the
    ticket and deleted once its document is rebuilt after the commit; whatever a crash left
    behind, the scheduler's `search_flush_pending` job (or `frontdesk search reindex
    --pending`) rebuilds."""

    ticket = models.OneToOneField(
        "tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    queued_at = models.DateTimeField()

    class Meta:
        db_table = "search_pending"

    def __str__(self) -> str:
        return f"pending {self.ticket_id}"
