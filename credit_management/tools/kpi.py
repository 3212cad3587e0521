"""Receivable KPIs: DSO, best possible DSO, days delinquent, days late, CEI,
overdue and recovery ratios.

Protocol: the ORM layer sums the figures of a period (in company currency,
taxes included) and passes plain numbers here.  Notation, as in the UI help:
AR = receivables outstanding at period end, S = credit sales of the period
(posted customer invoices minus credit notes), D = days in the period.
Day counts are returned unrounded, ratios as percentages (0–100), and every
function returns ``None``, never 0 nor an exception, when its denominator is
0: "no sales" is not "zero days".

>>> dso(200_000.0, 2_000_000.0, 365)
36.5
>>> round(dso_count_back(212_000.0, [(100_000.0, 31), (80_000.0, 28), (70_000.0, 31)]), 1)
73.2
>>> average_days_delinquent(15_000.0, 4_000.0, 10_000.0, 30)
33.0
>>> round(cei(100_000.0, 60_000.0, 90_000.0, 55_000.0), 1)
66.7
>>> recovery_rate(30_000.0, 40_000.0)
75.0
>>> print(dso(1000.0, 0.0, 30))
None
"""


def _percent(part, whole):
    """``part / whole × 100``, ``None`` when ``whole`` is 0."""
    return part / whole * 100.0 if whole else None


def dso(ar, sales, days):
    """DSO, standard: ``AR / S × D``; ``None`` when S is 0."""
    return ar / sales * days if sales else None


def dso_count_back(ar, months):
    """DSO, count-back (exhaustion method).

    ``months`` are ``(sales, days)`` pairs, most recent month first.  From AR,
    subtract the latest month's sales and count its days, then the previous
    month's, until what is left is less than a month's sales; then add
    ``left / that month's sales × that month's days``.  AR of 0 or less gives
    0 days.  ``None`` when the months given run out before AR does (the
    history is too short to say).

    >>> dso_count_back(50.0, [(100.0, 30)])
    15.0
    >>> dso_count_back(150.0, [(100.0, 30), (0.0, 31), (100.0, 30)])
    76.0
    >>> print(dso_count_back(150.0, [(100.0, 30)]))
    None
    """
    left = ar
    counted = 0
    for sales, days in months:
        if left <= 0:
            return float(counted)
        if left < sales:
            return counted + left / sales * days
        left -= sales
        counted += days
    return float(counted) if left <= 0 else None


def best_possible_dso(not_due_ar, sales, days):
    """Best possible DSO: ``not-yet-due AR / S × D``; ``None`` when S is 0."""
    return dso(not_due_ar, sales, days)


def average_days_delinquent(ar, not_due_ar, sales, days):
    """ADD (average days delinquent): ``DSO − best possible DSO``, that is
    ``(AR − not-yet-due AR) / S × D``; ``None`` when S is 0."""
    if not sales:
        return None
    return dso(ar, sales, days) - best_possible_dso(not_due_ar, sales, days)


def days_late(due_date, paid_or_today):
    """Days late of an item: payment date (or today, while it is open) minus
    due date, floored at 0."""
    return max((paid_or_today - due_date).days, 0)


def weighted_days_late(items):
    """Weighted average days late: ``Σ(amount × days late) / Σ amount``.

    ``items`` are ``(amount, days late)`` pairs: each partial payment with its
    own days late, and open overdue items with today's.  Negative days late
    (paid early) count as 0.  ``None`` when ``Σ amount`` is 0.

    >>> round(weighted_days_late([(140.0, 7), (85.0, 55), (214.0, 10)]), 1)
    17.8
    >>> weighted_days_late([(100.0, -5), (100.0, 10)])
    5.0
    """
    items = list(items)
    total = sum(amount for amount, _days in items)
    if not total:
        return None
    return sum(amount * max(days, 0) for amount, days in items) / total


def cei(opening_ar, sales, closing_ar, closing_not_due_ar):
    """CEI (collection effectiveness index) of one month, in percent:
    ``(opening AR + S − closing AR) / (opening AR + S − closing not-yet-due AR)
    × 100``; ``None`` when the denominator is 0."""
    return _percent(opening_ar + sales - closing_ar, opening_ar + sales - closing_not_due_ar)


def cei_average(months):
    """CEI over several months: each month's CEI, then their plain average
    (not a CEI of the summed figures).  ``months`` are ``(opening AR, S,
    closing AR, closing not-yet-due AR)`` tuples.  Months whose CEI is
    ``None`` are left out; ``None`` when none is left.

    >>> cei_average([(100.0, 50.0, 75.0, 0.0), (75.0, 25.0, 50.0, 0.0)])
    50.0
    """
    values = [value for value in (cei(*month) for month in months) if value is not None]
    return sum(values) / len(values) if values else None


def overdue_ratio(overdue_ar, total_ar):
    """Overdue ratio (taux d'échu): ``overdue AR / total AR × 100``;
    ``None`` when total AR is 0."""
    return _percent(overdue_ar, total_ar)


def over_90_ratio(over_90_ar, total_ar):
    """Over-90 ratio: ``AR more than 90 days past due / total AR × 100``;
    ``None`` when total AR is 0."""
    return _percent(over_90_ar, total_ar)


def recovery_rate(collected, overdue_at_start):
    """Recovery rate (taux de recouvrement): ``collected in the period on
    amounts overdue at its start / those overdue amounts × 100``; ``None``
    when nothing was overdue at the start."""
    return _percent(collected, overdue_at_start)
