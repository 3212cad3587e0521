"""The ageing rules alone: no database."""

import doctest
import unittest
from datetime import date

from odoo.addons.credit_management.tools import ageing
from odoo.addons.credit_management.tools.ageing import (
    BY_DUE_DATE,
    BY_INVOICE_DATE,
    DEFAULT_BOUNDS,
    bucket_count,
    bucket_index,
    bucket_label,
    bucket_labels,
    days_past,
    exists_as_of,
    reference_date,
    residual_as_of,
    validate_bounds,
)

AS_OF = date(2025, 6, 30)


class TestAgeingRules(unittest.TestCase):
    def test_doctests(self):
        failures, _tried = doctest.testmod(ageing)
        self.assertEqual(failures, 0)

    def test_default_buckets(self):
        self.assertEqual(validate_bounds(DEFAULT_BOUNDS), ())
        self.assertEqual(bucket_count(), 6)
        self.assertEqual(bucket_labels(), ("Not due", "1–30", "31–60", "61–90", "91–120", ">120"))

    def test_bucket_edges(self):
        self.assertEqual(bucket_label(bucket_index(-10)), "Not due")
        self.assertEqual(bucket_label(bucket_index(0)), "Not due")  # due today
        self.assertEqual(bucket_label(bucket_index(1)), "1–30")
        self.assertEqual(bucket_label(bucket_index(30)), "1–30")
        self.assertEqual(bucket_label(bucket_index(31)), "31–60")
        self.assertEqual(bucket_label(bucket_index(90)), "61–90")
        self.assertEqual(bucket_label(bucket_index(91)), "91–120")
        self.assertEqual(bucket_label(bucket_index(120)), "91–120")
        self.assertEqual(bucket_label(bucket_index(121)), ">120")
        self.assertEqual(bucket_label(bucket_index(10_000)), ">120")

    def test_user_defined_buckets(self):
        bounds = (7, 45)
        self.assertEqual(validate_bounds(bounds), ())
        self.assertEqual(bucket_labels(bounds), ("Not due", "1–7", "8–45", ">45"))
        self.assertEqual([bucket_index(d, bounds) for d in (0, 7, 8, 45, 46)], [0, 1, 2, 2, 3])
        self.assertEqual(bucket_labels((1,)), ("Not due", "1–1", ">1"))

    def test_bucket_label_out_of_range(self):
        with self.assertRaises(IndexError):
            bucket_label(6)
        with self.assertRaises(IndexError):
            bucket_label(-1)

    def test_validate_bounds(self):
        self.assertEqual(validate_bounds([]), ("empty",))
        self.assertEqual(validate_bounds((0, 30)), ("not_positive",))
        self.assertEqual(validate_bounds((30, 60, 60)), ("not_increasing",))
        self.assertEqual(validate_bounds((60, 30)), ("not_increasing",))
        self.assertEqual(validate_bounds((30.0, 60)), ("not_integer",))
        self.assertEqual(validate_bounds((True, 60)), ("not_integer",))
        self.assertEqual(validate_bounds((-5, -10)), ("not_positive", "not_increasing"))

    def test_days_past_due_date_or_invoice_date(self):
        due, invoiced = date(2025, 5, 31), date(2025, 5, 1)
        self.assertEqual(days_past(reference_date(due, invoiced, BY_DUE_DATE), AS_OF), 30)
        self.assertEqual(days_past(reference_date(due, invoiced, BY_INVOICE_DATE), AS_OF), 60)
        # no due date: age from the invoice date
        self.assertEqual(days_past(reference_date(None, invoiced), AS_OF), 60)
        # due later: negative, hence not due
        self.assertEqual(days_past(date(2025, 7, 10), AS_OF), -10)
        self.assertEqual(bucket_index(days_past(date(2025, 7, 10), AS_OF)), 0)

    def test_residual_counts_only_reconciliations_up_to_as_of(self):
        reconciliations = [
            (300.0, date(2025, 6, 1)),
            (200.0, AS_OF),  # on the as-of date: counts
            (400.0, date(2025, 7, 1)),  # after: does not count
        ]
        self.assertEqual(residual_as_of(1000.0, reconciliations, AS_OF), 500.0)
        self.assertEqual(residual_as_of(1000.0, reconciliations, date(2025, 7, 1)), 100.0)
        self.assertEqual(residual_as_of(1000.0, reconciliations, date(2025, 5, 31)), 1000.0)
        self.assertEqual(residual_as_of(1000.0, [], AS_OF), 1000.0)

    def test_unapplied_payment_stays_negative(self):
        self.assertEqual(residual_as_of(-800.0, [(300.0, date(2025, 6, 1))], AS_OF), -500.0)
        self.assertEqual(residual_as_of(-800.0, [(300.0, date(2025, 7, 1))], AS_OF), -800.0)

    def test_items_after_as_of_do_not_exist(self):
        self.assertTrue(exists_as_of(AS_OF, AS_OF))
        self.assertFalse(exists_as_of(date(2025, 7, 1), AS_OF))
