"""The exposure arithmetic alone: no database."""

import doctest
import unittest
from datetime import date

from odoo.addons.credit_management.tools import exposure
from odoo.addons.credit_management.tools.exposure import (
    Exposure,
    available_credit,
    days_overdue,
    exceeds_limit,
    utilisation,
)


class TestExposureArithmetic(unittest.TestCase):
    def test_doctests(self):
        failures, _tried = doctest.testmod(exposure)
        self.assertEqual(failures, 0)

    def test_total_counts_only_included_components(self):
        e = Exposure(not_due=100.0, overdue=50.0, sale_orders=25.0, unapplied=-10.0)
        self.assertEqual(e.total(), 165.0)
        self.assertEqual(e.total(included=("overdue", "unapplied")), 40.0)
        self.assertEqual(e.total(included=()), 0)

    def test_no_limit_means_nothing_exceeds_it(self):
        self.assertFalse(exceeds_limit(0.0, 1_000_000.0, 1.0, tolerance=0.0))
        self.assertEqual(utilisation(0.0, 500.0), 0.0)

    def test_limit_reached_to_the_cent_is_not_exceeded(self):
        # 0.1 + 0.2 is 0.30000000000000004 in floating point
        self.assertFalse(exceeds_limit(0.3, 0.1, 0.2, tolerance=0.0))
        self.assertTrue(exceeds_limit(0.3, 0.1, 0.21, tolerance=0.0))

    def test_tolerance_raises_the_ceiling(self):
        # 10,000 with 10 % tolerance: 11,000 passes, 11,000.01 does not
        self.assertFalse(exceeds_limit(10_000.0, 9_000.0, 2_000.0, tolerance=10.0))
        self.assertTrue(exceeds_limit(10_000.0, 9_000.0, 2_000.01, tolerance=10.0))

    def test_available_credit_goes_negative_over_the_limit(self):
        self.assertEqual(available_credit(1000.0, 1250.0), -250.0)

    def test_days_overdue(self):
        self.assertEqual(days_overdue(date(2025, 5, 31), date(2025, 6, 30)), 30)
        self.assertEqual(days_overdue(None, date(2025, 6, 30)), 0)
