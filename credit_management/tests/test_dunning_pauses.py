from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import CreditTestCommon


class PausesCommon(CreditTestCommon):
    """Bernard SA (no taxes anywhere), on 2025-06-30:

    * INV1 1,000 due 2025-05-31, 400 paid on 2025-06-10: 600 still due;
    * INV2 2,000 due 2025-06-15, open;
    * RF1, a credit note of 100.

    A Credit Controller and a salesman act on them.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bernard = cls._customer("Bernard SA")
        cls.inv1 = cls._invoice(cls.bernard, 1000.0, "2025-05-31", invoice_date="2025-05-01")
        cls.inv2 = cls._invoice(cls.bernard, 2000.0, "2025-06-15", invoice_date="2025-05-16")
        cls.refund = cls._invoice(cls.bernard, 100.0, "2025-06-01", move_type="out_refund")
        cls._pay(cls.inv1, 400.0, "2025-06-10")
        cls.reason = cls.env.ref("credit_management.dispute_reason_price")
        cls.controller = new_test_user(
            cls.env,
            login=f"credit_controller_{cls.__name__}",
            groups="credit_management.group_credit_controller,sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.salesman = new_test_user(
            cls.env,
            login=f"credit_salesman_{cls.__name__}",
            groups="sales_team.group_sale_salesman,account.group_account_invoice",
            company_id=cls.company.id,
        )

    def _dispute(self, invoice, amount, **values):
        return self.env["credit.dispute"].create(
            {"move_id": invoice.id, "reason_id": self.reason.id, "amount": amount, **values}
        )


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestDisputes(PausesCommon):
    def test_disputed_amount_must_be_positive(self):
        for amount in (0.0, -50.0):
            with (
                self.subTest(amount=amount),
                self.assertRaisesRegex(ValidationError, "must be greater than zero"),
            ):
                self._dispute(self.inv1, amount)

    def test_disputed_amount_cannot_exceed_the_residual(self):
        """INV1: 1,000 - 400 paid = 600 still due; 600.01 is too much."""
        with self.assertRaisesRegex(ValidationError, r"cannot exceed what is still due"):
            self._dispute(self.inv1, 600.01)
        dispute = self._dispute(self.inv1, 600.0)
        with self.assertRaisesRegex(ValidationError, r"cannot exceed what is still due"):
            dispute.amount = 700.0

    def test_only_posted_customer_invoices_are_disputed(self):
        with self.assertRaisesRegex(ValidationError, "not a posted customer invoice"):
            self._dispute(self.refund, 50.0)

    def test_defaults_from_the_invoice(self):
        action = self.inv1.with_user(self.controller).action_credit_new_dispute()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.reason_id = self.reason
        dispute = form.save()
        self.assertRecordValues(
            dispute,
            [
                {
                    "move_id": self.inv1.id,
                    "partner_id": self.bernard.id,
                    "company_id": self.company.id,
                    "amount": 600.0,
                    "user_id": self.env.user.id,
                    "state": "open",
                }
            ],
        )
        self.assertEqual(self.inv1.credit_dispute_count, 1)
        self.assertEqual(self.bernard.credit_dispute_count, 1)

    def test_disputed_flag_follows_the_open_disputes(self):
        dispute = self._dispute(self.inv2, 500.0)
        self.assertTrue(self.inv2.credit_disputed)
        self.assertFalse(self.inv1.credit_disputed)
        dispute.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        self.assertFalse(self.inv2.credit_disputed)
        dispute.action_reopen()
        self.assertTrue(self.inv2.credit_disputed)
        dispute.action_reject()
        self.assertEqual(dispute.state, "rejected")
        self.assertFalse(self.inv2.credit_disputed)
        # a closed dispute beside an open one: still disputed
        self._dispute(self.inv2, 100.0)
        self.assertTrue(self.inv2.credit_disputed)
        with self.assertRaisesRegex(UserError, "cannot go to that state"):
            dispute.action_resolve()

    def test_controller_works_disputes_salesman_reads_them(self):
        dispute = self._dispute(self.inv2, 500.0).with_user(self.controller)
        dispute.action_resolve()
        self.assertFalse(self.inv2.credit_disputed)
        as_salesman = dispute.with_user(self.salesman)
        self.assertEqual(as_salesman.amount, 500.0)
        with self.assertRaises(AccessError):
            as_salesman.action_reopen()

    def test_aged_balance_flags_the_disputed_invoice_and_keeps_it(self):
        """INV2 disputed: it stays in the balance with its 2,000; the total
        2,000 + 600 - 100 = 2,500 is unchanged."""
        self._dispute(self.inv2, 500.0)
        report = self.env["credit.aged.balance"]
        rows = report.search([("partner_id", "=", self.bernard.id)])
        self.assertEqual(
            {(row.move_id, row.residual, row.disputed) for row in rows},
            {
                (self.inv1, 600.0, False),
                (self.inv2, 2000.0, True),
                (self.refund, -100.0, False),
            },
        )
        [(total,)] = report._read_group(
            [("partner_id", "=", self.bernard.id)], aggregates=["residual:sum"]
        )
        self.assertEqual(total, 2500.0)
        disputed = report.search([("partner_id", "=", self.bernard.id), ("disputed", "=", True)])
        self.assertEqual(disputed.move_id, self.inv2)


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestDunningPause(PausesCommon):
    def _wizard(self, moves, paused_until, reason="Customer on holiday", user=None):
        Wizard = self.env["credit.dunning.pause.wizard"].with_user(user or self.controller)
        return Wizard.with_context(active_model="account.move", active_ids=moves.ids).create(
            {"paused_until": paused_until, "reason": reason}
        )

    def test_batch_pause_then_resume(self):
        invoices = self.inv1 | self.inv2
        wizard = self._wizard(invoices, "2025-07-15")
        self.assertEqual(wizard.move_ids, invoices)
        wizard.action_apply()
        self.assertRecordValues(
            invoices,
            [
                {
                    "credit_dunning_paused_until": fields.Date.to_date("2025-07-15"),
                    "credit_dunning_pause_reason": "Customer on holiday",
                }
            ]
            * 2,
        )
        invoices.with_user(self.controller).action_credit_resume_dunning()
        self.assertRecordValues(
            invoices,
            [{"credit_dunning_paused_until": False, "credit_dunning_pause_reason": False}] * 2,
        )

    def test_today_is_accepted_a_past_date_is_not(self):
        self._wizard(self.inv1, "2025-06-30").action_apply()
        self.assertEqual(str(self.inv1.credit_dunning_paused_until), "2025-06-30")
        with self.assertRaisesRegex(UserError, "that date is in the past"):
            self._wizard(self.inv2, "2025-06-29").action_apply()
        self.assertFalse(self.inv2.credit_dunning_paused_until)

    def test_only_posted_customer_invoices_are_paused(self):
        draft = self._invoice(self.bernard, 50.0, "2025-07-31", post=False)
        for move in (self.refund, draft):
            with (
                self.subTest(move=move.display_name),
                self.assertRaisesRegex(UserError, "only be paused on posted customer invoices"),
            ):
                self._wizard(self.inv1 | move, "2025-07-15").action_apply()
        self.assertFalse(self.inv1.credit_dunning_paused_until)

    def test_only_credit_controllers_pause(self):
        with self.assertRaisesRegex(AccessError, "Only a Credit Controller"):
            self.inv1.with_user(self.salesman).write(
                {"credit_dunning_paused_until": "2025-07-15", "credit_dunning_pause_reason": "x"}
            )

    def test_pause_is_tracked(self):
        self.env.cr.precommit.run()
        invoice = self.inv1.with_env(self.env(context={}))
        invoice._credit_pause_dunning("2025-07-15", "Awaiting credit note")
        self.env.cr.precommit.run()
        tracked = invoice.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("credit_dunning_paused_until", tracked)
        self.assertIn("credit_dunning_pause_reason", tracked)


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestDoNotDun(PausesCommon):
    def test_do_not_dun_is_tracked(self):
        self.env.cr.precommit.run()
        bernard = self.bernard.with_env(self.env(context={}))
        bernard.write({"credit_no_dunning": True, "credit_no_dunning_reason": "Key account"})
        self.env.cr.precommit.run()
        tracking = bernard.sudo().message_ids.tracking_value_ids
        self.assertRecordValues(
            tracking.filtered(lambda t: t.field_id.name == "credit_no_dunning_reason"),
            [{"old_value_char": False, "new_value_char": "Key account"}],
        )
        self.assertTrue(tracking.filtered(lambda t: t.field_id.name == "credit_no_dunning"))

    def test_only_a_manager_stops_dunning(self):
        for field_name, value in (("credit_no_dunning", True), ("credit_no_dunning_reason", "x")):
            with (
                self.subTest(field=field_name),
                self.assertRaisesRegex(AccessError, "dunning stops"),
            ):
                self.bernard.with_user(self.controller).write({field_name: value})
        self.assertFalse(self.bernard.credit_no_dunning)

    def test_do_not_dun_per_company(self):
        company_2 = self.setup_other_company()["company"]
        self.bernard.credit_no_dunning = True
        self.assertFalse(self.bernard.with_company(company_2).credit_no_dunning)


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestDisputesMultiCompany(PausesCommon):
    def test_disputes_of_one_company_are_hidden_from_the_other(self):
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids = [Command.link(company_2.id)]
        invoice_2 = self._invoice(
            self.bernard, 300.0, "2025-07-31", company_id=company_2.id
        ).with_company(company_2)
        dispute_2 = self._dispute(invoice_2, 300.0)
        dispute_1 = self._dispute(self.inv2, 500.0)
        self.assertEqual(dispute_2.company_id, company_2)
        controller_2 = new_test_user(
            self.env,
            login="credit_controller_company_2",
            groups="credit_management.group_credit_controller",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        Dispute = self.env["credit.dispute"]
        self.assertEqual(Dispute.with_user(controller_2).search([]), dispute_2)
        self.assertEqual(
            Dispute.with_user(self.controller).search([("partner_id", "=", self.bernard.id)]),
            dispute_1,
        )
