from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class CreditApprovalWizard(models.TransientModel):
    """Opened from the credit error of a blocked order: a salesperson asks
    for approval; a Credit Manager confirms at once, giving a reason."""

    _name = "credit.approval.wizard"
    _description = "Request or Give Credit Approval"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    mode = fields.Selection(
        [("request", "Request Approval"), ("override", "Confirm with a Reason")],
        required=True,
        default="request",
    )
    reason = fields.Text(required=True)

    def action_submit(self):
        self.ensure_one()
        decisions = self.env["credit.blocking"]._blocked_orders(self.order_id)
        if not decisions:
            # Credit freed up meanwhile (a payment, a higher limit): just confirm.
            self.order_id.action_confirm()
            return {"type": "ir.actions.act_window_close"}
        if self.order_id.credit_approval_state == "pending":
            raise UserError(
                self.env._("Order %s is already waiting for credit approval.", self.order_id.name)
            )
        Request = self.env["credit.approval.request"]
        if self.mode == "request":
            Request._create_from_decision(decisions[0], self.reason)
            return {"type": "ir.actions.act_window_close"}
        if not self.env.user.has_group("credit_management.group_credit_manager"):
            raise AccessError(self.env._("Only a Credit Manager can confirm over a credit block."))
        request = Request._create_from_decision(decisions[0], self.reason, state="approved")
        request._decide_on_the_spot()
        return {"type": "ir.actions.act_window_close"}
