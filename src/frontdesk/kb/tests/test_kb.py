"""The knowledge base: drafts and publishing, revisions and restore, the visibility gate on
every read (portal pages, search, suggestions, files, API), feedback, views, the editor,
the composer's picker, and deflection records and figures."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from frontdesk.core import clock
from frontdesk.kb import actions, deflection
from frontdesk.kb.models import Article, Deflection, KbSection
from frontdesk.kb.reports import deflection_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(desk: Any) -> KbSection:
    category = actions.save_category(actor=desk.alice, name="Printing")
    return actions.save_section(actor=desk.alice, category_id=category.pk, name="Printers")


def article(
    desk: Any, section: KbSection, title: str, body: str, *, publish: bool = True, **more: Any
) -> Article:
    data = actions.ArticleInput(title=title, body=body, section_id=section.pk, **more)
    return actions.save_article(actor=desk.alice, data=data, publish=publish)


@pytest.fixture
def articles(desk: Any, section: KbSection) -> dict[str, Article]:
    return {
        "public": article(desk, section, "Printer jams", "Open the tray and pull the paper."),
        "customers": article(
            desk, section, "Printer drivers", "Download the printer driver.", visibility="customers"
        ),
        "internal": article(
            desk,
            section,
            "Printer admin password",
            "The printer secret is X.",
            visibility="internal",
        ),
        "draft": article(desk, section, "Printer recall", "Printer draft text.", publish=False),
    }


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_markdown_is_rendered_without_raw_html(desk: Any, section: KbSection) -> None:
    a = article(
        desk, section, "Safe", "**bold** <script>alert(1)</script> [x](javascript:alert(1))"
    )
    assert "<strong>bold</strong>" in a.published_html
    assert "<script>" not in a.published_html
    assert 'href="javascript' not in a.published_html


def test_drafts_revisions_diff_and_restore(desk: Any, section: KbSection) -> None:
    a = article(desk, section, "Reset", "Version one.")
    data = actions.ArticleInput(title="Reset", body="Version two.", section_id=section.pk)
    actions.save_article(actor=desk.alice, data=data, article_id=a.pk)
    a.refresh_from_db()
    assert a.published_body == "Version one."
    assert a.body == "Version two."
    assert a.has_unpublished_changes
    assert list(a.revisions.values_list("number", "published")) == [(2, False), (1, True)]
    page = signed_in(desk.alice).get(f"/desk/kb/{a.pk}/revisions/")
    assert page.status_code == 200
    assert b"<ins>+Version two.</ins>" in page.content
    assert b"<del>-Version one.</del>" in page.content
    actions.restore_revision(actor=desk.alice, article_id=a.pk, number=1)
    a.refresh_from_db()
    assert a.body == "Version one."
    assert a.revisions.count() == 3
    actions.publish_article(actor=desk.alice, article_id=a.pk)
    actions.unpublish_article(actor=desk.alice, article_id=a.pk)
    assert Client().get(f"/portal/kb/articles/{a.slug}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "readable"),
    [
        (None, {"public"}),
        ("bob", {"public", "customers"}),
        ("alice", {"public", "customers", "internal"}),
    ],
)
def test_the_gate_on_pages_search_and_suggestions(
    desk: Any, articles: dict[str, Article], who: str | None, readable: set[str]
) -> None:
    client = signed_in(getattr(desk, who)) if who else Client()
    for name, a in articles.items():
        status = client.get(f"/portal/kb/articles/{a.slug}/").status_code
        assert status == (200 if name in readable else 404), name
    found = client.get("/portal/kb/search/", {"q": "printer"}).content.decode()
    suggested = client.get("/portal/kb/suggest", {"q": "printer"}).content.decode()
    home = client.get("/portal/kb/").content.decode()
    for name, a in articles.items():
        for text in (found, suggested, home):
            assert (a.title in text) == (name in readable), (name, text[:200])


def test_the_gate_in_the_api(desk: Any, articles: dict[str, Article], as_user: Any) -> None:
    customer = as_user(desk.bob)
    listed = {a["slug"] for a in customer.get("/api/v1/kb/articles").json()}
    assert listed == {articles["public"].slug, articles["customers"].slug}
    searched = {a["slug"] for a in customer.get("/api/v1/kb/articles?q=printer").json()}
    assert searched == listed
    assert customer.get(f"/api/v1/kb/articles/{articles['internal'].slug}").status_code == 404
    assert customer.get(f"/api/v1/kb/articles/{articles['draft'].slug}").status_code == 404
    assert customer.get(f"/api/v1/kb/drafts/{articles['draft'].pk}").status_code == 404
    body = {"title": "Mine", "section_id": articles["public"].section_id}
    assert (
        customer.post("/api/v1/kb/articles", body, content_type="application/json").status_code
        == 404
    )
    agent = as_user(desk.alice)
    assert agent.get(f"/api/v1/kb/articles/{articles['internal'].slug}").status_code == 200
    assert agent.get(f"/api/v1/kb/articles/{articles['draft'].slug}").status_code == 404
    assert agent.get(f"/api/v1/kb/drafts/{articles['draft'].pk}").json()["state"] == "draft"
    made = agent.post(
        "/api/v1/kb/articles", body | {"publish": True}, content_type="application/json"
    )
    assert made.status_code == 201
    assert made.json()["state"] == "published"
    light = as_user(desk.lena)
    assert (
        light.post("/api/v1/kb/articles", body, content_type="application/json").status_code == 403
    )


def test_files_follow_the_article(
    desk: Any, articles: dict[str, Article], settings: Any, tmp_path: Any
) -> None:
    settings.ATTACHMENTS_DIR = tmp_path
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    item = actions.attach_file(
        actor=desk.alice,
        article_id=articles["internal"].pk,
        name="shot.png",
        content=io.BytesIO(png),
    )
    url = f"/portal/kb/files/{item.pk}/{item.file_name}"
    assert Client().get(url).status_code == 404
    assert signed_in(desk.bob).get(url).status_code == 404
    response = signed_in(desk.alice).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_feedback_and_views(desk: Any, articles: dict[str, Article]) -> None:
    a = articles["public"]
    client = Client()
    client.get(f"/portal/kb/articles/{a.slug}/")
    client.post(f"/portal/kb/articles/{a.slug}/feedback", {"helpful": "no", "comment": "Vague"})
    client.post(f"/portal/kb/articles/{a.slug}/feedback", {"helpful": "yes"})
    signed_in(desk.bob).post(f"/portal/kb/articles/{a.slug}/feedback", {"helpful": "yes"})
    a.refresh_from_db()
    assert (a.view_count, a.helpful_count, a.unhelpful_count) == (1, 2, 0)
    assert a.feedback.filter(comment="Vague").count() == 1
    # Feedback on an article one may not read is a 404.
    internal = articles["internal"].slug
    assert (
        Client().post(f"/portal/kb/articles/{internal}/feedback", {"helpful": "yes"}).status_code
        == 404
    )


def test_editor_pages(desk: Any, section: KbSection, articles: dict[str, Article]) -> None:
    client = signed_in(desk.alice)
    assert client.get("/desk/kb/").status_code == 200
    created = client.post(
        "/desk/kb/new/",
        {
            "title": "Toner",
            "body": "Shake it.",
            "section": section.pk,
            "visibility": "public",
            "labels": "toner, ink",
            "intent": "publish",
        },
    )
    assert created.status_code == 302
    made = Article.objects.get(title="Toner")
    assert made.is_published
    assert "ink" in made.search_text
    assert b"<p><em>hi</em></p>" in client.post("/desk/kb/preview", {"body": "*hi*"}).content
    assert client.get(f"/desk/kb/{made.pk}/").status_code == 200
    assert signed_in(desk.bob).get("/desk/kb/").status_code == 404
    assert signed_in(desk.bob).get(f"/desk/kb/{made.pk}/").status_code == 404


def test_composer_picker_inserts_markdown_links(desk: Any, articles: dict[str, Article]) -> None:
    options = signed_in(desk.alice).get("/desk/kb/pick", {"q": "jam"}).content.decode()
    assert (
        'data-link="[Printer jams](http://testserver/portal/kb/articles/printer-jams/)"' in options
    )
    assert "Printer drivers" not in options


def test_deflection_is_recorded_and_counted(
    desk: Any, articles: dict[str, Article], make_ticket: Any
) -> None:
    now = clock.now()
    deflected, submitted = Client(), Client()
    for client in (deflected, submitted):
        page = client.get("/portal/kb/suggest", {"q": "printer jams"}).content.decode()
        assert "Printer jams" in page
    shown = Deflection.objects.order_by("pk")
    first, second = list(shown)
    assert first.visit != second.visit
    assert articles["public"].pk in first.article_ids
    deflected.get(f"/portal/kb/articles/{articles['public'].slug}/?s={first.pk}")
    # A click from another visit's set is not recorded.
    submitted.get(f"/portal/kb/articles/{articles['public'].slug}/?s={first.pk}")
    first.refresh_from_db()
    assert first.clicked_article_id == articles["public"].pk
    ticket = make_ticket(requester=desk.bob)

    class Request:
        session = submitted.session

    assert deflection.ticket_submitted(Request(), ticket) == 1  # type: ignore[arg-type]
    # Too short or no match: nothing shown, nothing recorded.
    Client().get("/portal/kb/suggest", {"q": "pr"})
    Client().get("/portal/kb/suggest", {"q": "zebra"})
    assert Deflection.objects.count() == 2
    pending = deflection_figures(now - timedelta(hours=1), now + timedelta(hours=1), now=now)
    assert (pending.visits, pending.submitted, pending.pending, pending.deflected) == (2, 1, 1, 0)
    later = now + timedelta(days=2)
    figures = deflection_figures(now - timedelta(hours=1), later, now=later)
    assert (figures.deflected, figures.deflected_after_click, figures.submitted) == (1, 1, 1)
    assert figures.deflection_rate == 0.5


def test_deflection_report_api(desk: Any, as_user: Any) -> None:
    assert as_user(desk.sam).get("/api/v1/reports/deflection").status_code == 200
    assert as_user(desk.alice).get("/api/v1/reports/deflection").status_code == 403
    assert as_user(desk.bob).get("/api/v1/reports/deflection").status_code == 404
