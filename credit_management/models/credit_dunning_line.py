from odoo import fields, models

from .credit_dunning_communication import STATES


class CreditDunningLine(models.Model):
    """One invoice in a reminder, at the level it reached in the run.

    An invoice gets each level once: the partial unique index below refuses a
    second line for the same invoice and level unless the first one was
    cancelled, whatever the code (or the concurrent run) that tries."""

    _name = "credit.dunning.line"
    _description = "Dunning Line"
    _order = "communication_id, date_due, move_id, id"
    _rec_name = "move_id"

    communication_id = fields.Many2one(
        "credit.dunning.communication",
        string="Reminder",
        required=True,
        index=True,
        ondelete="cascade",
    )
    run_id = fields.Many2one(related="communication_id.run_id", store=True, index=True)
    # Not stored: the reminder's.  A run inserts a line per invoice it
    # selects, and each stored reference costs a foreign-key check per line.
    company_id = fields.Many2one(related="communication_id.company_id")
    partner_id = fields.Many2one(related="communication_id.partner_id", string="Customer")
    currency_id = fields.Many2one(related="communication_id.currency_id")
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="cascade"
    )
    level_id = fields.Many2one(
        "credit.dunning.level", required=True, index=True, ondelete="restrict"
    )
    date_due = fields.Date(string="Due Date", required=True)
    days_late = fields.Integer(help="Days from the due date to the run date (negative: not due).")
    amount_residual = fields.Monetary(string="Amount Due", currency_field="currency_id")
    reason = fields.Char(help="Why the invoice is in this reminder at this level.")
    state = fields.Selection(STATES, default="draft", required=True)
    sent_date = fields.Date(related="communication_id.sent_date", store=True)

    _move_level_active_uniq = models.UniqueIndex(
        "(move_id, level_id) WHERE state != 'cancelled'",
        "An invoice gets each dunning level once: it already has a reminder at this level.",
    )

    def action_drop(self):
        """A reviewer drops invoices from reminders not sent yet; each
        reminder's level and total follow its remaining invoices."""
        lines = self.filtered(lambda line: line.state != "cancelled")
        lines.communication_id._drop_lines(lines)
