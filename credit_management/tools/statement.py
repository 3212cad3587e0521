"""Customer statement arithmetic: the running balance of an activity statement.

Protocol: an activity statement over a period starts from the *opening
balance* (what the customer owed just before the period), lists the
period's *movements* in date order, each a signed amount (an invoice raises
what is owed, a credit note or a payment lowers it), and ends with the
*closing balance*.  The model reads the opening balance and the movements in
SQL, one currency at a time, and :func:`running_balance` adds them up.

>>> rows, closing = running_balance(1000.0, [500.0, -1200.0, 300.0])
>>> rows
[(500.0, 1500.0), (-1200.0, 300.0), (300.0, 600.0)]
>>> closing
600.0
>>> running_balance(0.0, [])
([], 0.0)
"""


def running_balance(opening, amounts, rounding=2):
    """Each movement with the balance after it, and the closing balance.

    ``amounts`` are the signed movements in date order; every balance is
    rounded to ``rounding`` decimals so that adding up floats never shows
    a stray 0.000001.

    >>> running_balance(0.1, [0.2, 0.1])
    ([(0.2, 0.3), (0.1, 0.4)], 0.4)
    """
    balance = opening
    rows = []
    for amount in amounts:
        balance = round(balance + amount, rounding)
        rows.append((amount, balance))
    return rows, round(balance, rounding)
