"""Risk score points: 0–100, higher is safer, always explainable.

Protocol: the ORM layer computes the payment behaviour of each customer in
one query (:class:`Behaviour`, plain numbers), then asks :func:`score` for
its points with the company's weights (``{input: weight}``, see
:data:`DEFAULT_WEIGHTS`).  Each behaviour input takes away up to its weight,
in proportion to how far its value goes toward its "full penalty" point
(:data:`FULL_PENALTY_AT`); what is left of 100 is the internal score.  An
external rating (0–100 once put on its scale) may then be blended in with
its own weight in percent.  :func:`segment_for` maps a score to the segment
whose inclusive range holds it.

A customer with fewer invoices than the company's minimum has no score: it is
"not enough history", never "excellent".

>>> figures = Behaviour(invoice_count=10, days_late_12m=30.0, relationship_days=730)
>>> result = score(figures, DEFAULT_WEIGHTS, min_invoices=3)
>>> result.score
90
>>> [(line.key, line.value, line.points) for line in result.lines if line.points]
[('days_late_12m', 30.0, -10.0)]
>>> print(score(Behaviour(invoice_count=2), DEFAULT_WEIGHTS, min_invoices=3).score)
None
>>> segment_for(90, [("good", 60, 79), ("excellent", 80, 100)])
'excellent'
"""

from dataclasses import dataclass, fields
from itertools import pairwise

# input: (the points it may take away, the value at which it takes them all)
DEFAULT_WEIGHTS = {
    "days_late_12m": 20,
    "days_late_6m": 10,
    "days_late_trend": 5,
    "late_invoice_share": 10,
    "late_amount_share": 10,
    "longest_delay": 5,
    "over_30_share": 10,
    "over_90_share": 10,
    "dunning_level": 5,
    "open_disputes": 5,
    "limit_utilisation": 5,
    "relationship_days": 5,
}
# The value at which an input takes all its weight; below, a straight line
# from 0.  Relationship age works the other way round: a new customer loses
# all its weight, one known for two years none.
FULL_PENALTY_AT = {
    "days_late_12m": 60.0,  # days
    "days_late_6m": 60.0,  # days
    "days_late_trend": 30.0,  # days worse over 6 months than over 12
    "late_invoice_share": 100.0,  # %
    "late_amount_share": 100.0,  # %
    "longest_delay": 120.0,  # days
    "over_30_share": 100.0,  # % of the balance
    "over_90_share": 100.0,  # % of the balance
    "dunning_level": 3.0,  # rank of the level in its ladder
    "open_disputes": 3.0,  # disputes
    "limit_utilisation": 150.0,  # % of the limit; 0 when there is no limit
    "relationship_days": 730.0,  # days since the first invoice
}
INPUTS = tuple(DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class Behaviour:
    """The payment behaviour of one customer in one company."""

    invoice_count: int = 0
    days_late_6m: float = 0.0  # amount-weighted average days late, items due in 6 months
    days_late_12m: float = 0.0  # same over 12 months
    late_invoice_share: float = 0.0  # % of the invoices due in 12 months paid late
    late_amount_share: float = 0.0  # % of their amounts paid (or still open) late
    longest_delay: float = 0.0  # days, longest delay of an item due in 12 months
    over_30_share: float = 0.0  # % of the open balance more than 30 days overdue
    over_90_share: float = 0.0  # % of the open balance more than 90 days overdue
    dunning_level: int = 0  # rank of the highest level reached in 12 months
    open_disputes: int = 0
    limit_utilisation: float = 0.0  # % of the credit limit used
    relationship_days: int = 0  # days since the first invoice

    @property
    def days_late_trend(self):
        """Days late over 6 months less over 12 months: positive = worse."""
        return self.days_late_6m - self.days_late_12m

    def value(self, key):
        return getattr(self, key)


@dataclass(frozen=True)
class ScoreLine:
    key: str  # an input of INPUTS, or "external_rating"
    value: float
    points: float  # taken away (negative) or, for the rating, added


@dataclass(frozen=True)
class Score:
    score: int | None  # None: not enough history
    lines: tuple = ()


def points(key, value, weight):
    """The points (0 or negative) that ``value`` of input ``key`` takes away
    with ``weight``.

    >>> points("days_late_12m", 90.0, 20)
    -20.0
    >>> points("over_30_share", 25.0, 10)
    -2.5
    >>> points("relationship_days", 365, 10)
    -5.0
    >>> points("days_late_trend", -10.0, 5)
    0.0
    """
    full = FULL_PENALTY_AT[key]
    ratio = max(0.0, 1.0 - value / full) if key == "relationship_days" else value / full
    return -round(weight * min(max(ratio, 0.0), 1.0), 2) + 0.0


def score(behaviour, weights, min_invoices=0, external=None, external_weight=0.0):
    """The :class:`Score` of ``behaviour``: 100 less the points of each
    input, then blended with ``external`` (a rating already on 0–100, or
    None) at ``external_weight`` percent.  ``score`` is None when the
    customer has fewer than ``min_invoices`` invoices.

    >>> figures = Behaviour(invoice_count=5, relationship_days=730)
    >>> score(figures, DEFAULT_WEIGHTS, external=50.0, external_weight=20.0).score
    90
    """
    if behaviour.invoice_count < min_invoices:
        return Score(None, ())
    lines = [
        ScoreLine(key, round(behaviour.value(key), 2), points(key, behaviour.value(key), weight))
        for key, weight in weights.items()
        if weight
    ]
    internal = max(0.0, 100.0 + sum(line.points for line in lines))
    total = internal
    if external is not None and external_weight:
        share = min(max(external_weight, 0.0), 100.0) / 100.0
        total = internal * (1 - share) + min(max(external, 0.0), 100.0) * share
        lines.append(ScoreLine("external_rating", external, round(total - internal, 2)))
    return Score(round(total), tuple(lines))


def rating_on_100(value, scale_min, scale_max, higher_is_safer=True):
    """An external rating put on 0–100 (higher is safer), from its scale.

    >>> rating_on_100(7, 1, 10)
    66.67
    >>> rating_on_100(2, 1, 5, higher_is_safer=False)
    75.0
    """
    if scale_max == scale_min:
        return None
    ratio = (value - scale_min) / (scale_max - scale_min)
    ratio = min(max(ratio, 0.0), 1.0)
    return round((ratio if higher_is_safer else 1 - ratio) * 100.0, 2)


def segment_for(value, ranges):
    """The key of the first ``(key, low, high)`` range holding ``value``
    (bounds included), None when none does or ``value`` is None."""
    if value is None:
        return None
    for key, low, high in ranges:
        if low <= value <= high:
            return key
    return None


def range_errors(ranges):
    """Why ``(key, low, high)`` ranges are invalid: ``("bounds", key)`` for a
    range outside 0–100 or upside down, ``("overlap", key, other)`` for two
    ranges sharing a score.  Empty when they are fine.

    >>> range_errors([("a", 0, 50), ("b", 50, 100)])
    [('overlap', 'a', 'b')]
    >>> range_errors([("a", 60, 40)])
    [('bounds', 'a')]
    """
    errors = [("bounds", key) for key, low, high in ranges if not 0 <= low <= high <= 100]
    valid = sorted(
        ((low, high, key) for key, low, high in ranges if 0 <= low <= high <= 100),
        key=lambda r: (r[0], r[1]),
    )
    for (_low, high, key), (next_low, _next_high, next_key) in pairwise(valid):
        if next_low <= high:
            errors.append(("overlap", key, next_key))
    return errors


def moved_down(old_low, new_low):
    """Whether a customer moving from the segment starting at ``old_low``
    to the one starting at ``new_low`` moved to a riskier segment."""
    return old_low is not None and new_low is not None and new_low < old_low


def behaviour_fields():
    return tuple(f.name for f in fields(Behaviour))
