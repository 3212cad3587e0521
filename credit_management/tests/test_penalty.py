"""Late-payment penalties charged by dunning runs, figures worked by hand.

Rates: the shipped French table, 13.15 % for H1 2025, 12.15 % for H2 2025.
Interest = amount × rate × days / 365 per half-year; e.g. DOMAIN.md's
12,000 due 15 May 2025 charged to 14 August: 16 May - 30 June, 46 days at
13.15 % = 198.87; 1 July - 14 August, 45 days at 12.15 % = 179.75; 378.62.
"""

from datetime import date
from unittest.mock import patch

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools import html2plaintext, mute_logger

from odoo.addons.base.models.ir_cron import IrCron

from ..models import credit_dunning_run
from ..models.credit_dunning_communication import CreditDunningCommunication
from .common import CreditTestCommon

DUE = date(2025, 5, 15)


@tagged("post_install", "-at_install")
class PenaltyCommon(CreditTestCommon):
    """A ladder of two levels that both charge penalties: "Late" at day 1
    and "Later" at day 60, no review, no interval between reminders; an
    indemnity of 40 and no fee unless a test sets one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env.ref("credit_management.mail_template_dunning_formal_notice")
        level = {"channel_email": True, "mail_template_id": template.id, "charge_penalties": True}
        cls.scenario = cls.env["credit.dunning.scenario"].create(
            {
                "name": "Penalties",
                "min_interval_days": 0,
                "level_ids": [
                    Command.create({"name": "Late", "day_offset": 1, "sequence": 1, **level}),
                    Command.create({"name": "Later", "day_offset": 60, "sequence": 2, **level}),
                ],
            }
        )
        cls.late, cls.later = cls.scenario.level_ids.sorted("sequence")
        cls.company.credit_dunning_scenario_id = cls.scenario
        cls.company.credit_penalty_indemnity = 40.0
        cls.customer = cls._customer("Late Payer SA")
        cls.Line = cls.env["credit.penalty.line"]

    def _run(self, run_date, invoice=True):
        """The run of ``run_date``, then its penalty invoices unless
        ``invoice`` is false (the run itself only writes the ledger)."""
        with freeze_time(run_date):
            run = self.env["credit.dunning.run"]._create_run(self.company, run_date)
            if invoice:
                run.communication_ids._create_penalty_invoices()
            return run

    def _penalties(self, run):
        """``{(invoice, kind): amount}`` of a run's penalties not waived."""
        lines = self.Line.search([("communication_id", "in", run.communication_ids.ids)])
        return {
            (line.move_id, line.kind): line.amount
            for line in lines
            if line.state in ("to_invoice", "invoiced")
        }


class TestPenaltyCharge(PenaltyCommon):
    def test_worked_example_to_the_cent(self):
        """12,000 due 15 May 2025, run on 14 August: 378.62 of interest and
        the indemnity of 40 on one penalty invoice that explains itself."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        run = self._run(date(2025, 8, 14))
        self.assertEqual(
            self._penalties(run), {(invoice, "interest"): 378.62, (invoice, "indemnity"): 40.0}
        )
        penalty_invoice = run.communication_ids.credit_penalty_move_ids
        self.assertRecordValues(
            penalty_invoice,
            [
                {
                    "move_type": "out_invoice",
                    "state": "draft",
                    "partner_id": self.customer.id,
                    "currency_id": self.currency.id,
                    "credit_penalty_invoice": True,
                    "amount_total": 418.62,
                    "amount_tax": 0.0,
                    "invoice_date": date(2025, 8, 14),
                }
            ],
        )
        self.assertEqual(
            penalty_invoice.invoice_line_ids.mapped("name"),
            [
                f"Late-payment interest on {invoice.name}: 46 days at 13.15 % + 45 days at 12.15 %",
                f"Fixed recovery indemnity on {invoice.name}",
            ],
        )
        interest = self.Line.search([("move_id", "=", invoice.id), ("kind", "=", "interest")])
        self.assertRecordValues(
            interest,
            [
                {
                    "date_from": date(2025, 5, 16),
                    "date_to": date(2025, 8, 14),
                    "detail": "46 days at 13.15 % + 45 days at 12.15 %",
                    "penalty_move_id": penalty_invoice.id,
                    "invoice_line_id": penalty_invoice.invoice_line_ids[0].id,
                    "communication_id": run.communication_ids.id,
                }
            ],
        )
        self.assertEqual(run.communication_ids.credit_penalty_amount, 418.62)
        self.assertEqual(invoice.credit_penalty_count, 2)
        self.assertEqual(penalty_invoice.credit_penalty_count, 2)

    def test_partial_payment_mid_period(self):
        """10,000 due 31 Jan 2025, 4,000 paid 10 Feb, run on 2 March: 10
        days on 10,000 (36.03) then 20 days on 6,000 (43.23) at 13.15 %."""
        invoice = self._invoice(self.customer, 10000.0, "2025-01-31")
        self._pay(invoice, 4000.0, "2025-02-10")
        run = self._run(date(2025, 3, 2))
        self.assertEqual(self._penalties(run)[invoice, "interest"], 79.26)
        self.assertEqual(
            run.communication_ids.credit_penalty_line_ids.filtered("date_to").detail,
            "30 days at 13.15 %",
        )

    def test_two_runs_a_month_apart_charge_no_day_twice(self):
        """Run on 15 June (31 days late): 16 May - 15 June at 13.15 % =
        134.02 and the indemnity; run on 14 August (next level): 16 June -
        14 August, 15 days at 13.15 % (64.85) + 45 at 12.15 % (179.75) =
        244.60, no indemnity; together the worked example's 378.62."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        first = self._run(date(2025, 6, 15))
        self.assertEqual(
            self._penalties(first), {(invoice, "interest"): 134.02, (invoice, "indemnity"): 40.0}
        )
        second = self._run(date(2025, 8, 14))
        self.assertEqual(self._penalties(second), {(invoice, "interest"): 244.60})
        self.assertEqual(
            second.communication_ids.credit_penalty_move_ids.invoice_line_ids.name,
            f"Late-payment interest on {invoice.name}: 15 days at 13.15 % + 45 days at 12.15 %",
        )
        self.assertFalse(self._penalties(self._run(date(2025, 8, 14))))

    def test_paid_late_charged_after_payment_when_set(self):
        """Paid in full on 14 August, another invoice brings a reminder on
        1 September: the paid one is charged to its payment day (378.62)
        only when the company charges invoices paid late."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        self._pay(invoice, 12000.0, "2025-08-14")
        self._invoice(self.customer, 100.0, "2025-08-20")
        self.assertNotIn((invoice, "interest"), self._penalties(self._run(date(2025, 9, 1))))
        self.company.credit_penalty_after_payment = True
        self._invoice(self.customer, 100.0, "2025-08-21")
        run = self._run(date(2025, 9, 1))
        self.assertEqual(self._penalties(run)[invoice, "interest"], 378.62)

    def test_fixed_contractual_rate(self):
        """10 % a year on 3,650 for 30 days: 30.00."""
        self.company.write({"credit_penalty_rate_type": "fixed", "credit_penalty_fixed_rate": 10.0})
        invoice = self._invoice(self.customer, 3650.0, "2025-03-01")
        self.assertEqual(self._penalties(self._run(date(2025, 3, 31)))[invoice, "interest"], 30.0)

    def test_foreign_currency_invoice(self):
        """1,000 in the foreign currency (1 = 2 foreign), due 15 May, run on
        14 August: interest in that currency, 1,000 × the worked example's
        378.62 / 12,000 = 31.55; the indemnity of 40 is 80 foreign units."""
        invoice = self._invoice(self.customer, 1000.0, DUE, currency_id=self.foreign.id)
        run = self._run(date(2025, 8, 14))
        self.assertEqual(
            self._penalties(run), {(invoice, "interest"): 31.55, (invoice, "indemnity"): 80.0}
        )
        self.assertEqual(run.communication_ids.credit_penalty_move_ids.currency_id, self.foreign)

    def test_ledger_reads_its_reminder_and_keeps_it(self):
        """The ledger's customer, company and currency are its reminder's:
        searched and grouped by customer, it gives the worked example's
        378.62 of interest plus 40 of indemnity.  The run cannot be deleted
        while its reminder has penalties, so the ledger keeps both lines."""
        self._invoice(self.customer, 12000.0, DUE)
        run = self._run(date(2025, 8, 14), invoice=False)
        lines = self.Line.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(lines.communication_id, run.communication_ids)
        self.assertEqual(lines.company_id, self.company)
        self.assertEqual(lines.currency_id, self.currency)
        groups = self.Line._read_group(
            [("company_id", "=", self.company.id)], ["partner_id"], ["amount:sum"]
        )
        self.assertEqual(groups, [(self.customer, 418.62)])
        with (
            self.assertRaises(psycopg2.IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            run.unlink()
        self.assertEqual(self.Line.search_count([("partner_id", "=", self.customer.id)]), 2)

    def test_missing_rate_period_refused(self):
        """Without the H2 2025 rate, a run on 14 August stops, naming the
        days no rate covers, before any penalty is written."""
        self.env["credit.penalty.rate"].search(
            [("company_id", "=", self.company.id), ("date_from", ">=", "2025-07-01")]
        ).unlink()
        self._invoice(self.customer, 12000.0, DUE)
        with self.assertRaisesRegex(
            UserError, r"No late-payment interest rate covers 07/01/2025 to 08/14/2025"
        ):
            self._run(date(2025, 8, 14))
        self.assertFalse(self.Line.search([("partner_id", "=", self.customer.id)]))

    def test_consumer_gets_no_indemnity(self):
        consumer = self._customer("Jane Doe", is_company=False)
        invoice = self._invoice(consumer, 12000.0, DUE)
        self.assertEqual(
            self._penalties(self._run(date(2025, 8, 14))), {(invoice, "interest"): 378.62}
        )

    def test_fee_once_per_invoice_and_level(self):
        """A fee of 15 on each level: two invoices at "Late" get 15 each;
        at "Later" each gets that level's fee once more."""
        self.scenario.level_ids.credit_penalty_fee = 15.0
        first = self._invoice(self.customer, 1000.0, DUE)
        second = self._invoice(self.customer, 1000.0, DUE)
        run = self._run(date(2025, 5, 20))
        self.assertEqual(
            {key: amount for key, amount in self._penalties(run).items() if key[1] == "fee"},
            {(first, "fee"): 15.0, (second, "fee"): 15.0},
        )
        fees = self.Line.search([("kind", "=", "fee"), ("partner_id", "=", self.customer.id)])
        self.assertEqual(fees.level_id, self.late)
        others = self.Line.search([("kind", "!=", "fee"), ("partner_id", "=", self.customer.id)])
        self.assertTrue(others)
        self.assertFalse(others.level_id, "only a fee refers to its level")
        run = self._run(date(2025, 7, 20))
        self.assertEqual(
            {key: amount for key, amount in self._penalties(run).items() if key[1] == "fee"},
            {(first, "fee"): 15.0, (second, "fee"): 15.0},
        )

    def test_fee_once_per_reminder(self):
        self.company.credit_penalty_fee_mode = "communication"
        self.late.credit_penalty_fee = 15.0
        self._invoice(self.customer, 1000.0, DUE)
        self._invoice(self.customer, 1000.0, DUE)
        run = self._run(date(2025, 5, 20))
        fee = run.communication_ids.credit_penalty_line_ids.filtered(lambda l: l.kind == "fee")
        self.assertRecordValues(
            fee, [{"amount": 15.0, "move_id": False, "name": "Reminder fee (Late)"}]
        )

    def test_labels_written_as_they_are(self):
        """The ledger is loaded in bulk as text: a level named with a tab,
        a line break, backslashes and the text of an empty value still
        gives its fee line that very label, and an amount of 15.25."""
        self.company.credit_penalty_fee_mode = "communication"
        self.late.write({"name": "Late\t\\N\n\\step", "credit_penalty_fee": 15.25})
        self._invoice(self.customer, 1000.0, DUE)
        run = self._run(date(2025, 5, 20))
        fee = run.communication_ids.credit_penalty_line_ids.filtered(lambda l: l.kind == "fee")
        self.assertRecordValues(
            fee, [{"amount": 15.25, "name": "Reminder fee (Late\t\\N\n\\step)"}]
        )

    def test_labels_in_each_customer_language(self):
        """One run, an English and a French customer: each penalty line in
        its customer's language, with its decimal separator (labels are
        prepared once per language, not per reminder)."""
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self._customer("Client Retardataire SARL", lang="fr_FR")
        ours = self._invoice(self.customer, 12000.0, DUE)
        theirs = self._invoice(french, 12000.0, DUE)
        run = self._run(date(2025, 8, 14), invoice=False)
        self.assertEqual(
            {
                (line.move_id, line.kind): line.name
                for line in run.communication_ids.credit_penalty_line_ids
            },
            {
                (ours, "interest"): f"Late-payment interest on {ours.name}: "
                "46 days at 13.15 % + 45 days at 12.15 %",
                (ours, "indemnity"): f"Fixed recovery indemnity on {ours.name}",
                (theirs, "interest"): f"Intérêts de retard sur {theirs.name} : "
                "46 jours à 13,15 % + 45 jours à 12,15 %",
                (theirs, "indemnity"): "Indemnité forfaitaire pour frais de recouvrement sur "
                f"{theirs.name}",
            },
        )


class TestPenaltyExclusions(PenaltyCommon):
    def test_exempt_partner_insolvent_partner_exempt_invoice(self):
        exempt = self._customer("Exempt SA", credit_penalty_exempt=True)
        insolvent = self._customer("Insolvent SA", credit_insolvent=True)
        self._invoice(exempt, 12000.0, DUE)
        self._invoice(insolvent, 12000.0, DUE)
        spared = self._invoice(self.customer, 12000.0, DUE)
        spared.credit_penalty_exempt = True
        charged = self._invoice(self.customer, 1000.0, DUE)
        run = self._run(date(2025, 8, 14))
        self.assertEqual({move for move, _kind in self._penalties(run)}, {charged})
        self.assertEqual(len(run.communication_ids), 3)

    def test_disputed_period_not_charged(self):
        """Disputed from 1 to 10 June (resolved then): those 10 days are
        not charged; 16 May - 14 August is 91 days, 81 are charged: 36 at
        13.15 % (155.64) + 45 at 12.15 % (179.75) = 335.39."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        reason = self.env.ref("credit_management.dispute_reason_price")
        with freeze_time("2025-06-01"):
            dispute = self.env["credit.dispute"].create(
                {"move_id": invoice.id, "reason_id": reason.id, "amount": 12000.0}
            )
        with freeze_time("2025-06-10"):
            dispute.action_resolve()
        self.assertEqual(dispute.date_closed, date(2025, 6, 10))
        run = self._run(date(2025, 8, 14))
        self.assertEqual(self._penalties(run)[invoice, "interest"], 335.39)

    def test_penalty_invoice_is_never_charged(self):
        """A posted penalty invoice, overdue a month later, gets no interest."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        penalty_invoice = self._run(date(2025, 6, 15)).communication_ids.credit_penalty_move_ids
        penalty_invoice.invoice_date_due = date(2025, 6, 15)
        penalty_invoice.action_post()
        run = self._run(date(2025, 8, 14))
        self.assertEqual({move for move, _kind in self._penalties(run)}, {invoice})


class TestPenaltyInvoices(PenaltyCommon):
    def test_waive_a_line_its_days_are_not_charged_again(self):
        """The interest of run one (134.02) waived: it leaves the draft
        penalty invoice; run two still starts on 16 June (244.60)."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        penalty_invoice = self._run(date(2025, 6, 15)).communication_ids.credit_penalty_move_ids
        interest = penalty_invoice._credit_penalty_ledger().filtered(lambda l: l.kind == "interest")
        wizard = (
            self.env["credit.penalty.waive.wizard"]
            .with_context(active_model="credit.penalty.line", active_ids=interest.ids)
            .create({"reason": "Good customer"})
        )
        wizard.action_apply()
        self.assertRecordValues(
            interest,
            [
                {
                    "state": "waived",
                    "waive_reason": "Good customer",
                    "waived_by_id": self.env.uid,
                    "waived_date": fields.Date.context_today(interest),
                    "invoice_line_id": False,
                }
            ],
        )
        self.assertEqual(penalty_invoice.amount_total, 40.0)
        run = self._run(date(2025, 8, 14))
        self.assertEqual(self._penalties(run), {(invoice, "interest"): 244.60})

    def test_waive_a_whole_invoice_cancels_it(self):
        self._invoice(self.customer, 12000.0, DUE)
        penalty_invoice = self._run(date(2025, 6, 15)).communication_ids.credit_penalty_move_ids
        self.env["credit.penalty.waive.wizard"].with_context(
            active_model="account.move", active_ids=penalty_invoice.ids
        ).create({"reason": "Commercial gesture"}).action_apply()
        self.assertEqual(penalty_invoice.state, "cancel")
        self.assertEqual(set(penalty_invoice._credit_penalty_ledger().mapped("state")), {"waived"})

    def test_posted_invoice_cannot_be_waived_only_reversed(self):
        """A posted penalty invoice is reversed by a credit note: its lines
        are cancelled and the next run charges those days and the
        indemnity again (378.62 + 40)."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        penalty_invoice = self._run(date(2025, 6, 15)).communication_ids.credit_penalty_move_ids
        penalty_invoice.action_post()
        lines = penalty_invoice._credit_penalty_ledger()
        with self.assertRaisesRegex(UserError, "Only penalties of draft penalty invoices"):
            lines._waive("Too late")
        penalty_invoice._reverse_moves(cancel=True)
        self.assertEqual(penalty_invoice.payment_state, "reversed")
        self.assertEqual(set(lines.mapped("state")), {"cancelled"})
        run = self._run(date(2025, 8, 14))
        self.assertEqual(
            self._penalties(run), {(invoice, "interest"): 378.62, (invoice, "indemnity"): 40.0}
        )

    def test_only_a_credit_manager_waives(self):
        self._invoice(self.customer, 12000.0, DUE)
        lines = self._run(date(2025, 6, 15)).communication_ids.credit_penalty_line_ids
        controller = new_test_user(
            self.env, "controller", groups="credit_management.group_credit_controller"
        )
        with self.assertRaisesRegex(AccessError, "Only a Credit Manager can waive penalties"):
            lines.with_user(controller)._waive("No")

    def test_cancelled_reminder_cancels_its_penalty_invoice(self):
        self._invoice(self.customer, 12000.0, DUE)
        communication = self._run(date(2025, 6, 15)).communication_ids
        communication.action_cancel()
        self.assertEqual(communication.credit_penalty_move_ids.state, "cancel")
        self.assertEqual(set(communication.credit_penalty_line_ids.mapped("state")), {"cancelled"})

    def test_sent_reminder_posts_its_penalty_invoice_when_set(self):
        self.company.credit_penalty_post = True
        self._invoice(self.customer, 12000.0, DUE)
        communication = self._run(date(2025, 6, 15)).communication_ids
        with freeze_time("2025-06-15"):
            communication._mark_sent()
        self.assertEqual(communication.credit_penalty_move_ids.state, "posted")

    def test_reminder_email_mentions_the_penalties(self):
        invoice = self._invoice(self.customer, 12000.0, DUE)
        communication = self._run(date(2025, 6, 15)).communication_ids
        template = self.env.ref("credit_management.mail_template_dunning_formal_notice")
        body = template.with_context(credit_dunning_invoice_ids=invoice.ids)._render_field(
            "body_html", self.customer.ids
        )[self.customer.id]
        self.assertIn(f"Late-payment interest on {invoice.name}: 31 days at 13.15 %", body)
        self.assertIn("134.02", body)
        self.assertEqual(len(communication.credit_penalty_line_ids), 2)

    def test_formal_notice_letter_lists_the_penalties(self):
        """The letter of a level charging penalties, sent on 15 June: its
        PDF is attached to the reminder, and the letter lists the interest
        (31 days at 13.15 % on 12,000: 134.02) and the indemnity (40)."""
        report = self.env.ref("credit_management.action_report_credit_dunning_letter")
        self.late.write({"channel_letter": True, "letter_report_id": report.id})
        self.customer.email = "accounts@late-payer.example.com"
        invoice = self._invoice(self.customer, 12000.0, DUE)
        communication = self._run(date(2025, 6, 15)).communication_ids
        with freeze_time(date(2025, 6, 15)):
            communication.with_context(force_report_rendering=True).action_send()
        self.assertEqual(communication.state, "sent", communication.error)
        self.assertTrue(communication.letter_attachment_id.raw.startswith(b"%PDF"))
        html, _type = (
            self.env["ir.actions.report"]
            .with_context(credit_dunning_communication_ids=communication.ids)
            ._render_qweb_html(report, self.customer.ids)
        )
        text = html2plaintext(html.decode())
        self.assertIn(f"Late-payment interest on {invoice.name}: 31 days at 13.15 %", text)
        self.assertIn("134.02", text)
        self.assertIn(f"Fixed recovery indemnity on {invoice.name}", text)
        self.assertIn("40.00", text)

    def test_exposure_and_aged_balance_count_posted_penalty_invoices(self):
        """Exposure: 12,000 + the posted penalty invoice of 174.02."""
        self._invoice(self.customer, 12000.0, DUE)
        penalty_invoice = self._run(date(2025, 6, 15)).communication_ids.credit_penalty_move_ids
        penalty_invoice.action_post()
        with freeze_time("2025-06-15"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.credit_exposure, 12174.02)
            rows = self.env["credit.aged.balance"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            {row.document_type: row.residual for row in rows},
            {"invoice": 12000.0, "penalty": 174.02},
        )


class TestPenaltyInvoicing(PenaltyCommon):
    """The run writes the ledger; the penalty invoices come later: the
    scheduled action, the sending of the reminder or the run's button."""

    def _penalty_moves(self, customers):
        return self.env["account.move"].search(
            [("partner_id", "in", customers.ids), ("credit_penalty_invoice", "=", True)]
        )

    def test_run_writes_the_ledger_but_no_invoice(self):
        """The worked example's 378.62 + 40, to invoice, on the reminder
        (its e-mail mentions them); a second run charges no day twice and
        no second indemnity."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        run = self._run(date(2025, 8, 14), invoice=False)
        communication = run.communication_ids
        self.assertRecordValues(
            communication.credit_penalty_line_ids.sorted("id"),
            [
                {
                    "kind": "interest",
                    "amount": 378.62,
                    "state": "to_invoice",
                    "move_id": invoice.id,
                },
                {"kind": "indemnity", "amount": 40.0, "state": "to_invoice", "move_id": invoice.id},
            ],
        )
        self.assertFalse(communication.credit_penalty_line_ids.penalty_move_id)
        self.assertFalse(self._penalty_moves(self.customer))
        self.assertEqual(communication.credit_penalty_amount, 418.62)
        self.assertEqual(run.credit_penalty_to_invoice_count, 2)
        self.assertFalse(self._penalties(self._run(date(2025, 8, 14), invoice=False)))

    def test_no_day_twice_with_lines_to_invoice(self):
        invoice = self._invoice(self.customer, 12000.0, DUE)
        self._run(date(2025, 6, 15), invoice=False)
        second = self._run(date(2025, 8, 14), invoice=False)
        self.assertEqual(self._penalties(second), {(invoice, "interest"): 244.60})

    def test_cron_creates_the_invoices_in_batches_once(self):
        """Three customers, batches of 2 reminders each committed; a second
        call creates nothing twice."""
        customers = self.customer | self._customer("Second SA") | self._customer("Third SA")
        for customer in customers:
            self._invoice(customer, 12000.0, DUE)
        calls = []

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            calls.append(processed)
            return 3600.0

        def lock_ready(communications, companies, limit):
            return communications.browse()

        with (
            freeze_time("2025-08-14"),
            patch.object(IrCron, "_commit_progress", commit_progress),
            patch.object(credit_dunning_run, "PENALTY_BATCH_SIZE", 2),
            patch.object(CreditDunningCommunication, "_lock_ready", lock_ready),
        ):
            self.env["credit.dunning.run"]._cron_dunning()
            moves = self._penalty_moves(customers)
            self.assertEqual(moves.partner_id, customers)
            self.assertEqual(len(moves), 3)
            self.assertEqual(set(moves.mapped("amount_total")), {418.62})
            self.assertIn(2, calls)
            self.assertEqual(set(moves._credit_penalty_ledger().mapped("state")), {"invoiced"})
            self.env["credit.dunning.run"]._cron_dunning()
            self.assertEqual(self._penalty_moves(customers), moves)

    def test_sending_creates_the_missing_invoice_first(self):
        """The reminder's penalty invoice exists when its e-mail is
        rendered, and is posted with the sending when the company says so."""
        self.company.credit_penalty_post = True
        self.customer.email = "payer@example.com"
        self._invoice(self.customer, 12000.0, DUE)
        communication = self._run(date(2025, 6, 15), invoice=False).communication_ids
        seen = []
        send_email = CreditDunningCommunication._send_email

        def spy(communications, recipients):
            seen.extend(communications.credit_penalty_move_ids.mapped("amount_total"))
            return send_email(communications, recipients)

        with (
            freeze_time("2025-06-15"),
            patch.object(CreditDunningCommunication, "_send_email", spy),
        ):
            communication.action_send()
        self.assertEqual(communication.state, "sent")
        self.assertEqual(seen, [174.02])
        self.assertEqual(communication.credit_penalty_move_ids.state, "posted")
        self.assertEqual(set(communication.credit_penalty_line_ids.mapped("state")), {"invoiced"})

    def test_run_button_creates_the_invoices(self):
        self._invoice(self.customer, 12000.0, DUE)
        run = self._run(date(2025, 6, 15), invoice=False)
        action = run.action_create_penalty_invoices()
        moves = run.communication_ids.credit_penalty_move_ids
        self.assertEqual(action["domain"], [("id", "in", moves.ids)])
        self.assertEqual(moves.amount_total, 174.02)
        self.assertEqual(moves.invoice_date, date(2025, 6, 15))
        run.invalidate_recordset(["credit_penalty_to_invoice_count"])
        self.assertEqual(run.credit_penalty_to_invoice_count, 0)
        with self.assertRaisesRegex(UserError, "no penalty left to invoice"):
            run.action_create_penalty_invoices()

    def test_cancelled_reminder_frees_its_days_to_invoice(self):
        """Cancelled before invoicing: its lines are cancelled and the next
        run charges the days and the indemnity again (378.62 + 40)."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        communication = self._run(date(2025, 6, 15), invoice=False).communication_ids
        communication.action_cancel()
        self.assertEqual(set(communication.credit_penalty_line_ids.mapped("state")), {"cancelled"})
        self.assertFalse(communication.credit_penalty_move_ids)
        run = self._run(date(2025, 8, 14), invoice=False)
        self.assertEqual(
            self._penalties(run), {(invoice, "interest"): 378.62, (invoice, "indemnity"): 40.0}
        )

    def test_waive_lines_to_invoice(self):
        """Waived before invoicing: no invoice line, days not charged again."""
        invoice = self._invoice(self.customer, 12000.0, DUE)
        run = self._run(date(2025, 6, 15), invoice=False)
        lines = run.communication_ids.credit_penalty_line_ids
        interest = lines.filtered(lambda line: line.kind == "interest")
        interest._waive("Good customer")
        self.assertEqual(interest.state, "waived")
        self.assertEqual(run.communication_ids._create_penalty_invoices().amount_total, 40.0)
        second = self._run(date(2025, 8, 14), invoice=False)
        self.assertEqual(self._penalties(second), {(invoice, "interest"): 244.60})


class TestPenaltySettings(PenaltyCommon):
    def test_negative_values_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["credit.penalty.rate"].create(
                {"company_id": self.company.id, "date_from": "2030-01-01", "rate": -1.0}
            )
        with self.assertRaisesRegex(ValidationError, "indemnity cannot be negative"):
            self.company.credit_penalty_indemnity = -40.0
        with self.assertRaisesRegex(ValidationError, "rates cannot be negative"):
            self.company.credit_penalty_fixed_rate = -2.0
        with self.assertRaisesRegex(ValidationError, "reminder fee .* cannot be negative"):
            self.late.credit_penalty_fee = -5.0

    def test_shipped_rates_and_defaults(self):
        rates = self.env["credit.penalty.rate"].search([("company_id", "=", self.company.id)])
        self.assertEqual(
            {(row.date_from, row.rate) for row in rates if row.date_from.year == 2025},
            {(date(2025, 1, 1), 13.15), (date(2025, 7, 1), 12.15)},
        )
        # the test company's currency is USD: no indemnity by default
        self.assertEqual(
            self.env["res.company"].create({"name": "US Co"}).credit_penalty_indemnity, 0.0
        )
        euro = self.env.ref("base.EUR")
        euro_company = self.env["res.company"].create({"name": "FR Co", "currency_id": euro.id})
        self.assertEqual(euro_company.credit_penalty_indemnity, 40.0)

    def test_floor_warning_in_settings(self):
        """A contractual rate of 10 % is below 3 × a legal rate of 3.71 %."""
        settings = Form(self.env["res.config.settings"])
        settings.credit_penalty_rate_type = "fixed"
        settings.credit_penalty_legal_rate = 3.71
        settings.credit_penalty_fixed_rate = 10.0
        self.assertTrue(settings.credit_penalty_below_floor)
        settings.credit_penalty_fixed_rate = 12.0
        self.assertFalse(settings.credit_penalty_below_floor)
