from odoo import Command, api, fields, models


class CreditPenaltyWaiveWizard(models.TransientModel):
    """Waive penalties before their invoice is posted: selected penalty
    lines, or every line of selected draft penalty invoices.  A Credit
    Manager's decision, with a reason; waived days are never charged again."""

    _name = "credit.penalty.waive.wizard"
    _description = "Waive Late-Payment Penalties"

    line_ids = fields.Many2many("credit.penalty.line", string="Penalties", required=True)
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields):
        values = super().default_get(fields)
        context = self.env.context
        ids = context.get("active_ids") or []
        if "line_ids" in fields and context.get("active_model") == "credit.penalty.line":
            values["line_ids"] = [Command.set(ids)]
        elif "line_ids" in fields and context.get("active_model") == "account.move":
            lines = self.env["account.move"].browse(ids)._credit_penalty_ledger()
            values["line_ids"] = [Command.set(lines.ids)]
        return values

    def action_apply(self):
        self.ensure_one()
        self.line_ids._waive(self.reason)
        return {"type": "ir.actions.act_window_close"}
