from odoo import api, fields, models
from odoo.tools import float_compare


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_approval_ids = fields.One2many(
        "credit.approval.request", "order_id", string="Credit Approvals"
    )
    credit_approval_count = fields.Integer(compute="_compute_credit_approval_count")
    credit_approval_state = fields.Selection(
        [
            ("pending", "Waiting for Credit Approval"),
            ("approved", "Credit Approved"),
            ("refused", "Credit Refused"),
        ],
        compute="_compute_credit_approval_state",
        store=True,
        help="State of the latest credit approval request of this order.",
    )

    def _compute_payment_term_id(self):
        """A customer without a payment term of its own gets its risk
        segment's, if any, before the company default."""
        result = super()._compute_payment_term_id()
        for order in self:
            term = order.partner_id.with_company(order.company_id)._credit_segment_payment_term()
            if term:
                order.payment_term_id = term
        return result

    @api.depends("credit_approval_ids")
    def _compute_credit_approval_count(self):
        for order in self:
            order.credit_approval_count = len(order.credit_approval_ids)

    @api.depends("credit_approval_ids.state")
    def _compute_credit_approval_state(self):
        for order in self:
            requests = order.credit_approval_ids.filtered(lambda r: r.state != "cancelled")
            order.credit_approval_state = requests.sorted("id")[-1:].state or False

    def action_confirm(self):
        """Check the customers' credit first.  An order the customer accepted
        online is never refused: it waits for a credit manager instead."""
        decisions = self.env["credit.blocking"]._blocked_orders(self)
        if not decisions:
            return super().action_confirm()
        if not self.env.context.get("credit_hold_if_blocked"):
            raise self.env["credit.blocking"]._error(decisions[0])
        held = self._credit_wait_for_approval(decisions)
        if self - held:
            return super(SaleOrder, self - held).action_confirm()
        return True

    def _validate_order(self):
        # Portal signature: keep what the customer did even if credit blocks.
        return super(SaleOrder, self.with_context(credit_hold_if_blocked=True))._validate_order()

    def _credit_wait_for_approval(self, decisions):
        """Leave blocked orders as quotations waiting for a credit manager."""
        held = self.browse()
        Request = self.env["credit.approval.request"]
        for decision in decisions:
            order = decision.order
            held |= order
            if order.credit_approval_state == "pending":
                continue
            Request._create_from_decision(
                decision,
                reason=self.env._("Accepted by the customer online; credit blocks the order."),
                requester=order.user_id or self.env.user,
            )
        return held

    def _credit_check_waived(self):
        """An order fully paid in advance, or approved for at least its
        current total, needs no credit check."""
        self.ensure_one()
        rounding = self.currency_id.rounding
        if (
            self.amount_total > 0
            and float_compare(self.amount_paid, self.amount_total, precision_rounding=rounding) >= 0
        ):
            return True
        return any(
            request.order_currency_id == self.currency_id
            and self.env["credit.blocking"]._amount_covered(request.order_amount_currency, self)
            for request in self.credit_approval_ids
            if request.state == "approved"
        )

    def _credit_amount_company_currency(self):
        """The order's total in company currency at today's rate."""
        self.ensure_one()
        return self.currency_id._convert(
            self.amount_total,
            self.company_id.currency_id,
            self.company_id,
            fields.Date.context_today(self),
        )

    def action_view_credit_approvals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_approval_request"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
