from collections.abc import Iterator
from typing import Any

import pytest

from frontdesk.accounts.actions import create_team
from frontdesk.ai import store, synthetic, triage
from frontdesk.ai.choices import Mode
from frontdesk.ai.models import FieldSetting, TriageModel
from frontdesk.core import clock
from frontdesk.tickets.actions.catalog import create_category


@pytest.fixture(scope="session")
def synthetic_result() -> triage.TrainingResult:
    """One model trained on the generated data set (no noise), shared by the tests."""
    return triage.train(synthetic.example_list(1500, seed=3, noise=0.0), min_examples=20)


@pytest.fixture(autouse=True)
def _models_dir(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.AI_MODELS_DIR = tmp_path / "ai"
    store._cache.clear()
    yield
    store._cache.clear()


@pytest.fixture
def trained(desk: Any, synthetic_result: triage.TrainingResult) -> TriageModel:
    """The synthetic model as the active version, with the teams and categories it names."""
    for name in ("IT", "Platform"):
        create_team(actor=None, name=name)
    for name in ("Invoices", "Access", "Hardware", "Shipping", "Outage"):
        create_category(actor=None, name=name)
    row = TriageModel.objects.create(created_at=clock.now(), n_examples=1500)
    row.file_name, row.sha256 = store.save(row.pk, synthetic_result.bundle)
    row.metrics = synthetic_result.metrics
    row.save()
    return row


def set_mode(field: str, mode: Mode, threshold: float = 0.9) -> None:
    FieldSetting.objects.update_or_create(
        field=field, defaults={"mode": mode, "threshold": threshold}
    )


def set_all(mode: Mode, threshold: float = 0.9) -> None:
    for field in ("team", "category", "priority", "type", "tags"):
        set_mode(field, mode, threshold)
