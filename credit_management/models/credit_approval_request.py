from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html
from odoo.tools.misc import format_amount


class CreditApprovalRequest(models.Model):
    """A request to confirm one sales order despite its customer's credit,
    and the credit manager's decision.  It records the figures at the time of
    the request, so the decision can be explained later."""

    _name = "credit.approval.request"
    _description = "Credit Approval Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(related="order_id.name", string="Order Reference")
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    order_currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    order_amount_currency = fields.Monetary(
        string="Order Total",
        currency_field="order_currency_id",
        readonly=True,
        help="The order total the approval is for; a larger total needs a new approval.",
    )
    order_amount = fields.Monetary(string="Order Total (Company Currency)", readonly=True)
    credit_limit = fields.Monetary(readonly=True)
    exposure = fields.Monetary(string="Exposure Before the Order", readonly=True)
    exposure_details = fields.Text(string="Figures at Request", readonly=True)
    reason = fields.Text(string="Requester's Reason", tracking=True)
    requester_id = fields.Many2one(
        "res.users", string="Requested By", default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(
        [
            ("pending", "Waiting for Approval"),
            ("approved", "Approved"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        default="pending",
        required=True,
        tracking=True,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", string="Decider", readonly=True)
    decided_on = fields.Datetime(readonly=True)
    decision_note = fields.Text(tracking=True)

    # -------------------------------------------------------------- creation

    @api.model
    def _create_from_decision(self, decision, reason, state="pending", requester=None):
        """A request carrying the figures of ``decision`` (a CreditDecision)."""
        order = decision.order
        requester = requester or self.env.user
        request = self.sudo().create(
            {
                "order_id": order.id,
                "partner_id": decision.partner.id,
                "company_id": order.company_id.id,
                "order_currency_id": order.currency_id.id,
                "order_amount_currency": order.amount_total,
                "order_amount": decision.order_amount,
                "credit_limit": decision.limit,
                "exposure": decision.total,
                "exposure_details": self.env["credit.blocking"]._explain(decision),
                "reason": reason,
                "requester_id": requester.id,
                "state": state,
            }
        )
        if state == "pending":
            request._notify_credit_managers()
        return request

    def _notify_credit_managers(self):
        managers = self.env.ref("credit_management.group_credit_manager").sudo().all_user_ids
        for request in self:
            for manager in managers.filtered(lambda u, r=request: r.company_id in u.company_ids):
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=self.env._("Credit approval for %s", request.order_id.name),
                    note=request.reason,
                )

    # -------------------------------------------------------------- decisions

    def action_approve(self):
        """Approve and confirm the order; the decision goes to the order's and
        the customer's chatter with the figures it was taken on."""
        self._check_can_decide()
        for request in self:
            request._decide("approved")
            request.order_id.action_confirm()
        return True

    def action_refuse(self):
        self._check_can_decide()
        for request in self:
            request._decide("refused")
            request.message_post(
                body=self.env._(
                    "Credit approval refused by %(user)s: %(note)s",
                    user=self.env.user.name,
                    note=request.decision_note or self.env._("no reason given"),
                ),
                partner_ids=request.requester_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_cancel(self):
        is_manager = self.env.user.has_group("credit_management.group_credit_manager")
        for request in self:
            if request.requester_id != self.env.user and not is_manager:
                raise AccessError(
                    self.env._(
                        "Only the requester or a Credit Manager can cancel a credit approval "
                        "request."
                    )
                )
            if request.state != "pending":
                raise UserError(self.env._("Only a pending request can be cancelled."))
        self.sudo().write({"state": "cancelled"})
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def _decide_on_the_spot(self):
        """A Credit Manager's direct confirmation: logged like an approval."""
        self.ensure_one()
        self.sudo().write(
            {
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
                "decision_note": self.reason,
            }
        )
        self._log_decision()
        self.order_id.action_confirm()

    def _check_can_decide(self):
        if not self.env.user.has_group("credit_management.group_credit_manager"):
            raise AccessError(self.env._("Only a Credit Manager can approve or refuse credit."))
        for request in self:
            if request.state != "pending":
                raise UserError(
                    self.env._("The request for %s has already been decided.", request.name)
                )

    def _decide(self, state):
        self.ensure_one()
        self.sudo().write(
            {"state": state, "decided_by_id": self.env.uid, "decided_on": fields.Datetime.now()}
        )
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        self._log_decision()

    def _log_decision(self):
        """Post the decision, its reason and the figures on the order and the customer."""
        self.ensure_one()
        body = self.env._(
            "Credit %(decision)s by %(user)s for %(amount)s.\nReason: %(reason)s\n\n%(figures)s",
            decision=dict(self._fields["state"]._description_selection(self.env))[self.state],
            user=self.env.user.name,
            amount=format_amount(self.env, self.order_amount_currency, self.order_currency_id),
            reason=self.decision_note or self.reason or self.env._("no reason given"),
            figures=self.exposure_details,
        )
        for record in (self.order_id, self.partner_id):
            record.sudo().message_post(body=plaintext2html(body), subtype_xmlid="mail.mt_note")
