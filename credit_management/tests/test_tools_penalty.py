"""Late-payment interest alone: no database."""

import doctest
import unittest
from datetime import date

from odoo.addons.credit_management.tools import penalty
from odoo.addons.credit_management.tools.penalty import (
    MissingRate,
    Rate,
    describe,
    interest_segments,
    legal_rates,
)

# DOMAIN.md: ECB rate + 10 points, H1 2025 13.15 %, H2 2025 12.15 %.
RATES_2025 = legal_rates([(date(2025, 1, 1), 13.15), (date(2025, 7, 1), 12.15)])


def total(segments):
    return round(sum(segment.amount for segment in segments), 2)


class TestInterest(unittest.TestCase):
    def test_doctests(self):
        failures, _tried = doctest.testmod(penalty)
        self.assertEqual(failures, 0)

    def test_worked_example_to_the_cent(self):
        """12,000 due 15 May 2025 paid 14 Aug: 16 May - 30 June is 46 days
        at 13.15 % (198.87), 1 July - 14 Aug 45 days at 12.15 % (179.75)."""
        segments = interest_segments(
            12000.0,
            [(date(2025, 8, 14), 12000.0)],
            RATES_2025,
            date(2025, 5, 15),
            date(2025, 8, 14),
        )
        self.assertEqual(
            [(s.date_from, s.date_to, s.days, s.rate) for s in segments],
            [
                (date(2025, 5, 16), date(2025, 6, 30), 46, 13.15),
                (date(2025, 7, 1), date(2025, 8, 14), 45, 12.15),
            ],
        )
        self.assertEqual([round(s.amount, 2) for s in segments], [198.87, 179.75])
        self.assertEqual(total(segments), 378.62)

    def test_partial_payment_lowers_the_base_from_the_next_day(self):
        """10,000 due 31 Jan 2025, 4,000 paid on 10 Feb, charged to 2 Mar:
        10 days on 10,000 (36.03) then 20 days on 6,000 (43.23) at 13.15 %."""
        segments = interest_segments(
            10000.0,
            [(date(2025, 2, 10), 4000.0)],
            RATES_2025,
            date(2025, 1, 31),
            date(2025, 3, 2),
        )
        self.assertEqual([(s.days, s.base) for s in segments], [(10, 10000.0), (20, 6000.0)])
        self.assertEqual(total(segments), round(36.0274 + 43.2329, 2))
        self.assertEqual(describe(segments), [(30, 13.15)])

    def test_payment_before_the_due_date_lowers_the_whole_base(self):
        segments = interest_segments(
            1000.0,
            [(date(2025, 3, 1), 250.0)],
            RATES_2025,
            date(2025, 3, 10),
            date(2025, 3, 20),
        )
        self.assertEqual([(s.days, s.base) for s in segments], [(10, 750.0)])

    def test_two_runs_charge_no_day_twice(self):
        """A run on 15 June charges 16 May - 15 June; the next, from 16 June
        to 14 Aug: together exactly the worked example."""
        first = interest_segments(12000.0, [], RATES_2025, date(2025, 5, 15), date(2025, 6, 15))
        second = interest_segments(12000.0, [], RATES_2025, date(2025, 6, 15), date(2025, 8, 14))
        self.assertEqual(sum(s.days for s in first + second), 91)
        self.assertEqual(round(total(first) + total(second), 2), 378.62)

    def test_excluded_period_is_not_charged(self):
        """Disputed from 1 to 30 June: 15 days in May and 14 in July."""
        segments = interest_segments(
            12000.0,
            [],
            RATES_2025,
            date(2025, 5, 16),
            date(2025, 7, 14),
            excluded=[(date(2025, 6, 1), date(2025, 6, 30))],
        )
        self.assertEqual(describe(segments), [(15, 13.15), (14, 12.15)])

    def test_fully_paid_or_empty_period_charges_nothing(self):
        paid = [(date(2025, 5, 1), 100.0)]
        self.assertEqual(
            interest_segments(100.0, paid, RATES_2025, date(2025, 5, 15), date(2025, 6, 1)), []
        )
        self.assertEqual(
            interest_segments(100.0, [], RATES_2025, date(2025, 6, 1), date(2025, 6, 1)), []
        )

    def test_missing_rate_names_the_period(self):
        """The table stops at H2 2025: January 2026 is refused, not guessed."""
        with self.assertRaises(MissingRate) as caught:
            interest_segments(1000.0, [], RATES_2025, date(2025, 12, 15), date(2026, 1, 20))
        self.assertEqual(
            (caught.exception.date_from, caught.exception.date_to),
            (date(2026, 1, 1), date(2026, 1, 20)),
        )

    def test_contractual_rate_has_no_end(self):
        segments = interest_segments(
            3650.0, [], [Rate(date.min, None, 10.0)], date(2030, 1, 1), date(2030, 1, 11)
        )
        self.assertEqual(total(segments), 10.0)

    def test_legal_rates_hold_until_the_next_one(self):
        rates = legal_rates([(date(2024, 7, 1), 14.25), (date(2025, 7, 1), 12.15)])
        self.assertEqual(
            [(r.date_from, r.date_to) for r in rates],
            [(date(2024, 7, 1), date(2025, 6, 30)), (date(2025, 7, 1), date(2025, 12, 31))],
        )
        self.assertEqual(legal_rates([]), [])
