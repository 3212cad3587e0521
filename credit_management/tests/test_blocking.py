from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import CreditTestCommon


class MartinCommon(CreditTestCommon):
    """Martin SARL, limit 1,000, owes 600 not yet due (no taxes anywhere),
    with a salesman and a Credit Controller to act on its orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.martin = cls._customer("Martin SARL", credit_limit=1000.0)
        cls._invoice(cls.martin, 600.0, "2025-07-31", invoice_date="2025-06-15")
        cls.salesman = new_test_user(
            cls.env,
            login=f"credit_salesman_{cls.__name__}",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.controller = new_test_user(
            cls.env,
            login=f"credit_controller_{cls.__name__}",
            groups="credit_management.group_credit_controller,sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestBlocking(MartinCommon):
    """An order of 300 passes (600 + 300 = 900); once it is confirmed, an order
    of 500 does not (600 + 300 + 500 = 1,400 > 1,000) unless the tolerance
    is at least 40 %.
    """

    def _blocked_message(self, order):
        with self.assertRaises(RedirectWarning) as caught:
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        return caught.exception.args[0]

    def test_order_within_limit_passes_then_next_one_is_blocked(self):
        first = self._order(self.martin, 3, 100.0)
        self.assertEqual(first.state, "sale")
        second = self._order(self.martin, 5, 100.0, confirm=False)
        message = self._blocked_message(second)
        for expected in (
            "over its credit limit",
            "Credit limit: $\xa01,000.00",
            "Exposure: $\xa0900.00",
            "Receivables not yet due: $\xa0600.00",
            "Sales not yet invoiced: $\xa0300.00",
            "This order: $\xa0500.00",
        ):
            self.assertIn(expected, message)

    def test_tolerance_raises_the_ceiling(self):
        self._order(self.martin, 3, 100.0)
        self.company.credit_limit_tolerance = 40.0  # ceiling 1,400: exactly reached
        self.assertEqual(self._order(self.martin, 5, 100.0).state, "sale")
        self.company.credit_limit_tolerance = 0.0
        with self.assertRaises(RedirectWarning):
            self._order(self.martin, 1, 0.01)

    def test_partner_rules_override_the_company(self):
        self._order(self.martin, 3, 100.0)
        self.martin.write({"credit_rules_override": True, "credit_limit_tolerance": 50.0})
        self.assertEqual(self._order(self.martin, 5, 100.0).state, "sale")

    def test_no_limit_check_while_the_company_switch_is_off(self):
        self.company.account_use_credit_limit = False
        self.assertEqual(self._order(self.martin, 50, 100.0).state, "sale")

    def test_hold_blocks_whatever_the_amount(self):
        self.martin.write({"credit_hold": True, "credit_hold_reason": "Cheque bounced"})
        self.assertEqual(self.martin.credit_hold_user_id, self.env.user)
        self.assertEqual(str(self.martin.credit_hold_date), "2025-06-30")
        message = self._blocked_message(self._order(self.martin, 1, 1.0, confirm=False))
        self.assertIn("Martin SARL is on credit hold (Cheque bounced).", message)
        self.martin.credit_hold = False
        self.assertFalse(self.martin.credit_hold_reason)
        self.assertEqual(self._order(self.martin, 1, 1.0).state, "sale")

    def test_oldest_overdue_item_blocks_after_n_days(self):
        # due 15 May: 46 days overdue on 30 June
        self._invoice(self.martin, 10.0, "2025-05-15", invoice_date="2025-04-15")
        self.company.credit_block_overdue_days = 45
        message = self._blocked_message(self._order(self.martin, 1, 1.0, confirm=False))
        self.assertIn("has an item overdue for 46 days (the limit is 45)", message)
        self.assertIn("Oldest overdue item: due on 05/15/2025", message)
        self.company.credit_block_overdue_days = 46
        self.assertEqual(self._order(self.martin, 1, 1.0).state, "sale")

    def test_contacts_orders_count_for_their_company(self):
        contact = self.env["res.partner"].create({"name": "Paul", "parent_id": self.martin.id})
        self._order(contact, 3, 100.0)
        with self.assertRaises(RedirectWarning):
            self._order(contact, 5, 100.0)

    def test_orders_confirmed_together_count_toward_each_other(self):
        orders = self._order(self.martin, 3, 100.0, confirm=False) | self._order(
            self.martin, 2, 100.0, confirm=False
        )
        with self.assertRaises(RedirectWarning):
            orders.action_confirm()  # 600 + 300 + 200 = 1,100
        self.assertEqual(set(orders.mapped("state")), {"draft"})

    def test_fully_prepaid_order_is_not_blocked(self):
        self.martin.credit_hold = True
        order = self._order(self.martin, 1, 100.0, confirm=False)
        self.patch(type(order), "amount_paid", 100.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_invoice_posting_blocked_for_customers_on_hold_when_set(self):
        self.martin.credit_hold = True
        draft = self._invoice(self.martin, 50.0, "2025-07-30", post=False)
        draft.action_post()  # the setting is off by default
        self.company.credit_block_invoice_on_hold = True
        draft = self._invoice(self.martin, 50.0, "2025-07-30", post=False)
        with self.assertRaisesRegex(UserError, "Martin SARL is on credit hold"):
            draft.action_post()

    def _assert_refused(self, write, message):
        with self.assertRaises(ValidationError) as caught:
            write()
        self.assertIn(message, caught.exception.args[0])

    def test_bad_settings_are_refused(self):
        self._assert_refused(
            lambda: self.martin.write({"credit_limit": -1.0}),
            "The credit limit of Martin SARL cannot be negative (-1.0).",
        )
        self._assert_refused(
            lambda: self.company.write({"credit_limit_tolerance": 120.0}),
            "The credit limit tolerance must be between 0 and 100 % (got 120.0).",
        )
        self._assert_refused(
            lambda: self.company.write({"credit_block_overdue_days": -1}),
            "The number of days overdue cannot be negative (got -1).",
        )
        self._assert_refused(
            lambda: self.martin.write(
                {"credit_rules_override": True, "credit_limit_tolerance": -5.0}
            ),
            "between 0 and 100 % (got -5.0)",
        )
        settings = self.env["res.config.settings"].create({})
        self._assert_refused(
            lambda: settings.write({"account_default_credit_limit": -100.0}),
            "The default credit limit cannot be negative (got -100.0).",
        )
        self.assertEqual(self.martin.credit_limit, 1000.0, "nothing changed")

    def test_only_credit_managers_set_limits_and_holds(self):
        partner = self.martin.with_user(self.controller)
        with self.assertRaises(AccessError):
            partner.credit_limit = 5000.0
        with self.assertRaises(AccessError):
            partner.credit_hold = True
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.controller).create(
                {"name": "New", "credit_limit": 10.0}
            )

    def test_limit_changes_are_tracked(self):
        # records created in the current transaction are not tracked: end it first
        self.env.cr.precommit.run()
        martin = self.martin.with_env(self.env(context={}))  # tracking on, as in the UI
        martin.credit_limit = 2500.0
        self.env.cr.precommit.run()  # tracking values are written at commit time
        tracking = martin.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "credit_limit"
        )
        self.assertRecordValues(tracking, [{"old_value_float": 1000.0, "new_value_float": 2500.0}])
        self.assertEqual(tracking.mail_message_id.author_id, self.env.user.partner_id)


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestApprovals(MartinCommon):
    """A salesman's order of 500 for Martin SARL is blocked; he asks for
    approval; a Credit Manager decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order(cls.martin, 5, 100.0, confirm=False)
        cls.order.user_id = cls.salesman

    def _request_as_salesman(self, reason="Long-standing customer"):
        order = self.order.with_user(self.salesman)
        with self.assertRaises(RedirectWarning) as caught:
            order.action_confirm()
        _message, action, button, context = caught.exception.args
        self.assertEqual(button, "Request Approval")
        self.assertEqual(action, "credit_management.action_credit_approval_wizard")
        wizard = Form(
            self.env["credit.approval.wizard"].with_user(self.salesman).with_context(**context)
        )
        wizard.reason = reason
        wizard.save().action_submit()
        return self.order.credit_approval_ids

    def test_request_creates_a_pending_request_and_activities(self):
        request = self._request_as_salesman()
        self.assertRecordValues(
            request,
            [
                {
                    "state": "pending",
                    "partner_id": self.martin.id,
                    "requester_id": self.salesman.id,
                    "order_amount_currency": 500.0,
                    "order_amount": 500.0,
                    "credit_limit": 1000.0,
                    "exposure": 600.0,
                    "reason": "Long-standing customer",
                }
            ],
        )
        self.assertEqual(self.order.credit_approval_state, "pending")
        self.assertIn(self.env.user, request.activity_ids.user_id, "credit managers are told")
        self.assertIn("This order: $\xa0500.00", request.exposure_details)

    def test_approval_confirms_and_logs_on_order_and_customer(self):
        request = self._request_as_salesman()
        request.decision_note = "Guaranteed by the parent company"
        request.action_approve()
        self.assertEqual(self.order.state, "sale")
        self.assertRecordValues(request, [{"state": "approved", "decided_by_id": self.env.uid}])
        self.assertFalse(request.activity_ids)
        for record in (self.order, self.martin):
            self.assertIn("Guaranteed by the parent company", record.message_ids[0].body)

    def test_refusal_notifies_the_requester(self):
        request = self._request_as_salesman()
        request.decision_note = "Too risky"
        request.action_refuse()
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(self.order.credit_approval_state, "refused")
        self.assertIn(self.salesman.partner_id, request.message_ids[0].partner_ids)
        self.assertIn("Too risky", request.message_ids[0].body)

    def test_approval_covers_that_amount_only(self):
        self._request_as_salesman().action_approve()
        self.order._action_cancel()
        self.order.action_draft()
        self.order.action_confirm()  # same 500: still approved
        self.assertEqual(self.order.state, "sale")
        self.order._action_cancel()
        self.order.action_draft()
        self.order.order_line.product_uom_qty = 6  # 600 now
        with self.assertRaises(RedirectWarning):
            self.order.action_confirm()

    def test_manager_confirms_directly_with_a_reason(self):
        with self.assertRaises(RedirectWarning) as caught:
            self.order.action_confirm()
        _message, _action, button, context = caught.exception.args
        self.assertEqual(button, "Confirm with a Reason")
        wizard = Form(self.env["credit.approval.wizard"].with_context(**context))
        wizard.reason = "Paid by wire today"
        wizard.save().action_submit()
        self.assertEqual(self.order.state, "sale")
        self.assertRecordValues(
            self.order.credit_approval_ids,
            [
                {
                    "state": "approved",
                    "decided_by_id": self.env.uid,
                    "decision_note": "Paid by wire today",
                }
            ],
        )
        self.assertIn("Paid by wire today", self.martin.message_ids[0].body)

    def test_controller_cannot_approve(self):
        request = self._request_as_salesman()
        with self.assertRaises(AccessError):
            request.with_user(self.controller).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.salesman).action_refuse()
        self.assertEqual(request.state, "pending")

    def test_customer_acceptance_waits_instead_of_failing(self):
        """The portal calls _validate_order: no error, the order waits."""
        self.order.sudo()._validate_order()
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(self.order.credit_approval_state, "pending")
        self.assertEqual(self.order.credit_approval_ids.requester_id, self.salesman)
        self.order.sudo()._validate_order()  # accepting twice makes one request
        self.assertEqual(len(self.order.credit_approval_ids), 1)

    def test_decided_requests_cannot_be_decided_again_or_cancelled(self):
        request = self._request_as_salesman()
        request.action_refuse()
        with self.assertRaisesRegex(UserError, "has already been decided"):
            request.action_approve()
        with self.assertRaisesRegex(UserError, "Only a pending request can be cancelled"):
            request.with_user(self.salesman).action_cancel()

    def test_only_the_requester_or_a_manager_cancels(self):
        request = self._request_as_salesman()
        with self.assertRaisesRegex(AccessError, "Only the requester or a Credit Manager"):
            request.with_user(self.controller).action_cancel()
        request.with_user(self.salesman).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertFalse(self.order.credit_approval_state)

    def test_one_pending_request_per_order(self):
        self._request_as_salesman()
        wizard = (
            self.env["credit.approval.wizard"]
            .with_user(self.salesman)
            .create({"order_id": self.order.id, "mode": "request", "reason": "Again"})
        )
        with self.assertRaisesRegex(UserError, "is already waiting for credit approval"):
            wizard.action_submit()

    def test_only_a_manager_confirms_over_a_block(self):
        wizard = (
            self.env["credit.approval.wizard"]
            .with_user(self.salesman)
            .create({"order_id": self.order.id, "mode": "override", "reason": "I insist"})
        )
        with self.assertRaisesRegex(AccessError, "Only a Credit Manager can confirm"):
            wizard.action_submit()
        self.assertEqual(self.order.state, "draft")

    def test_unknown_exposure_component_is_refused(self):
        with self.assertRaisesRegex(UserError, "Unknown exposure component: bogus"):
            self.martin.with_context(credit_component="bogus").action_open_credit_documents()
