"""The rules that stop a sales order for credit reasons.

The ORM layer gathers, for one customer, its exposure, limit and rules, and
asks :func:`blocking_reasons` whether one more order of ``order_amount`` may
be confirmed.  The answer is a tuple of reason codes, empty when the order
may go; each code is turned into a translated sentence by the caller.

>>> from datetime import date
>>> from .exposure import Exposure
>>> rules = CreditRules(use_limit=True, tolerance=10.0, overdue_days=30)
>>> exposure = Exposure(not_due=8000.0, overdue=1000.0, oldest_overdue=date(2025, 5, 1))
>>> blocking_reasons(False, 10000.0, exposure, 2000.0, rules, date(2025, 5, 20))
()
>>> blocking_reasons(False, 10000.0, exposure, 2500.0, rules, date(2025, 6, 15))
('limit', 'overdue')
>>> blocking_reasons(True, 0.0, Exposure(), 1.0, rules, date(2025, 5, 20))
('hold',)
"""

from dataclasses import dataclass

from .exposure import COMPONENTS, days_overdue, exceeds_limit

HOLD = "hold"
LIMIT = "limit"
OVERDUE = "overdue"


@dataclass(frozen=True)
class CreditRules:
    """What a company (or a partner's own override) blocks on."""

    use_limit: bool = False  # compare exposure with the credit limit
    tolerance: float = 0.0  # percent above the limit still accepted
    overdue_days: int = 0  # block when the oldest overdue item is older; 0 = off
    included: tuple = COMPONENTS  # exposure components that count


def blocking_reasons(on_hold, limit, exposure, order_amount, rules, today, digits=2):
    """Reason codes that block an order of ``order_amount`` (company
    currency) for a customer with this ``exposure``, ``limit`` and hold."""
    reasons = []
    if on_hold:
        reasons.append(HOLD)
    if rules.use_limit and exceeds_limit(
        limit, exposure.total(rules.included), order_amount, rules.tolerance, digits
    ):
        reasons.append(LIMIT)
    if rules.overdue_days and days_overdue(exposure.oldest_overdue, today) > rules.overdue_days:
        reasons.append(OVERDUE)
    return tuple(reasons)


def validate_rules(tolerance, overdue_days):
    """Error codes for out-of-range settings, empty when they are fine."""
    errors = []
    if not 0.0 <= tolerance <= 100.0:
        errors.append("tolerance")
    if overdue_days < 0:
        errors.append("overdue_days")
    return tuple(errors)
