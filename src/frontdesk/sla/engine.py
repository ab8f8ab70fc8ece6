"""Business calendars and SLA clocks: pure time arithmetic on plain data (no ORM, no clock).

Every datetime in and out is timezone-aware; results are in UTC. These are the rules; the
minute-by-minute oracle in `tests/test_engine.py` checks them independently:

* **Wall-clock rule.** An instant is working time when the calendar's local wall-clock
  reading at that instant lies inside a working interval. Working time is measured on the
  UTC timeline, so each real minute counts at most once.
* **Spring forward.** Local times that do not exist are never read, so they are skipped:
  a 00:00-24:00 day has 23 hours, and a 02:00-02:30 interval on that night has none.
* **Fall back.** Local times that occur twice are two different real minutes and each counts
  once: a 00:00-24:00 day has 25 hours. Nothing is counted twice (periods are merged on the
  UTC timeline) and nothing is lost. An interval that starts or ends inside the repeated
  hour covers each pass of the clock over it: 01:00-02:30 in Berlin on the last Sunday of
  October is 01:00-02:30 CEST plus 02:00-02:30 CET, two hours of real time.
* **Overnight.** An interval whose end is not after its start runs into the next day
  (22:00-06:00; 00:00-00:00 is a whole day). It belongs to the day it starts on: that day's
  weekday and holidays decide whether it happens at all, whatever the next day is.
* **Holidays.** A holiday without intervals closes its date; one with intervals replaces the
  date's weekly intervals with its own. A dated holiday wins over a yearly one on the same
  date, and among equals the first listed wins. A yearly holiday recurs on its month and day
  from its own year on (29 February only in leap years).
"""

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

METRICS = ("first_response", "next_response", "periodic_update", "resolution")
MAX_DAYS = 3660  # add_business_time looks this far ahead before giving up

type Period = tuple[datetime, datetime]
type Pause = tuple[datetime, datetime | None]

_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
# Zones change their offset a few times a year at most; probing every six hours finds every
# change unless two of them cancel out within six hours, which no real zone does.
_OFFSET_PROBE = timedelta(hours=6)
_OPEN_END = datetime.max.replace(tzinfo=UTC)  # where an open-ended pause ends
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# --- calendars ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """Working time from `start` to `end`, local wall-clock times on the day it starts.

    `end <= start` is an overnight interval ending the next day; 00:00-00:00 is 24 hours.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("interval times are local wall-clock times, without tzinfo")

    @property
    def is_overnight(self) -> bool:
        return self.end <= self.start

    def on(self, day: date) -> tuple[datetime, datetime]:
        """The naive local [start, end) of this interval when it starts on `day`."""
        end_day = day + _DAY if self.is_overnight else day
        return datetime.combine(day, self.start), datetime.combine(end_day, self.end)


@dataclass(frozen=True)
class Holiday:
    """`day` closed (no intervals) or open only during `intervals`; `yearly` repeats it on
    the same month and day every year from `day.year` on."""

    day: date
    intervals: tuple[Interval, ...] = ()
    yearly: bool = False


@dataclass(frozen=True)
class BusinessCalendar:
    """When work happens: weekly intervals in an IANA time zone, minus or replaced by holidays.

    `weekly` maps a weekday (0 = Monday) to the intervals starting on it; a weekday that is
    missing or maps to () is closed.
    """

    time_zone: str
    weekly: Mapping[int, tuple[Interval, ...]]
    holidays: tuple[Holiday, ...] = ()
    zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _dated: dict[date, Holiday] = field(init=False, repr=False, compare=False)
    _yearly: dict[tuple[int, int], tuple[Holiday, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not set(self.weekly) <= set(range(7)):
            raise ValueError(f"weekdays are 0 (Monday) to 6, got {sorted(self.weekly)}")
        try:
            zone = ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc
        dated: dict[date, Holiday] = {}
        yearly: dict[tuple[int, int], tuple[Holiday, ...]] = {}
        for holiday in self.holidays:
            if holiday.yearly:
                key = (holiday.day.month, holiday.day.day)
                yearly[key] = (*yearly.get(key, ()), holiday)
            else:
                dated.setdefault(holiday.day, holiday)
        # Frozen: the derived lookups are set once here, like the fields themselves.
        object.__setattr__(self, "zone", zone)
        object.__setattr__(self, "_dated", dated)
        object.__setattr__(self, "_yearly", yearly)

    def holiday_on(self, day: date) -> Holiday | None:
        """The holiday governing local `day`: a dated one first, then a yearly one."""
        holiday = self._dated.get(day)
        if holiday is not None:
            return holiday
        recurring = self._yearly.get((day.month, day.day), ())
        return next((h for h in recurring if h.day.year <= day.year), None)

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The intervals starting on local `day`, sorted: its holiday's, else its weekday's."""
        holiday = self.holiday_on(day)
        weekly = self.weekly.get(day.weekday(), ())
        intervals = weekly if holiday is None else holiday.intervals
        return tuple(sorted(intervals, key=lambda interval: interval.start))

    @property
    def has_working_time(self) -> bool:
        """Whether any interval exists at all (every interval lasts more than a moment)."""
        return any(self.weekly.values()) or any(h.intervals for h in self.holidays)


def always_open(time_zone: str = "UTC") -> BusinessCalendar:
    """A 24x7 calendar, for targets in calendar time: every instant is working time."""
    midnight = time(0)
    return BusinessCalendar(time_zone, {day: (Interval(midnight, midnight),) for day in range(7)})


# --- working time -------------------------------------------------------------------------


def working_periods(calendar: BusinessCalendar, start: datetime, end: datetime) -> Iterator[Period]:
    """The working periods of `calendar` inside [start, end), in UTC: sorted, disjoint and
    merged where they touch, so their lengths add up to the working time of the range.

    Which instants are working time (DST, overnight intervals, holidays): the module docstring.
    """
    start, end = _as_utc(start, "start"), _as_utc(end, "end")
    return _merge(_working_pieces(calendar, start, end))


def add_business_time(
    calendar: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    pauses: Sequence[Pause] = (),
) -> datetime | None:
    """The earliest instant t with business_time_between(calendar, start, t, pauses) equal to
    `duration`, in UTC; `start` itself for a zero duration.

    None when an open-ended pause (end None) begins before that much working time has
    elapsed: the clock stands still until the pause ends. Walks at most MAX_DAYS days, a day
    at a time, and raises ValueError if the calendar has no working time in them.
    """
    start = _as_utc(start, "start")
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    if not duration:
        return start
    if not calendar.has_working_time:
        raise ValueError("the calendar has no working time at all")
    gaps = _pause_gaps(pauses)
    horizon = start + timedelta(days=MAX_DAYS)
    open_since = gaps[-1][0] if gaps and gaps[-1][1] == _OPEN_END else None
    if open_since is not None:
        horizon = max(start, min(horizon, open_since))  # nothing counts once it begins
    remaining = duration
    for piece_start, piece_end in _subtract(_working_pieces(calendar, start, horizon), gaps):
        if remaining <= piece_end - piece_start:
            return piece_start + remaining
        remaining -= piece_end - piece_start
    if open_since is not None and horizon < start + timedelta(days=MAX_DAYS):
        return None
    raise ValueError(f"no {duration} of working time within {MAX_DAYS} days of {start}")


def business_time_between(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: Sequence[Pause] = (),
) -> timedelta:
    """Working time inside [start, end) not covered by any pause; zero if end <= start."""
    start, end = _as_utc(start, "start"), _as_utc(end, "end")
    if end <= start:
        return timedelta(0)
    pieces = _subtract(_working_pieces(calendar, start, end), _pause_gaps(pauses))
    return sum((piece_end - piece_start for piece_start, piece_end in pieces), timedelta(0))


def _working_pieces(calendar: BusinessCalendar, start: datetime, end: datetime) -> Iterator[Period]:
    """Working time in [start, end) as sorted, disjoint UTC pieces (adjacent ones not yet
    merged, so that a caller gets each day's pieces without waiting for later days)."""
    return _disjoint(_raw_pieces(calendar, start, end))


def _raw_pieces(calendar: BusinessCalendar, start: datetime, end: datetime) -> Iterator[Period]:
    for run_start, run_end, offset in _offset_runs(calendar.zone, start, end):
        # Within a run the wall clock reads UTC + offset, so each wall-clock span maps back
        # to UTC by subtracting the offset, keeping its order; this is the wall-clock rule.
        wall_from, wall_to = _to_wall(run_start, offset), _to_wall(run_end, offset)
        for wall_start, wall_end in _wall_spans(calendar, wall_from, wall_to):
            yield _from_wall(wall_start, offset), _from_wall(wall_end, offset)


def _wall_spans(
    calendar: BusinessCalendar, wall_from: datetime, wall_to: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Naive local working spans clipped to [wall_from, wall_to), sorted by start."""
    day = wall_from.date() - _DAY  # the previous day's overnight interval may reach in
    while day <= wall_to.date():
        for interval in calendar.intervals_on(day):
            span_start, span_end = interval.on(day)
            span_start, span_end = max(span_start, wall_from), min(span_end, wall_to)
            if span_start < span_end:
                yield span_start, span_end
        day += _DAY


def _offset_runs(
    zone: ZoneInfo, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime, timedelta]]:
    """Consecutive UTC pieces [a, b) covering [start, end), each at most a day long, on
    which `zone` keeps one UTC offset."""
    run_start = start
    while run_start < end:
        offset = _utc_offset(zone, run_start)
        run_end = _offset_kept_until(zone, run_start, min(run_start + _DAY, end), offset)
        yield run_start, run_end, offset
        run_start = run_end


def _offset_kept_until(
    zone: ZoneInfo, start: datetime, limit: datetime, offset: timedelta
) -> datetime:
    """The first instant in (start, limit] where `zone` leaves `offset`, else `limit`."""
    probe_from = start
    while probe_from < limit:
        probe = min(probe_from + _OFFSET_PROBE, limit)
        if _utc_offset(zone, probe) != offset:
            return _first_change(zone, probe_from, probe, offset)
        probe_from = probe
    return limit


def _first_change(zone: ZoneInfo, before: datetime, after: datetime, offset: timedelta) -> datetime:
    """The first instant in (before, after] whose offset is not `offset`, given that `before`
    has it and `after` does not."""
    # tzdata changes offsets on whole seconds, so bisecting whole seconds is exact.
    low = before.replace(microsecond=0)
    lo, hi = 0, -(-(after - low) // _SECOND)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _utc_offset(zone, low + mid * _SECOND) == offset:
            lo = mid
        else:
            hi = mid
    return min(low + hi * _SECOND, after)


def _utc_offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always knows the offset of an instant
    return offset


def _to_wall(instant: datetime, offset: timedelta) -> datetime:
    return (instant + offset).replace(tzinfo=None)


def _from_wall(wall: datetime, offset: timedelta) -> datetime:
    return (wall - offset).replace(tzinfo=UTC)


def _as_utc(instant: datetime, name: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {instant!r}")
    return instant.astimezone(UTC)


# --- period arithmetic --------------------------------------------------------------------


def _disjoint(pieces: Iterable[Period]) -> Iterator[Period]:
    """Pieces sorted by start, with overlaps trimmed so that no instant appears twice."""
    covered_until: datetime | None = None
    for piece_start, piece_end in pieces:
        start = piece_start if covered_until is None else max(piece_start, covered_until)
        if start < piece_end:
            yield start, piece_end
            covered_until = piece_end


def _merge(periods: Iterable[Period]) -> Iterator[Period]:
    """Periods sorted by start, joined where they overlap or touch."""
    current: Period | None = None
    for start, end in periods:
        if current is None:
            current = (start, end)
        elif start <= current[1]:
            current = (current[0], max(current[1], end))
        else:
            yield current
            current = (start, end)
    if current is not None:
        yield current


def _subtract(periods: Iterable[Period], gaps: Sequence[Period]) -> Iterator[Period]:
    """Sorted disjoint `periods` with the sorted, merged `gaps` cut out."""
    first_gap = 0
    for period_start, period_end in periods:
        while first_gap < len(gaps) and gaps[first_gap][1] <= period_start:
            first_gap += 1
        start = period_start
        for gap_start, gap_end in gaps[first_gap:]:
            if gap_start >= period_end or start >= period_end:
                break
            if gap_start > start:
                yield start, gap_start
            start = max(start, gap_end)
        if start < period_end:
            yield start, period_end


def _pause_gaps(pauses: Sequence[Pause]) -> list[Period]:
    """The pauses in UTC, sorted and merged; an open-ended one ends at _OPEN_END."""
    gaps = []
    for pause_start, pause_end in pauses:
        gap_start = _as_utc(pause_start, "pause start")
        gap_end = _OPEN_END if pause_end is None else _as_utc(pause_end, "pause end")
        if gap_end < gap_start:
            raise ValueError(f"pause ends before it starts: {pause_start} to {pause_end}")
        if gap_start < gap_end:
            gaps.append((gap_start, gap_end))
    return list(_merge(sorted(gaps)))


# --- SLA clocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """`metric` is due within `minutes` of working time (`business_hours`) or calendar time."""

    metric: str
    minutes: int
    business_hours: bool

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {self.metric!r}")
        if self.minutes < 0:
            raise ValueError(f"minutes must not be negative, got {self.minutes}")


@dataclass(frozen=True)
class ClockInput:
    """One SLA clock of a ticket: its start, its pauses (see `pauses_from_history`) and when
    the metric was achieved, if it was."""

    started_at: datetime
    pauses: tuple[Pause, ...] = ()
    stopped_at: datetime | None = None


@dataclass(frozen=True)
class Deadline:
    """Where a clock stands.

    `due_at` and `warn_at` are None while an open-ended pause holds the clock before they are
    reached. `breached`: achieved after `due_at`, or not achieved and `now` is after it.
    `warning`: not achieved, not breached, and `now` is at or after `warn_at`.
    """

    due_at: datetime | None
    warn_at: datetime | None
    achieved_at: datetime | None
    breached: bool
    warning: bool
    explain: tuple[str, ...]


def compute_deadline(
    target: Target,
    clock: ClockInput,
    calendar: BusinessCalendar,
    *,
    now: datetime,
    warn_share: float = 0.75,
) -> Deadline:
    """The deadline of `clock` under `target`, derived from the arguments alone.

    A policy or priority change mid-flight is another call with the new target and the same
    clock (its pauses come from the ticket's whole history), never an adjustment of the old
    result. Calendar-time targets use `always_open` in the calendar's zone.
    """
    if not 0 < warn_share <= 1:
        raise ValueError(f"warn_share must be in (0, 1], got {warn_share}")
    now = _as_utc(now, "now")
    started_at = _as_utc(clock.started_at, "started_at")
    achieved_at = None if clock.stopped_at is None else _as_utc(clock.stopped_at, "stopped_at")
    counted = calendar if target.business_hours else always_open(calendar.time_zone)
    budget = timedelta(minutes=target.minutes)
    due_at = add_business_time(counted, started_at, budget, clock.pauses)
    warn_at = add_business_time(counted, started_at, budget * warn_share, clock.pauses)
    measured_at = now if achieved_at is None else achieved_at
    breached = due_at is not None and measured_at > due_at
    warning = achieved_at is None and not breached and warn_at is not None and now >= warn_at
    explain = (
        _describe_target(target, calendar),
        f"Clock started {_format_at(calendar, started_at)}.",
        *_describe_pauses(counted, calendar, started_at, _pause_gaps(clock.pauses), due_at),
        *(
            _describe_holidays(calendar, started_at, now if due_at is None else due_at)
            if target.business_hours
            else ()
        ),
        _describe_due(calendar, target, due_at, warn_at, warn_share),
        _describe_outcome(calendar, achieved_at, due_at, breached=breached, now=now),
    )
    return Deadline(due_at, warn_at, achieved_at, breached, warning, explain)


def pauses_from_history(
    changes: Sequence[tuple[datetime, str]], paused_categories: Collection[str]
) -> tuple[Pause, ...]:
    """The intervals spent in `paused_categories`, from time-ordered (time, status category)
    transitions; the last one is open-ended (end None) if the ticket is still paused.

    Moving between two paused categories continues the same pause.
    """
    pauses: list[Pause] = []
    paused_since: datetime | None = None
    previous: datetime | None = None
    for at, category in changes:
        if previous is not None and at < previous:
            raise ValueError(f"status changes must be in time order: {at} after {previous}")
        previous = at
        if category in paused_categories:
            paused_since = at if paused_since is None else paused_since
        elif paused_since is not None:
            if at > paused_since:
                pauses.append((paused_since, at))
            paused_since = None
    if paused_since is not None:
        pauses.append((paused_since, None))
    return tuple(pauses)


# --- explanations -------------------------------------------------------------------------


def _describe_target(target: Target, calendar: BusinessCalendar) -> str:
    metric = target.metric.replace("_", " ")
    budget = _format_duration(timedelta(minutes=target.minutes))
    if not target.business_hours:
        return f"Target: {metric} within {budget} of calendar time (24x7)."
    return f"Target: {metric} within {budget} of working time ({_describe_calendar(calendar)})."


def _describe_calendar(calendar: BusinessCalendar) -> str:
    groups: list[tuple[int, int, str]] = []  # (first weekday, last weekday, hours)
    for weekday in range(7):
        intervals = sorted(calendar.weekly.get(weekday, ()), key=lambda i: i.start)
        hours = ", ".join(map(_format_interval, intervals))
        if groups and groups[-1][2] == hours:
            groups[-1] = (groups[-1][0], weekday, hours)
        else:
            groups.append((weekday, weekday, hours))
    week = "; ".join(
        f"{_format_days(first, last)} {hours}" for first, last, hours in groups if hours
    )
    holidays = f"{len(calendar.holidays)} holiday{'' if len(calendar.holidays) == 1 else 's'}"
    return f"{calendar.time_zone}: {week or 'no weekly hours'}; {holidays}"


def _describe_pauses(
    counted: BusinessCalendar,
    calendar: BusinessCalendar,
    started_at: datetime,
    gaps: Sequence[Period],
    due_at: datetime | None,
) -> Iterator[str]:
    """One line per pause that moved the due time, with the working time it held back."""
    for gap_start, gap_end in gaps:
        if gap_end <= started_at or (due_at is not None and gap_start >= due_at):
            continue
        since = _format_at(calendar, max(gap_start, started_at))
        if gap_end == _OPEN_END:
            yield f"Paused since {since} and still paused: the clock stands still."
            continue
        held = business_time_between(counted, max(gap_start, started_at), gap_end)
        yield (
            f"Paused {since} to {_format_at(calendar, gap_end)}: "
            f"{_format_duration(held)} of working time not counted."
        )


def _describe_holidays(calendar: BusinessCalendar, start: datetime, end: datetime) -> Iterator[str]:
    """One line per holiday on the local dates from `start` to `end` (at most MAX_DAYS)."""
    day = start.astimezone(calendar.zone).date()
    last = min(end.astimezone(calendar.zone).date(), day + timedelta(days=MAX_DAYS))
    while day <= last:
        holiday = calendar.holiday_on(day)
        if holiday is not None:
            hours = ", ".join(map(_format_interval, holiday.intervals))
            rule = f"open {hours} only" if hours else "closed all day"
            yield f"Holiday {day:%a %Y-%m-%d}: {rule}."
        day += _DAY


def _describe_due(
    calendar: BusinessCalendar,
    target: Target,
    due_at: datetime | None,
    warn_at: datetime | None,
    warn_share: float,
) -> str:
    if due_at is None:
        return "No due time while the clock is paused; it is computed again when it resumes."
    kind = "working" if target.business_hours else "calendar"
    budget = _format_duration(timedelta(minutes=target.minutes))
    due = f"Due {_format_at(calendar, due_at)}: {budget} of {kind} time after the start."
    if warn_at is None:
        return due
    return f"{due} Warning from {_format_at(calendar, warn_at)} ({warn_share:.0%} of the target)."


def _describe_outcome(
    calendar: BusinessCalendar,
    achieved_at: datetime | None,
    due_at: datetime | None,
    *,
    breached: bool,
    now: datetime,
) -> str:
    if achieved_at is not None:
        verdict = "after the due time: breached" if breached else "within the target"
        return f"Achieved {_format_at(calendar, achieved_at)}, {verdict}."
    if breached and due_at is not None:
        return f"Not achieved; breached since {_format_at(calendar, due_at)}."
    return f"Not achieved yet; not breached as of {_format_at(calendar, now)}."


def _format_at(calendar: BusinessCalendar, instant: datetime) -> str:
    return f"{instant.astimezone(calendar.zone):%a %Y-%m-%d %H:%M %Z}"


def _format_interval(interval: Interval) -> str:
    end = "24:00" if interval.end == time(0) else f"{interval.end:%H:%M}"
    overnight = " next day" if interval.is_overnight and end != "24:00" else ""
    return f"{interval.start:%H:%M}-{end}{overnight}"


def _format_days(first: int, last: int) -> str:
    return _WEEKDAYS[first] if first == last else f"{_WEEKDAYS[first]}-{_WEEKDAYS[last]}"


def _format_duration(duration: timedelta) -> str:
    minutes = round(duration / timedelta(minutes=1))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"
