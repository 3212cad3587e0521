from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# Disputes a customer may file from the portal on one invoice in 24 hours.
PORTAL_DISPUTES_PER_DAY = 3


class CreditDispute(models.Model):
    """A customer contests (part of) an invoice.  While a dispute is open the
    invoice is out of dunning (``account.move.credit_disputed``); it stays in
    the aged balance and the KPIs, flagged."""

    _name = "credit.dispute"
    _description = "Invoice Dispute"
    # portal.mixin: the customer follows the dispute and writes to it from the portal
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
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

    def _compute_access_url(self):
        for dispute in self:
            dispute.access_url = f"/my/statement/disputes/{dispute.id}"

    # ------------------------------------------------------------------ portal

    @api.model
    def _portal_recent_count(self, move):
        """Disputes filed on ``move`` in the last 24 hours, whatever their state."""
        self.env.flush_all()
        [(count,)] = self.env.execute_query(
            SQL(
                """
                SELECT COUNT(*) FROM credit_dispute
                 WHERE move_id = %s AND create_date > NOW() AT TIME ZONE 'UTC' - INTERVAL '1 day'
                """,
                move.id,
            )
        )
        return count

    @api.model
    def _portal_file(self, move, reason, amount, message, author):
        """Open a dispute the customer ``author`` filed in the portal (values
        already checked by the caller): the collector of the invoice gets an
        activity, and the customer follows the dispute."""
        collector = move.invoice_user_id or move.commercial_partner_id.user_id
        dispute = self.sudo().create(
            {
                "move_id": move.id,
                "reason_id": reason.id,
                "amount": amount,
                "description": message,
                "user_id": collector.id,
            }
        )
        dispute.message_subscribe(partner_ids=author.ids)
        dispute.message_post(
            body=message,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        if collector:
            dispute.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=collector.id,
                summary=self.env._("Dispute filed by the customer in the portal"),
            )
        return dispute

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
