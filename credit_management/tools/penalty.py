"""Late-payment interest: simple interest, each period at its own rate.

Protocol: for one invoice the ORM layer passes

* ``amount``: what the invoice asks for, tax included, in its currency;
* ``payments``: ``(date, amount)`` pairs of what was paid on it; a payment
  lowers the base from the day after its date on (its own day is still
  charged on the former base, as is the day of a full payment);
* ``rates``: :class:`Rate` periods (see :func:`legal_rates` for a dated rate
  table, or one open :class:`Rate` for a contractual rate);
* ``start`` and ``end``: the days charged are those after ``start`` (the due
  date, or the last day already charged) up to and including ``end`` (the
  run date, or the day the invoice was paid);
* ``excluded``: ``(date_from, date_to)`` periods never charged (a dispute).

:func:`interest_segments` returns the charged days cut into
:class:`Segment` runs of one base and one rate; their amounts stay
unrounded, and the caller rounds their sum once, in the invoice's currency.
A day no rate covers raises :class:`MissingRate`: interest is never guessed.

DOMAIN.md's worked example: 12,000 due on 15 May 2025, paid on 14 August.

>>> from datetime import date
>>> rates = legal_rates([(date(2025, 1, 1), 13.15), (date(2025, 7, 1), 12.15)])
>>> segments = interest_segments(12000.0, [], rates, date(2025, 5, 15), date(2025, 8, 14))
>>> [(segment.days, segment.rate) for segment in segments]
[(46, 13.15), (45, 12.15)]
>>> round(sum(segment.amount for segment in segments), 2)
378.62
>>> describe(segments)
[(46, 13.15), (45, 12.15)]
"""

from collections import namedtuple
from datetime import date, timedelta
from itertools import pairwise

DAYS_PER_YEAR = 365
ONE_DAY = timedelta(days=1)

# An annual rate in percent, in force from ``date_from`` to ``date_to``
# included (``None``: with no end).
Rate = namedtuple("Rate", ["date_from", "date_to", "percent"])

# Consecutive charged days with one base and one rate; ``amount`` unrounded.
Segment = namedtuple("Segment", ["date_from", "date_to", "days", "base", "rate", "amount"])


class MissingRate(ValueError):
    """No rate covers the days from ``date_from`` to ``date_to`` included."""

    def __init__(self, date_from, date_to):
        super().__init__(f"no rate from {date_from} to {date_to}")
        self.date_from = date_from
        self.date_to = date_to


def half_year_end(day):
    """The last day of the half-year of ``day``.

    >>> half_year_end(date(2025, 2, 10)), half_year_end(date(2025, 7, 1))
    (datetime.date(2025, 6, 30), datetime.date(2025, 12, 31))
    """
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


def legal_rates(table):
    """The :class:`Rate` periods of a dated rate table, ``(date_from,
    percent)`` rows: each rate holds until the day before the next one, and
    the latest until the end of its half-year only, since the legal rate is
    set anew every half-year and a later one must be entered to be charged.

    >>> legal_rates([(date(2025, 7, 1), 12.15), (date(2025, 1, 1), 13.15)])[1]
    Rate(date_from=datetime.date(2025, 7, 1), date_to=datetime.date(2025, 12, 31), percent=12.15)
    """
    rows = sorted(table)
    if not rows:
        return []
    ends = [following - ONE_DAY for following, _percent in rows[1:]]
    ends.append(half_year_end(rows[-1][0]))
    return [
        Rate(date_from, date_to, percent)
        for (date_from, percent), date_to in zip(rows, ends, strict=True)
    ]


def interest_segments(amount, payments, rates, start, end, excluded=()):
    """The days after ``start`` up to ``end`` still owed, cut wherever the
    base, the rate or an exclusion changes (see the module's protocol).

    >>> rates = [Rate(date(2025, 1, 1), None, 10.0)]
    >>> paid = [(date(2025, 3, 10), 600.0)]
    >>> segments = interest_segments(1000.0, paid, rates, date(2025, 3, 1), date(2025, 3, 31))
    >>> [(segment.days, segment.base) for segment in segments]
    [(9, 1000.0), (21, 400.0)]
    """
    first, last = start + ONE_DAY, end
    cuts = {first, last + ONE_DAY}
    cuts.update(day + ONE_DAY for day, _amount in payments)
    for rate in rates:
        cuts.add(rate.date_from)
        if rate.date_to:
            cuts.add(rate.date_to + ONE_DAY)
    for date_from, date_to in excluded:
        cuts.update((date_from, date_to + ONE_DAY))
    bounds = sorted(day for day in cuts if first <= day <= last + ONE_DAY)
    segments = []
    for date_from, following in pairwise(bounds):
        segment = _segment(amount, payments, rates, excluded, date_from, following - ONE_DAY)
        if segment:
            segments.append(segment)
    return segments


def _segment(amount, payments, rates, excluded, date_from, date_to):
    """The segment of these days, or ``None`` when nothing is owed on them."""
    if any(start <= date_from <= stop for start, stop in excluded):
        return None
    base = amount - sum(paid for day, paid in payments if day < date_from)
    if base <= 0:
        return None
    rate = _rate_on(rates, date_from, date_to)
    days = (date_to - date_from).days + 1
    return Segment(date_from, date_to, days, base, rate, base * rate / 100.0 * days / DAYS_PER_YEAR)


def _rate_on(rates, date_from, date_to):
    for rate in rates:
        if rate.date_from <= date_from and (rate.date_to is None or date_from <= rate.date_to):
            return rate.percent
    raise MissingRate(date_from, date_to)


def describe(segments):
    """``(days, rate)`` per run of consecutive segments at one rate: what
    a penalty line's label says ("46 days at 13.15 % + 45 days at 12.15 %").

    >>> day = date(2025, 1, 1)
    >>> describe([Segment(day, day, 9, 1000.0, 10.0, 0.0), Segment(day, day, 21, 400.0, 10.0, 0.0)])
    [(30, 10.0)]
    """
    runs = []
    for segment in segments:
        if runs and runs[-1][1] == segment.rate:
            runs[-1] = (runs[-1][0] + segment.days, segment.rate)
        else:
            runs.append((segment.days, segment.rate))
    return runs


def indemnity_due(amount, business, already_charged):
    """The fixed recovery indemnity an invoice owes on a run: ``amount`` for
    a business customer, once per invoice ever (D441-5), else nothing.

    >>> indemnity_due(40.0, True, False), indemnity_due(40.0, True, True)
    (40.0, 0.0)
    >>> indemnity_due(40.0, False, False)
    0.0
    """
    return amount if business and not already_charged and amount > 0 else 0.0


def fee_due(amount, level_id, charged_level_ids):
    """A level's fee on an invoice: once per (invoice, level).

    >>> fee_due(15.0, 7, {5}), fee_due(15.0, 7, {5, 7})
    (15.0, 0.0)
    """
    return amount if amount > 0 and level_id not in charged_level_ids else 0.0


def interest_start(due_date, last_charged):
    """The day after which interest runs: the due date, or the last day
    already charged when later (no day is charged twice).

    >>> due = date(2025, 5, 15)
    >>> interest_start(due, None), interest_start(due, date(2025, 6, 15))
    (datetime.date(2025, 5, 15), datetime.date(2025, 6, 15))
    """
    return max(due_date, last_charged) if last_charged else due_date


def interest_end(run_date, paid_date):
    """The last day charged: the run date, or the day the invoice was paid
    in full when earlier.

    >>> interest_end(date(2025, 9, 1), date(2025, 8, 14)), interest_end(date(2025, 9, 1), None)
    (datetime.date(2025, 8, 14), datetime.date(2025, 9, 1))
    """
    return min(run_date, paid_date) if paid_date else run_date


def below_french_floor(rate, legal_rate):
    """Whether a contractual rate is below 3 × the legal interest rate, the
    French floor (L441-10 II); unknown (0) legal rate: no opinion.

    >>> below_french_floor(10.0, 3.71), below_french_floor(12.0, 3.71), below_french_floor(1.0, 0.0)
    (True, False, False)
    """
    return legal_rate > 0 and rate < 3 * legal_rate
