from odoo.tests import tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.sale.tests.common import SaleCommon


@tagged("post_install", "-at_install")
class TestOnlinePayment(AccountPaymentCommon, SaleCommon):
    """The customer of the quotation is on credit hold and pays online."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.sale_order.currency_id
        cls.partner = cls.sale_order.partner_invoice_id
        cls.provider.journal_id.inbound_payment_method_line_ids.filtered(
            lambda line: line.payment_provider_id == cls.provider
        ).payment_account_id = cls.inbound_payment_method_line.payment_account_id
        cls.sale_order.require_payment = True
        cls.partner.commercial_partner_id.sudo().write(
            {"credit_hold": True, "credit_hold_reason": "Disputed invoices"}
        )

    def _pay(self, amount):
        self.amount = amount
        transaction = self._create_transaction(
            flow="redirect", sale_order_ids=[self.sale_order.id], state="done"
        )
        transaction._post_process()
        return transaction

    def test_fully_prepaid_order_is_confirmed(self):
        self._pay(self.sale_order.amount_total)
        self.assertEqual(self.sale_order.state, "sale")
        self.assertFalse(self.sale_order.credit_approval_ids)

    def test_down_payment_keeps_the_payment_and_waits_for_approval(self):
        self.sale_order.prepayment_percent = 0.5
        transaction = self._pay(self.sale_order.amount_total / 2)
        self.assertEqual(transaction.state, "done", "the customer's payment is kept")
        self.assertEqual(self.sale_order.state, "draft")
        self.assertEqual(self.sale_order.credit_approval_state, "pending")
        self.assertAlmostEqual(self.sale_order.amount_paid, self.sale_order.amount_total / 2)
