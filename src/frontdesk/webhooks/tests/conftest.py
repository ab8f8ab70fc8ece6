from collections.abc import Iterator

import pytest

from frontdesk.webhooks.tests.receiver import Receiver, running_receiver


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    """A receiver on 127.0.0.1, explicitly allowed; quick timeouts and retries."""
    settings.FRONTDESK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.FRONTDESK_WEBHOOK_TIMEOUT_SECONDS = 1.0
    settings.FRONTDESK_WEBHOOK_RETRY_SECONDS = 30
    settings.FRONTDESK_WEBHOOK_MAX_ATTEMPTS = 4
    settings.FRONTDESK_WEBHOOK_DISABLE_AFTER = 20
    with running_receiver() as running:
        yield running
