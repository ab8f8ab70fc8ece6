"""The triage model, on plain data (no ORM): features, training, held-out evaluation and
prediction. scikit-learn only, on the CPU.

Features: a word-level TF-IDF of subject and body (unigrams and bigrams) with tokens for the
channel, the requester's e-mail domain and organisation, plus a character-level TF-IDF
(3-5 grams inside words) of the subject, which tolerates typos and word forms. Both use
feature hashing, so the artefact holds no vocabulary of customer text and its size does not
grow with the help desk.

Classifiers: team, category, priority and type are each a linear SVM calibrated with
Platt scaling fitted on 3-fold out-of-fold scores (`CalibratedClassifierCV`, one final model
rather than an ensemble of three, so a prediction costs one product per field), so the
confidence shown to agents and compared to the auto-apply threshold is a probability. Tags
are one linear SVM per tag, calibrated the same way (a ticket may have several).

Classes with fewer than `min_examples` labelled tickets are left out of training: the model
never suggests them (`skipped` in the metrics names them).
"""

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import LinearSVC

SINGLE_FIELDS = ("team", "category", "priority", "type")
TAGS = "tags"
ALL_FIELDS = (*SINGLE_FIELDS, TAGS)
FORMAT = 1  # bumped when the artefact's shape changes; older files are not loaded
MAX_BODY = 2_000
MAX_TAG_CLASSES = 40
_META = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Example:
    """One ticket as the model sees it. `labels` maps a single-valued field to its value
    (a team or category slug, a priority name, a type) or None when unset."""

    subject: str
    body: str
    channel: str = ""
    requester_domain: str = ""
    organization: str = ""
    labels: Mapping[str, str | None] = field(default_factory=dict)
    tags: tuple[str, ...] = ()


def _meta(prefix: str, value: str) -> str:
    value = _META.sub("_", value.lower()).strip("_")
    return f" zzmeta{prefix}{value}" if value else ""


def word_document(example: Example) -> str:
    """Subject twice (it carries the most signal), the body's start, and meta tokens."""
    return (
        f"{example.subject}\n{example.subject}\n{example.body[:MAX_BODY]}"
        f"{_meta('channel', example.channel)}{_meta('domain', example.requester_domain)}"
        f"{_meta('org', example.organization)}"
    )


class Featurizer:
    """Hashing TF-IDF of words and of the subject's characters; `fit` learns only the idf."""

    def __init__(self) -> None:
        self.words = HashingVectorizer(
            ngram_range=(1, 2), n_features=2**18, alternate_sign=False, norm=None
        )
        self.chars = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            n_features=2**16,
            alternate_sign=False,
            norm=None,
        )
        self.word_idf = TfidfTransformer(sublinear_tf=True)
        self.char_idf = TfidfTransformer(sublinear_tf=True)

    def _raw(self, examples: Sequence[Example]) -> tuple[Any, Any]:
        words = self.words.transform([word_document(e) for e in examples])
        chars = self.chars.transform([e.subject for e in examples])
        return words, chars

    def fit_transform(self, examples: Sequence[Example]) -> Any:
        words, chars = self._raw(examples)
        return sparse.hstack(
            [self.word_idf.fit_transform(words), self.char_idf.fit_transform(chars)], "csr"
        )

    def transform(self, examples: Sequence[Example]) -> Any:
        words, chars = self._raw(examples)
        return sparse.hstack(
            [self.word_idf.transform(words), self.char_idf.transform(chars)], "csr"
        )


@dataclass
class TriageBundle:
    """What is saved to the artefact file (`store.py`) and loaded to predict."""

    featurizer: Featurizer
    classifiers: dict[str, Any]
    classes: dict[str, list[str]]
    format: int = FORMAT
    similar: Any = None  # a similar.SimilarIndex, built in the same training run

    def predict(self, example: Example) -> dict[str, list[tuple[str, float]]]:
        """Per field, the classes with their confidence, most likely first (tags: each
        tag's own probability)."""
        features = self.featurizer.transform([example])
        out: dict[str, list[tuple[str, float]]] = {}
        for name, model in self.classifiers.items():
            probabilities = model.predict_proba(features)[0]
            ranked = sorted(
                zip(self.classes[name], probabilities, strict=True), key=lambda p: -p[1]
            )
            out[name] = [(label, float(p)) for label, p in ranked]
        return out


@dataclass(frozen=True)
class TrainingResult:
    bundle: TriageBundle
    metrics: dict[str, Any]
    n_examples: int


def _class_metrics(
    truth: Sequence[str], predicted: Sequence[str], labels: list[str]
) -> dict[str, Any]:
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    return {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }


def _single_field(
    name: str,
    examples: Sequence[Example],
    features: Any,
    train_rows: np.ndarray,
    test_rows: np.ndarray,
    min_examples: int,
) -> tuple[Any, list[str], dict[str, Any]]:
    labels = [e.labels.get(name) for e in examples]
    counts = Counter(label for label in labels if label)
    kept = sorted(label for label, n in counts.items() if n >= min_examples)
    skipped = {label: n for label, n in counts.items() if n < min_examples}
    report: dict[str, Any] = {"skipped": skipped, "classes": {}}
    if len(kept) < 2:
        report["reason"] = f"fewer than two classes with {min_examples} examples"
        return None, [], report
    keep = set(kept)
    train = [i for i in train_rows if labels[i] in keep]
    test = [i for i in test_rows if labels[i] in keep]
    y_train = [labels[i] for i in train]
    folds = min(3, min(Counter(y_train).values()))
    if folds < 2:
        report["reason"] = "too few examples to calibrate"
        return (None, [], report)
    model = CalibratedClassifierCV(LinearSVC(C=0.5), cv=folds, method="sigmoid", ensemble=False)
    model.fit(features[train], y_train)
    classes = [str(c) for c in model.classes_]
    report["n_train"], report["n_test"] = len(train), len(test)
    if test:
        truth = [str(labels[i]) for i in test]
        predicted = [str(p) for p in model.predict(features[test])]
        report["accuracy"] = round(float(accuracy_score(truth, predicted)), 4)
        report["macro_f1"] = round(
            float(f1_score(truth, predicted, labels=classes, average="macro", zero_division=0)),
            4,
        )
        report["classes"] = _class_metrics(truth, predicted, classes)
    return model, classes, report


def _tags_field(
    examples: Sequence[Example],
    features: Any,
    train_rows: np.ndarray,
    test_rows: np.ndarray,
    min_examples: int,
) -> tuple[Any, list[str], dict[str, Any]]:
    counts = Counter(tag for e in examples for tag in set(e.tags))
    kept = sorted(tag for tag, n in counts.most_common(MAX_TAG_CLASSES) if n >= min_examples)
    skipped = {tag: n for tag, n in counts.items() if tag not in kept}
    report: dict[str, Any] = {"skipped": dict(Counter(skipped).most_common(20)), "classes": {}}
    if not kept:
        report["reason"] = f"no tag with {min_examples} examples"
        return None, [], report
    index = {tag: i for i, tag in enumerate(kept)}
    y = np.zeros((len(examples), len(kept)), dtype=np.int8)
    for row, example in enumerate(examples):
        for tag in example.tags:
            if tag in index:
                y[row, index[tag]] = 1
    # A tag present in every training row (or none) cannot be learned by a binary model.
    usable = [j for j in range(len(kept)) if 0 < y[train_rows, j].sum() < len(train_rows)]
    kept = [kept[j] for j in usable]
    y = y[:, usable]
    if not kept:
        report["reason"] = "no tag varies across tickets"
        return None, [], report
    model = OneVsRestClassifier(
        CalibratedClassifierCV(LinearSVC(C=0.5), cv=2, method="sigmoid", ensemble=False)
    )
    model.fit(features[train_rows], y[train_rows])
    report["n_train"], report["n_test"] = len(train_rows), len(test_rows)
    if len(test_rows):
        predicted = (model.predict_proba(features[test_rows]) >= 0.5).astype(np.int8)
        truth = y[test_rows]
        precision, recall, f1, support = precision_recall_fscore_support(
            truth, predicted, zero_division=0
        )
        report["classes"] = {
            tag: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for tag, p, r, f, s in zip(kept, precision, recall, f1, support, strict=True)
        }
        report["macro_f1"] = round(float(np.mean(f1)), 4)
    return model, kept, report


def train(
    examples: Sequence[Example],
    *,
    min_examples: int = 20,
    test_share: float = 0.2,
    seed: int = 0,
) -> TrainingResult:
    """Train every field on `examples` and evaluate each on the same held-out share.

    The returned model is the one evaluated (trained on the other 80 %), so the metrics
    shown to admins describe exactly what predicts."""
    rows = np.arange(len(examples))
    if len(examples) >= 10:
        train_rows, test_rows = train_test_split(rows, test_size=test_share, random_state=seed)
    else:
        train_rows, test_rows = rows, rows[:0]
    featurizer = Featurizer()
    featurizer.fit_transform([examples[i] for i in train_rows])
    features = featurizer.transform(examples)
    classifiers: dict[str, Any] = {}
    classes: dict[str, list[str]] = {}
    metrics: dict[str, Any] = {}
    for name in SINGLE_FIELDS:
        model, labels, report = _single_field(
            name, examples, features, train_rows, test_rows, min_examples
        )
        metrics[name] = report
        if model is not None:
            classifiers[name], classes[name] = model, labels
    model, labels, report = _tags_field(examples, features, train_rows, test_rows, min_examples)
    metrics[TAGS] = report
    if model is not None:
        classifiers[TAGS], classes[TAGS] = model, labels
    bundle = TriageBundle(featurizer=featurizer, classifiers=classifiers, classes=classes)
    return TrainingResult(bundle=bundle, metrics=metrics, n_examples=len(examples))


def evaluate(bundle: TriageBundle, examples: Sequence[Example]) -> dict[str, Any]:
    """Accuracy and macro-F1 of a trained bundle on other labelled examples."""
    out: dict[str, Any] = {}
    features = bundle.featurizer.transform(examples)
    for name in SINGLE_FIELDS:
        model = bundle.classifiers.get(name)
        if model is None:
            continue
        known = set(bundle.classes[name])
        rows = [i for i, e in enumerate(examples) if e.labels.get(name) in known]
        if not rows:
            continue
        truth = [str(examples[i].labels[name]) for i in rows]
        predicted = [str(p) for p in model.predict(features[rows])]
        out[name] = {
            "accuracy": round(float(accuracy_score(truth, predicted)), 4),
            "macro_f1": round(
                float(f1_score(truth, predicted, average="macro", zero_division=0)), 4
            ),
            "n": len(rows),
        }
    return out
