from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class CreditStatementWizard(models.TransientModel):
    """Print or e-mail the statement of the selected customers: the open
    items today, or the activity over a date range."""

    _name = "credit.statement.wizard"
    _description = "Customer Statements"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    variant = fields.Selection(
        [("outstanding", "Open Items"), ("activity", "Activity")],
        default="outstanding",
        required=True,
    )
    date_from = fields.Date(
        string="From", default=lambda self: fields.Date.context_today(self).replace(day=1)
    )
    date_to = fields.Date(string="To", default=fields.Date.context_today)

    @api.model
    def default_get(self, fields):
        values = super().default_get(fields)
        context = self.env.context
        if "partner_ids" in fields and context.get("active_model") == "res.partner":
            partners = self.env["res.partner"].browse(context.get("active_ids") or [])
            values["partner_ids"] = [Command.set(partners.commercial_partner_id.ids)]
        return values

    def _report_data(self):
        self.ensure_one()
        if self.variant == "activity" and (
            not self.date_from or not self.date_to or self.date_from > self.date_to
        ):
            raise UserError(
                self.env._("The activity statement needs a start date before its end date.")
            )
        return {
            "variant": self.variant,
            "company_id": self.env.company.id,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
        }

    def action_print(self):
        return self.env.ref("credit_management.action_report_credit_statement").report_action(
            self.partner_ids, data=self._report_data()
        )

    def action_send(self):
        self.env["credit.statement"]._send(self.partner_ids, self.env.company, self._report_data())
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%s statements sent.", len(self.partner_ids)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
