"""The pure SLA engine: named cases for each rule, and a minute-by-minute oracle.

The named cases use dates a person can check on a wall calendar (2 March 2026 is a Monday).
The oracle walks UTC minute by minute, reads the local wall clock and checks the calendar's
intervals and holidays directly, with the rules written out in engine.py's docstring; the
day-by-day engine must agree with it on random calendars around DST switches.
"""

import ast
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from frontdesk.sla import engine
from frontdesk.sla.engine import (
    BusinessCalendar,
    ClockInput,
    Holiday,
    Interval,
    Pause,
    Target,
    add_business_time,
    always_open,
    business_time_between,
    compute_deadline,
    pauses_from_history,
    working_periods,
)

MINUTE = timedelta(minutes=1)


def at(zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def utc(*args: int) -> datetime:
    return at("UTC", *args)


def berlin(*args: int) -> datetime:
    return at("Europe/Berlin", *args)


def new_york(*args: int) -> datetime:
    return at("America/New_York", *args)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def interval(spec: str) -> Interval:
    start, end = spec.split("-")
    return Interval(time.fromisoformat(start), time.fromisoformat(end))


def calendar(
    *specs: str,
    zone: str = "UTC",
    days: Iterable[int] = range(5),
    holidays: Iterable[Holiday] = (),
) -> BusinessCalendar:
    """`specs` ("09:00-17:00") on each of `days` (default Monday to Friday)."""
    intervals = tuple(map(interval, specs))
    return BusinessCalendar(zone, dict.fromkeys(days, intervals), tuple(holidays))


NINE_TO_FIVE = calendar("09:00-17:00")
LUNCH = calendar("09:00-12:00", "13:00-17:00")
SPLIT = calendar("08:00-12:00", "16:00-20:00")
NIGHTS = calendar("22:00-06:00")  # Monday to Friday nights, each ending the next morning
SUNDAY_TO_THURSDAY_NIGHTS = calendar("22:00-06:00", days=(6, 0, 1, 2, 3))
BERLIN_NINE_TO_FIVE = calendar("09:00-17:00", zone="Europe/Berlin")
NEW_YORK_NINE_TO_FIVE = calendar("09:00-17:00", zone="America/New_York")
BERLIN_ALWAYS = always_open("Europe/Berlin")
BERLIN_HALVES = calendar("00:00-12:00", "12:00-00:00", zone="Europe/Berlin", days=range(7))
NEW_YORK_ALWAYS = calendar("00:00-00:00", zone="America/New_York", days=range(7))
LORD_HOWE_ALWAYS = always_open("Australia/Lord_Howe")
CHRISTMAS = Holiday(date(2026, 12, 25))


# --- add_business_time: named cases -------------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "start", "duration", "pauses", "expected"),
    [
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 10), hours(2), (), utc(2026, 3, 2, 12),
                     id="plain_weekday_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 16), hours(2), (), utc(2026, 3, 3, 10),
                     id="past_closing_into_next_day_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 7), hours(1), (), utc(2026, 3, 2, 10),
                     id="start_before_opening_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 18), hours(1), (), utc(2026, 3, 3, 10),
                     id="start_after_closing_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 7, 12), hours(1), (), utc(2026, 3, 9, 10),
                     id="start_on_saturday_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 6, 16, 30), hours(1), (), utc(2026, 3, 9, 9, 30),
                     id="friday_into_monday_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 7, 12), timedelta(0), (), utc(2026, 3, 7, 12),
                     id="zero_duration_is_the_start_case"),
        pytest.param(LUNCH, utc(2026, 3, 2, 11), hours(2), (), utc(2026, 3, 2, 14),
                     id="lunch_break_case"),
        pytest.param(SPLIT, utc(2026, 3, 2, 11), hours(3), (), utc(2026, 3, 2, 18),
                     id="split_shift_gap_case"),
        pytest.param(SPLIT, utc(2026, 3, 2, 19), hours(2), (), utc(2026, 3, 3, 9),
                     id="split_shift_into_next_morning_case"),
        pytest.param(NIGHTS, utc(2026, 3, 2, 23), hours(3), (), utc(2026, 3, 3, 2),
                     id="overnight_across_midnight_case"),
        # Friday's night shift runs into Saturday; the next one starts Monday at 22:00.
        pytest.param(NIGHTS, utc(2026, 3, 6, 23), hours(8), (), utc(2026, 3, 9, 23),
                     id="overnight_friday_into_saturday_case"),
        # Monday 00:00-06:00 would belong to a Sunday-night shift, and there is none.
        pytest.param(NIGHTS, utc(2026, 3, 8, 23), hours(1), (), utc(2026, 3, 9, 23),
                     id="monday_morning_belongs_to_sunday_night_case"),
        pytest.param(SUNDAY_TO_THURSDAY_NIGHTS, utc(2026, 3, 8, 23), hours(2), (),
                     utc(2026, 3, 9, 1), id="overnight_across_week_boundary_case"),
        # Tuesday is a holiday: Monday's shift still runs into Tuesday morning (it starts
        # on Monday), Tuesday's own night shift does not happen.
        pytest.param(calendar("22:00-06:00", holidays=[Holiday(date(2026, 3, 3))]),
                     utc(2026, 3, 2, 23), hours(8), (), utc(2026, 3, 4, 23),
                     id="overnight_follows_the_day_it_starts_on_case"),
        pytest.param(calendar("09:00-17:00", holidays=[CHRISTMAS]), utc(2026, 12, 24, 16),
                     hours(2), (), utc(2026, 12, 28, 10), id="weekday_holiday_skipped_case"),
        pytest.param(calendar("09:00-17:00", holidays=[Holiday(date(2026, 12, 19))]),
                     utc(2026, 12, 18, 16), hours(2), (), utc(2026, 12, 21, 10),
                     id="weekend_holiday_no_effect_case"),
        pytest.param(calendar("09:00-17:00", holidays=[
                         Holiday(date(2026, 12, 24), (interval("09:00-12:00"),)), CHRISTMAS]),
                     utc(2026, 12, 24, 8), hours(4), (), utc(2026, 12, 28, 10),
                     id="partial_day_holiday_case"),
        pytest.param(calendar("09:00-17:00", holidays=[
                         Holiday(date(2026, 12, 19), (interval("10:00-14:00"),))]),
                     utc(2026, 12, 18, 16), hours(2), (), utc(2026, 12, 19, 11),
                     id="partial_day_holiday_opens_a_saturday_case"),
        pytest.param(calendar("09:00-17:00", holidays=[Holiday(date(2020, 12, 25), yearly=True)]),
                     utc(2026, 12, 24, 16), hours(2), (), utc(2026, 12, 28, 10),
                     id="yearly_holiday_in_a_later_year_case"),
        pytest.param(calendar("09:00-17:00", holidays=[Holiday(date(2020, 12, 25))]),
                     utc(2026, 12, 24, 16), hours(2), (), utc(2026, 12, 25, 10),
                     id="dated_holiday_of_another_year_no_effect_case"),
        pytest.param(calendar("09:00-17:00", holidays=[Holiday(date(2030, 12, 25), yearly=True)]),
                     utc(2026, 12, 24, 16), hours(2), (), utc(2026, 12, 25, 10),
                     id="yearly_holiday_not_before_its_year_case"),
        pytest.param(calendar("09:00-17:00", holidays=[
                         Holiday(date(2026, 12, 24), (interval("09:00-10:00"),)),
                         Holiday(date(2020, 12, 24), yearly=True)]),
                     utc(2026, 12, 24, 9), hours(2), (), utc(2026, 12, 25, 10),
                     id="dated_holiday_wins_over_yearly_case"),
        # Pending from Friday 16:00 to Monday 10:00 holds back only Friday 16-17, Monday 9-10.
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 6, 15), hours(2),
                     [(utc(2026, 3, 6, 16), utc(2026, 3, 9, 10))], utc(2026, 3, 9, 11),
                     id="pause_spanning_a_weekend_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 9), hours(2),
                     [(utc(2026, 3, 2, 10), utc(2026, 3, 2, 12)),
                      (utc(2026, 3, 2, 11), utc(2026, 3, 2, 13))], utc(2026, 3, 2, 14),
                     id="overlapping_pauses_count_once_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 9), hours(2),
                     [(utc(2026, 3, 2, 10), None)], None, id="open_ended_pause_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 9), hours(2),
                     [(utc(2026, 3, 2, 12), None)], utc(2026, 3, 2, 11),
                     id="open_ended_pause_after_the_result_case"),
        pytest.param(BERLIN_ALWAYS, berlin(2026, 3, 29), hours(24), (), berlin(2026, 3, 30, 1),
                     id="berlin_spring_forward_24x7_case"),
        pytest.param(BERLIN_ALWAYS, berlin(2026, 10, 25), hours(24), (), berlin(2026, 10, 25, 23),
                     id="berlin_fall_back_24x7_case"),
        pytest.param(BERLIN_HALVES, berlin(2026, 3, 29), hours(24), (), berlin(2026, 3, 30, 1),
                     id="berlin_spring_forward_two_intervals_case"),
        pytest.param(NEW_YORK_ALWAYS, new_york(2026, 3, 8), hours(24), (), new_york(2026, 3, 9, 1),
                     id="new_york_spring_forward_24x7_case"),
        pytest.param(NEW_YORK_ALWAYS, new_york(2026, 11, 1), hours(24), (),
                     new_york(2026, 11, 1, 23), id="new_york_fall_back_24x7_case"),
        pytest.param(BERLIN_NINE_TO_FIVE, berlin(2026, 3, 27, 16), hours(2), (),
                     berlin(2026, 3, 30, 10), id="berlin_nine_to_five_spring_forward_case"),
        pytest.param(BERLIN_NINE_TO_FIVE, berlin(2026, 10, 23, 16), hours(2), (),
                     berlin(2026, 10, 26, 10), id="berlin_nine_to_five_fall_back_case"),
        pytest.param(NEW_YORK_NINE_TO_FIVE, new_york(2026, 3, 6, 16), hours(2), (),
                     new_york(2026, 3, 9, 10), id="new_york_nine_to_five_spring_forward_case"),
        pytest.param(NEW_YORK_NINE_TO_FIVE, new_york(2026, 10, 30, 16), hours(2), (),
                     new_york(2026, 11, 2, 10), id="new_york_nine_to_five_fall_back_case"),
    ],
)  # fmt: skip
def test_add_business_time(cal, start, duration, pauses, expected):
    result = add_business_time(cal, start, duration, pauses)
    assert result == expected
    if result is not None:
        assert result.tzinfo is UTC


# --- business_time_between and working_periods: named cases -------------------------------


@pytest.mark.parametrize(
    ("cal", "start", "end", "pauses", "expected"),
    [
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2), utc(2026, 3, 9), (), hours(40),
                     id="nine_to_five_week_case"),
        pytest.param(LUNCH, utc(2026, 3, 2), utc(2026, 3, 3), (), hours(7), id="lunch_day_case"),
        pytest.param(SPLIT, utc(2026, 3, 2, 10), utc(2026, 3, 2, 17), (), hours(3),
                     id="split_shift_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 12), utc(2026, 3, 2, 10), (), timedelta(0),
                     id="end_before_start_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 6, 9), utc(2026, 3, 9, 17),
                     [(utc(2026, 3, 6, 16), utc(2026, 3, 9, 10))], hours(14),
                     id="pause_spanning_a_weekend_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 9), utc(2026, 3, 3, 17),
                     [(utc(2026, 3, 2, 12), None)], hours(3), id="open_ended_pause_case"),
        pytest.param(NINE_TO_FIVE, utc(2026, 3, 2, 12), utc(2026, 3, 2, 14),
                     [(utc(2026, 3, 2, 8), utc(2026, 3, 2, 13))], hours(1),
                     id="pause_from_before_the_start_case"),
        pytest.param(BERLIN_ALWAYS, berlin(2026, 3, 29), berlin(2026, 3, 30), (), hours(23),
                     id="berlin_spring_forward_day_case"),
        pytest.param(BERLIN_ALWAYS, berlin(2026, 10, 25), berlin(2026, 10, 26), (), hours(25),
                     id="berlin_fall_back_day_case"),
        pytest.param(BERLIN_HALVES, berlin(2026, 10, 25), berlin(2026, 10, 26), (), hours(25),
                     id="berlin_fall_back_two_intervals_case"),
        pytest.param(NEW_YORK_ALWAYS, new_york(2026, 3, 8), new_york(2026, 3, 9), (), hours(23),
                     id="new_york_spring_forward_day_case"),
        pytest.param(NEW_YORK_ALWAYS, new_york(2026, 11, 1), new_york(2026, 11, 2), (), hours(25),
                     id="new_york_fall_back_day_case"),
        pytest.param(LORD_HOWE_ALWAYS, at("Australia/Lord_Howe", 2026, 10, 4),
                     at("Australia/Lord_Howe", 2026, 10, 5), (), hours(23.5),
                     id="lord_howe_half_hour_spring_forward_case"),
        pytest.param(LORD_HOWE_ALWAYS, at("Australia/Lord_Howe", 2026, 4, 5),
                     at("Australia/Lord_Howe", 2026, 4, 6), (), hours(24.5),
                     id="lord_howe_half_hour_fall_back_case"),
        pytest.param(BERLIN_NINE_TO_FIVE, berlin(2026, 3, 23), berlin(2026, 3, 30, 17), (),
                     hours(48), id="berlin_nine_to_five_spring_week_case"),
        pytest.param(BERLIN_NINE_TO_FIVE, berlin(2026, 10, 19), berlin(2026, 10, 26, 17), (),
                     hours(48), id="berlin_nine_to_five_fall_week_case"),
        pytest.param(NEW_YORK_NINE_TO_FIVE, new_york(2026, 3, 2), new_york(2026, 3, 9, 17), (),
                     hours(48), id="new_york_nine_to_five_spring_week_case"),
        pytest.param(NEW_YORK_NINE_TO_FIVE, new_york(2026, 10, 26), new_york(2026, 11, 2, 17),
                     (), hours(48), id="new_york_nine_to_five_fall_week_case"),
        # A Saturday night shift loses the skipped hour and gains the repeated one.
        pytest.param(calendar("22:00-06:00", zone="Europe/Berlin", days=[5]),
                     berlin(2026, 3, 28), berlin(2026, 3, 29, 12), (), hours(7),
                     id="night_shift_spring_forward_case"),
        pytest.param(calendar("22:00-06:00", zone="Europe/Berlin", days=[5]),
                     berlin(2026, 10, 24), berlin(2026, 10, 25, 12), (), hours(9),
                     id="night_shift_fall_back_case"),
        # Wall-clock rule: 02:00-02:30 does not exist on the spring night...
        pytest.param(calendar("01:30-02:30", zone="Europe/Berlin", days=[6]),
                     berlin(2026, 3, 28), berlin(2026, 3, 30), (), timedelta(minutes=30),
                     id="interval_into_skipped_hour_case"),
        # ...and on the autumn night the clock passes 02:00-02:30 twice.
        pytest.param(calendar("01:00-02:30", zone="Europe/Berlin", days=[6]),
                     berlin(2026, 10, 24), berlin(2026, 10, 26), (), hours(2),
                     id="interval_into_repeated_hour_case"),
        pytest.param(calendar("09:00-17:00", holidays=[
                         Holiday(date(2026, 3, 3), (interval("09:00-12:00"),)),
                         Holiday(date(2026, 3, 4))]),
                     utc(2026, 3, 2), utc(2026, 3, 9), (), hours(27),
                     id="partial_and_full_holidays_case"),
    ],
)  # fmt: skip
def test_business_time_between(cal, start, end, pauses, expected):
    assert business_time_between(cal, start, end, pauses) == expected


def test_working_periods_are_merged_utc_and_clipped():
    periods = list(working_periods(BERLIN_HALVES, berlin(2026, 3, 28, 12), berlin(2026, 3, 30)))
    # Two intervals per day touching at noon and midnight: one period, the skipped hour is
    # simply absent from the UTC timeline.
    assert periods == [(utc(2026, 3, 28, 11), utc(2026, 3, 29, 22))]

    periods = list(working_periods(SPLIT, utc(2026, 3, 2, 10), utc(2026, 3, 3, 9)))
    assert periods == [
        (utc(2026, 3, 2, 10), utc(2026, 3, 2, 12)),
        (utc(2026, 3, 2, 16), utc(2026, 3, 2, 20)),
        (utc(2026, 3, 3, 8), utc(2026, 3, 3, 9)),
    ]


def test_repeated_hour_interval_is_two_real_periods():
    cal = calendar("01:00-02:30", zone="Europe/Berlin", days=[6])
    periods = list(working_periods(cal, berlin(2026, 10, 24), berlin(2026, 10, 26)))
    # Written in UTC: Python never finds a repeated local time equal to a time in another
    # zone (PEP 495), so berlin(..., fold=1) would not compare equal to the UTC results.
    assert periods == [
        (utc(2026, 10, 24, 23), utc(2026, 10, 25, 0, 30)),  # 01:00-02:30 CEST, first pass
        (utc(2026, 10, 25, 1), utc(2026, 10, 25, 1, 30)),  # 02:00-02:30 CET, second pass
    ]


# --- SLA clocks ---------------------------------------------------------------------------

FOUR_HOURS = Target("first_response", 4 * 60, business_hours=True)
MONDAY_NINE = utc(2026, 3, 2, 9)


@pytest.mark.parametrize(
    ("now", "stopped_at", "breached", "warning"),
    [
        pytest.param(utc(2026, 3, 2, 11, 59), None, False, False, id="before_warning_case"),
        pytest.param(utc(2026, 3, 2, 12), None, False, True, id="at_warning_case"),
        pytest.param(utc(2026, 3, 2, 13), None, False, True, id="at_due_time_case"),
        pytest.param(utc(2026, 3, 2, 13, 1), None, True, False, id="after_due_time_case"),
        pytest.param(utc(2026, 3, 3, 9), utc(2026, 3, 2, 12, 30), False, False,
                     id="achieved_in_time_case"),
        pytest.param(utc(2026, 3, 3, 9), utc(2026, 3, 2, 13), False, False,
                     id="achieved_at_due_time_case"),
        pytest.param(utc(2026, 3, 2, 14), utc(2026, 3, 2, 13, 30), True, False,
                     id="achieved_late_case"),
    ],
)  # fmt: skip
def test_breach_and_warning_flags(now, stopped_at, breached, warning):
    clock = ClockInput(started_at=MONDAY_NINE, stopped_at=stopped_at)
    deadline = compute_deadline(FOUR_HOURS, clock, NINE_TO_FIVE, now=now)
    assert deadline.due_at == utc(2026, 3, 2, 13)
    assert deadline.warn_at == utc(2026, 3, 2, 12)
    assert deadline.achieved_at == stopped_at
    assert (deadline.breached, deadline.warning) == (breached, warning)


def test_warn_share_is_a_share_of_the_target():
    clock = ClockInput(started_at=MONDAY_NINE)
    deadline = compute_deadline(FOUR_HOURS, clock, NINE_TO_FIVE, now=MONDAY_NINE, warn_share=0.5)
    assert deadline.warn_at == utc(2026, 3, 2, 11)


def test_policy_change_mid_flight_recomputes_from_the_same_history():
    history = [
        (utc(2026, 3, 2, 9), "new"),
        (utc(2026, 3, 2, 10), "pending"),
        (utc(2026, 3, 2, 12), "open"),
    ]
    clock = ClockInput(MONDAY_NINE, pauses_from_history(history, {"pending", "on_hold"}))
    now = utc(2026, 3, 2, 16)
    before = compute_deadline(Target("resolution", 8 * 60, True), clock, NINE_TO_FIVE, now=now)
    # The priority goes up: a 4 h target, the same clock, nothing else carried over.
    after = compute_deadline(Target("resolution", 4 * 60, True), clock, NINE_TO_FIVE, now=now)

    assert (before.due_at, before.breached) == (utc(2026, 3, 3, 11), False)
    assert (after.due_at, after.breached) == (utc(2026, 3, 2, 15), True)
    for deadline in (before, after):
        assert any("2 h of working time not counted" in line for line in deadline.explain)


def test_open_ended_pause_has_no_due_time():
    history = [(utc(2026, 3, 2, 9), "open"), (utc(2026, 3, 2, 10), "on_hold")]
    clock = ClockInput(MONDAY_NINE, pauses_from_history(history, {"pending", "on_hold"}))
    deadline = compute_deadline(FOUR_HOURS, clock, NINE_TO_FIVE, now=utc(2026, 6, 1))
    assert (deadline.due_at, deadline.warn_at) == (None, None)
    assert (deadline.breached, deadline.warning) == (False, False)
    assert any("still paused" in line for line in deadline.explain)


def test_pause_after_the_due_time_does_not_hide_a_breach():
    history = [(utc(2026, 3, 2, 9), "open"), (utc(2026, 3, 2, 14), "pending")]
    clock = ClockInput(MONDAY_NINE, pauses_from_history(history, {"pending"}))
    deadline = compute_deadline(FOUR_HOURS, clock, NINE_TO_FIVE, now=utc(2026, 3, 3, 9))
    assert (deadline.due_at, deadline.breached) == (utc(2026, 3, 2, 13), True)


def test_calendar_time_target_ignores_business_hours():
    target = Target("periodic_update", 24 * 60, business_hours=False)
    clock = ClockInput(utc(2026, 3, 6, 16))
    deadline = compute_deadline(target, clock, NINE_TO_FIVE, now=utc(2026, 3, 6, 17))
    assert deadline.due_at == utc(2026, 3, 7, 16)
    assert deadline.explain[0] == "Target: periodic update within 24 h of calendar time (24x7)."


def test_explain_says_how_the_due_time_was_derived():
    cal = calendar("09:00-17:00", zone="Europe/Berlin", holidays=[CHRISTMAS])
    history = [(berlin(2026, 12, 23, 15), "open"), (berlin(2026, 12, 23, 16), "pending"),
               (berlin(2026, 12, 24, 10), "open")]  # fmt: skip
    clock = ClockInput(berlin(2026, 12, 23, 15), pauses_from_history(history, {"pending"}))
    deadline = compute_deadline(
        Target("next_response", 16 * 60, True), clock, cal, now=berlin(2026, 12, 28, 9)
    )
    assert deadline.explain == (
        "Target: next response within 16 h of working time "
        "(Europe/Berlin: Mon-Fri 09:00-17:00; 1 holiday).",
        "Clock started Wed 2026-12-23 15:00 CET.",
        "Paused Wed 2026-12-23 16:00 CET to Thu 2026-12-24 10:00 CET: "
        "2 h of working time not counted.",
        "Holiday Fri 2026-12-25: closed all day.",
        "Due Mon 2026-12-28 17:00 CET: 16 h of working time after the start. "
        "Warning from Mon 2026-12-28 13:00 CET (75% of the target).",
        "Not achieved yet; not breached as of Mon 2026-12-28 09:00 CET.",
    )


T1, T2, T3, T4 = (utc(2026, 3, 2, hour) for hour in (9, 10, 11, 12))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param([], (), id="no_history_case"),
        pytest.param([(T1, "new"), (T2, "open"), (T3, "solved")], (), id="never_paused_case"),
        pytest.param([(T1, "open"), (T2, "pending"), (T3, "open")], ((T2, T3),),
                     id="paused_and_resumed_case"),
        pytest.param([(T1, "open"), (T2, "pending")], ((T2, None),), id="still_paused_case"),
        pytest.param([(T1, "pending"), (T2, "on_hold"), (T3, "open")], ((T1, T3),),
                     id="between_paused_categories_is_one_pause_case"),
        pytest.param([(T1, "pending"), (T2, "open"), (T3, "on_hold"), (T4, "solved")],
                     ((T1, T2), (T3, T4)), id="two_pauses_case"),
        pytest.param([(T1, "open"), (T2, "pending"), (T2, "open")], (),
                     id="zero_length_pause_dropped_case"),
    ],
)  # fmt: skip
def test_pauses_from_history(changes, expected):
    assert pauses_from_history(changes, {"pending", "on_hold"}) == expected


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: add_business_time(NINE_TO_FIVE, datetime(2026, 3, 2), hours(1)),  # noqa: DTZ001
                     id="naive_start_case"),
        pytest.param(lambda: add_business_time(NINE_TO_FIVE, MONDAY_NINE, -hours(1)),
                     id="negative_duration_case"),
        pytest.param(lambda: add_business_time(BusinessCalendar("UTC", {}), MONDAY_NINE, hours(1)),
                     id="calendar_without_working_time_case"),
        # Working time exists only on one day in 2020: the search gives up after MAX_DAYS.
        pytest.param(lambda: add_business_time(
                         BusinessCalendar("UTC", {}, (Holiday(date(2020, 1, 6),
                                                              (interval("09:00-17:00"),)),)),
                         MONDAY_NINE, hours(1)),
                     id="no_working_time_within_max_days_case"),
        pytest.param(lambda: business_time_between(
                         NINE_TO_FIVE, MONDAY_NINE, T4, [(T3, T2)]), id="pause_reversed_case"),
        pytest.param(lambda: BusinessCalendar("Mars/Olympus", {}), id="unknown_time_zone_case"),
        pytest.param(lambda: BusinessCalendar("UTC", {7: ()}), id="weekday_out_of_range_case"),
        pytest.param(lambda: Interval(time(9, tzinfo=UTC), time(17)), id="aware_interval_case"),
        pytest.param(lambda: Target("lunch", 60, True), id="unknown_metric_case"),
        pytest.param(lambda: pauses_from_history([(T2, "open"), (T1, "pending")], {"pending"}),
                     id="history_out_of_order_case"),
        pytest.param(lambda: compute_deadline(FOUR_HOURS, ClockInput(MONDAY_NINE), NINE_TO_FIVE,
                                              now=MONDAY_NINE, warn_share=1.5),
                     id="warn_share_above_one_case"),
    ],
)  # fmt: skip
def test_bad_input_is_a_value_error(call):
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        call()


def test_engine_imports_only_the_standard_library():
    tree = ast.parse(Path(engine.__file__).read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
    }
    assert imported == {"collections", "dataclasses", "datetime", "zoneinfo"}


# --- efficiency ---------------------------------------------------------------------------


@pytest.fixture
def day_lookups(monkeypatch):
    """The local days the engine looked up, in order (one entry per lookup)."""
    looked_up = []
    intervals_on = BusinessCalendar.intervals_on

    def counting_intervals_on(self, day):
        looked_up.append(day)
        return intervals_on(self, day)

    monkeypatch.setattr(BusinessCalendar, "intervals_on", counting_intervals_on)
    return looked_up


def test_long_target_over_many_holidays_walks_day_by_day(day_lookups):
    start = utc(2026, 1, 5, 9)  # a Monday
    days = (start.date() + timedelta(days=n) for n in range(1200))
    weekdays = [day for day in days if day.weekday() < 5]
    holidays = set(weekdays[1:600:3])  # every third weekday, 200 of them
    assert len(holidays) == 200
    cal = calendar("09:00-17:00", holidays=[Holiday(day) for day in sorted(holidays)])

    result = add_business_time(cal, start, timedelta(days=30))  # 90 working days of 8 h

    open_days = [day for day in weekdays if day not in holidays]
    assert result == datetime.combine(open_days[89], time(17), tzinfo=UTC)
    days_walked = (result.date() - start.date()).days + 1
    assert len(day_lookups) <= 3 * days_walked  # a few lookups per day, never per minute


def test_short_target_on_24x7_looks_at_a_day_only(day_lookups):
    assert add_business_time(BERLIN_ALWAYS, MONDAY_NINE, hours(1)) == utc(2026, 3, 2, 10)
    assert len(day_lookups) <= 3


# --- the oracle ---------------------------------------------------------------------------

# 2026 switch days per zone; random starts fall in the days before one, so that most
# horizons of the zones with DST contain a switch.
SWITCH_DAYS = {
    "Europe/Berlin": [date(2026, 3, 29), date(2026, 10, 25)],
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)],
    "Australia/Lord_Howe": [date(2026, 4, 5), date(2026, 10, 4)],  # 30-minute switches
    "Asia/Kolkata": [date(2026, 3, 29)],  # no DST
    "UTC": [date(2026, 10, 25)],
}
HORIZON_MINUTES = 6 * 24 * 60  # how far the oracle walks, minute by minute


def oracle_intervals_on(cal: BusinessCalendar, day: date) -> tuple[Interval, ...]:
    """The rule, stated directly: a dated holiday, else a yearly one from its own year on
    (first listed wins), else the weekday."""
    for holiday in cal.holidays:
        if not holiday.yearly and holiday.day == day:
            return holiday.intervals
    for holiday in cal.holidays:
        recurs = (holiday.day.month, holiday.day.day) == (day.month, day.day)
        if holiday.yearly and recurs and holiday.day.year <= day.year:
            return holiday.intervals
    return cal.weekly.get(day.weekday(), ())


def oracle_spans(cal: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
    """Naive local [start, end) of each interval starting on `day`; overnight ones end on
    the next day."""
    return [
        (
            datetime.combine(day, iv.start),
            datetime.combine(day + timedelta(days=iv.end <= iv.start), iv.end),
        )
        for iv in oracle_intervals_on(cal, day)
    ]


def oracle_working_minutes(cal: BusinessCalendar, start: datetime, count: int) -> list[bool]:
    """For each UTC minute from `start`: does the local wall-clock reading lie in an interval
    starting that local day, or in an overnight one that started the day before?"""
    zone = ZoneInfo(cal.time_zone)
    # A memo only: the rule is the lookup in is_working.
    spans_by_day: dict[date, list[tuple[datetime, datetime]]] = {}

    def is_working(wall: datetime) -> bool:
        day = wall.date()
        if day not in spans_by_day:
            spans_by_day[day] = oracle_spans(cal, day) + oracle_spans(cal, day - timedelta(1))
        return any(span_start <= wall < span_end for span_start, span_end in spans_by_day[day])

    walls = [(start + i * MINUTE).astimezone(zone).replace(tzinfo=None) for i in range(count)]
    return [is_working(wall) for wall in walls]


def oracle_paused_minutes(pauses: Sequence[Pause], start: datetime, count: int) -> list[bool]:
    def paused(t: datetime) -> bool:
        return any(p_start <= t and (p_end is None or t < p_end) for p_start, p_end in pauses)

    return [paused(start + i * MINUTE) for i in range(count)]


def minute_of_day(n: int) -> time:
    return time(*divmod(n, 60))


@st.composite
def intervals_st(draw):
    result = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 24 * 60 - 1))
        length = draw(st.integers(1, 12 * 60) | st.just(24 * 60))  # end <= start: overnight
        result.append(Interval(minute_of_day(start), minute_of_day((start + length) % (24 * 60))))
    return tuple(result)


@st.composite
def calendars_st(draw, zone, anchor):
    weekly = {day: draw(st.just(()) | intervals_st()) for day in range(7)}
    if not any(weekly.values()):
        weekly[draw(st.integers(0, 6))] = draw(intervals_st())
    holidays = []
    for _ in range(draw(st.integers(0, 3))):
        day = anchor + timedelta(days=draw(st.integers(-10, 10)))
        yearly = draw(st.booleans())
        if yearly:  # recurring from an earlier year, this year, or only from a later one
            day = day.replace(year=draw(st.sampled_from([2019, 2026, 2027])))
        holidays.append(Holiday(day, draw(st.just(()) | intervals_st()), yearly))
    return BusinessCalendar(zone, weekly, tuple(holidays))


@st.composite
def scenarios_st(draw):
    zone = draw(st.sampled_from(sorted(SWITCH_DAYS)))
    anchor = draw(st.sampled_from(SWITCH_DAYS[zone]))
    cal = draw(calendars_st(zone, anchor))
    # Local midnight of a day up to five days before the switch day, then any minute of it.
    day = anchor - timedelta(days=draw(st.integers(0, 5)))
    midnight = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    start = midnight + draw(st.integers(0, 24 * 60 - 1)) * MINUTE
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        pause_start = start + draw(st.integers(-24 * 60, HORIZON_MINUTES)) * MINUTE
        length = draw(st.integers(0, 3 * 24 * 60))  # 0: still paused
        pauses.append((pause_start, pause_start + length * MINUTE if length else None))
    return cal, start, pauses


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenarios_st(),
    st.integers(0, 3 * 24 * 60),
    st.integers(0, HORIZON_MINUTES),
    st.integers(0, HORIZON_MINUTES),
)
def test_engine_agrees_with_the_minute_by_minute_oracle(scenario, target, first, second):
    cal, start, pauses = scenario
    working = oracle_working_minutes(cal, start, HORIZON_MINUTES)
    paused = oracle_paused_minutes(pauses, start, HORIZON_MINUTES)
    counted = [w and not p for w, p in zip(working, paused, strict=True)]
    horizon = start + HORIZON_MINUTES * MINUTE

    # working_periods: exactly the oracle's working minutes, merged.
    periods = list(working_periods(cal, start, horizon))
    from_periods = [False] * HORIZON_MINUTES
    for period_start, period_end in periods:
        for i in range((period_start - start) // MINUTE, (period_end - start) // MINUTE):
            from_periods[i] = True
    assert from_periods == working
    assert all(a_end < b_start for (_, a_end), (b_start, _) in pairwise(periods))

    # business_time_between on a random sub-range.
    low, high = sorted((first, second))
    between = business_time_between(cal, start + low * MINUTE, start + high * MINUTE, pauses)
    assert between == sum(counted[low:high]) * MINUTE

    # add_business_time: the minute in which the count reaches the target, if in reach.
    expected = oracle_add(counted, start, target)
    zone = ZoneInfo(cal.time_zone)
    switches = start.astimezone(zone).utcoffset() != horizon.astimezone(zone).utcoffset()
    event(f"UTC offset changes within the horizon: {switches}")
    event(f"target reached within the horizon: {expected is not None}")
    try:
        result = add_business_time(cal, start, target * MINUTE, pauses)
    except ValueError:  # the calendar is too sparse to reach the target within MAX_DAYS
        assert expected is None
        return
    if expected is not None:
        assert result == expected
    elif any(end is None and p_start < horizon for p_start, end in pauses):
        assert result is None  # the clock stopped for good before reaching the target
    else:
        assert result is None or result > horizon


def oracle_add(counted: list[bool], start: datetime, target: int) -> datetime | None:
    """`start` plus minutes until `target` counted minutes have passed; None if not within
    the oracle's horizon."""
    if target == 0:
        return start
    total = 0
    for i, is_counted in enumerate(counted):
        total += is_counted
        if total == target:
            return start + (i + 1) * MINUTE
    return None


@settings(max_examples=200, deadline=None)
@given(scenarios_st(), st.integers(0, 3 * 24 * 60))
def test_business_time_up_to_the_result_is_the_duration(scenario, target):
    cal, start, pauses = scenario
    try:
        result = add_business_time(cal, start, target * MINUTE, pauses)
    except ValueError:
        return
    if result is not None:
        assert business_time_between(cal, start, result, pauses) == target * MINUTE
        # ...and it is the earliest such instant: a minute earlier is a minute short.
        if target:
            short = business_time_between(cal, start, result - MINUTE, pauses)
            assert short == (target - 1) * MINUTE
