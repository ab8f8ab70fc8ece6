"""The knowledge base's use cases: the only code that writes its rows (besides the
deflection record, `kb.deflection`)."""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Invalid, NotFound
from frontdesk.kb.access import editable_articles, require_editor
from frontdesk.kb.choices import ArticleState, Visibility
from frontdesk.kb.content import render_markdown, search_text
from frontdesk.kb.errors import KbErrorCode
from frontdesk.kb.models import (
    Article,
    ArticleFeedback,
    ArticleFile,
    ArticleRevision,
    KbCategory,
    KbSection,
    Label,
)
from frontdesk.tickets.content import clean_text
from frontdesk.tickets.files import safe_file_name, sniff_content_type

CHUNK = 1 << 16
MAX_LABELS = 20
MAX_RELATED = 10
MAX_COMMENT = 2000


# --- categories and sections ---------------------------------------------------------------


def save_category(
    *,
    actor: User,
    name: str,
    description: str = "",
    position: int = 0,
    category_id: int | None = None,
) -> KbCategory:
    require_editor(actor)
    name = _title(name)
    category = KbCategory.objects.get(pk=category_id) if category_id else KbCategory()
    category.name, category.description, category.position = name, description, position
    if not category.slug:
        category.slug = _unique_slug(KbCategory, name)
    category.save()
    return category


def save_section(
    *,
    actor: User,
    category_id: int,
    name: str,
    description: str = "",
    position: int = 0,
    section_id: int | None = None,
) -> KbSection:
    require_editor(actor)
    name = _title(name)
    category = KbCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise Invalid(KbErrorCode.INVALID_SECTION, "Choose an existing category.")
    section = KbSection.objects.get(pk=section_id) if section_id else KbSection()
    section.category, section.name = category, name
    section.description, section.position = description, position
    if not section.slug:
        base = slugify(name)[:100] or "section"
        slug, n = base, 1
        while (
            KbSection.objects.filter(category=category, slug=slug).exclude(pk=section.pk).exists()
        ):
            n += 1
            slug = f"{base}-{n}"
        section.slug = slug
    section.save()
    return section


# --- articles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleInput:
    title: str
    body: str
    section_id: int
    visibility: str = Visibility.PUBLIC
    slug: str = ""
    labels: Sequence[str] = ()
    related_ids: Sequence[int] = ()


def save_article(
    *,
    actor: User,
    data: ArticleInput,
    article_id: int | None = None,
    publish: bool = False,
    now: datetime | None = None,
) -> Article:
    """Create an article or save its working copy (a revision each time); readers see the
    change only once it is published (`publish=True` here, or `publish_article`)."""
    require_editor(actor)
    now = now or clock.now()
    title = _title(data.title)
    body = clean_text(data.body)
    if data.visibility not in Visibility.values:
        raise Invalid(KbErrorCode.INVALID_VISIBILITY, "Choose public, customers or internal.")
    section = KbSection.objects.filter(pk=data.section_id).first()
    if section is None:
        raise Invalid(KbErrorCode.INVALID_SECTION, "Choose an existing section.")
    with transaction.atomic():
        if article_id is None:
            article = Article(created_by=actor, created_at=now)
        else:
            article = _locked(actor, article_id)
        changed = article_id is None or (article.title, article.body) != (title, body)
        article.title, article.body, article.section = title, body, section
        article.visibility = data.visibility
        article.updated_by, article.updated_at = actor, now
        wanted_slug = slugify(data.slug)[:200] if data.slug else ""
        if data.slug and not wanted_slug:
            raise Invalid(KbErrorCode.INVALID_SLUG, "The address needs letters or digits.")
        if wanted_slug and wanted_slug != article.slug:
            if Article.objects.filter(slug=wanted_slug).exclude(pk=article.pk).exists():
                raise Conflict(KbErrorCode.DUPLICATE_SLUG, "Another article has this address.")
            article.slug = wanted_slug
        elif not article.slug:
            article.slug = _unique_slug(Article, title)
        try:
            with transaction.atomic():
                article.save()
        except IntegrityError as exc:
            raise Conflict(KbErrorCode.DUPLICATE_SLUG, "Another article has this address.") from exc
        _set_labels(article, data.labels)
        _set_related(article, data.related_ids)
        if changed and not publish:
            _revision(article, actor, now, published=False)
        if publish:
            _publish(article, actor, now)
        elif article.is_published:
            _refresh_search_text(article)  # labels are searched: keep them current
    return article


def publish_article(*, actor: User, article_id: int, now: datetime | None = None) -> Article:
    require_editor(actor)
    now = now or clock.now()
    with transaction.atomic():
        article = _locked(actor, article_id)
        _publish(article, actor, now)
    return article


def unpublish_article(*, actor: User, article_id: int, now: datetime | None = None) -> Article:
    require_editor(actor)
    now = now or clock.now()
    with transaction.atomic():
        article = _locked(actor, article_id)
        if article.state == ArticleState.PUBLISHED:
            article.state = ArticleState.UNPUBLISHED
            article.updated_by, article.updated_at = actor, now
            article.save(update_fields=["state", "updated_by", "updated_at"])
    return article


def restore_revision(
    *, actor: User, article_id: int, number: int, now: datetime | None = None
) -> Article:
    """Put an old revision's text back into the working copy (a new revision; publish to
    show it to readers)."""
    require_editor(actor)
    now = now or clock.now()
    with transaction.atomic():
        article = _locked(actor, article_id)
        old = article.revisions.filter(number=number).first()
        if old is None:
            raise NotFound("No such revision.")
        article.title, article.body = old.title, old.body
        article.updated_by, article.updated_at = actor, now
        article.save(update_fields=["title", "body", "updated_by", "updated_at"])
        _revision(article, actor, now, published=False, note=f"Restored revision {number}")
    return article


def delete_article(*, actor: User, article_id: int) -> None:
    require_editor(actor)
    with transaction.atomic():
        article = _locked(actor, article_id)
        paths = [file_path(f) for f in article.files.all()]
        article.delete()
    for path in paths:
        path.unlink(missing_ok=True)


def _locked(actor: User, article_id: int) -> Article:
    article = editable_articles(actor).select_for_update().filter(pk=article_id).first()
    if article is None:
        raise NotFound("No such article.")
    return article


def _publish(article: Article, actor: User, now: datetime) -> None:
    article.published_title = article.title
    article.published_body = article.body
    article.published_html = render_markdown(article.body)
    article.state = ArticleState.PUBLISHED
    article.published_at = now
    article.updated_by, article.updated_at = actor, now
    article.search_text = search_text(article.published_html, _label_names(article))
    article.save()
    _revision(article, actor, now, published=True)


def _refresh_search_text(article: Article) -> None:
    article.search_text = search_text(article.published_html, _label_names(article))
    article.save(update_fields=["search_text"])


def _label_names(article: Article) -> list[str]:
    return list(article.labels.values_list("name", flat=True))


def _revision(
    article: Article, actor: User, now: datetime, *, published: bool, note: str = ""
) -> ArticleRevision:
    last = article.revisions.order_by("-number").first()
    if published and last is not None and (last.title, last.body) == (article.title, article.body):
        # Publishing what was just saved: mark that revision rather than repeat it.
        if not last.published:
            last.published = True
            last.save(update_fields=["published"])
        return last
    return ArticleRevision.objects.create(
        article=article,
        number=(last.number + 1) if last else 1,
        title=article.title,
        body=article.body,
        published=published,
        note=note,
        author=actor,
        created_at=now,
    )


def _set_labels(article: Article, names: Sequence[str]) -> None:
    cleaned = sorted({" ".join(n.split())[:64].lower() for n in names if n.strip()})
    if len(cleaned) > MAX_LABELS:
        raise Invalid(KbErrorCode.INVALID_TITLE, f"At most {MAX_LABELS} labels.")
    labels = []
    for name in cleaned:
        label, _ = Label.objects.get_or_create(name=name)
        labels.append(label)
    article.labels.set(labels)


def _set_related(article: Article, ids: Sequence[int]) -> None:
    wanted = {int(i) for i in ids} - {article.pk}
    if len(wanted) > MAX_RELATED:
        raise Invalid(KbErrorCode.INVALID_RELATED, f"At most {MAX_RELATED} related articles.")
    found = set(Article.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if found != wanted:
        raise Invalid(KbErrorCode.INVALID_RELATED, "A related article does not exist.")
    article.related.set(found)


def _title(value: str) -> str:
    title = " ".join(clean_text(value).split())
    if not title or len(title) > 300:
        raise Invalid(KbErrorCode.INVALID_TITLE, "A title of 1 to 300 characters is required.")
    return title


def _unique_slug(model: type[Article] | type[KbCategory], name: str) -> str:
    base = slugify(name)[:100] or "article"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- readers -------------------------------------------------------------------------------


def record_view(article: Article) -> None:
    """One more view (a single UPDATE; no lock, no read)."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def give_feedback(
    *,
    article: Article,
    reader_key: str,
    user: User | None,
    helpful: bool,
    comment: str = "",
    now: datetime | None = None,
) -> ArticleFeedback:
    """A reader's "was this helpful?" (the article already passed the gate): one answer
    per reader, changed by answering again; the article's counters follow."""
    now = now or clock.now()
    comment = clean_text(comment).strip()[:MAX_COMMENT]
    with transaction.atomic():
        row = (
            ArticleFeedback.objects.select_for_update()
            .filter(article=article, reader_key=reader_key)
            .first()
        )
        if row is None:
            row = ArticleFeedback.objects.create(
                article=article,
                user=user,
                reader_key=reader_key,
                helpful=helpful,
                comment=comment,
                created_at=now,
                updated_at=now,
            )
        else:
            row.helpful = helpful
            row.comment = comment or row.comment
            row.updated_at = now
            row.save(update_fields=["helpful", "comment", "updated_at"])
        counts = ArticleFeedback.objects.filter(article=article)
        Article.objects.filter(pk=article.pk).update(
            helpful_count=counts.filter(helpful=True).count(),
            unhelpful_count=counts.filter(helpful=False).count(),
        )
    return row


# --- files ---------------------------------------------------------------------------------


def file_path(item: ArticleFile) -> Path:
    name = item.storage_name
    return Path(settings.ATTACHMENTS_DIR) / "kb" / name[:2] / name


def attach_file(
    *, actor: User, article_id: int, name: str, content: IO[bytes], now: datetime | None = None
) -> ArticleFile:
    """Store a file or image of an article (the attachment size limit applies)."""
    require_editor(actor)
    now = now or clock.now()
    article = editable_articles(actor).filter(pk=article_id).first()
    if article is None:
        raise NotFound("No such article.")
    limit = settings.FRONTDESK_MAX_ATTACHMENT_BYTES
    storage_name = secrets.token_hex(16)
    path = Path(settings.ATTACHMENTS_DIR) / "kb" / storage_name[:2] / storage_name
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    size, head, digest = 0, b"", hashlib.sha256()
    try:
        with path.open("xb") as out:
            for chunk in iter(lambda: content.read(CHUNK), b""):
                size += len(chunk)
                if size > limit:
                    raise Invalid(
                        KbErrorCode.FILE_TOO_LARGE, f"Files are limited to {limit} bytes."
                    )
                head = head or chunk[:512]
                digest.update(chunk)
                out.write(chunk)
        safe = safe_file_name(name)
        return ArticleFile.objects.create(
            article=article,
            file_name=safe,
            storage_name=storage_name,
            size=size,
            content_type=sniff_content_type(head, safe),
            uploaded_by=actor,
            created_at=now,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
