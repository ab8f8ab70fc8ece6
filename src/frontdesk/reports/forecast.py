"""Ticket volume forecast: pure Python, no ORM (docs/metrics.md, "Forecast").

Two models with weekly seasonality: the seasonal-naive baseline (a day repeats the same
weekday of the last week) and additive Holt-Winters (level, trend and a 7-day season,
smoothing constants chosen from a small grid by one-step-ahead squared error on the
training days). Each is scored on a held-out period (the last `HORIZON` days of history,
forecast from the days before); the better one by mean absolute error forecasts the next
`HORIZON` days from all of history.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

SEASON = 7
HORIZON = 14
GRID = (0.1, 0.3, 0.5, 0.8)
TREND_GRID = (0.0, 0.05, 0.2)


@dataclass(frozen=True)
class Forecast:
    method: str  # "holt_winters", "seasonal_naive" or "mean" (too little history)
    values: tuple[float, ...]  # the next HORIZON days
    holdout_actual: tuple[int, ...]
    holdout_predicted: tuple[float, ...]
    mae: float | None  # on the held-out days
    mape: float | None  # percent, over held-out days with tickets
    baseline_mae: float | None  # the seasonal-naive baseline's MAE, for comparison


def seasonal_naive(history: Sequence[float], horizon: int) -> list[float]:
    last = list(history[-SEASON:])
    return [float(last[i % SEASON]) for i in range(horizon)]


def holt_winters(
    history: Sequence[float], horizon: int, alpha: float, beta: float, gamma: float
) -> tuple[list[float], float]:
    """Additive Holt-Winters: (forecast, one-step squared error over the fit)."""
    first = history[:SEASON]
    level = sum(first) / SEASON
    if len(history) >= 2 * SEASON:
        trend = (sum(history[SEASON : 2 * SEASON]) - sum(first)) / (SEASON * SEASON)
    else:
        trend = 0.0
    season = [x - level for x in first]
    error = 0.0
    for t in range(SEASON, len(history)):
        value = history[t]
        predicted = level + trend + season[t % SEASON]
        error += (value - predicted) ** 2
        previous_level = level
        level = alpha * (value - season[t % SEASON]) + (1 - alpha) * (level + trend)
        trend = beta * (level - previous_level) + (1 - beta) * trend
        season[t % SEASON] = gamma * (value - level) + (1 - gamma) * season[t % SEASON]
    n = len(history)
    values = [max(0.0, level + (h + 1) * trend + season[(n + h) % SEASON]) for h in range(horizon)]
    return values, error


def fit_holt_winters(history: Sequence[float], horizon: int) -> list[float]:
    best: tuple[float, list[float]] | None = None
    for alpha, beta, gamma in itertools.product(GRID, TREND_GRID, GRID):
        values, error = holt_winters(history, horizon, alpha, beta, gamma)
        if best is None or error < best[0]:
            best = (error, values)
    assert best is not None
    return best[1]


def mean_absolute_error(actual: Sequence[float], predicted: Sequence[float]) -> float:
    return round(sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / len(actual), 2)


def mean_absolute_percentage_error(
    actual: Sequence[float], predicted: Sequence[float]
) -> float | None:
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a]
    if not pairs:
        return None
    return round(100 * sum(abs(a - p) / a for a, p in pairs) / len(pairs), 1)


def forecast(daily_counts: Sequence[int], horizon: int = HORIZON) -> Forecast:
    """`daily_counts`: tickets created per day, oldest first, ending yesterday."""
    history = [float(x) for x in daily_counts]
    if len(history) < SEASON:
        mean = sum(history) / len(history) if history else 0.0
        return Forecast("mean", tuple([round(mean, 1)] * horizon), (), (), None, None, None)
    if len(history) < 2 * SEASON + horizon:
        values = seasonal_naive(history, horizon)
        return Forecast("seasonal_naive", tuple(values), (), (), None, None, None)
    train, held = history[:-horizon], history[-horizon:]
    naive = seasonal_naive(train, horizon)
    smoothed = fit_holt_winters(train, horizon)
    naive_mae = mean_absolute_error(held, naive)
    smoothed_mae = mean_absolute_error(held, smoothed)
    if smoothed_mae <= naive_mae:
        method, predicted = "holt_winters", smoothed
        values = fit_holt_winters(history, horizon)
    else:
        method, predicted = "seasonal_naive", naive
        values = seasonal_naive(history, horizon)
    return Forecast(
        method=method,
        values=tuple(round(v, 1) for v in values),
        holdout_actual=tuple(int(v) for v in held),
        holdout_predicted=tuple(round(v, 1) for v in predicted),
        mae=min(naive_mae, smoothed_mae),
        mape=mean_absolute_percentage_error(held, predicted),
        baseline_mae=naive_mae,
    )
