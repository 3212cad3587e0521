from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CreditDispute(models.Model):
    """A customer contests (part of) an invoice.  While a dispute is open the
    invoice is out of dunning (``account.move.credit_disputed``); it stays in
    the aged balance and the KPIs, flagged."""

    _name = "credit.dispute"
    _description = "Invoice Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id", string="Customer", store=True, index=True
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    date = fields.Date(
        string="Opened On", required=True, default=fields.Date.context_today, tracking=True
    )
    reason_id = fields.Many2one("credit.dispute.reason", required=True, tracking=True)
    amount = fields.Monetary(
        string="Disputed Amount",
        required=True,
        tracking=True,
        help="The part of the invoice the customer contests, in the invoice currency.",
    )
    invoice_residual = fields.Monetary(
        related="move_id.amount_residual", string="Invoice Amount Due"
    )
    date_closed = fields.Date(
        string="Closed On",
        readonly=True,
        copy=False,
        help="When the dispute was resolved or rejected; late-payment interest is not "
        "charged from its opening to the day it was resolved.",
    )
    description = fields.Text()
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")],
        default="open",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )

    @api.depends("move_id", "reason_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = self.env._(
                "%(invoice)s: %(reason)s",
                invoice=dispute.move_id.name or "",
                reason=dispute.reason_id.name or "",
            )

    @api.model
    def default_get(self, fields):
        """Opened from an invoice: the whole amount due is disputed by default."""
        values = super().default_get(fields)
        if "amount" in fields and not values.get("amount") and values.get("move_id"):
            values["amount"] = self.env["account.move"].browse(values["move_id"]).amount_residual
        return values

    # ------------------------------------------------------------- constraints

    @api.constrains("move_id")
    def _check_move(self):
        for dispute in self:
            move = dispute.move_id
            if move.move_type != "out_invoice" or move.state != "posted":
                raise ValidationError(
                    self.env._(
                        "%(move)s is not a posted customer invoice: only those can be disputed.",
                        move=move.display_name,
                    )
                )

    @api.constrains("amount", "move_id", "state")
    def _check_amount(self):
        for dispute in self:
            currency = dispute.currency_id
            if currency.compare_amounts(dispute.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "The disputed amount on %(invoice)s must be greater than zero.",
                        invoice=dispute.move_id.display_name,
                    )
                )
            residual = dispute.move_id.amount_residual
            if dispute.state == "open" and currency.compare_amounts(dispute.amount, residual) > 0:
                raise ValidationError(
                    self.env._(
                        "The disputed amount (%(amount)s) cannot exceed what is still due on "
                        "%(invoice)s (%(residual)s).",
                        amount=currency.format(dispute.amount),
                        invoice=dispute.move_id.display_name,
                        residual=currency.format(residual),
                    )
                )

    # ----------------------------------------------------------------- actions

    def action_resolve(self):
        self._set_state("resolved", from_states=("open",))

    def action_reject(self):
        self._set_state("rejected", from_states=("open",))

    def action_reopen(self):
        self._set_state("open", from_states=("resolved", "rejected"))

    def _set_state(self, state, from_states):
        wrong = self.filtered(lambda dispute: dispute.state not in from_states)
        if wrong:
            raise UserError(
                self.env._(
                    "These disputes cannot go to that state from where they are: %(disputes)s",
                    disputes=", ".join(wrong.mapped("display_name")),
                )
            )
        closed = fields.Date.context_today(self) if state != "open" else False
        self.write({"state": state, "date_closed": closed})
