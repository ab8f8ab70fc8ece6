"""Article search over the published copy, with the same two backends as ticket search
(`frontdesk.search` indexes tickets only): SQLite FTS5 (`kb_article_fts`) and PostgreSQL
text search (`kb_article.search_vector`), both created by migration 0002.

`search(queryset, text)` narrows a queryset that already went through the gate
(`kb.access.readable_articles`) and orders it by rank; user text is always a parameter.
"""

import re

from django.db import connection
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from frontdesk.kb.models import Article

MAX_WORDS = 12


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())[:MAX_WORDS]


def search(articles: QuerySet[Article], text: str, *, any_word: bool = False) -> QuerySet[Article]:
    """The articles of `articles` matching `text`, best first. Every word must match
    (a prefix for the last one, as typed), or any word with `any_word` (suggestions)."""
    found = words(text)
    if not found:
        return articles.none()
    if connection.vendor == "postgresql":
        return _postgres(articles, found, any_word=any_word)
    return _sqlite(articles, found, any_word=any_word)


def _sqlite(articles: QuerySet[Article], found: list[str], *, any_word: bool) -> QuerySet[Article]:
    terms = ['"' + w + '"' for w in found[:-1]] + ['"' + found[-1] + '"*']
    expression = (" OR " if any_word else " AND ").join(terms)
    ranked = RawSQL(
        "(SELECT -bm25(kb_article_fts, 5.0, 1.0) FROM kb_article_fts "
        'WHERE kb_article_fts MATCH %s AND rowid = "kb_article"."id")',
        [expression],
        output_field=FloatField(),
    )
    ids = RawSQL("SELECT rowid FROM kb_article_fts WHERE kb_article_fts MATCH %s", [expression])
    return articles.filter(pk__in=ids).annotate(rank=ranked).order_by(F("rank").desc(), "pk")


def _postgres(
    articles: QuerySet[Article], found: list[str], *, any_word: bool
) -> QuerySet[Article]:
    joiner = " | " if any_word else " & "
    query = joiner.join([*found[:-1], found[-1] + ":*"])
    condition = "search_vector @@ to_tsquery('english'::regconfig, %s)"
    rank = RawSQL(
        "ts_rank(search_vector, to_tsquery('english'::regconfig, %s))::float8",
        [query],
        output_field=FloatField(),
    )
    result: QuerySet[Article] = (
        articles.extra(where=[condition], params=[query])  # noqa: S610 - parameterised
        .annotate(rank=rank)
        .order_by(F("rank").desc(), "pk")
    )
    return result
