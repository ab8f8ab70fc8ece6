"""The knowledge base's read side: every reader query starts from the gate."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from frontdesk.accounts.models import User
from frontdesk.kb.access import editable_articles, readable_articles
from frontdesk.kb.models import Article, KbCategory, KbSection
from frontdesk.kb.search import search

SUGGESTIONS = 5


@dataclass(frozen=True)
class SectionView:
    section: KbSection
    articles: list[Article]


@dataclass(frozen=True)
class CategoryView:
    category: KbCategory
    sections: list[SectionView]


def tree(user: User | None) -> list[CategoryView]:
    """Categories > sections > the articles `user` may read; empty ones left out."""
    readable = readable_articles(user).only(
        "pk", "slug", "published_title", "section_id", "position", "title"
    )
    sections = KbSection.objects.prefetch_related(
        Prefetch("articles", queryset=readable, to_attr="readable")
    )
    categories = KbCategory.objects.prefetch_related(
        Prefetch("sections", queryset=sections, to_attr="listed")
    )
    out = []
    for category in categories:
        views = [SectionView(s, s.readable) for s in category.listed if s.readable]
        if views:
            out.append(CategoryView(category, views))
    return out


def search_articles(user: User | None, text: str, *, limit: int = 20) -> list[Article]:
    found = search(readable_articles(user).select_related("section__category"), text)
    return list(found[:limit])


def suggestions(user: User | None, text: str) -> list[Article]:
    """Articles for a request's subject as it is typed: any of its words, best first."""
    return list(search(readable_articles(user), text, any_word=True)[:SUGGESTIONS])


def related(user: User | None, article: Article) -> list[Article]:
    return list(readable_articles(user).filter(pk__in=article.related.values("pk")))


def editor_list(user: User, text: str = "", state: str = "") -> QuerySet[Article]:
    articles = editable_articles(user).select_related("section__category", "updated_by")
    if text:
        articles = articles.filter(title__icontains=text)
    if state:
        articles = articles.filter(state=state)
    return articles.order_by("-updated_at", "-pk")


def editor_article(user: User, article_id: int) -> Article:
    from frontdesk.core.errors import NotFound

    article = editable_articles(user).filter(pk=article_id).first()
    if article is None:
        raise NotFound("No such article.")
    return article


def pick_articles(user: User, text: str, *, limit: int = 10) -> list[Article]:
    """The composer's article picker: published articles the agent may read, by search
    (prefix of the last word), or the most viewed when nothing is typed."""
    readable = readable_articles(user)
    if not text.strip():
        return list(readable.order_by("-view_count", "pk")[:limit])
    return list(search(readable, text)[:limit])
