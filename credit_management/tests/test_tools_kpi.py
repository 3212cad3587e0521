"""The KPI arithmetic alone: no database."""

import doctest
import unittest
from datetime import date

from odoo.addons.credit_management.tools import kpi
from odoo.addons.credit_management.tools.kpi import (
    average_days_delinquent,
    best_possible_dso,
    cei,
    cei_average,
    days_late,
    dso,
    dso_count_back,
    over_90_ratio,
    overdue_ratio,
    recovery_rate,
    weighted_days_late,
)


class TestKpiArithmetic(unittest.TestCase):
    def test_doctests(self):
        failures, _tried = doctest.testmod(kpi)
        self.assertEqual(failures, 0)

    def test_dso_standard(self):
        self.assertEqual(dso(200_000.0, 2_000_000.0, 365), 36.5)

    def test_dso_count_back(self):
        # AR 212,000 at 31 March 2025; Mar 100,000, Feb 80,000, Jan 70,000
        months = [(100_000.0, 31), (80_000.0, 28), (70_000.0, 31)]
        self.assertEqual(round(dso_count_back(212_000.0, months), 1), 73.2)
        self.assertAlmostEqual(dso_count_back(212_000.0, months), 31 + 28 + 32_000 / 70_000 * 31)
        # standard on the quarter: D = 31 + 28 + 31 = 90 days
        quarter_days = (date(2025, 3, 31) - date(2024, 12, 31)).days
        self.assertEqual(quarter_days, 90)
        self.assertEqual(round(dso(212_000.0, 250_000.0, quarter_days), 1), 76.3)

    def test_dso_count_back_edges(self):
        months = [(100.0, 31), (80.0, 28)]
        self.assertEqual(dso_count_back(0.0, months), 0.0)
        self.assertEqual(dso_count_back(-50.0, months), 0.0)
        self.assertEqual(dso_count_back(100.0, months), 31.0)  # exactly one month
        self.assertEqual(dso_count_back(180.0, months), 59.0)  # exactly the history
        self.assertIsNone(dso_count_back(180.01, months))  # history too short
        self.assertIsNone(dso_count_back(1.0, []))
        # a month without sales counts its days whole
        self.assertEqual(dso_count_back(150.0, [(100.0, 31), (0.0, 28), (100.0, 30)]), 74.0)

    def test_best_possible_dso_and_add(self):
        # AR 15,000, not due 4,000, sales 10,000 over 30 days
        self.assertEqual(dso(15_000.0, 10_000.0, 30), 45.0)
        self.assertEqual(best_possible_dso(4_000.0, 10_000.0, 30), 12.0)
        self.assertEqual(average_days_delinquent(15_000.0, 4_000.0, 10_000.0, 30), 33.0)

    def test_weighted_days_late(self):
        items = [(140.0, 7), (85.0, 55), (214.0, 10)]
        self.assertEqual(round(weighted_days_late(items), 1), 17.8)
        self.assertAlmostEqual(weighted_days_late(items), (140 * 7 + 85 * 55 + 214 * 10) / 439)
        # paid early counts as 0 days late, not as a bonus
        self.assertEqual(weighted_days_late([(100.0, -30), (100.0, 0)]), 0.0)
        self.assertEqual(weighted_days_late(iter([(50.0, 4)])), 4.0)

    def test_days_late(self):
        self.assertEqual(days_late(date(2025, 5, 31), date(2025, 6, 30)), 30)
        self.assertEqual(days_late(date(2025, 5, 31), date(2025, 5, 1)), 0)

    def test_cei(self):
        # 100,000 + 60,000 − 90,000 = 70,000 over 100,000 + 60,000 − 55,000 = 105,000
        self.assertEqual(round(cei(100_000.0, 60_000.0, 90_000.0, 55_000.0), 1), 66.7)
        self.assertAlmostEqual(cei(100_000.0, 60_000.0, 90_000.0, 55_000.0), 70_000 / 105_000 * 100)

    def test_cei_average_is_the_mean_of_monthly_values(self):
        months = [
            (100_000.0, 60_000.0, 90_000.0, 55_000.0),  # 66.67 %
            (90_000.0, 10_000.0, 50_000.0, 50_000.0),  # 100 %
        ]
        self.assertAlmostEqual(cei_average(months), (70_000 / 105_000 * 100 + 100.0) / 2)
        # a month with nothing to collect is left out
        self.assertEqual(cei_average([months[1], (0.0, 0.0, 0.0, 0.0)]), 100.0)
        self.assertIsNone(cei_average([(0.0, 0.0, 0.0, 0.0)]))
        self.assertIsNone(cei_average([]))

    def test_ratios(self):
        self.assertEqual(overdue_ratio(25_000.0, 100_000.0), 25.0)
        self.assertEqual(over_90_ratio(5_000.0, 100_000.0), 5.0)
        self.assertEqual(recovery_rate(30_000.0, 40_000.0), 75.0)

    def test_zero_denominators_give_none(self):
        self.assertIsNone(dso(1_000.0, 0.0, 30))
        self.assertIsNone(best_possible_dso(1_000.0, 0.0, 30))
        self.assertIsNone(average_days_delinquent(1_000.0, 500.0, 0.0, 30))
        self.assertIsNone(weighted_days_late([]))
        self.assertIsNone(weighted_days_late([(100.0, 5), (-100.0, 3)]))
        self.assertIsNone(cei(50.0, 10.0, 20.0, 60.0))
        self.assertIsNone(overdue_ratio(0.0, 0.0))
        self.assertIsNone(over_90_ratio(0.0, 0.0))
        self.assertIsNone(recovery_rate(100.0, 0.0))

    def test_zero_numerators_give_zero(self):
        self.assertEqual(dso(0.0, 1_000.0, 30), 0.0)
        self.assertEqual(overdue_ratio(0.0, 1_000.0), 0.0)
        self.assertEqual(recovery_rate(0.0, 1_000.0), 0.0)
