"""Similar solved tickets: a word TF-IDF of each solved ticket's subject, first message and
resolution, compared by cosine similarity. Built with each training run and saved in the
same artefact, so a lookup is one sparse product, not a database scan."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

MAX_TEXT = 3_000


@dataclass
class SimilarIndex:
    vectorizer: Any
    matrix: Any  # rows L2-normalised, one per ticket id
    ticket_ids: Any  # numpy int64 array

    def query(
        self, text: str, *, limit: int = 5, exclude: int | None = None
    ) -> list[tuple[int, float]]:
        """The most similar tickets' ids with their cosine similarity, best first."""
        if not len(self.ticket_ids):
            return []
        vector = self.vectorizer.transform([text[:MAX_TEXT]])
        if not vector.nnz:
            return []
        scores = (self.matrix @ vector.T).toarray().ravel()
        if exclude is not None:
            scores[self.ticket_ids == exclude] = 0.0
        top = min(limit, len(scores))
        best = np.argpartition(-scores, top - 1)[:top]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(self.ticket_ids[i]), float(scores[i])) for i in best if scores[i] > 0]


def build_index(ticket_ids: Sequence[int], texts: Sequence[str]) -> SimilarIndex | None:
    if not ticket_ids:
        return None
    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        stop_words="english",
        max_features=2**17,
        ngram_range=(1, 1),
        dtype=np.float32,
    )
    matrix = vectorizer.fit_transform([t[:MAX_TEXT] for t in texts])
    return SimilarIndex(vectorizer, matrix.tocsr(), np.asarray(ticket_ids, dtype=np.int64))
