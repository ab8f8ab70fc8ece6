"""The knowledge base: categories > sections > articles, their revisions, labels, files,
feedback and the deflection record (docs/knowledge-base.md).

An article has a working copy (`title`, `body`) that agents edit, and a published copy
(`published_title`, `published_html`, `search_text`) that readers see: saving never
changes what readers see, publishing copies the working copy over. Every save and every
publish writes an `ArticleRevision`.

Full-text search reads the published copy only, through structures created by migration
0001 that no model field names: on SQLite the FTS5 table `kb_article_fts` (external content
= `kb_article`, kept by triggers), on PostgreSQL the generated weighted tsvector column
`search_vector` with a GIN index (`kb.search`).
"""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.kb.choices import ArticleState, Visibility


class KbCategory(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "kb_category"
        ordering: ClassVar = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class KbSection(models.Model):
    category = models.ForeignKey(KbCategory, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    description = models.TextField(blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "kb_section"
        ordering: ClassVar = ["position", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["category", "slug"], name="kb_section_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "kb_label"
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    section = models.ForeignKey(KbSection, on_delete=models.PROTECT, related_name="articles")
    slug = models.SlugField(max_length=200, unique=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    state = models.CharField(
        max_length=12, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    # The working copy (agents).
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, default="")
    # The published copy (readers).
    published_title = models.CharField(max_length=300, blank=True, default="")
    published_body = models.TextField(blank=True, default="")
    published_html = models.TextField(blank=True, default="")
    search_text = models.TextField(
        blank=True, default="", help_text="Plain text of the published body and the labels."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    labels = models.ManyToManyField(Label, blank=True, related_name="articles")
    related = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+")
    view_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    unhelpful_count = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "kb_article"
        ordering: ClassVar = ["position", "title"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="kb_article_visibility"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ArticleState.values), name="kb_article_state"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["state", "visibility"], name="kb_article_read")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == ArticleState.PUBLISHED

    @property
    def has_unpublished_changes(self) -> bool:
        return self.title != self.published_title or self.body != self.published_body


class ArticleRevision(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, default="")
    published = models.BooleanField(default=False, help_text="This revision was published.")
    note = models.CharField(max_length=200, blank=True, default="")
    author = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        db_table = "kb_revision"
        ordering: ClassVar = ["-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ArticleFile(models.Model):
    """A file or image of an article, readable by whoever may read the article."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="files")
    file_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=100, unique=True)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        db_table = "kb_file"
        ordering: ClassVar = ["created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}


class ArticleFeedback(models.Model):
    """One reader's "was this helpful?" answer; one per reader (user or session) and
    article, changed by answering again."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reader_key = models.CharField(max_length=64, help_text="User id or session visit token.")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "kb_feedback"
        ordering: ClassVar = ["-updated_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["article", "reader_key"], name="kb_feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class Deflection(models.Model):
    """One set of suggested articles shown while a customer typed a request's subject, what
    they clicked, and the ticket they submitted afterwards in the same visit (none: the set
    deflected the request). Read by `kb.reports.deflection_figures`."""

    visit = models.CharField(max_length=64, db_index=True, help_text="The session's visit token.")
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query = models.CharField(max_length=300)
    article_ids = models.JSONField(default=list)
    shown_at = models.DateTimeField()
    clicked_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clicked_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "kb_deflection"
        indexes: ClassVar = [models.Index(fields=["shown_at"], name="kb_deflection_shown")]

    def __str__(self) -> str:
        return f"{self.visit[:8]} {self.query!r}"
