"""Exposure (encours) of one customer and the credit-limit rules built on it.

Protocol: the ORM layer reads every component of every partner in one query
(``credit.exposure``), builds one :class:`Exposure` per partner, then asks it
for totals and decisions.  Amounts are in company currency; a component that
the company switched off is left out of the total but still reported.

>>> e = Exposure(not_due=1000.0, overdue=500.0, draft_invoices=200.0,
...              sale_orders=300.0, unapplied=-250.0)
>>> e.total()
1750.0
>>> e.total(included=("not_due", "overdue"))
1500.0
>>> available_credit(2000.0, e.total())
250.0
>>> utilisation(2000.0, e.total())
87.5
>>> exceeds_limit(2000.0, 1750.0, 300.0, tolerance=0.0)
True
>>> exceeds_limit(2000.0, 1750.0, 300.0, tolerance=5.0)
False
"""

from dataclasses import dataclass
from datetime import date

COMPONENTS = ("not_due", "overdue", "draft_invoices", "sale_orders", "unapplied")


@dataclass(frozen=True)
class Exposure:
    """What one customer owes or will owe, by component (company currency)."""

    not_due: float = 0.0  # posted, open, due date today or later
    overdue: float = 0.0  # posted, open, due date passed
    draft_invoices: float = 0.0  # draft invoices net of draft credit notes
    sale_orders: float = 0.0  # confirmed sales not yet invoiced, taxes included
    unapplied: float = 0.0  # unmatched payments and credit notes (negative)
    oldest_overdue: date | None = None  # due date of the oldest overdue item

    def total(self, included=COMPONENTS):
        return sum(getattr(self, name) for name in included)

    def components(self):
        return {name: getattr(self, name) for name in COMPONENTS}


def available_credit(limit, exposure):
    """Credit left before the limit; negative when the customer is over it."""
    return limit - exposure


def utilisation(limit, exposure):
    """Exposure as a percentage of the limit; 0.0 when there is no limit."""
    return exposure / limit * 100.0 if limit > 0 else 0.0


def exceeds_limit(limit, exposure, order_amount, tolerance, digits=2):
    """Whether adding ``order_amount`` takes the exposure over the limit plus
    ``tolerance`` percent.  A limit of 0 means no limit (Odoo's convention).
    Amounts are compared once rounded to the currency's ``digits``, so a
    figure equal to the ceiling to the cent does not exceed it."""
    if limit <= 0:
        return False
    ceiling = round(limit * (1.0 + tolerance / 100.0), digits)
    return round(exposure + order_amount, digits) > ceiling


def credit_figures(exposure, limit, included, today, digits=2):
    """Every figure of a customer's credit position, amounts rounded to the
    currency's ``digits``; ``included`` names the components that count.

    >>> from datetime import date
    >>> e = Exposure(overdue=1200.004, oldest_overdue=date(2025, 6, 1))
    >>> figures = credit_figures(e, 1000.0, COMPONENTS, date(2025, 6, 30))
    >>> figures["total"], figures["available"], figures["over_limit"], figures["days_overdue"]
    (1200.0, -200.0, True, 29)
    """
    total = round(exposure.total(included), digits)
    return {
        **{name: round(amount, digits) for name, amount in exposure.components().items()},
        "total": total,
        "available": round(available_credit(limit, total), digits),
        "utilisation": utilisation(limit, total),
        "over_limit": exceeds_limit(limit, total, 0.0, 0.0, digits),
        "oldest_overdue": exposure.oldest_overdue,
        "days_overdue": days_overdue(exposure.oldest_overdue, today),
    }


def days_overdue(oldest_due, today):
    """Days since the oldest overdue item fell due (0 when nothing is overdue)."""
    return max((today - oldest_due).days, 0) if oldest_due else 0
