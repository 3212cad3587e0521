from odoo import Command, api, fields, models


class CreditDunningPostponeWizard(models.TransientModel):
    """Postpone the selected reminders until a date; the reminders refuse a
    date that is not in the future and reminders already sent or cancelled
    (``credit.dunning.communication._postpone``)."""

    _name = "credit.dunning.postpone.wizard"
    _description = "Postpone Reminders"

    communication_ids = fields.Many2many(
        "credit.dunning.communication", string="Reminders", required=True
    )
    postponed_until = fields.Date(string="Postpone Until", required=True)
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields):
        values = super().default_get(fields)
        context = self.env.context
        if (
            "communication_ids" in fields
            and context.get("active_model") == "credit.dunning.communication"
        ):
            values["communication_ids"] = [Command.set(context.get("active_ids") or [])]
        return values

    def action_apply(self):
        self.ensure_one()
        self.communication_ids._postpone(self.postponed_until, self.reason)
        return {"type": "ir.actions.act_window_close"}
