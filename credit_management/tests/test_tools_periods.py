"""Periods, month slices and forecast weeks alone: no database."""

import doctest
import unittest
from datetime import date

from odoo.addons.credit_management.tools import periods
from odoo.addons.credit_management.tools.periods import (
    forecast_week,
    month_slices,
    period_bounds,
    week_monday,
)


class TestPeriods(unittest.TestCase):
    def test_doctests(self):
        failures, _tried = doctest.testmod(periods)
        self.assertEqual(failures, 0)

    def test_period_bounds(self):
        self.assertEqual(
            period_bounds("quarter", date(2025, 12, 31)), (date(2025, 10, 1), date(2025, 12, 31))
        )
        self.assertEqual(
            period_bounds("month", date(2025, 2, 1)), (date(2025, 2, 1), date(2025, 2, 28))
        )

    def test_slices_cover_the_period_once(self):
        slices = month_slices(date(2024, 11, 20), date(2025, 2, 3))
        self.assertEqual(slices[0], (date(2024, 11, 20), date(2024, 11, 30)))
        self.assertEqual(slices[-1], (date(2025, 2, 1), date(2025, 2, 3)))
        self.assertEqual(sum((last - first).days + 1 for first, last in slices), 76)

    def test_forecast_week(self):
        monday = week_monday(date(2025, 7, 2))
        self.assertEqual(monday, date(2025, 6, 30))
        self.assertEqual(forecast_week(date(2025, 8, 12), monday), 6)
        self.assertEqual(forecast_week(date(2025, 6, 21), monday), -1)
