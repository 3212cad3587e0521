"""Ageing buckets and the as-of residual rule.

Protocol: a bucket set is a tuple of strictly increasing, positive integer
*upper bounds* (days past due) of the overdue buckets.  With ``n`` bounds
there are ``n + 2`` buckets: index 0 is "Not due" (0 days past due or fewer,
i.e. due today or later), index ``i`` for ``1 <= i <= n`` runs from the
previous bound + 1 to ``bounds[i - 1]`` inclusive, and index ``n + 1`` holds
everything beyond the last bound.  The ORM layer validates a user-defined set
with :func:`validate_bounds`, computes each item's days past its due date (or
invoice date, when the company ages by invoice date) with :func:`days_past`,
and files it with :func:`bucket_index`.  SQL stays in the models; this module
only states the rules, so the SQL can be tested against them.

>>> bucket_labels(DEFAULT_BOUNDS)
('Not due', '1–30', '31–60', '61–90', '91–120', '>120')
>>> [bucket_index(days) for days in (-5, 0, 1, 30, 31, 120, 121)]
[0, 0, 1, 1, 2, 4, 5]
>>> validate_bounds((30, 60, 90))
()
>>> validate_bounds((30, 30, -1))
('not_positive', 'not_increasing')
>>> from datetime import date
>>> days_past(reference_date(date(2025, 5, 31), date(2025, 5, 1)), date(2025, 6, 30))
30
>>> residual_as_of(1000.0, [(400.0, date(2025, 6, 15)), (600.0, date(2025, 7, 2))],
...                date(2025, 6, 30))
600.0
"""

from bisect import bisect_left
from itertools import pairwise

DEFAULT_BOUNDS = (30, 60, 90, 120)
NOT_DUE = "Not due"  # label of bucket 0; the caller translates it

BY_DUE_DATE = "due_date"
BY_INVOICE_DATE = "invoice_date"


def validate_bounds(bounds):
    """Error codes for a user-defined bucket set, empty when it is fine.

    ``empty``: no bound at all; ``not_integer``: a bound is not a whole
    number of days; ``not_positive``: a bound is 0 or less;
    ``not_increasing``: a bound is not greater than the one before it.

    >>> validate_bounds(())
    ('empty',)
    >>> validate_bounds((15, 7.5))
    ('not_integer', 'not_increasing')
    """
    bounds = tuple(bounds)
    if not bounds:
        return ("empty",)
    errors = []
    if any(isinstance(b, bool) or not isinstance(b, int) for b in bounds):
        errors.append("not_integer")
    if any(b <= 0 for b in bounds):
        errors.append("not_positive")
    if any(later <= earlier for earlier, later in pairwise(bounds)):
        errors.append("not_increasing")
    return tuple(errors)


def parse_bounds(text):
    """The bounds written in ``text`` ("30, 60, 90"), and the error codes of
    :func:`validate_bounds` plus ``not_integer`` for a word that is not a
    whole number.  Commas, semicolons and spaces all separate bounds.

    >>> parse_bounds("15; 45 90")
    ((15, 45, 90), ())
    >>> parse_bounds("30, sixty")
    ((30,), ('not_integer',))
    >>> parse_bounds("60, 30")
    ((60, 30), ('not_increasing',))
    """
    words = (text or "").replace(",", " ").replace(";", " ").split()
    bounds = tuple(int(word) for word in words if word.lstrip("-").isdigit())
    errors = validate_bounds(bounds)
    if len(bounds) < len(words) and "not_integer" not in errors:
        errors = ("not_integer", *errors)
    return bounds, errors


def format_bounds(bounds):
    """The text :func:`parse_bounds` reads back: ``"30, 60, 90"``."""
    return ", ".join(str(bound) for bound in bounds)


def bucket_count(bounds=DEFAULT_BOUNDS):
    """Number of buckets: "Not due", one per bound, and the open-ended last one."""
    return len(bounds) + 2


def bucket_index(days_past_due, bounds=DEFAULT_BOUNDS):
    """Index of the bucket for an item ``days_past_due`` days past due.

    0 days or fewer is "Not due" (index 0); a bound belongs to the bucket it
    closes, so with the default set 30 is in 1–30 and 31 in 31–60.
    """
    if days_past_due <= 0:
        return 0
    return bisect_left(bounds, days_past_due) + 1


def bucket_label(index, bounds=DEFAULT_BOUNDS):
    """Label of bucket ``index``: ``Not due``, ``a–b`` or ``>last``.

    >>> bucket_label(3, (15, 45))
    '>45'
    >>> bucket_label(2, (15, 45))
    '16–45'
    """
    if not 0 <= index < bucket_count(bounds):
        raise IndexError(index)
    if index == 0:
        return NOT_DUE
    if index == len(bounds) + 1:
        return f">{bounds[-1]}"
    low = bounds[index - 2] + 1 if index > 1 else 1
    return f"{low}–{bounds[index - 1]}"


def bucket_labels(bounds=DEFAULT_BOUNDS):
    """Labels of every bucket, in order."""
    return tuple(bucket_label(index, bounds) for index in range(bucket_count(bounds)))


def reference_date(due_date, invoice_date, basis=BY_DUE_DATE):
    """The date an item ages from: its due date (falling back to the invoice
    date when it has none), or its invoice date when ageing by invoice date."""
    if basis == BY_INVOICE_DATE:
        return invoice_date
    return due_date or invoice_date


def days_past(reference, as_of):
    """Days from ``reference`` to ``as_of``; negative when not yet reached."""
    return (as_of - reference).days


def residual_as_of(amount, reconciliations, as_of):
    """What was still open of an item of ``amount`` on ``as_of``.

    ``reconciliations`` are ``(amount, max_date)`` pairs, the amount positive
    as in ``account.partial.reconcile``; only those dated on or before
    ``as_of`` count, and each brings the residual towards zero, so a payment
    (negative amount) works like an invoice.  An item dated after ``as_of``
    does not exist at that date at all: see :func:`exists_as_of`.

    >>> from datetime import date
    >>> residual_as_of(-500.0, [(200.0, date(2025, 1, 31))], date(2025, 1, 31))
    -300.0
    """
    matched = sum(part for part, max_date in reconciliations if max_date <= as_of)
    return amount - matched if amount >= 0 else amount + matched


def exists_as_of(item_date, as_of):
    """Whether an item dated ``item_date`` belongs to a balance as of ``as_of``."""
    return item_date <= as_of
