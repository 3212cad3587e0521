from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError

KINDS = [("interest", "Interest"), ("indemnity", "Fixed Indemnity"), ("fee", "Reminder Fee")]
STATES = [
    ("to_invoice", "To Invoice"),
    ("invoiced", "Invoiced"),
    ("waived", "Waived"),
    ("cancelled", "Cancelled"),
]


class CreditPenaltyLine(models.Model):
    """The ledger of late-payment penalties: what was charged on which
        invoice, for which days, on which penalty invoice.

    A dunning run writes its lines "to invoice"; the penalty invoices are
    created later from them (``credit.dunning.communication.
    _create_penalty_invoices``: the scheduled action after the runs, the
    sending of a reminder, the run's button), which makes them "invoiced".

        It is the memory of the charging rules: an invoice's interest runs from
        the last day of its interest lines not cancelled (waived days count as
        charged), its indemnity and each level's fee are charged once, which
        the partial unique indexes below guarantee whatever the caller; lines to
        invoice count as charged.  A line is cancelled with its penalty invoice
        (cancelled, or reversed by a credit note), or with its reminder while
        still to invoice: its days and amounts can then be charged again.

        Runs write tens of thousands of lines at once, and each foreign key
        costs a lookup per line and each index an entry: the ledger keeps no
        creation and update stamps (its reminder and run date it), its
        customer, company and currency are read from its reminder (which
        therefore cannot be deleted while it has penalties), a line refers
        to a level only for that level's fee, and its state (four values,
        looked up by reminder) has no index; a waiver records who waived and
        when."""

    _name = "credit.penalty.line"
    _description = "Late-Payment Penalty"
    _order = "id desc"
    _rec_name = "name"
    _log_access = False

    communication_id = fields.Many2one(
        "credit.dunning.communication",
        string="Reminder",
        required=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(related="communication_id.company_id")
    partner_id = fields.Many2one(related="communication_id.partner_id", string="Customer")
    currency_id = fields.Many2one(related="communication_id.currency_id")
    move_id = fields.Many2one(
        "account.move",
        string="Late Invoice",
        index="btree_not_null",
        ondelete="restrict",
        help="The invoice paid late; empty for a fee charged once per reminder.",
    )
    kind = fields.Selection(KINDS, required=True)
    level_id = fields.Many2one(
        "credit.dunning.level",
        string="Fee Level",
        ondelete="restrict",
        help="The dunning level whose fee this is; empty for interest and indemnity.",
    )
    date_from = fields.Date(string="Charged From", help="First day of interest charged.")
    date_to = fields.Date(string="Charged To", help="Last day of interest charged.")
    detail = fields.Char(help="Days and rates of the interest, e.g. 46 days at 13.15 %.")
    name = fields.Char(string="Label", required=True)
    amount = fields.Monetary(currency_field="currency_id")
    state = fields.Selection(STATES, default="to_invoice", required=True)
    waive_reason = fields.Char(readonly=True)
    waived_by_id = fields.Many2one("res.users", readonly=True)
    waived_date = fields.Date(string="Waived On", readonly=True)
    penalty_move_id = fields.Many2one(
        "account.move", string="Penalty Invoice", index="btree_not_null", ondelete="set null"
    )
    invoice_line_id = fields.Many2one(
        "account.move.line", string="Penalty Invoice Line", ondelete="set null"
    )

    _indemnity_once = models.UniqueIndex(
        "(move_id) WHERE kind = 'indemnity' AND state != 'cancelled'",
        "The fixed recovery indemnity is charged once per invoice.",
    )
    _fee_once = models.UniqueIndex(
        "(move_id, level_id) WHERE kind = 'fee' AND move_id IS NOT NULL AND state != 'cancelled'",
        "A level's fee is charged once per invoice.",
    )

    def _waive(self, reason):
        """Waive lines still to invoice, or of draft penalty invoices: their
        invoice lines go, their days and amounts stay charged (never charged
        again).  A penalty invoice left without lines is cancelled."""
        if not self.env.su and not self.env.user.has_group(
            "credit_management.group_credit_manager"
        ):
            raise AccessError(self.env._("Only a Credit Manager can waive penalties."))
        posted = self.penalty_move_id.filtered(lambda move: move.state != "draft")
        if posted:
            raise UserError(
                self.env._(
                    "Only penalties of draft penalty invoices can be waived; reverse these by "
                    "a credit note instead: %s",
                    ", ".join(posted.mapped("display_name")),
                )
            )
        lines = self.filtered(lambda line: line.state in ("to_invoice", "invoiced"))
        moves = lines.penalty_move_id
        invoice_lines = lines.invoice_line_id
        lines.write(
            {
                "state": "waived",
                "waive_reason": reason,
                "waived_by_id": self.env.uid,
                "waived_date": fields.Date.context_today(self),
                "invoice_line_id": False,
            }
        )
        for move in moves:
            move.write(
                {
                    "invoice_line_ids": [
                        Command.delete(line.id) for line in invoice_lines & move.invoice_line_ids
                    ]
                }
            )
        moves.filtered(lambda move: not move.invoice_line_ids).button_cancel()

    def _cancel(self):
        """Free the days and amounts of these lines (their penalty invoice
        was cancelled or reversed, or their reminder cancelled before they
        were invoiced); waived lines stay waived."""
        self.filtered(lambda line: line.state in ("to_invoice", "invoiced")).write(
            {"state": "cancelled"}
        )
