"""Background work: nightly training, settling predictions against the agents' final
values, and scoring new customer messages' sentiment."""

from django.tasks import task

from frontdesk.ai import actions
from frontdesk.core.scheduler import every


@every(seconds=24 * 3600)
@task()
def train_nightly() -> int:
    """Retrain the triage model and the similar-ticket index; returns the new version."""
    return actions.train_model().pk


@task()
def train_on_demand(actor_id: int) -> int:
    """ "Train now" from the admin page or the API, run by the worker."""
    from frontdesk.accounts.models import User

    return actions.train_model(actor=User.objects.get(pk=actor_id)).pk


@every(seconds=3600)
@task()
def settle_predictions() -> int:
    """Settle in batches until nothing is left (at most 100 batches per run)."""
    total = 0
    for _ in range(100):
        settled = actions.settle_predictions()
        total += settled
        if settled < 2_000:
            break
    return total


@every(seconds=60)
@task()
def score_sentiment() -> int:
    return actions.score_new_messages()
