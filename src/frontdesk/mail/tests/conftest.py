"""Mail fixtures: storage in a temporary folder, a support mailbox, and a message builder."""

from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import pytest

from frontdesk.core import clock
from frontdesk.mail.models import Mailbox

SUPPORT = "support@desk.example"


@pytest.fixture(autouse=True)
def _mail_storage(settings: Any, tmp_path: Any) -> None:
    settings.MAIL_RAW_DIR = tmp_path / "mail"
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    settings.DEFAULT_FROM_EMAIL = f"Support <{SUPPORT}>"


@pytest.fixture
def mailbox(desk: Any) -> Mailbox:
    now = clock.now()
    return Mailbox.objects.create(
        address=SUPPORT,
        display_name="Support",
        default_team=desk.support,
        created_at=now,
        updated_at=now,
    )


_counter = iter(range(1, 10**9))


def build(
    *,
    sender: str = "Bob <bob@example.com>",
    to: str = SUPPORT,
    subject: str = "Printer on fire",
    body: str = "It smokes.",
    message_id: str | None = None,
    html: str | None = None,
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    msg["Message-ID"] = message_id or f"<m{next(_counter)}@client.example>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


@pytest.fixture
def make_mail() -> Callable[..., bytes]:
    return build
