"""China's working-day calendar (statutory holidays and make-up workdays, package chinese-calendar):
the rule every deadline rolls by (民法典 第二百零三条). Outside the years the package covers: weekends only."""

from __future__ import annotations

import calendar
import datetime as dt
import functools

import chinese_calendar

__all__ = ["add_workdays", "calendar_covers", "days_in", "is_workday", "next_workday"]


def days_in(day: dt.date) -> int:
    """The number of days in `day`'s month."""
    return calendar.monthrange(day.year, day.month)[1]


@functools.cache
def next_workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` (holiday calendar, make-up workdays included)."""
    for _ in range(count):
        day = next_workday(day + dt.timedelta(days=1))
    return day


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Outside the years the holiday calendar covers: weekends only.
        return day.weekday() < 5


def calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True
