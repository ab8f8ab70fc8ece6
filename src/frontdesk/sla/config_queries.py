"""The read side of SLA settings: calendars and policies with what their pages and API
responses show, loaded in a fixed number of queries. Every function checks the reader."""

from django.db.models import Count, Prefetch, QuerySet

from frontdesk.accounts.models import User
from frontdesk.core.errors import NotFound
from frontdesk.sla.access import require_settings_reader
from frontdesk.sla.models import BusinessCalendar, CalendarHoliday, SlaPolicy, SlaTarget


def calendars(user: User) -> QuerySet[BusinessCalendar]:
    """Calendars by name, with their holidays."""
    require_settings_reader(user)
    return BusinessCalendar.objects.prefetch_related("holidays").order_by("name", "pk")


def calendar_summaries(user: User) -> QuerySet[BusinessCalendar]:
    """Calendars by name with a `holiday_count` instead of the holiday rows."""
    require_settings_reader(user)
    return BusinessCalendar.objects.annotate(
        holiday_count=Count("holidays", distinct=True),
    ).order_by("name", "pk")


def calendar(user: User, calendar_id: int) -> BusinessCalendar:
    found = calendars(user).filter(pk=calendar_id).first()
    if found is None:
        raise NotFound("No such calendar.")
    return found


def holiday(user: User, calendar_id: int, holiday_id: int) -> CalendarHoliday:
    require_settings_reader(user)
    found = CalendarHoliday.objects.filter(calendar_id=calendar_id, pk=holiday_id).first()
    if found is None:
        raise NotFound("No such holiday in this calendar.")
    return found


def policies(user: User) -> QuerySet[SlaPolicy]:
    """Policies in the order they are tried, with their calendar and targets."""
    require_settings_reader(user)
    targets = SlaTarget.objects.order_by("-priority", "metric")
    return (
        SlaPolicy.objects.select_related("calendar")
        .prefetch_related(Prefetch("targets", queryset=targets))
        .order_by("position", "pk")
    )


def policy(user: User, policy_id: int) -> SlaPolicy:
    found = policies(user).filter(pk=policy_id).first()
    if found is None:
        raise NotFound("No such SLA policy.")
    return found
