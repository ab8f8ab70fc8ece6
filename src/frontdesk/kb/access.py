"""The knowledge base's one permission gate. Every read (portal pages, the workspace, the
API, search, suggestions, files) starts from `readable_articles`.

- Readers see published articles only: anonymous visitors the public ones, signed-in
  customers the public and customers-only ones, staff every published one (internal
  included). Drafts and unpublished articles are invisible to everyone but editors.
- Editors (agents, supervisors, administrators) see and change every article, draft or
  not, in the workspace editor and through the API. Light agents read only.
- An article a user may not read does not exist for them (404), never a 403.
"""

from django.db.models import QuerySet

from frontdesk.accounts.access import can_work_tickets
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden, NotFound
from frontdesk.kb.choices import ArticleState, Visibility
from frontdesk.kb.errors import KbErrorCode
from frontdesk.kb.models import Article


def reader_visibilities(user: User | None) -> list[str]:
    """The visibilities `user` may read (None or an inactive user: an anonymous visitor)."""
    if user is None or not user.is_active:
        return [Visibility.PUBLIC]
    if user.is_staff:
        return [Visibility.PUBLIC, Visibility.CUSTOMERS, Visibility.INTERNAL]
    return [Visibility.PUBLIC, Visibility.CUSTOMERS]


def readable_articles(user: User | None) -> QuerySet[Article]:
    """The published articles `user` may read."""
    return Article.objects.filter(
        state=ArticleState.PUBLISHED, visibility__in=reader_visibilities(user)
    )


def access_article(user: User | None, slug: str) -> Article:
    article = readable_articles(user).select_related("section__category").filter(slug=slug).first()
    if article is None:
        raise NotFound("No such article.")
    return article


def can_edit(user: User | None) -> bool:
    return user is not None and can_work_tickets(user)


def editable_articles(user: User) -> QuerySet[Article]:
    """Every article, drafts included, for editors; nothing exists for anyone else."""
    if not user.is_staff:
        raise NotFound("No such article.")
    return Article.objects.all()


def require_editor(user: User) -> None:
    if not user.is_staff:
        raise NotFound("No such article.")
    if not can_edit(user):
        raise Forbidden(KbErrorCode.NOT_ALLOWED, "Light agents may read articles, not change them.")


def require_report_reader(user: User) -> None:
    """Figures (deflection) are for supervisors and administrators; other staff 403,
    customers 404."""
    if not user.is_staff:
        raise NotFound()
    if user.role not in {Role.ADMIN, Role.SUPERVISOR} or not user.is_active:
        raise Forbidden("reports_not_allowed", "Only supervisors and administrators see reports.")
