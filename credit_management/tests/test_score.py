import base64
from contextlib import contextmanager
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import CreditTestCommon

TODAY = "2025-06-30"


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class ScoreCommon(CreditTestCommon):
    """Three customers of the test company, scored on 30 June 2025 with the
    shipped weights (tools/score.py) and at least 3 invoices:

    Ponctuel: an invoice of 28 June 2023 (733 days ago) and three due in
    2025, all paid on their due date, one of 1,000 not yet due; own limit
    4,000, exposure 1,000 = 25 % used (−25/150×5 = −0.83): score 99.

    Tardif (no limit of its own), all 1,000 but I3: I0 of 30 June 2023 paid
    on time; I1 due 31 Oct 2024 paid 30 Dec 2024 (60 days late); I2 due
    30 April 2025 paid 30 May (30 days); I3 2,000 due 15 May 2025, open
    (46 days).  Over 12 months: (1,000×60 + 1,000×30 + 2,000×46) / 4,000 =
    45.5 days (−15.17); over 6 months (due after 30 Dec 2024):
    122,000 / 3,000 = 40.67 (−6.78); trend −4.83 (0); all 3 invoices and
    amounts late (−10, −10); longest delay 60 (−2.5); the whole balance
    over 30 days (−10), none over 90; no limit (0): 100 − 54.45 = 46
    (Watch).

    Nouveau: two invoices, not enough history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Score = cls.env["credit.score"]
        cls.company.account_use_credit_limit = True
        cls.segment = {
            key: cls.env.ref(f"credit_management.credit_segment_{key}")
            for key in ("excellent", "good", "watch", "risky", "blocked")
        }
        cls.segment["watch"].write({"limit_type": "amount", "limit_amount": 5000.0})
        cls.segment["good"].write({"limit_type": "amount", "limit_amount": 10000.0})
        cls.ponctuel = cls._customer("Ponctuel")
        cls.ponctuel.credit_limit = 4000.0
        for due in ("2023-07-30", "2025-02-28", "2025-03-31", "2025-04-30"):
            invoice = cls._invoice(cls.ponctuel, 1000.0, due, invoice_date=_month_before(due))
            cls._pay(invoice, 1000.0, due)
        cls._invoice(cls.ponctuel, 1000.0, "2025-07-31", invoice_date="2025-06-30")

        cls.tardif = cls._customer("Tardif")
        cls._pay(
            cls._invoice(cls.tardif, 1000.0, "2023-07-30", invoice_date="2023-06-30"),
            1000.0,
            "2023-07-30",
        )
        cls._pay(
            cls._invoice(cls.tardif, 1000.0, "2024-10-31", invoice_date="2024-10-01"),
            1000.0,
            "2024-12-30",
        )
        cls._pay(
            cls._invoice(cls.tardif, 1000.0, "2025-04-30", invoice_date="2025-04-01"),
            1000.0,
            "2025-05-30",
        )
        cls.tardif_open = cls._invoice(cls.tardif, 2000.0, "2025-05-15", invoice_date="2025-04-15")

        cls.nouveau = cls._customer("Nouveau")
        cls._invoice(cls.nouveau, 500.0, "2025-07-15", invoice_date="2025-06-15")
        cls._invoice(cls.nouveau, 500.0, "2025-07-20", invoice_date="2025-06-20")
        cls.customers = cls.ponctuel | cls.tardif | cls.nouveau

    @contextmanager
    def _raises(self, exception, pattern):
        """``assertRaisesRegex`` in a savepoint rolled back, as ``assertRaises``."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _tracked(self, records):
        """``records`` with mail tracking on, as in the UI (the test class
        switches it off), what is pending committed first."""
        self.env.cr.precommit.run()
        return records.with_env(self.env(context={}))

    def _score(self, partners=None):
        (partners or self.customers).action_credit_compute_score()

    def _row(self, partner, company=None):
        return self.Score.search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)],
            limit=1,
        )


def _month_before(due):
    year, month, day = map(int, due.split("-"))
    return f"{year if month > 1 else year - 1}-{month - 1 or 12:02d}-{min(day, 28):02d}"


class TestScore(ScoreCommon):
    def test_behaviour_figures_and_scores(self):
        self._score()
        tardif = self._row(self.tardif)
        self.assertRecordValues(
            tardif,
            [
                {
                    "invoice_count": 4,
                    "days_late_12m": 45.5,
                    "days_late_6m": 40.7,
                    "days_late_trend": -4.8,
                    "late_invoice_share": 100.0,
                    "late_amount_share": 100.0,
                    "longest_delay": 60,
                    "over_30_share": 100.0,
                    "over_90_share": 0.0,
                    "dunning_level": 0,
                    "open_disputes": 0,
                    "limit_utilisation": 0.0,
                    "relationship_days": 731,
                    "score": 46,
                    "segment_id": self.segment["watch"].id,
                    "enough_history": True,
                }
            ],
        )
        self.assertAlmostEqual(tardif.days_late_6m, 122000 / 3000, places=6)
        points = {key: value for key, _value, value in tardif.explanation}
        self.assertEqual(points["days_late_12m"], -15.17)
        self.assertEqual(points["days_late_6m"], -6.78)
        self.assertIn("Weighted Days Late (12 Months) 45.5 → -15.2 points", tardif.explanation_text)

        ponctuel = self._row(self.ponctuel)
        self.assertRecordValues(
            ponctuel,
            [
                {
                    "invoice_count": 5,
                    "days_late_12m": 0.0,
                    "late_invoice_share": 0.0,
                    "limit_utilisation": 25.0,
                    "relationship_days": 733,
                    "score": 99,
                    "segment_id": self.segment["excellent"].id,
                }
            ],
        )
        nouveau = self._row(self.nouveau)
        self.assertFalse(nouveau.enough_history)
        self.assertFalse(nouveau.segment_id)
        self.assertEqual(nouveau.score, 0, "no score stored (NULL reads as 0)")
        self.assertIn("Not enough history: 2 invoices", nouveau.explanation_text)

        # the partners show their score and segment in this company
        self.assertRecordValues(
            self.customers,
            [
                {
                    "credit_score": 99,
                    "credit_score_state": "scored",
                    "credit_segment_id": self.segment["excellent"].id,
                },
                {
                    "credit_score": 46,
                    "credit_score_state": "scored",
                    "credit_segment_id": self.segment["watch"].id,
                },
                {"credit_score": 0, "credit_score_state": "no_history", "credit_segment_id": False},
            ],
        )
        self.assertIn("45.5", self.tardif.credit_score_explanation)
        # a first segment is no change: no activity
        self.assertFalse(self.tardif.activity_ids)

    def test_review_dates(self):
        """Every 6 months in Watch, 12 in Excellent, from the first segment."""
        self._score()
        self.assertEqual(self.tardif.credit_review_date, date(2025, 12, 30))
        self.assertEqual(self.ponctuel.credit_review_date, date(2026, 6, 30))
        self.assertFalse(self.nouveau.credit_review_date)
        due = self.env["res.partner"].search(
            [("id", "in", self.customers.ids), ("credit_review_date", "<=", "2026-01-01")]
        )
        self.assertEqual(due, self.tardif)

    def test_same_day_replaces_history_kept(self):
        self._score()
        self._score()
        self.assertEqual(self.Score.search_count([("partner_id", "=", self.tardif.id)]), 1)
        with freeze_time("2025-07-01"):
            self._score(self.tardif)
        history = self.Score.search([("partner_id", "=", self.tardif.id)])
        self.assertEqual(len(history), 2)
        self.tardif.invalidate_recordset()
        self.assertEqual(self.tardif.credit_score_history_ids, history, "latest first")
        self.assertEqual(history[0].days_late_12m, 46.0, "I3 one day later: 184,000 / 4,000")

    def test_dispute_and_dunning_level_count(self):
        reason = self.env["credit.dispute.reason"].search([], limit=1)
        self.env["credit.dispute"].create(
            {"move_id": self.tardif_open.id, "reason_id": reason.id, "amount": 500.0}
        )
        self._score(self.tardif)
        row = self._row(self.tardif)
        self.assertEqual(row.open_disputes, 1)
        self.assertEqual(row.score, 44, "one dispute of 3: −1.67")

    def test_hard_stop_holds_and_moves_down(self):
        """Ponctuel is Excellent; closed, it is Blocked and on hold whatever
        its score; the change is tracked and the credit manager gets an
        activity; with the setting, it gets the riskier segment's term."""
        term = self.env.ref("account.account_payment_term_immediate")
        self.segment["blocked"].payment_term_id = term
        self.company.credit_score_tighten_term = True
        self.company.credit_manager_id = self.env.user
        self._score()
        self.assertEqual(self.ponctuel.credit_segment_id, self.segment["excellent"])
        self.ponctuel.credit_company_closed = True
        self._score(self._tracked(self.ponctuel))
        row = self._row(self.ponctuel)
        self.assertTrue(row.hard_stop)
        self.assertEqual(row.score, 99, "the score itself does not change")
        self.assertEqual(self.ponctuel.credit_score_state, "hard_stop")
        self.assertEqual(self.ponctuel.credit_segment_id, self.segment["blocked"])
        self.assertTrue(self.ponctuel.credit_hold)
        self.assertEqual(self.ponctuel.property_payment_term_id, term)
        activity = self.ponctuel.activity_ids
        self.assertEqual(activity.summary, "Risk segment: Excellent → Blocked")
        self.assertEqual(activity.user_id, self.env.user)
        self.env.cr.precommit.run()  # tracking is written before commit
        tracked = self.ponctuel.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "credit_segment_id"
        )
        self.assertEqual(tracked.old_value_char, "Excellent")
        self.assertEqual(tracked.new_value_char, "Blocked")

    def test_moved_down_on_hold_with_the_setting(self):
        """Weights on days late alone: Tardif's 45.5 days of 60 take 75.8 of
        100 points: 24 → Risky, put on hold."""
        self._score()
        self.company.credit_score_tighten_hold = True
        weights = {f"credit_score_weight_{key}": 0 for key in self.company._credit_score_weights()}
        self.company.write({**weights, "credit_score_weight_days_late_12m": 100})
        self._score(self.tardif)
        self.assertEqual(self.tardif.credit_score, 24)
        self.assertEqual(self.tardif.credit_segment_id, self.segment["risky"])
        self.assertTrue(self.tardif.credit_hold)
        self.assertEqual(self.tardif.credit_hold_reason, "Moved down to segment Risky")

    def test_first_segment_that_holds(self):
        """Days late alone, 100 points each over 6 and 12 months: Tardif
        loses 75.8 + 67.8, scores 0 and is Blocked, which holds."""
        weights = {f"credit_score_weight_{key}": 0 for key in self.company._credit_score_weights()}
        self.company.write(
            {
                **weights,
                "credit_score_weight_days_late_12m": 100,
                "credit_score_weight_days_late_6m": 100,
            }
        )
        self._score()
        self.assertEqual(self.tardif.credit_score, 0)
        self.assertEqual(self.tardif.credit_segment_id, self.segment["blocked"])
        self.assertTrue(self.tardif.credit_hold)
        self.assertEqual(self.tardif.credit_hold_reason, "Risk segment Blocked")
        self.assertFalse(self.ponctuel.credit_hold)

    def test_pinned_segment_stays(self):
        self._score()
        self._tracked(self.tardif).write(
            {
                "credit_segment_id": self.segment["risky"].id,
                "credit_segment_pinned": True,
                "credit_segment_pin_reason": "Payment plan",
            }
        )
        self._score(self.tardif)
        # 46 then 44: its limit is now Watch's 5,000, 40 % used (−1.33)
        self.assertEqual(self._row(self.tardif).score, 44)
        self.assertEqual(self.tardif.credit_segment_id, self.segment["risky"])
        self.env.cr.precommit.run()
        tracked = self.tardif.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("credit_segment_pinned", tracked)
        self.assertIn("credit_segment_pin_reason", tracked)

    def test_only_a_credit_manager_pins(self):
        self.env.user.group_ids = [
            Command.unlink(self.env.ref("credit_management.group_credit_manager").id)
        ]
        with self.assertRaises(AccessError):
            self.tardif.credit_segment_pinned = True


class TestSegmentPolicy(ScoreCommon):
    def _move_tardif_up(self):
        """Without the two late shares (20 points), and 40 % of Watch's
        limit of 5,000 used (−1.33), Tardif scores 64: Good."""
        self._score()
        self.assertEqual(self.tardif.credit_limit_effective, 5000.0)
        self.company.write(
            {
                "credit_score_weight_late_invoice_share": 0,
                "credit_score_weight_late_amount_share": 0,
            }
        )
        self._score(self.tardif)
        self.assertEqual(self.tardif.credit_score, 64)
        self.assertEqual(self.tardif.credit_segment_id, self.segment["good"])
        return self.env["credit.limit.review"].search([("partner_id", "=", self.tardif.id)])

    def test_precedence_of_limits(self):
        self._score()
        self.assertRecordValues(
            self.customers,
            [
                {"credit_limit_effective": 4000.0, "credit_limit_source": "partner"},
                {"credit_limit_effective": 5000.0, "credit_limit_source": "segment"},
                {"credit_limit_effective": 0.0, "credit_limit_source": "company"},
            ],
        )
        # exposure 2,000 of Tardif against its segment's 5,000
        self.assertEqual(self.tardif.credit_available, 3000.0)
        self.assertEqual(self.tardif.credit_utilization, 40.0)
        over = self.env["res.partner"].search(
            [("credit_utilization", ">", 30.0), ("id", "in", self.customers.ids)]
        )
        self.assertEqual(over, self.tardif)
        self.tardif.credit_limit = 1500.0
        self.assertEqual(self.tardif.credit_limit_source, "partner")
        self.assertTrue(self.tardif.credit_over_limit)

    def test_precedence_of_scenarios_and_rules(self):
        self._score()
        default = self.company.credit_dunning_scenario_id
        strict = default.copy({"name": "Strict"})
        self.segment["watch"].write(
            {"dunning_scenario_id": strict.id, "rules_override": True, "block_overdue_days": 30}
        )
        self.assertEqual(self.tardif._credit_dunning_scenario(), strict)
        self.assertEqual(self.tardif.credit_dunning_scenario_source, "segment")
        self.assertEqual(self.ponctuel._credit_dunning_scenario(), default)
        self.assertEqual(self.ponctuel.credit_dunning_scenario_source, "company")
        self.assertEqual(self.tardif._credit_rules().overdue_days, 30)
        self.assertEqual(self.tardif.credit_rules_source, "segment")
        own = default.copy({"name": "Own"})
        self.tardif.write(
            {
                "credit_dunning_scenario_id": own.id,
                "credit_rules_override": True,
                "credit_block_overdue_days": 60,
            }
        )
        self.assertEqual(self.tardif._credit_dunning_scenario(), own)
        self.assertEqual(self.tardif._credit_rules().overdue_days, 60)
        self.assertEqual(self.tardif.credit_rules_source, "partner")

    def test_precedence_of_payment_terms(self):
        """Watch gives 30 days to its customers without a term of their own:
        Tardif's orders and invoices get it; Ponctuel's own term wins."""
        self._score()
        days_30 = self.env.ref("account.account_payment_term_30days")
        days_15 = self.env.ref("account.account_payment_term_15days")
        self.segment["watch"].payment_term_id = days_30
        self.segment["excellent"].payment_term_id = days_30
        self.ponctuel.property_payment_term_id = days_15
        self.assertRecordValues(
            self.tardif | self.ponctuel,
            [
                {
                    "credit_payment_term_effective_id": days_30.id,
                    "credit_payment_term_source": "segment",
                },
                {
                    "credit_payment_term_effective_id": days_15.id,
                    "credit_payment_term_source": "partner",
                },
            ],
        )
        self.assertEqual(self._order(self.tardif, 1, 10.0, confirm=False).payment_term_id, days_30)
        self.assertEqual(
            self._order(self.ponctuel, 1, 10.0, confirm=False).payment_term_id, days_15
        )
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.tardif.id}
        )
        self.assertEqual(invoice.invoice_payment_term_id, days_30)

    def test_segment_blocking_rule_blocks_orders(self):
        """Watch blocks after 30 days overdue: Tardif's I3 is 46 days."""
        self._score()
        self.segment["watch"].write({"rules_override": True, "block_overdue_days": 30})
        with self.assertRaisesRegex(RedirectWarning, "overdue for 46 days"):
            self._order(self.tardif, 1, 10.0)

    def test_review_accepted(self):
        review = self._move_tardif_up()
        self.assertRecordValues(
            review,
            [
                {
                    "state": "proposed",
                    "old_segment_id": self.segment["watch"].id,
                    "new_segment_id": self.segment["good"].id,
                    "current_limit": 5000.0,
                    "proposed_limit": 10000.0,
                }
            ],
        )
        self.assertIn("moved up from Watch to Good", review.reason)
        self.assertEqual(self.tardif.credit_limit_effective, 5000.0, "nothing loosened yet")
        review.action_accept()
        self.assertEqual(review.state, "accepted")
        self.assertEqual(self.tardif.credit_review_date, date(2026, 6, 30), "Good: 12 months")
        self.tardif.invalidate_recordset()
        self.assertEqual(self.tardif.credit_limit_effective, 10000.0)
        with self.assertRaisesRegex(UserError, "not yet decided"):
            review.action_reject()

    def test_review_rejected(self):
        review = self._move_tardif_up()
        review.action_reject()
        self.assertEqual(review.state, "rejected")
        self.assertEqual(self.tardif.credit_limit_effective, 5000.0)

    def test_sales_multiple_limit(self):
        """Months of sales: Tardif invoiced 4,000 in 12 months (I1 to I3:
        1,000 + 1,000 + 2,000): 2 months of 333.33 = 666.67."""
        self.segment["watch"].write({"limit_type": "sales_multiple", "limit_sales_multiple": 2.0})
        self._score(self.tardif)
        self.assertEqual(self._row(self.tardif).sales_12m, 4000.0)
        self.assertEqual(self.tardif.credit_limit_effective, 666.67)

    def test_ranges_refused(self):
        watch = self.segment["watch"]
        with self._raises(ValidationError, "“Watch” .*40–65.* and “Good” .*overlap"):
            watch.score_max = 65
        self.assertEqual(watch.score_max, 59, "nothing changed")
        with self._raises(ValidationError, "must lie within 0–100"):
            watch.score_min = 70
        with self._raises(ValidationError, "cannot be negative"):
            watch.limit_amount = -1
        # another company's own segments do not clash with the shared ones
        other = self.env["res.company"].create({"name": "Other"})
        self.env["credit.segment"].create(
            {"name": "All", "score_min": 0, "score_max": 100, "company_id": other.id}
        )

    def test_payment_term_warning(self):
        term_45_eom = self.env["account.payment.term"].create(
            {
                "name": "45 days end of month",
                "line_ids": [
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 100.0,
                            "nb_days": 45,
                            "delay_type": "days_after_end_of_month",
                        }
                    )
                ],
            }
        )
        self.segment["watch"].payment_term_id = term_45_eom
        self.assertFalse(self.segment["watch"].payment_term_warning, "end of month then 45 days")
        term_90 = self.env["account.payment.term"].create(
            {
                "name": "90 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 90})
                ],
            }
        )
        self.segment["watch"].payment_term_id = term_90
        self.assertIn("beyond what French law allows", self.segment["watch"].payment_term_warning)
        self.tardif.property_payment_term_id = term_90
        self.assertIn("“90 days”", self.tardif.credit_payment_term_warning)
        self.assertFalse(self.ponctuel.credit_payment_term_warning)


class TestScoreMultiCompany(ScoreCommon):
    def test_a_score_per_company(self):
        """In company 2, Tardif paid its three invoices of 1,000 on their due
        dates (31 March, 30 April, 31 May 2025), invoiced 30 days before:
        a customer for 121 days, (1 − 121/730) × 5 = 4.17 points: 96,
        Excellent there while Watch (46) in company 1."""
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids = [Command.link(company_2.id)]
        for invoice_date, due in (
            ("2025-03-01", "2025-03-31"),
            ("2025-03-31", "2025-04-30"),
            ("2025-05-01", "2025-05-31"),
        ):
            invoice = self._invoice(
                self.tardif, 1000.0, due, invoice_date=invoice_date, company_id=company_2.id
            )
            self._pay(invoice, 1000.0, due)
        self._score()
        in_2 = self.tardif.with_company(company_2)
        self.assertFalse(in_2.credit_score, "company 1's scoring leaves company 2 alone")
        in_2.action_credit_compute_score()
        self.assertRecordValues(
            self._row(self.tardif, company_2),
            [
                {
                    "score": 96,
                    "invoice_count": 3,
                    "relationship_days": 121,
                    "segment_id": self.segment["excellent"].id,
                }
            ],
        )
        self.assertEqual(self._row(self.tardif).score, 46)
        self.assertEqual((in_2.credit_score, in_2.credit_segment_id.name), (96, "Excellent"))
        self.assertEqual(
            (self.tardif.credit_score, self.tardif.credit_segment_id.name), (46, "Watch")
        )
        # a segment of company 2 only: company 1 keeps the shared ones
        own = self.env["credit.segment"].create(
            {"name": "Everyone", "score_min": 0, "score_max": 100, "company_id": company_2.id}
        )
        self.assertEqual(self.env["credit.segment"]._for_company(company_2), own)
        self.assertNotIn(own, self.env["credit.segment"]._for_company(self.company))


class TestExternalRatingAndSettings(ScoreCommon):
    def _import(self, text):
        wizard = self.env["credit.rating.import.wizard"].create(
            {"file": base64.b64encode(text.encode()), "filename": "ratings.csv"}
        )
        wizard.action_preview()
        return wizard

    def test_csv_import_good_and_bad_lines(self):
        self.tardif.vat = "BE0477472701"
        self.ponctuel.ref = "PONC"
        wizard = self._import(
            "partner;rating;scale_min;scale_max;source;date\n"
            "BE0477472701;7;1;10;Bureau;2025-06-01\n"
            "PONC;15;1;10;Bureau;2025-06-01\n"
            "Nobody;5;1;10;Bureau;2025-06-01\n"
            "Nouveau;5;1;10;;2025-06-01\n"
        )
        self.assertEqual((wizard.good_count, wizard.error_count), (1, 3))
        self.assertEqual(
            wizard.line_ids.mapped("error"),
            [
                False,
                "the rating is outside its scale",
                "no customer Nobody",
                "no source given",
            ],
        )
        self.assertEqual(wizard.line_ids[0].partner_id, self.tardif)
        wizard.action_import()
        self.assertRecordValues(
            self.tardif,
            [
                {
                    "credit_rating_value": 7.0,
                    "credit_rating_source": "Bureau",
                    "credit_rating_date": date(2025, 6, 1),
                }
            ],
        )
        self.assertFalse(self.ponctuel.credit_rating_date, "a bad line changes nothing")
        self.assertFalse(self.nouveau.credit_rating_date)

    def test_not_a_text_file(self):
        wizard = self.env["credit.rating.import.wizard"].create(
            {"file": base64.b64encode(b"\xff\xfe\x00bad"), "filename": "ratings.xls"}
        )
        with self._raises(UserError, "not a UTF-8 CSV file"):
            wizard.action_preview()

    def test_invalid_score_settings(self):
        with self._raises(ValidationError, "minimum number of invoices"):
            self.company.credit_score_min_invoices = -1
        with self._raises(ValidationError, "between 0 and 100 %"):
            self.company.credit_score_external_weight = 120.0
        with self._raises(ValidationError, "weights cannot be negative"):
            self.company.credit_score_weight_days_late_6m = -5
        self.assertEqual(self.company.credit_score_weight_days_late_6m, 10, "nothing changed")

    def test_only_a_credit_manager_scores_on_demand(self):
        self.env.user.group_ids = [
            Command.unlink(self.env.ref("credit_management.group_credit_manager").id)
        ]
        with self.assertRaises(AccessError):
            self.tardif.action_credit_compute_score()

    def test_missing_columns(self):
        with self._raises(UserError, "lacks the columns: source, date"):
            self._import("partner,rating,scale_min,scale_max\nX,1,1,2\n")

    def test_rating_counts_in_the_score(self):
        """Rating 7 on 1–10 = 66.67, 20 % of the score: Tardif's 45.55 ×
        0.8 + 66.67 × 0.2 = 49.77 → 50."""
        self.tardif.write(
            {
                "credit_rating_value": 7.0,
                "credit_rating_scale_min": 1.0,
                "credit_rating_scale_max": 10.0,
                "credit_rating_source": "Bureau",
                "credit_rating_date": "2025-06-01",
            }
        )
        self._score(self.tardif)
        row = self._row(self.tardif)
        self.assertEqual(row.external_rating, 66.67)
        self.assertEqual(row.score, 50)
        self.assertEqual(row.explanation[-1], ["external_rating", 66.67, 4.22])

    def test_settings_preview(self):
        """With all the weight on days late (12 months), Ponctuel stays
        Excellent (0 days), Tardif falls to Risky: one change."""
        self._score()
        settings = self.env["res.config.settings"].create({})
        weights = {f"credit_score_weight_{key}": 0 for key in self.company._credit_score_weights()}
        before = self.env["credit.score"]._preview_changes(
            self.company, self.company._credit_score_weights(), 3, 20.0
        )
        self.assertEqual(before, 0)
        settings.write({**weights, "credit_score_weight_days_late_12m": 100})
        self.assertIn(" 1 customers would change segment", settings.credit_score_preview)
        # pinned, Tardif keeps its segment whatever the weights: no change
        self.tardif.write({"credit_segment_pinned": True, "credit_segment_pin_reason": "Plan"})
        settings.invalidate_recordset(["credit_score_preview"])
        self.assertIn(" 0 customers would change segment", settings.credit_score_preview)

    def test_customers_grouped_by_segment(self):
        self._score()
        groups = self.env["res.partner"]._read_group(
            [("id", "in", self.customers.ids)], ["credit_segment_id"], ["__count"]
        )
        self.assertEqual(
            dict(groups),
            {self.segment["excellent"]: 1, self.segment["watch"]: 1, self.env["credit.segment"]: 1},
        )
        risky = self.env["res.partner"].search(
            [("id", "in", self.customers.ids), ("credit_segment_id.score_max", "<", 60)]
        )
        self.assertEqual(risky, self.tardif)


class TestReportsBySegment(ScoreCommon):
    def test_aged_balance_by_segment(self):
        """Open today: Ponctuel 1,000 not due (Excellent), Tardif 2,000
        46 days overdue (Watch), Nouveau 1,000 (no segment)."""
        self._score()
        groups = self.env["credit.aged.balance"]._read_group(
            [("partner_id", "in", self.customers.ids)],
            ["segment_id"],
            ["residual:sum", "not_due:sum", "bucket_2:sum"],
        )
        self.assertEqual(
            sorted((segment.name or "", *amounts) for segment, *amounts in groups),
            [
                ("", 1000.0, 1000.0, 0.0),
                ("Excellent", 1000.0, 1000.0, 0.0),
                ("Watch", 2000.0, 0.0, 2000.0),
            ],
        )

    def test_kpis_by_segment(self):
        """Sales of 2025 to date: Ponctuel 4 × 1,000 (Excellent), Tardif
        1,000 + 2,000 (Watch), Nouveau 2 × 500."""
        self._score()
        rows = self.env["credit.kpi"]._kpis(
            self.company, date(2025, 1, 1), date(2025, 6, 30), "segment"
        )
        self.assertEqual(
            {row["key"]: (row["sales"], row["ar"]) for row in rows},
            {
                self.segment["excellent"].id: (4000.0, 1000.0),
                self.segment["watch"].id: (3000.0, 2000.0),
                None: (1000.0, 1000.0),
            },
        )
        wizard = self.env["credit.kpi.wizard"].create(
            {
                "period_type": "custom",
                "date_from": "2025-01-01",
                "date_to": "2025-06-30",
                "groupby": "segment",
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        wizard.action_show()
        self.assertEqual(
            sorted(wizard.line_ids.mapped("name")), ["Excellent", "No Segment", "Watch"]
        )
        watch = wizard.line_ids.filtered(lambda line: line.name == "Watch")
        self.assertEqual(watch.segment_id, self.segment["watch"])
        items = self.env["credit.aged.balance"].search(watch.action_open_items()["domain"])
        self.assertEqual(items.move_id, self.tardif_open)

    def test_dashboard_segments(self):
        self._score()
        lines = [
            line
            for line in self.env["credit.dashboard"].get_figures()["lines"]
            if line["kind"] == "segment"
        ]
        self.assertEqual(
            [(line["name"], line["count"], line["amount"], line["balance"]) for line in lines],
            [
                ("Excellent", 1, 1000.0, 0.0),
                ("Watch", 1, 2000.0, 2000.0),
                ("No Segment", 0, 1000.0, 0.0),
            ],
        )
        dashboard = self.env["credit.dashboard"].browse(
            self.env["credit.dashboard"].action_open_dashboard()["res_id"]
        )
        watch = dashboard.segment_line_ids.filtered(lambda line: line.name == "Watch")
        partners = self.env["res.partner"].search(watch.action_open()["domain"])
        self.assertEqual(partners, self.tardif)

    def test_exposure_by_segment(self):
        """Exposure today: Ponctuel 1,000 not due (Excellent, own limit
        4,000), Tardif 2,000 overdue (Watch, its limit 5,000), Nouveau
        1,000 (no segment)."""
        self._score()
        groups = self.env["credit.segment.exposure"]._read_group(
            [("partner_id", "in", self.customers.ids)],
            ["segment_id"],
            ["exposure:sum", "overdue:sum", "credit_limit:sum"],
        )
        self.assertEqual(
            sorted((segment.name or "", *amounts) for segment, *amounts in groups),
            [
                ("", 1000.0, 0.0, 0.0),
                ("Excellent", 1000.0, 0.0, 4000.0),
                ("Watch", 2000.0, 2000.0, 5000.0),
            ],
        )
