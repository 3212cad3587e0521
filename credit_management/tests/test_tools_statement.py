"""The running balance of an activity statement alone: no database."""

import doctest
import unittest

from odoo.addons.credit_management.tools import statement
from odoo.addons.credit_management.tools.statement import running_balance


class TestStatementArithmetic(unittest.TestCase):
    def test_doctests(self):
        failures, _tried = doctest.testmod(statement)
        self.assertEqual(failures, 0)

    def test_invoice_credit_note_payment(self):
        """Opening 1,000; invoice 2,500; credit note 300; payment 1,000:
        3,500, 3,200, 2,200."""
        rows, closing = running_balance(1000.0, [2500.0, -300.0, -1000.0])
        self.assertEqual([balance for _amount, balance in rows], [3500.0, 3200.0, 2200.0])
        self.assertEqual(closing, 2200.0)

    def test_overpayment_goes_negative(self):
        rows, closing = running_balance(0.0, [100.0, -150.0])
        self.assertEqual(rows, [(100.0, 100.0), (-150.0, -50.0)])
        self.assertEqual(closing, -50.0)
