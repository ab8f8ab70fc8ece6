"""Article search: the vendor's full-text structures over the published copy.

SQLite: an FTS5 table with external content (`kb_article`), kept by triggers in the same
statement as the article row. PostgreSQL: a generated, weighted tsvector column (title A,
text and labels B) with a GIN index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE kb_article_fts USING fts5(
        published_title, search_text,
        content='kb_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    """CREATE TRIGGER kb_article_ai AFTER INSERT ON kb_article BEGIN
        INSERT INTO kb_article_fts(rowid, published_title, search_text)
        VALUES (new.id, new.published_title, new.search_text);
    END""",
    """CREATE TRIGGER kb_article_ad AFTER DELETE ON kb_article BEGIN
        INSERT INTO kb_article_fts(kb_article_fts, rowid, published_title, search_text)
        VALUES ('delete', old.id, old.published_title, old.search_text);
    END""",
    """CREATE TRIGGER kb_article_au AFTER UPDATE OF published_title, search_text ON kb_article
    BEGIN
        INSERT INTO kb_article_fts(kb_article_fts, rowid, published_title, search_text)
        VALUES ('delete', old.id, old.published_title, old.search_text);
        INSERT INTO kb_article_fts(rowid, published_title, search_text)
        VALUES (new.id, new.published_title, new.search_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS kb_article_au",
    "DROP TRIGGER IF EXISTS kb_article_ad",
    "DROP TRIGGER IF EXISTS kb_article_ai",
    "DROP TABLE IF EXISTS kb_article_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE kb_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, published_title), 'A')"
    " || setweight(to_tsvector('english'::regconfig, search_text), 'B')) STORED",
    "CREATE INDEX kb_article_search ON kb_article USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS kb_article_search",
    "ALTER TABLE kb_article DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
