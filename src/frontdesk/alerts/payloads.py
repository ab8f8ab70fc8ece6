"""Alert payloads to plain `AlertEvent`s (pure: no ORM, no clock).

Two shapes are accepted (docs/channels.md):

- Prometheus Alertmanager's webhook, version "4": one notification per group with its
  `alerts`, each with a `fingerprint`, `status`, `labels`, `annotations`, `startsAt`.
- The generic alert JSON: one object, or `{"alerts": [...]}`, each with `key`, `status`
  (`firing` or `resolved`), `title`, optional `description`, `severity`, `labels`, `url`.

A payload that does not fit raises `PayloadError` naming the offending field, which the
endpoint answers with a 422.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_ALERTS = 200
MAX_KEY = 255
MAX_TITLE = 300
MAX_TEXT = 20_000
STATES = ("firing", "resolved")

# Severity words seen in the wild, to the ticket priority names.
SEVERITY_PRIORITY = {
    "critical": "urgent",
    "crit": "urgent",
    "page": "urgent",
    "fatal": "urgent",
    "emergency": "urgent",
    "p1": "urgent",
    "error": "high",
    "high": "high",
    "major": "high",
    "p2": "high",
    "warning": "normal",
    "warn": "normal",
    "medium": "normal",
    "minor": "normal",
    "p3": "normal",
    "info": "low",
    "low": "low",
    "none": "low",
    "p4": "low",
    "p5": "low",
}


class PayloadError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class AlertEvent:
    key: str
    state: str  # firing | resolved
    title: str
    description: str = ""
    severity: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    url: str = ""
    started_at: str = ""

    @property
    def priority(self) -> str:
        return SEVERITY_PRIORITY.get(self.severity.strip().lower(), "normal")


def parse_alertmanager(data: Any, *, by_group: bool = False) -> list[AlertEvent]:
    """Alertmanager's version 4 webhook. `by_group`: one event for the whole group,
    keyed by `groupKey`, firing while any of its alerts fires."""
    body = _object(data, "body")
    if str(body.get("version", "")) != "4":
        raise PayloadError("version", 'only Alertmanager webhook version "4" is accepted')
    alerts = _list(body.get("alerts"), "alerts")
    common = _labels(body.get("commonLabels", {}), "commonLabels")
    annotations = _labels(body.get("commonAnnotations", {}), "commonAnnotations")
    if by_group:
        key = _text(body.get("groupKey"), "groupKey", MAX_KEY, required=True)
        state = _state(body.get("status"), "status")
        first = _object(alerts[0], "alerts[0]") if alerts else {}
        first_labels = _labels(first.get("labels", {}), "alerts[0].labels")
        first_notes = _labels(first.get("annotations", {}), "alerts[0].annotations")
        labels = common or first_labels
        notes = annotations or first_notes
        return [
            AlertEvent(
                key=key,
                state=state,
                title=_title(labels, notes, len(alerts)),
                description=_describe_group(alerts),
                severity=labels.get("severity", ""),
                labels=labels,
                url=_text(body.get("externalURL", ""), "externalURL", 2000),
                started_at=_text(first.get("startsAt", ""), "alerts[0].startsAt", 64),
            )
        ]
    events = []
    for index, raw in enumerate(alerts):
        where = f"alerts[{index}]"
        alert = _object(raw, where)
        labels = _labels(alert.get("labels", {}), f"{where}.labels")
        notes = _labels(alert.get("annotations", {}), f"{where}.annotations")
        events.append(
            AlertEvent(
                key=_text(alert.get("fingerprint"), f"{where}.fingerprint", MAX_KEY, required=True),
                state=_state(alert.get("status"), f"{where}.status"),
                title=_title(labels, notes, 1),
                description=_text(
                    notes.get("description", "") or notes.get("message", ""), where, MAX_TEXT
                ),
                severity=labels.get("severity", ""),
                labels=labels,
                url=_text(alert.get("generatorURL", ""), f"{where}.generatorURL", 2000),
                started_at=_text(alert.get("startsAt", ""), f"{where}.startsAt", 64),
            )
        )
    return events


def parse_generic(data: Any) -> list[AlertEvent]:
    body = _object(data, "body")
    if "alerts" in body:
        items = [(f"alerts[{i}]", a) for i, a in enumerate(_list(body["alerts"], "alerts"))]
    else:
        items = [("", body)]
    events = []
    for where, raw in items:
        alert = _object(raw, where or "body")
        prefix = f"{where}." if where else ""
        unknown = set(alert) - {
            "key",
            "status",
            "title",
            "description",
            "severity",
            "labels",
            "url",
            "started_at",
        }
        if unknown:
            raise PayloadError(prefix + sorted(unknown)[0], "unknown field")
        events.append(
            AlertEvent(
                key=_text(alert.get("key"), prefix + "key", MAX_KEY, required=True),
                state=_state(alert.get("status", "firing"), prefix + "status"),
                title=_text(alert.get("title"), prefix + "title", MAX_TITLE, required=True),
                description=_text(alert.get("description", ""), prefix + "description", MAX_TEXT),
                severity=_text(alert.get("severity", ""), prefix + "severity", 40),
                labels=_labels(alert.get("labels", {}), prefix + "labels"),
                url=_text(alert.get("url", ""), prefix + "url", 2000),
                started_at=_text(alert.get("started_at", ""), prefix + "started_at", 64),
            )
        )
    return events


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(name, "must be a JSON object")
    return value


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadError(name, "must be a list")
    if len(value) > MAX_ALERTS:
        raise PayloadError(name, f"at most {MAX_ALERTS} alerts per request")
    return value


def _text(value: Any, name: str, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PayloadError(name, "must be a string")
    text: str = value.strip()
    if required and not text:
        raise PayloadError(name, "is required")
    if len(text) > limit:
        raise PayloadError(name, f"longer than {limit} characters")
    return text


def _state(value: Any, name: str) -> str:
    if value not in STATES:
        raise PayloadError(name, 'must be "firing" or "resolved"')
    return str(value)


def _labels(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or len(value) > 100:
        raise PayloadError(name, "must be an object of at most 100 string values")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise PayloadError(name, "must map strings to strings")
    return {k[:200]: v[:2000] for k, v in value.items()}


def _title(labels: Mapping[str, str], notes: Mapping[str, str], count: int) -> str:
    name = labels.get("alertname", "") or "Alert"
    summary = notes.get("summary", "") or notes.get("title", "")
    where = labels.get("instance", "") or labels.get("job", "")
    title = f"{name}: {summary}" if summary else (f"{name} on {where}" if where else name)
    if count > 1:
        title += f" ({count} alerts)"
    return title[:MAX_TITLE]


def _describe_group(alerts: list[Any]) -> str:
    lines = []
    for raw in alerts[:50]:
        if isinstance(raw, dict):
            found = raw.get("labels")
            labels: dict[str, Any] = found if isinstance(found, dict) else {}
            shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))[:500]
            lines.append(f"- {raw.get('status', '?')}: {shown}")
    return "\n".join(lines)
