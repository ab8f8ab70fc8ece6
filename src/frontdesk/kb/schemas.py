from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.kb.models import Article, ArticleRevision

VisibilityName = Literal["public", "customers", "internal"]


class ArticleSummaryOut(Schema):
    id: int
    slug: str
    title: str
    section: str
    category: str
    visibility: VisibilityName
    published_at: datetime | None

    @staticmethod
    def of(article: Article) -> "ArticleSummaryOut":
        return ArticleSummaryOut(
            id=article.pk,
            slug=article.slug,
            title=article.published_title,
            section=article.section.name,
            category=article.section.category.name,
            visibility=article.visibility,  # type: ignore[arg-type]
            published_at=article.published_at,
        )


class ArticleOut(ArticleSummaryOut):
    """The published copy, as readers see it."""

    body: str = Field(description="Markdown.")
    html: str = Field(description="Sanitised HTML, safe to render as is.")
    labels: list[str]
    related: list[str] = Field(description="Slugs of the related articles you may read.")
    view_count: int
    helpful_count: int
    unhelpful_count: int

    @staticmethod
    def full(article: Article, related: list[Article]) -> "ArticleOut":
        base = ArticleSummaryOut.of(article).model_dump()
        return ArticleOut(
            **base,
            body=article.published_body,
            html=article.published_html,
            labels=list(article.labels.values_list("name", flat=True)),
            related=[r.slug for r in related],
            view_count=article.view_count,
            helpful_count=article.helpful_count,
            unhelpful_count=article.unhelpful_count,
        )


class ArticleIn(InputSchema):
    title: str = Field(min_length=1, max_length=300)
    body: str = Field("", max_length=200_000, description="Markdown (raw HTML is shown as text).")
    section_id: int
    visibility: VisibilityName = "public"
    slug: str = Field("", max_length=200, description="Empty: made from the title.")
    labels: list[str] = Field(default_factory=list, max_length=20)
    related_ids: list[int] = Field(default_factory=list, max_length=10)
    publish: bool = Field(default=False, description="Publish this text at once.")


class ArticleDraftOut(Schema):
    """An article as editors see it: the working copy and its state."""

    id: int
    slug: str
    state: Literal["draft", "published", "unpublished"]
    visibility: VisibilityName
    section_id: int
    title: str
    body: str
    published_title: str
    has_unpublished_changes: bool
    labels: list[str]
    related_ids: list[int]
    updated_at: datetime

    @staticmethod
    def of(article: Article) -> "ArticleDraftOut":
        return ArticleDraftOut(
            id=article.pk,
            slug=article.slug,
            state=article.state,  # type: ignore[arg-type]
            visibility=article.visibility,  # type: ignore[arg-type]
            section_id=article.section_id,
            title=article.title,
            body=article.body,
            published_title=article.published_title,
            has_unpublished_changes=article.has_unpublished_changes,
            labels=list(article.labels.values_list("name", flat=True)),
            related_ids=list(article.related.values_list("pk", flat=True)),
            updated_at=article.updated_at,
        )


class RevisionOut(Schema):
    number: int
    title: str
    body: str
    published: bool
    note: str
    author_id: int | None
    created_at: datetime

    @staticmethod
    def of(rev: ArticleRevision) -> "RevisionOut":
        return RevisionOut(
            number=rev.number,
            title=rev.title,
            body=rev.body,
            published=rev.published,
            note=rev.note,
            author_id=rev.author_id,
            created_at=rev.created_at,
        )


class FeedbackIn(InputSchema):
    helpful: bool
    comment: str = Field("", max_length=2000)


class DeflectionOut(Schema):
    start: datetime
    end: datetime
    shown: int = Field(description="Suggestion sets shown.")
    visits: int = Field(description="Visits that were shown suggestions.")
    clicked: int = Field(description="Visits that opened a suggested article.")
    submitted: int = Field(description="Visits that submitted a ticket after suggestions.")
    submitted_after_click: int
    deflected: int = Field(description="Settled visits (24 h) with suggestions and no ticket.")
    deflected_after_click: int
    pending: int = Field(description="Visits younger than 24 h without a ticket.")
    deflection_rate: float | None = Field(description="deflected / (deflected + submitted).")
