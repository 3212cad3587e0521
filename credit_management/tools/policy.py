"""Credit policy checks that need no database.

French law (Code de commerce, L441-10) caps payment terms between businesses
at 60 days from the invoice date, or 45 days end of month (read either way:
45 days then the end of that month, or the end of the month then 45 days).

>>> from datetime import date
>>> exceeds_legal_term(date(2025, 1, 15), date(2025, 3, 31))
False
>>> exceeds_legal_term(date(2025, 1, 15), date(2025, 4, 1))
True
>>> legal_due_date(date(2025, 1, 31))
datetime.date(2025, 4, 1)
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

LEGAL_DAYS = 60
LEGAL_DAYS_END_OF_MONTH = 45


def _end_of_month(day):
    return day + relativedelta(day=31)


def legal_due_date(invoice_date):
    """The latest due date French law allows for an invoice of ``invoice_date``."""
    return max(
        invoice_date + timedelta(days=LEGAL_DAYS),
        _end_of_month(invoice_date + timedelta(days=LEGAL_DAYS_END_OF_MONTH)),
        _end_of_month(invoice_date) + timedelta(days=LEGAL_DAYS_END_OF_MONTH),
    )


def exceeds_legal_term(invoice_date, due_date):
    return due_date > legal_due_date(invoice_date)


def sales_multiple_limit(sales_12_months, multiple, digits=2):
    """A default limit of ``multiple`` months of average monthly sales.

    >>> sales_multiple_limit(120_000.0, 2.0)
    20000.0
    """
    return round(max(sales_12_months, 0.0) / 12.0 * multiple, digits)
