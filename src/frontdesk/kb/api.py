"""REST endpoints for the knowledge base. Reading follows the gate (`kb.access`): customers
read public and customers-only published articles, staff every published one; drafts
exist only for editors (agents, supervisors, administrators), who write."""

from datetime import datetime, timedelta

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from frontdesk.api.auth import actor
from frontdesk.api.schemas import ERRORS
from frontdesk.core import clock
from frontdesk.core.errors import Invalid
from frontdesk.kb import actions, queries
from frontdesk.kb.access import (
    access_article,
    readable_articles,
    require_editor,
    require_report_reader,
)
from frontdesk.kb.reports import deflection_figures
from frontdesk.kb.schemas import (
    ArticleDraftOut,
    ArticleIn,
    ArticleOut,
    ArticleSummaryOut,
    DeflectionOut,
    FeedbackIn,
    RevisionOut,
)

router = Router(tags=["knowledge base"])


class ArticleFilter(Schema):
    q: str = ""


@router.get("/kb/articles", response={200: list[ArticleSummaryOut], **ERRORS})
def list_articles(request: HttpRequest, filters: Query[ArticleFilter]) -> list[ArticleSummaryOut]:
    """The published articles you may read; with `q`, those matching it, best first."""
    user = actor(request)
    if filters.q.strip():
        found = queries.search_articles(user, filters.q[:200], limit=50)
    else:
        found = list(readable_articles(user).select_related("section__category")[:500])
    return [ArticleSummaryOut.of(a) for a in found]


@router.get("/kb/articles/{slug}", response={200: ArticleOut, **ERRORS})
def get_article(request: HttpRequest, slug: str) -> ArticleOut:
    """A published article you may read (others are 404: drafts, internal for customers)."""
    user = actor(request)
    article = access_article(user, slug)
    return ArticleOut.full(article, queries.related(user, article))


@router.post("/kb/articles/{slug}/feedback", response={204: None, **ERRORS})
def article_feedback(request: HttpRequest, slug: str, payload: FeedbackIn) -> Status[None]:
    """ "Was this helpful?" for an article you may read; answering again changes it."""
    user = actor(request)
    article = access_article(user, slug)
    actions.give_feedback(
        article=article,
        reader_key=f"user:{user.pk}",
        user=user,
        helpful=payload.helpful,
        comment=payload.comment,
    )
    return Status(204, None)


@router.post("/kb/articles", response={201: ArticleDraftOut, **ERRORS})
def create_article(request: HttpRequest, payload: ArticleIn) -> Status[ArticleDraftOut]:
    """A new article (editors): a draft, or published at once with `publish`."""
    user = actor(request)
    data = payload.model_dump()
    publish = data.pop("publish")
    article = actions.save_article(actor=user, data=actions.ArticleInput(**data), publish=publish)
    return Status(201, ArticleDraftOut.of(article))


@router.get("/kb/drafts/{article_id}", response={200: ArticleDraftOut, **ERRORS})
def get_draft(request: HttpRequest, article_id: int) -> ArticleDraftOut:
    """An article's working copy (editors; customers: 404)."""
    user = actor(request)
    require_editor(user)
    return ArticleDraftOut.of(queries.editor_article(user, article_id))


@router.put("/kb/drafts/{article_id}", response={200: ArticleDraftOut, **ERRORS})
def save_draft(request: HttpRequest, article_id: int, payload: ArticleIn) -> ArticleDraftOut:
    """Save the working copy (a revision); readers see it once published."""
    user = actor(request)
    data = payload.model_dump()
    publish = data.pop("publish")
    article = actions.save_article(
        actor=user, data=actions.ArticleInput(**data), article_id=article_id, publish=publish
    )
    return ArticleDraftOut.of(article)


@router.post("/kb/drafts/{article_id}/publish", response={200: ArticleDraftOut, **ERRORS})
def publish(request: HttpRequest, article_id: int) -> ArticleDraftOut:
    return ArticleDraftOut.of(actions.publish_article(actor=actor(request), article_id=article_id))


@router.post("/kb/drafts/{article_id}/unpublish", response={200: ArticleDraftOut, **ERRORS})
def unpublish(request: HttpRequest, article_id: int) -> ArticleDraftOut:
    return ArticleDraftOut.of(
        actions.unpublish_article(actor=actor(request), article_id=article_id)
    )


@router.get("/kb/drafts/{article_id}/revisions", response={200: list[RevisionOut], **ERRORS})
def revisions(request: HttpRequest, article_id: int) -> list[RevisionOut]:
    user = actor(request)
    require_editor(user)
    article = queries.editor_article(user, article_id)
    return [RevisionOut.of(r) for r in article.revisions.all()]


@router.post(
    "/kb/drafts/{article_id}/revisions/{number}/restore",
    response={200: ArticleDraftOut, **ERRORS},
)
def restore(request: HttpRequest, article_id: int, number: int) -> ArticleDraftOut:
    """Put an old revision's text back into the working copy."""
    article = actions.restore_revision(actor=actor(request), article_id=article_id, number=number)
    return ArticleDraftOut.of(article)


class PeriodFilter(Schema):
    start: datetime | None = None
    end: datetime | None = None


def period(filters: PeriodFilter) -> tuple[datetime, datetime]:
    end = filters.end or clock.now()
    start = filters.start or end - timedelta(days=30)
    if start >= end:
        raise Invalid("invalid_period", "start must be before end.")
    return start, end


@router.get("/reports/deflection", response={200: DeflectionOut, **ERRORS})
def deflection_report(request: HttpRequest, filters: Query[PeriodFilter]) -> DeflectionOut:
    """Deflection by the request form's article suggestions, for sets shown in
    [start, end) (default: the last 30 days). Supervisors and administrators."""
    require_report_reader(actor(request))
    start, end = period(filters)
    figures = deflection_figures(start, end, now=clock.now())
    return DeflectionOut(**vars(figures), deflection_rate=figures.deflection_rate)
