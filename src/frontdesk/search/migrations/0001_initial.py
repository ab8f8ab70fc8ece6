"""The search index: documents, pending rebuilds, and the vendor's full-text structures.

SQLite: an FTS5 table with external content (`search_document`), kept by triggers in the
same statement as the document row. PostgreSQL: a generated, weighted tsvector column with a
GIN index, and a trigram index on `keywords` (`pg_trgm`: created here when the migrating
role may; otherwise create it once as a superuser, docs/search.md).

Documents are filled by `frontdesk search reindex` (run it after this migration on an
existing desk) and kept by the ticket actions from then on.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        subject, keywords, public_text, internal_text,
        content='search_document', content_rowid='ticket_id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, subject, keywords, public_text, internal_text)
        VALUES (new.ticket_id, new.subject, new.keywords, new.public_text, new.internal_text);
    END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, subject, keywords, public_text, internal_text)
        VALUES ('delete', old.ticket_id, old.subject, old.keywords, old.public_text,
                old.internal_text);
    END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, subject, keywords, public_text, internal_text)
        VALUES ('delete', old.ticket_id, old.subject, old.keywords, old.public_text,
                old.internal_text);
        INSERT INTO search_fts(rowid, subject, keywords, public_text, internal_text)
        VALUES (new.ticket_id, new.subject, new.keywords, new.public_text, new.internal_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]

# Subject > requester/organisation and public conversation > internal notes.
POSTGRES_VECTOR = """
    setweight(to_tsvector('english'::regconfig, subject), 'A')
    || setweight(to_tsvector('english'::regconfig, keywords), 'B')
    || setweight(to_tsvector('english'::regconfig, public_text), 'B')
    || setweight(to_tsvector('english'::regconfig, internal_text), 'C')
"""
POSTGRES_FORWARD = [
    f"ALTER TABLE search_document ADD COLUMN vector tsvector "
    f"GENERATED ALWAYS AS ({POSTGRES_VECTOR}) STORED",
    "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
]
POSTGRES_TRIGRAM = [
    "CREATE INDEX search_document_keywords_trgm ON search_document "
    "USING gin ((subject || ' ' || keywords) gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_keywords_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)
        if _ensure_trigram(schema_editor):
            for sql in POSTGRES_TRIGRAM:
                schema_editor.execute(sql)


def _ensure_trigram(schema_editor) -> bool:  # type: ignore[no-untyped-def]
    """pg_trgm, created if missing and allowed; without it substring matches still work,
    without an index."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            return True
        cursor.execute("SAVEPOINT search_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT search_trgm")
            return False
        cursor.execute("RELEASE SAVEPOINT search_trgm")
        return True


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tickets", "0006_eventaction_approvals"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="tickets.ticket",
                    ),
                ),
                ("subject", models.TextField()),
                ("keywords", models.TextField()),
                ("public_text", models.TextField()),
                ("internal_text", models.TextField()),
                ("indexed_at", models.DateTimeField()),
            ],
            options={"db_table": "search_document"},
        ),
        migrations.CreateModel(
            name="PendingDocument",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="tickets.ticket",
                    ),
                ),
                ("queued_at", models.DateTimeField()),
            ],
            options={"db_table": "search_pending"},
        ),
        migrations.RunPython(forward, backward),
    ]
