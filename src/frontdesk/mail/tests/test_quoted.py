"""The ticket page folds a received message's quoted history behind "Show quoted text";
remote images stay click-to-open links, and a marker inside an attribute breaks nothing."""

import re
from typing import Any

from django.test import Client

from frontdesk.mail.actions import ingest
from frontdesk.mail.models import Source
from frontdesk.mail.templatetags.mail_tags import quoted_parts

REPLY_HTML = (
    '<p>Still smoking. <img src="https://tracker.example/pixel.png" alt="logo"></p>'
    '<div class="gmail_quote">On Monday Support wrote:<blockquote type="cite">'
    "<p>Have you tried turning it off?</p></blockquote></div>"
)


def test_the_quoted_part_is_folded_and_remote_images_stay_blocked(
    desk: Any, mailbox: Any, make_mail: Any
) -> None:
    row = ingest(
        raw=make_mail(body="Still smoking.", html=REPLY_HTML), source=Source.CLI, mailbox=mailbox
    )
    assert row.ticket is not None
    assert row.ticket_message is not None
    client = Client()
    client.force_login(desk.carol)
    page = client.get(f"/desk/tickets/{row.ticket.number}/").content.decode()
    entry = page[page.index(f'id="message-{row.ticket_message.pk}"') :]
    entry = entry[: entry.index("</li>")]
    assert '<details class="quoted"><summary>Show quoted text</summary>' in entry
    new, quoted = entry.split("<details", 1)
    assert "Still smoking." in new
    assert "turning it off" not in new
    assert "turning it off" in quoted
    assert "<img" not in entry
    assert "remote image from tracker.example, click to open" in entry


def test_a_message_without_a_quote_is_shown_whole() -> None:
    assert quoted_parts("<p>Hello</p>") == ("<p>Hello</p>", "")


def test_a_marker_inside_an_attribute_cannot_open_markup() -> None:
    hostile = '<p title="<hr><blockquote>">a" onclick="alert(1)</p><p>b</p>'
    new, quoted = quoted_parts(hostile)
    for part in (new, quoted):
        assert not re.search(r"<[a-z][^>]*\son\w+=", part), part  # no event attribute
        assert part.count("<p") == part.count("</p>")
