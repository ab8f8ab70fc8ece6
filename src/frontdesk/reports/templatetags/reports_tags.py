"""Formatting for report pages."""

from django import template

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """3725 -> "1 h 2 min"; under a minute in seconds; days beyond 48 hours."""
    if seconds is None:
        return "-"
    total = int(seconds)
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


@register.filter
def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"
