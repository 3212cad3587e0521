from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        # An online payment is never lost to a credit block: the order waits
        # for a credit manager, and only really confirmed orders are returned.
        confirmed = super(
            PaymentTransaction, self.with_context(credit_hold_if_blocked=True)
        )._check_amount_and_confirm_order()
        return confirmed.filtered(lambda order: order.state == "sale")
