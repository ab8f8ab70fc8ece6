"""CSV and JSON for exports: pure functions on rows (docs/reports.md, "Exports").

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some read a leading
tab or carriage return the same way) as a formula, so such a text cell gets a leading `'`.
Numbers are written as numbers: a negative number is not text and is left alone.
"""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def to_json(data: Any) -> str:
    return json.dumps(data, default=_default, indent=None)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def flatten(report: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """A nested report as (dotted name, value) rows; lists of dicts become one row per
    item and key (`volume.series.2026-11-23.created`)."""
    rows: list[tuple[str, Any]] = []
    for key, value in report.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flatten(value, name + ".")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    label = item.get("day") or item.get("target") or item.get("bucket") or index
                    label = item.get("label", label) if "key" in item else label
                    rows += flatten(
                        {k: v for k, v in item.items() if k not in ("day", "target", "bucket")},
                        f"{name}.{label}.",
                    )
                else:
                    rows.append((f"{name}.{index}", item))
        else:
            rows.append((name, value))
    return rows
