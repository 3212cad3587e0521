"""Which dunning level an invoice gets in a run, and when a customer may be
written to again.

Protocol: a ladder is the tuple of its levels' day *offsets* from the due
date, in level order and strictly increasing (negative: before the due date,
e.g. a pre-due notice at -7).  A level is referred to by its index in the
ladder.  The run computes, for each candidate invoice, its days past due on
the run date (run date - due date, negative while not due) and the index of
the last level it already received (``None`` if it never received any), then
asks :func:`next_level`.  The SQL selection applies the same rules; this
module states them so they can be tested without a database; the
scenario refuses a ladder whose offsets do not increase.

>>> LADDER = (-7, 1, 8, 15, 30, 45)
>>> next_level(-10, None, LADDER) is None          # too early even for the notice
True
>>> next_level(-7, None, LADDER)                    # the pre-due notice
0
>>> next_level(20, None, LADDER)                    # first seen 20 days late: Firm
3
>>> next_level(20, 1, LADDER)                       # one level at a time: Reminder
2
>>> next_level(20, 3, LADDER) is None               # Formal notice waits for day 30
True
"""

from bisect import bisect_right
from datetime import timedelta


def reached_level(days_past_due, offsets):
    """The highest level whose offset ``days_past_due`` has reached, or
    ``None`` before the first one.

    >>> reached_level(0, (-7, 1, 8))
    0
    >>> reached_level(8, (-7, 1, 8))
    2
    """
    index = bisect_right(offsets, days_past_due) - 1
    return index if index >= 0 else None


def next_level(days_past_due, last_level, offsets):
    """The level an invoice gets in this run, or ``None`` for none.

    * Never dunned before (``last_level`` is ``None``): the highest level its
      age has reached, never the whole ladder at once (catch-up rule).
    * Dunned before: the next level, once its age reaches that level's
      offset; at most one level per run.
    * After the last level (litigation ends amicable dunning): nothing more.

    >>> next_level(60, 4, (-7, 1, 8, 15, 30, 45))
    5
    >>> next_level(90, 5, (-7, 1, 8, 15, 30, 45)) is None
    True
    """
    if last_level is None:
        return reached_level(days_past_due, offsets)
    following = last_level + 1
    if following < len(offsets) and offsets[following] <= days_past_due:
        return following
    return None


def planned_date(due_date, offsets, last_level, not_before):
    """The date an invoice is due for its next level: the day its age
    reaches that level's offset, not before ``not_before`` (the next run,
    the end of a pause or of the customer's minimum interval); ``None``
    after the last level.  A level already reached is due at once, since
    the next run gives it (catch-up rule).

    >>> from datetime import date
    >>> due, today = date(2025, 6, 1), date(2025, 6, 3)
    >>> planned_date(due, (-7, 1, 8), None, date(2025, 5, 1))   # the notice, a week early
    datetime.date(2025, 5, 25)
    >>> planned_date(due, (-7, 1, 8), 1, today)                 # Friendly sent: day 8
    datetime.date(2025, 6, 9)
    >>> planned_date(due, (-7, 1, 8), None, today)              # reached, never dunned
    datetime.date(2025, 6, 3)
    >>> planned_date(due, (-7, 1, 8), 2, today) is None
    True
    """
    following = 0 if last_level is None else last_level + 1
    if following >= len(offsets):
        return None
    return max(due_date + timedelta(days=offsets[following]), not_before)


def may_write_again(last_sent, run_date, minimum_interval_days):
    """Whether a customer last written to on ``last_sent`` (a date, or
    ``None`` if never) may receive a message on ``run_date``: at least
    ``minimum_interval_days`` days must have passed.

    >>> from datetime import date
    >>> may_write_again(date(2025, 6, 1), date(2025, 6, 8), 7)
    True
    >>> may_write_again(date(2025, 6, 2), date(2025, 6, 8), 7)
    False
    >>> may_write_again(None, date(2025, 6, 8), 7)
    True
    """
    return last_sent is None or (run_date - last_sent).days >= minimum_interval_days


def communication_level(levels):
    """The level of a message listing invoices at ``levels``: its tone
    follows the highest of them.

    >>> communication_level([1, 3, 2])
    3
    """
    return max(levels)
