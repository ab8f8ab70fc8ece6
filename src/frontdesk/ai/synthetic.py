"""A generated, labelled data set with a known signal, for tests and `bench/ai.py`.

Each topic has its own words ("invoice", "refund" -> billing; "password", "locked out" ->
access...) and its team, category, type, priority and tags; every ticket also carries
shared filler words, and `noise` of the tickets get a random team and category, so the
model is tested against labels that are right most of the time, not always.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass

from frontdesk.ai.triage import Example


@dataclass(frozen=True)
class Topic:
    team: str
    category: str
    type: str
    priority: str
    tags: tuple[str, ...]
    subjects: tuple[str, ...]
    words: tuple[str, ...]


TOPICS = (
    Topic(
        "billing",
        "invoices",
        "question",
        "normal",
        ("billing",),
        ("Invoice is wrong", "Refund request", "Charged twice", "Question about my bill"),
        ("invoice", "refund", "charged", "payment", "credit card", "receipt", "vat", "billing"),
    ),
    Topic(
        "it",
        "access",
        "incident",
        "high",
        ("login",),
        ("Cannot log in", "Password reset", "Locked out", "2FA not working"),
        ("password", "login", "locked out", "two-factor", "reset link", "account", "sso"),
    ),
    Topic(
        "it",
        "hardware",
        "incident",
        "normal",
        ("hardware",),
        ("Laptop broken", "Printer jam", "Monitor flickers", "Keyboard missing keys"),
        ("laptop", "printer", "monitor", "keyboard", "dock", "battery", "screen", "cable"),
    ),
    Topic(
        "support",
        "shipping",
        "question",
        "low",
        ("shipping",),
        ("Where is my order", "Delivery late", "Tracking number", "Parcel damaged"),
        ("order", "delivery", "tracking", "parcel", "courier", "shipped", "address"),
    ),
    Topic(
        "platform",
        "outage",
        "problem",
        "urgent",
        ("outage", "production"),
        ("Site is down", "API returns 500", "Outage in production", "Everything is slow"),
        ("outage", "down", "error 500", "timeout", "latency", "production", "api", "degraded"),
    ),
)
FILLER = (
    "hello",
    "thanks",
    "please",
    "help",
    "team",
    "today",
    "again",
    "kind regards",
    "hi",
    "could you",
    "as soon as possible",
    "best",
    "we",
    "noticed",
    "since yesterday",
)
CHANNELS = ("email", "portal", "web", "api")


def examples(count: int, *, seed: int = 0, noise: float = 0.1) -> Iterator[tuple[Example, int]]:
    """`count` examples with the index of their true topic."""
    rng = random.Random(seed)  # noqa: S311 - generated test data, not a secret
    teams = sorted({t.team for t in TOPICS})
    categories = sorted({t.category for t in TOPICS})
    for _ in range(count):
        index = rng.randrange(len(TOPICS))
        topic = TOPICS[index]
        words = rng.sample(topic.words, k=min(3, len(topic.words)))
        filler = rng.sample(FILLER, k=5)
        body = " ".join(rng.sample(words + filler, k=len(words) + len(filler)))
        team, category = topic.team, topic.category
        if rng.random() < noise:
            team, category = rng.choice(teams), rng.choice(categories)
        domain = rng.choice(("acme.test", "globex.test", "initech.test"))
        yield (
            Example(
                subject=rng.choice(topic.subjects),
                body=body,
                channel=rng.choice(CHANNELS),
                requester_domain=domain,
                organization=domain.split(".")[0],
                labels={
                    "team": team,
                    "category": category,
                    "type": topic.type,
                    "priority": topic.priority,
                },
                tags=topic.tags,
            ),
            index,
        )


def example_list(count: int, *, seed: int = 0, noise: float = 0.1) -> list[Example]:
    return [e for e, _ in examples(count, seed=seed, noise=noise)]


def keyword_baseline(held_out: list[Example]) -> dict[str, dict[str, float]]:
    """What hand-written keyword rules get: the first topic one of whose two most telling
    words appears in the subject or body decides team and category (otherwise the most
    common topic), as an admin's routing rules would."""
    from sklearn.metrics import accuracy_score, f1_score

    out: dict[str, dict[str, float]] = {}
    guesses = []
    for example in held_out:
        text = f"{example.subject} {example.body}".lower()
        topic = next((t for t in TOPICS if any(w in text for w in t.words[:2])), TOPICS[0])
        guesses.append(topic)
    for name in ("team", "category"):
        truth = [str(e.labels[name]) for e in held_out]
        predicted = [getattr(t, name) for t in guesses]
        out[name] = {
            "accuracy": round(float(accuracy_score(truth, predicted)), 4),
            "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 4),
        }
    return out
