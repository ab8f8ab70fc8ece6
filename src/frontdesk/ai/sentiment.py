"""Sentiment and urgency of a customer's message, offline.

`compound` is VADER's score (-1 very negative .. +1 very positive; the lexicon ships inside
the vaderSentiment package, nothing is downloaded). `urgency` (0..1) adds what VADER does not
weigh: words that say time or impact matter ("urgent", "down", "cannot log in"),
exclamation marks and shouting, on top of a negative tone.
"""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

MAX_TEXT = 5_000
_URGENT = re.compile(
    r"\b(urgent(ly)?|asap|immediately|right now|emergency|critical|outage|down|"
    r"broken|blocked|blocking|can ?not|can't|cannot|unable|fail(ed|ing|s)?|deadline|"
    r"today|lost|losing|production|escalat\w*)\b",
    re.IGNORECASE,
)
ANGRY = -0.5  # a compound score at or below this is shown as "negative" / angry


@dataclass(frozen=True)
class Score:
    compound: float
    urgency: float

    @property
    def label(self) -> str:
        if self.compound <= ANGRY:
            return "negative"
        if self.compound < -0.05:
            return "slightly negative"
        if self.compound > 0.3:
            return "positive"
        return "neutral"


@cache
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score(text: str) -> Score:
    text = text[:MAX_TEXT]
    if not text.strip():
        return Score(0.0, 0.0)
    compound = float(_analyzer().polarity_scores(text)["compound"])
    words = re.findall(r"[A-Za-z]{3,}", text)
    shouting = sum(1 for w in words if w.isupper()) / len(words) if words else 0.0
    hits = len(_URGENT.findall(text))
    urgency = (
        0.35 * max(0.0, -compound)
        + min(0.4, 0.15 * hits)
        + min(0.15, 0.05 * text.count("!"))
        + min(0.1, shouting)
    )
    return Score(round(compound, 4), round(min(1.0, urgency), 4))
