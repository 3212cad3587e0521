"""The score arithmetic alone: no database."""

import doctest
import unittest

from odoo.addons.credit_management.tools import policy, rating
from odoo.addons.credit_management.tools import score as score_tools
from odoo.addons.credit_management.tools.score import (
    DEFAULT_WEIGHTS,
    Behaviour,
    moved_down,
    points,
    range_errors,
    rating_on_100,
    score,
    segment_for,
)

SEGMENTS = [
    ("excellent", 80, 100),
    ("good", 60, 79),
    ("watch", 40, 59),
    ("risky", 20, 39),
    ("blocked", 0, 19),
]


class TestScoreArithmetic(unittest.TestCase):
    def test_doctests(self):
        failures, _tried = doctest.testmod(score_tools)
        self.assertEqual(failures, 0)

    def test_policy_and_rating_doctests(self):
        for module in (policy, rating):
            failures, _tried = doctest.testmod(module)
            self.assertEqual(failures, 0, module.__name__)

    def test_rating_csv(self):
        text = (
            "partner,rating,scale_min,scale_max,source,date,higher_is_safer\n"
            "FR1,7,1,10,Bureau,2025-06-01,\n"
            ",7,1,10,Bureau,2025-06-01,1\n"
            "FR2,12,1,10,Bureau,2025-06-01,1\n"
            "FR3,2,5,5,Bureau,2025-06-01,maybe\n"
            "\n"
            "FR4,2,1,5,Insurer,2025-06-01,0\n"
        )
        lines = rating.parse(text)
        self.assertEqual(
            [(line.number, line.errors) for line in lines],
            [
                (2, ()),
                (3, ("partner",)),
                (4, ("out_of_scale",)),
                (5, ("higher_is_safer",)),
                (7, ()),
            ],
        )
        self.assertFalse(lines[-1].higher_is_safer)
        with self.assertRaisesRegex(ValueError, "scale_max, source"):
            rating.parse("partner,rating,scale_min,date\n")

    def test_weights_add_up_to_100(self):
        self.assertEqual(sum(DEFAULT_WEIGHTS.values()), 100)

    def test_perfect_payer(self):
        """Pays on time, known for three years: nothing taken away."""
        result = score(Behaviour(invoice_count=24, relationship_days=1095), DEFAULT_WEIGHTS, 3)
        self.assertEqual(result.score, 100)
        self.assertTrue(all(line.points == 0 for line in result.lines))
        self.assertEqual(segment_for(result.score, SEGMENTS), "excellent")

    def test_late_payer_point_by_point(self):
        """Days late 23 over 12 months, 45 over 6 (trend +22), 50 % of the
        invoices and 40 % of the amounts late, 60 days at most, a quarter of
        the balance over 30 days, none over 90, level 2 of the ladder, one
        dispute, limit used at 75 %, a customer for a year:
        23/60×20 = 7.67; 45/60×10 = 7.5; 22/30×5 = 3.67; 5; 4; 60/120×5 = 2.5;
        2.5; 0; 2/3×5 = 3.33; 1/3×5 = 1.67; 75/150×5 = 2.5; (1−365/730)×5 =
        2.5: 42.84 points, score 57 (Watch)."""
        figures = Behaviour(
            invoice_count=12,
            days_late_12m=23.0,
            days_late_6m=45.0,
            late_invoice_share=50.0,
            late_amount_share=40.0,
            longest_delay=60.0,
            over_30_share=25.0,
            over_90_share=0.0,
            dunning_level=2,
            open_disputes=1,
            limit_utilisation=75.0,
            relationship_days=365,
        )
        result = score(figures, DEFAULT_WEIGHTS, 3)
        by_key = {line.key: (line.value, line.points) for line in result.lines}
        self.assertEqual(by_key["days_late_12m"], (23.0, -7.67))
        self.assertEqual(by_key["days_late_6m"], (45.0, -7.5))
        self.assertEqual(by_key["days_late_trend"], (22.0, -3.67))
        self.assertEqual(by_key["late_invoice_share"], (50.0, -5.0))
        self.assertEqual(by_key["late_amount_share"], (40.0, -4.0))
        self.assertEqual(by_key["longest_delay"], (60.0, -2.5))
        self.assertEqual(by_key["over_30_share"], (25.0, -2.5))
        self.assertEqual(by_key["over_90_share"], (0.0, 0.0))
        self.assertEqual(by_key["dunning_level"], (2, -3.33))
        self.assertEqual(by_key["open_disputes"], (1, -1.67))
        self.assertEqual(by_key["limit_utilisation"], (75.0, -2.5))
        self.assertEqual(by_key["relationship_days"], (365, -2.5))
        self.assertEqual(result.score, 57)
        self.assertEqual(segment_for(result.score, SEGMENTS), "watch")

    def test_penalties_are_capped(self):
        """Past its full-penalty point an input takes its weight, no more,
        and the score never goes below 0."""
        self.assertEqual(points("days_late_12m", 600.0, 20), -20.0)
        worst = Behaviour(
            invoice_count=5,
            days_late_12m=200,
            days_late_6m=400,
            late_invoice_share=100,
            late_amount_share=100,
            longest_delay=400,
            over_30_share=100,
            over_90_share=100,
            dunning_level=5,
            open_disputes=9,
            limit_utilisation=300,
        )
        self.assertEqual(score(worst, DEFAULT_WEIGHTS, 3).score, 0)
        self.assertEqual(score(worst, {"days_late_12m": 150}, 3).score, 0)

    def test_not_enough_history_is_never_excellent(self):
        result = score(Behaviour(invoice_count=2), DEFAULT_WEIGHTS, 3)
        self.assertIsNone(result.score)
        self.assertIsNone(segment_for(result.score, SEGMENTS))
        self.assertEqual(score(Behaviour(invoice_count=3), DEFAULT_WEIGHTS, 3).score, 95)

    def test_custom_weights(self):
        """Only days late counts: 30 days of 60 take half of 100."""
        result = score(Behaviour(invoice_count=5, days_late_12m=30.0), {"days_late_12m": 100}, 1)
        self.assertEqual(result.score, 50)
        self.assertEqual(len(result.lines), 1)

    def test_external_rating(self):
        """Internal 80 (days late 60 → −20), rating 7 on 1–10 =
        66.67, weighted 25 %: 80 × 0.75 + 66.67 × 0.25 = 76.67 → 77."""
        rating = rating_on_100(7, 1, 10)
        self.assertEqual(rating, 66.67)
        figures = Behaviour(invoice_count=5, days_late_12m=60.0, relationship_days=730)
        result = score(figures, {"days_late_12m": 20, "relationship_days": 5}, 3, rating, 25.0)
        self.assertEqual(result.score, 77)
        self.assertEqual(result.lines[-1].key, "external_rating")
        self.assertEqual(result.lines[-1].points, -3.33)
        self.assertIsNone(rating_on_100(5, 3, 3))

    def test_segments(self):
        self.assertEqual(segment_for(80, SEGMENTS), "excellent")
        self.assertEqual(segment_for(79, SEGMENTS), "good")
        self.assertEqual(segment_for(0, SEGMENTS), "blocked")
        self.assertIsNone(segment_for(50, [("a", 0, 40), ("b", 60, 100)]), "a gap")
        self.assertEqual(range_errors(SEGMENTS), [])
        self.assertEqual(
            range_errors([("a", 0, 60), ("b", 50, 100), ("c", -1, 10)]),
            [("bounds", "c"), ("overlap", "a", "b")],
        )
        self.assertTrue(moved_down(80, 60))
        self.assertFalse(moved_down(60, 80))
        self.assertFalse(moved_down(None, 0))
