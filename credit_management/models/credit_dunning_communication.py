from odoo import api, fields, models
from odoo.exceptions import UserError

STATES = [
    ("draft", "Ready"),
    ("to_review", "To Review"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class CreditDunningCommunication(models.Model):
    """One reminder: what a run sends a customer in one currency, listing
    every invoice that reached a level; its level, hence its tone, is the
    highest of them.  Reminders of a level that needs review wait in the
    review queue; the others are ready to send."""

    _name = "credit.dunning.communication"
    _description = "Dunning Reminder"
    _order = "run_id desc, partner_id, currency_id, id"

    run_id = fields.Many2one("credit.dunning.run", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    run_date = fields.Date(related="run_id.run_date", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    scenario_id = fields.Many2one("credit.dunning.scenario", required=True)
    level_id = fields.Many2one(
        "credit.dunning.level",
        required=True,
        ondelete="restrict",
        help="The highest level of its invoices: it sets the tone and the channels.",
    )
    line_ids = fields.One2many("credit.dunning.line", "communication_id", string="Invoices")
    line_count = fields.Integer(string="Invoice Count", compute="_compute_totals", store=True)
    amount_residual = fields.Monetary(
        string="Amount Due", currency_field="currency_id", compute="_compute_totals", store=True
    )
    state = fields.Selection(STATES, default="draft", required=True, index=True, copy=False)
    error = fields.Text(copy=False, readonly=True)
    sent_date = fields.Date(copy=False, readonly=True)

    @api.depends("line_ids.amount_residual")
    def _compute_totals(self):
        for communication in self:
            communication.line_count = len(communication.line_ids)
            communication.amount_residual = sum(communication.line_ids.mapped("amount_residual"))

    @api.depends("partner_id", "level_id", "currency_id")
    def _compute_display_name(self):
        for communication in self:
            communication.display_name = self.env._(
                "%(customer)s: %(level)s (%(currency)s)",
                customer=communication.partner_id.display_name,
                level=communication.level_id.name,
                currency=communication.currency_id.name,
            )

    # ------------------------------------------------------------ transitions

    def _check_state(self, allowed, message):
        wrong = self.filtered(lambda communication: communication.state not in allowed)
        if wrong:
            raise UserError(message % ", ".join(wrong.mapped("display_name")))

    def _set_state(self, state, **values):
        self.write({"state": state, **values})
        self.line_ids.write({"state": state})

    def action_approve(self):
        """A reviewer lets reminders of the review queue go out."""
        self._check_state(
            {"to_review"}, self.env._("Only reminders waiting for review can be approved: %s.")
        )
        self._set_state("draft")

    def action_cancel(self):
        """A reviewer drops reminders not sent yet; their invoices may get
        the same levels in a later run."""
        self._check_state(
            {"draft", "to_review", "failed"},
            self.env._("Only reminders not sent yet can be cancelled: %s."),
        )
        self._set_state("cancelled")

    def action_retry(self):
        self._check_state(
            {"failed"}, self.env._("Only reminders whose sending failed can be retried: %s.")
        )
        self._set_state("draft", error=False)

    def _mark_sent(self):
        """Called by the sending channels once the customer has been told."""
        self._check_state(
            {"draft"}, self.env._("Only reminders ready to send can be marked as sent: %s.")
        )
        self._set_state("sent", sent_date=fields.Date.context_today(self), error=False)

    def _mark_failed(self, error):
        self._check_state(
            {"draft"}, self.env._("Only reminders ready to send can fail to be sent: %s.")
        )
        self._set_state("failed", error=error)
