"""Knowledge-base pages: the agent editor at /desk/kb/ and the customer pages at
/portal/kb/ (`kb:*`). Every read goes through `kb.access`; writes through `kb.actions`."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.accounts.models import User
from frontdesk.core.errors import DomainError, NotFound
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.kb import actions, deflection, queries
from frontdesk.kb.access import access_article, can_edit, readable_articles
from frontdesk.kb.choices import ArticleState, Visibility
from frontdesk.kb.content import diff_lines, excerpt, markdown_link, render_markdown
from frontdesk.kb.models import Article, ArticleFile, KbCategory, KbSection
from frontdesk.tickets.views._common import desk_context

ACTIVE_VIEW = "kb"
MAX_QUERY = 200


def _reader(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_active else None


def _query(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:MAX_QUERY]


# --- the portal ----------------------------------------------------------------------------


@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    return render(
        request,
        "kb/portal_home.html",
        {"portal_nav": "kb", "tree": queries.tree(user), "query": ""},
    )


@require_GET
def portal_search(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    query = _query(request)
    results = queries.search_articles(user, query) if query else []
    rows = [(a, excerpt(a.search_text)) for a in results]
    return render(
        request, "kb/portal_search.html", {"portal_nav": "kb", "query": query, "rows": rows}
    )


@require_GET
def portal_article(request: HttpRequest, slug: str) -> HttpResponse:
    user = _reader(request)
    article = access_article(user, slug)
    actions.record_view(article)
    shown_from = request.GET.get("s", "")
    if shown_from.isdigit():
        deflection.record_click(request, int(shown_from), article)
    feedback_key = _feedback_key(request, user)
    given = article.feedback.filter(reader_key=feedback_key).first() if feedback_key else None
    context = {
        "portal_nav": "kb",
        "article": article,
        "related": queries.related(user, article),
        "files": list(article.files.all()),
        "given": given,
        "thanks": request.GET.get("thanks") == "1",
    }
    return render(request, "kb/portal_article.html", context)


def _feedback_key(request: HttpRequest, user: User | None) -> str:
    if user is not None:
        return f"user:{user.pk}"
    token = request.session.get(deflection.SESSION_KEY)
    return f"visit:{token}" if isinstance(token, str) else ""


@require_POST
def portal_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Was this helpful?": yes/no with an optional comment; answering again changes it."""
    user = _reader(request)
    article = access_article(user, slug)
    helpful = request.POST.get("helpful")
    if helpful not in {"yes", "no"}:
        return redirect("kb:portal_article", slug=article.slug)
    key = _feedback_key(request, user) or f"visit:{deflection.visit_token(request)}"
    actions.give_feedback(
        article=article,
        reader_key=key,
        user=user,
        helpful=helpful == "yes",
        comment=request.POST.get("comment", ""),
    )
    return redirect(reverse("kb:portal_article", args=[article.slug]) + "?thanks=1#feedback")


@require_GET
def portal_file(request: HttpRequest, file_id: str, name: str) -> FileResponse:
    """An article's file or image, for whoever may read the article; images inline,
    everything else as a download, never sniffed by the browser."""
    user = _reader(request)
    file_uuid = _uuid(file_id)
    if file_uuid is None:
        raise NotFound("No such file.")
    item = ArticleFile.objects.filter(pk=file_uuid).select_related("article").first()
    readable = item is not None and (
        readable_articles(user).filter(pk=item.article_id).exists() or can_edit(user)
    )
    if item is None or not readable:
        raise NotFound("No such file.")
    response = FileResponse(
        actions.file_path(item).open("rb"),
        content_type=item.content_type,
        as_attachment=not item.is_image,
        filename=item.file_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _uuid(value: str) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


@require_GET
def portal_suggest(request: HttpRequest) -> HttpResponse:
    """Deflection: the articles matching a request's subject as it is typed, as a fragment
    for the request form (`hx-get` on the subject field). Each set shown is recorded."""
    user = _reader(request)
    query = _query(request)
    found = queries.suggestions(user, query) if len(query) >= 3 else []
    shown = deflection.record_shown(request, query, found)
    return render(
        request,
        "kb/_suggestions.html",
        {"articles": found, "shown": shown, "query": query},
    )


# --- the agent editor ----------------------------------------------------------------------


@require_GET
@staff_view
def desk_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    query, state = _query(request), request.GET.get("state", "")
    if state not in ArticleState.values:
        state = ""
    context = desk_context(
        user,
        ACTIVE_VIEW,
        articles=list(queries.editor_list(user, query, state)[:200]),
        query=query,
        state=state,
        states=ArticleState.choices,
        categories=list(KbCategory.objects.prefetch_related("sections")),
        can_edit=can_edit(user),
    )
    return render_page(request, "kb/desk_list.html", context)


@require_POST
@staff_view
def desk_structure(request: HttpRequest) -> HttpResponse:
    """Add a category or a section (the list page's small forms)."""
    user = request_user(request)
    try:
        if request.POST.get("category"):
            actions.save_section(
                actor=user,
                category_id=int(request.POST["category"]),
                name=request.POST.get("name", ""),
            )
        else:
            actions.save_category(actor=user, name=request.POST.get("name", ""))
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Give it a name.")))
    else:
        messages.success(request, _("Added."))
    return redirect("kb:desk_list")


def _article_input(request: HttpRequest) -> actions.ArticleInput:
    post = request.POST
    related = [int(x) for x in post.getlist("related") if x.isdigit()]
    labels = post.get("labels", "").split(",")
    section = post.get("section", "")
    return actions.ArticleInput(
        title=post.get("title", ""),
        body=post.get("body", ""),
        section_id=int(section) if section.isdigit() else 0,
        visibility=post.get("visibility", Visibility.PUBLIC),
        slug=post.get("slug", ""),
        labels=labels,
        related_ids=related,
    )


@require_http_methods(["GET", "POST"])
@staff_view
def desk_article(request: HttpRequest, article_id: int | None = None) -> HttpResponse:
    """The editor: the working copy with preview, publish and unpublish, files."""
    user = request_user(request)
    article = queries.editor_article(user, article_id) if article_id is not None else None
    error, status = "", 200
    values: dict[str, Any] = {}
    if request.method == "POST":
        intent = request.POST.get("intent", "save")
        try:
            if intent == "unpublish" and article is not None:
                actions.unpublish_article(actor=user, article_id=article.pk)
                messages.success(request, _("Unpublished: readers no longer see it."))
            else:
                saved = actions.save_article(
                    actor=user,
                    data=_article_input(request),
                    article_id=article.pk if article else None,
                    publish=intent == "publish",
                )
                messages.success(
                    request,
                    _("Published.") if intent == "publish" else _("Draft saved."),
                )
                return redirect("kb:desk_article", article_id=saved.pk)
        except DomainError as exc:
            error, status = exc.message, exc.http_status
            values = {
                "title": request.POST.get("title", ""),
                "body": request.POST.get("body", ""),
                "slug": request.POST.get("slug", ""),
                "labels": request.POST.get("labels", ""),
                "visibility": request.POST.get("visibility", ""),
                "section": request.POST.get("section", ""),
            }
        else:
            return redirect("kb:desk_article", article_id=article.pk)
    if article is not None and not values:
        values = {
            "title": article.title,
            "body": article.body,
            "slug": article.slug,
            "labels": ", ".join(article.labels.values_list("name", flat=True)),
            "visibility": article.visibility,
            "section": str(article.section_id),
        }
    related_ids: set[int] = set()
    others = Article.objects.only("pk", "title")
    if article is not None:
        related_ids = set(article.related.values_list("pk", flat=True))
        others = others.exclude(pk=article.pk)
    context = desk_context(
        user,
        ACTIVE_VIEW,
        article=article,
        values=values,
        error=error,
        sections=list(
            KbSection.objects.select_related("category").order_by(
                "category__position", "category__name", "position", "name"
            )
        ),
        visibilities=Visibility.choices,
        others=[(a, a.pk in related_ids) for a in others.order_by("title")[:500]],
        files=list(article.files.all()) if article else [],
        can_edit=can_edit(user),
    )
    return render_page(request, "kb/desk_article.html", context, status=status)


@require_POST
@staff_view
def desk_preview(request: HttpRequest) -> HttpResponse:
    html = render_markdown(request.POST.get("body", ""))
    return render(request, "kb/_preview.html", {"html": html})


@require_POST
@staff_view
def desk_upload(request: HttpRequest, article_id: int) -> HttpResponse:
    user = request_user(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            item = actions.attach_file(
                actor=user, article_id=article_id, name=upload.name or "file", content=upload
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Uploaded %(name)s.") % {"name": item.file_name})
    return redirect("kb:desk_article", article_id=article_id)


@require_POST
@staff_view
def desk_delete(request: HttpRequest, article_id: int) -> HttpResponse:
    actions.delete_article(actor=request_user(request), article_id=article_id)
    messages.success(request, _("Deleted."))
    return redirect("kb:desk_list")


@require_GET
@staff_view
def desk_revisions(request: HttpRequest, article_id: int) -> HttpResponse:
    """The revisions, and the diff between two of them (`a`, `b`: numbers; by default the
    latest against the one before)."""
    user = request_user(request)
    article = queries.editor_article(user, article_id)
    revisions = list(article.revisions.select_related("author"))
    by_number = {r.number: r for r in revisions}
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    new = by_number.get(int(b)) if b.isdigit() else (revisions[0] if revisions else None)
    old = by_number.get(int(a)) if a.isdigit() else (revisions[1] if len(revisions) > 1 else None)
    diff = []
    if new is not None:
        diff = diff_lines(
            f"# {old.title}\n\n{old.body}" if old else "",
            f"# {new.title}\n\n{new.body}",
            old_name=f"r{old.number}" if old else "empty",
            new_name=f"r{new.number}",
        )
    context = desk_context(
        user,
        ACTIVE_VIEW,
        article=article,
        revisions=revisions,
        old=old,
        new=new,
        diff=diff,
        can_edit=can_edit(user),
    )
    return render_page(request, "kb/desk_revisions.html", context)


@require_POST
@staff_view
def desk_restore(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    actions.restore_revision(actor=request_user(request), article_id=article_id, number=number)
    messages.success(
        request, _("Restored revision %(n)s into the draft; publish to show it.") % {"n": number}
    )
    return redirect("kb:desk_article", article_id=article_id)


@require_GET
@staff_view
def desk_pick(request: HttpRequest) -> HttpResponse:
    """The composer's article picker: options whose `data-link` is the Markdown link."""
    user = request_user(request)
    query = _query(request)
    rows = []
    for article in queries.pick_articles(user, query):
        url = request.build_absolute_uri(reverse("kb:portal_article", args=[article.slug]))
        rows.append((article, markdown_link(article.published_title, url)))
    return render(request, "kb/_pick_options.html", {"rows": rows, "query": query})
