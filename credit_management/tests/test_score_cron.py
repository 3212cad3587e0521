from contextlib import closing
from unittest.mock import patch

from odoo import Command
from odoo.sql_db import db_connect
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from odoo.addons.base.models.ir_cron import IrCron

from ..models import credit_score
from .common import CreditTestCommon


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestScoreCron(CreditTestCommon):
    """1,000 customers with one invoice each, scored by the nightly job in
    batches of 300."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.credit_score_min_invoices = 1
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Customer {index:04}", "is_company": True} for index in range(1000)]
        )
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": "2025-05-01",
                    "invoice_date_due": "2025-05-31",
                    "invoice_line_ids": [
                        Command.create({"name": "Widget", "price_unit": 100.0, "tax_ids": []})
                    ],
                }
                for customer in cls.customers
            ]
        )
        moves.action_post()

    def _cron(self, stop_after=None):
        """Run the job; ``_commit_progress`` (which commits) records its
        calls of this company and returns 0 s left after ``stop_after`` of
        them."""
        calls = []

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            calls.append((processed, remaining))
            return 0.0 if stop_after and len(calls) >= stop_after else 3600.0

        with (
            patch.object(IrCron, "_commit_progress", commit_progress),
            patch.object(credit_score, "SCORE_BATCH_SIZE", 300),
        ):
            self.env["credit.score"].sudo()._cron_compute_scores(self.company)
        return calls

    def _scored(self):
        [(rows, customers)] = self.env.execute_query(
            SQL(
                """SELECT COUNT(*), COUNT(DISTINCT partner_id) FROM credit_score
                    WHERE company_id = %s AND partner_id IN %s""",
                self.company.id,
                tuple(self.customers.ids),
            )
        )
        return rows, customers

    def test_cron_data(self):
        cron = self.env.ref("credit_management.ir_cron_credit_score")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertEqual(cron.code, "model._cron_compute_scores()")

    def test_batches_and_resume(self):
        """Stopped after two batches (600), the next run scores the other
        400 and none twice."""
        calls = self._cron(stop_after=2)
        self.assertEqual(calls, [(300, 700), (300, 400)])
        self.assertEqual(self._scored(), (600, 600))
        calls = self._cron()
        self.assertEqual(calls, [(300, 100), (100, 0)])
        self.assertEqual(self._scored(), (1000, 1000))
        self.assertEqual(self._cron(), [], "all scored today: nothing left")
        # each: one invoice of 100 due 31 May, open, 30 days late
        row = self.env["credit.score"].search(
            [("partner_id", "=", self.customers[0].id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual((row.days_late_12m, row.over_30_share, row.invoice_count), (30.0, 0, 1))
        self.assertEqual(self.customers[0].credit_score, row.score)

    def test_not_by_two_servers_at_once(self):
        """Another server holding the company's lock: this one scores
        nothing there."""
        with closing(db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                (credit_score.SCORE_LOCK_CLASS, self.company.id),
            )
            self.assertEqual(self._cron(), [])
            self.assertEqual(self._scored(), (0, 0))
            other.rollback()
        self._cron()
        self.assertEqual(self._scored(), (1000, 1000))
