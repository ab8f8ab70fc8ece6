"""Summary statistics as docs/metrics.md defines them: pure functions on plain numbers."""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """`count` values; median (the mean of the middle two for an even count), mean, and p90
    by nearest rank (the ceil(0.9 n)-th smallest). None when there are no values."""

    count: int
    median: float | None
    mean: float | None
    p90: float | None

    def as_json(self) -> dict[str, float | int | None]:
        return {"count": self.count, "median": self.median, "mean": self.mean, "p90": self.p90}


EMPTY = Summary(0, None, None, None)


def summarise(values: Sequence[float]) -> Summary:
    if not values:
        return EMPTY
    ordered = sorted(values)
    rank = math.ceil(0.9 * len(ordered))
    return Summary(
        count=len(ordered),
        median=float(statistics.median(ordered)),
        mean=round(sum(ordered) / len(ordered), 1),
        p90=float(ordered[rank - 1]),
    )


def rate(part: int, whole: int) -> float | None:
    """A share in percent, one decimal; None when there is nothing to divide by."""
    return None if whole == 0 else round(100 * part / whole, 1)
