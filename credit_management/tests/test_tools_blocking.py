"""The blocking rules alone: no database."""

import doctest
import unittest
from datetime import date

from odoo.addons.credit_management.tools import blocking
from odoo.addons.credit_management.tools.blocking import (
    CreditRules,
    blocking_reasons,
    validate_rules,
)
from odoo.addons.credit_management.tools.exposure import Exposure

TODAY = date(2025, 6, 30)


class TestBlockingRules(unittest.TestCase):
    def test_doctests(self):
        failures, _tried = doctest.testmod(blocking)
        self.assertEqual(failures, 0)

    def test_nothing_blocks_with_default_rules(self):
        # Odoo's defaults: no limit check, no overdue rule, not on hold
        exposure = Exposure(overdue=1_000_000.0, oldest_overdue=date(2020, 1, 1))
        self.assertEqual(blocking_reasons(False, 10.0, exposure, 5.0, CreditRules(), TODAY), ())

    def test_limit_counts_only_included_components(self):
        rules = CreditRules(use_limit=True, included=("overdue",))
        exposure = Exposure(not_due=5000.0, overdue=400.0)
        # 400 overdue + 600 order = 1,000: at the limit, not over it
        self.assertEqual(blocking_reasons(False, 1000.0, exposure, 600.0, rules, TODAY), ())
        self.assertEqual(
            blocking_reasons(False, 1000.0, exposure, 600.01, rules, TODAY), ("limit",)
        )

    def test_overdue_rule_counts_days_from_the_oldest_due_date(self):
        rules = CreditRules(overdue_days=30)
        on_the_edge = Exposure(overdue=1.0, oldest_overdue=date(2025, 5, 31))  # 30 days
        one_more = Exposure(overdue=1.0, oldest_overdue=date(2025, 5, 30))  # 31 days
        self.assertEqual(blocking_reasons(False, 0.0, on_the_edge, 1.0, rules, TODAY), ())
        self.assertEqual(blocking_reasons(False, 0.0, one_more, 1.0, rules, TODAY), ("overdue",))

    def test_every_reason_at_once(self):
        rules = CreditRules(use_limit=True, overdue_days=1)
        exposure = Exposure(overdue=900.0, oldest_overdue=date(2025, 1, 1))
        self.assertEqual(
            blocking_reasons(True, 1000.0, exposure, 200.0, rules, TODAY),
            ("hold", "limit", "overdue"),
        )

    def test_validate_rules(self):
        self.assertEqual(validate_rules(0.0, 0), ())
        self.assertEqual(validate_rules(100.0, 365), ())
        self.assertEqual(validate_rules(100.01, 0), ("tolerance",))
        self.assertEqual(validate_rules(-0.01, -1), ("tolerance", "overdue_days"))
