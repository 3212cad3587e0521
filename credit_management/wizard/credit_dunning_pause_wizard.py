from odoo import Command, api, fields, models


class CreditDunningPauseWizard(models.TransientModel):
    """Pause dunning on the selected customer invoices until a date; the
    invoices refuse a past date and moves that are not posted customer
    invoices (``account.move._check_credit_dunning_pause``)."""

    _name = "credit.dunning.pause.wizard"
    _description = "Pause Dunning"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    paused_until = fields.Date(string="Pause Until", required=True)
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields):
        values = super().default_get(fields)
        context = self.env.context
        if "move_ids" in fields and context.get("active_model") == "account.move":
            values["move_ids"] = [Command.set(context.get("active_ids") or [])]
        return values

    def action_apply(self):
        self.ensure_one()
        self.move_ids._credit_pause_dunning(self.paused_until, self.reason)
        return {"type": "ir.actions.act_window_close"}
