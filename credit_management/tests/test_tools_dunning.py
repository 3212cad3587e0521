"""The dunning ladder rules alone: no database."""

import doctest
import unittest
from datetime import date, timedelta

from odoo.addons.credit_management.tools import dunning
from odoo.addons.credit_management.tools.dunning import (
    communication_level,
    may_write_again,
    next_level,
    planned_date,
    reached_level,
)

# DOMAIN.md's default ladder: pre-due notice, friendly, reminder, firm,
# formal notice, litigation.
LADDER = (-7, 1, 8, 15, 30, 45)
NOTICE, FRIENDLY, REMINDER, FIRM, FORMAL, LITIGATION = range(6)


class TestDunningRules(unittest.TestCase):
    def test_doctests(self):
        failures, _tried = doctest.testmod(dunning)
        self.assertEqual(failures, 0)

    def test_level_edges(self):
        """A level is reached on its offset day itself, not the day before."""
        self.assertIsNone(reached_level(-8, LADDER))
        self.assertEqual(reached_level(-7, LADDER), NOTICE)
        self.assertEqual(reached_level(0, LADDER), NOTICE)  # due today: still the notice
        self.assertEqual(reached_level(1, LADDER), FRIENDLY)
        self.assertEqual(reached_level(29, LADDER), FIRM)
        self.assertEqual(reached_level(30, LADDER), FORMAL)
        self.assertEqual(reached_level(400, LADDER), LITIGATION)

    def test_daily_runs_through_the_ladder(self):
        """An invoice due on 2025-05-15, a run every day from 10 days before:
        it gets each level on its offset day, once."""
        due = date(2025, 5, 15)
        sent = {}
        last = None
        for day in range(-10, 60):
            level = next_level(day, last, LADDER)
            if level is not None:
                sent[level] = due + timedelta(days=day)
                last = level
        self.assertEqual(
            sent,
            {
                NOTICE: date(2025, 5, 8),
                FRIENDLY: date(2025, 5, 16),
                REMINDER: date(2025, 5, 23),
                FIRM: date(2025, 5, 30),
                FORMAL: date(2025, 6, 14),
                LITIGATION: date(2025, 6, 29),
            },
        )

    def test_catch_up_then_one_level_per_run(self):
        """First seen 50 days late (e.g. imported): litigation at once, and
        nothing after it.  First seen 20 days late: firm; a run a week later
        (27 days) gives nothing (formal notice waits for day 30); at 31 days
        the formal notice."""
        self.assertEqual(next_level(50, None, LADDER), LITIGATION)
        self.assertIsNone(next_level(80, LITIGATION, LADDER))
        self.assertEqual(next_level(20, None, LADDER), FIRM)
        self.assertIsNone(next_level(27, FIRM, LADDER))
        self.assertEqual(next_level(31, FIRM, LADDER), FORMAL)

    def test_missed_runs_advance_one_level_only(self):
        """Runs stopped for a month after the friendly reminder: the next run
        sends the reminder (one level), not the formal notice."""
        self.assertEqual(next_level(35, FRIENDLY, LADDER), REMINDER)

    def test_minimum_interval(self):
        run = date(2025, 6, 30)
        self.assertTrue(may_write_again(None, run, 5))
        self.assertTrue(may_write_again(date(2025, 6, 25), run, 5))
        self.assertFalse(may_write_again(date(2025, 6, 26), run, 5))
        self.assertTrue(may_write_again(run, run, 0))

    def test_tone_follows_the_highest_level(self):
        self.assertEqual(communication_level([FRIENDLY, FIRM, REMINDER]), FIRM)

    def test_planned_date_follows_the_ladder(self):
        """Invoice due 2025-05-15, seen on 2025-05-20 (5 days late): after the
        friendly reminder the next one is planned on day 8 (2025-05-23); once
        the litigation level is sent nothing more is planned."""
        due, today = date(2025, 5, 15), date(2025, 5, 20)
        self.assertEqual(planned_date(due, LADDER, FRIENDLY, today), date(2025, 5, 23))
        self.assertEqual(planned_date(due, LADDER, FIRM, today), date(2025, 6, 14))
        self.assertIsNone(planned_date(due, LADDER, LITIGATION, today))

    def test_planned_date_waits_for_pauses_and_intervals(self):
        """A level already reached is planned for the next run, but never
        before a pause or the customer's minimum interval ends."""
        due, today = date(2025, 5, 15), date(2025, 5, 20)
        self.assertEqual(planned_date(due, LADDER, None, today), today)
        self.assertEqual(planned_date(due, LADDER, NOTICE, date(2025, 6, 1)), date(2025, 6, 1))
