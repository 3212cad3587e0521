"""Report periods, their months, and the weeks of the collection forecast.

Protocol: a period is a ``(date_from, date_to)`` pair of dates, both
included.  The KPIs need it cut into *slices*: its calendar months, the first
and last ones cut at the period's bounds, most recent last.  The forecast
files each open item by the week of its expected payment date, counted from
the Monday of the current week.

>>> period_bounds("quarter", date(2025, 5, 14))
(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
>>> month_slices(date(2025, 1, 15), date(2025, 3, 10))  # doctest: +NORMALIZE_WHITESPACE
[(datetime.date(2025, 1, 15), datetime.date(2025, 1, 31)),
 (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28)),
 (datetime.date(2025, 3, 1), datetime.date(2025, 3, 10))]
>>> [forecast_week(date(2025, 6, d), date(2025, 6, 30)) for d in (29, 30)]
[-1, 0]
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_bounds(period, day):
    """First and last day of the calendar month, quarter or year (``period``
    is a key of ``PERIOD_MONTHS``) that contains ``day``.

    >>> period_bounds("month", date(2024, 2, 14))
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    >>> period_bounds("year", date(2025, 5, 14))
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    """
    months = PERIOD_MONTHS[period]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return start, start + relativedelta(months=months, days=-1)


def month_slices(date_from, date_to):
    """The calendar months of ``[date_from, date_to]``, oldest first, as
    ``(first day, last day)`` pairs; the first and last ones are cut at the
    period's bounds.  Empty when ``date_from`` is after ``date_to``.

    >>> month_slices(date(2025, 3, 1), date(2025, 3, 31))
    [(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))]
    >>> month_slices(date(2025, 3, 2), date(2025, 3, 1))
    []
    """
    slices = []
    start = date_from
    while start <= date_to:
        month_end = start.replace(day=1) + relativedelta(months=1, days=-1)
        end = min(month_end, date_to)
        slices.append((start, end))
        start = end + timedelta(days=1)
    return slices


def slice_days(first, last):
    """Days of a slice, both ends included."""
    return (last - first).days + 1


def last_months(today, count):
    """The slices of the ``count`` calendar months up to ``today``, the
    current month cut at ``today``.

    >>> last_months(date(2025, 3, 10), 2)  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(2025, 2, 1), datetime.date(2025, 2, 28)),
     (datetime.date(2025, 3, 1), datetime.date(2025, 3, 10))]
    """
    return month_slices(today.replace(day=1) - relativedelta(months=count - 1), today)


def week_monday(day):
    """The Monday of the week of ``day``: the forecast counts weeks from it."""
    return day - timedelta(days=day.weekday())


def forecast_week(expected, monday):
    """Index of the forecast week of an item expected on ``expected``: 0 for
    the week starting on ``monday``, 1 for the next one...; -1 for any date
    before it (an item already later than its customer's habit).  The SQL of
    the forecast follows this rule.

    >>> [forecast_week(date(2025, 7, d), date(2025, 6, 30)) for d in (6, 7, 13, 14)]
    [0, 1, 1, 2]
    >>> forecast_week(date(2025, 1, 1), date(2025, 6, 30))
    -1
    """
    return max((expected - monday).days // 7, -1)
