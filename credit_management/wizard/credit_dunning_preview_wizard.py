from odoo import Command, api, fields, models


class CreditDunningPreviewWizard(models.TransientModel):
    """What a dunning run would send on a date, per customer and level,
    without creating any run, reminder or line: the preview lines are
    transient records of this wizard."""

    _name = "credit.dunning.preview.wizard"
    _description = "Dunning Preview"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    run_date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many(
        "credit.dunning.preview.line", "wizard_id", string="Reminders", readonly=True
    )

    def action_preview(self):
        self.ensure_one()
        Run = self.env["credit.dunning.run"]
        rows = self.env["credit.dunning.selection"]._select(self.company_id, self.run_date)
        levels = Run._levels(rows)
        self.line_ids = [Command.clear()] + [
            Command.create(self._prepare_preview_vals(group, levels))
            for group in Run._group_candidates(rows)
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    @api.model
    def _prepare_preview_vals(self, group, levels):
        level = self.env["credit.dunning.run"]._communication_level(group, levels)
        return {
            "partner_id": group[0].partner_id,
            "currency_id": group[0].currency_id,
            "level_id": level.id,
            "review_required": any(levels[row.level_id].review_required for row in group),
            "move_ids": [Command.set([row.move_id for row in group])],
            "invoice_count": len(group),
            "amount_residual": sum(row.amount_residual for row in group),
        }

    def action_run(self):
        """Create the run the preview showed."""
        self.ensure_one()
        run = self.env["credit.dunning.run"]._create_run(self.company_id, self.run_date)
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.dunning.run",
            "res_id": run.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }


class CreditDunningPreviewLine(models.TransientModel):
    """One reminder a run would send: a customer, a currency, a level."""

    _name = "credit.dunning.preview.line"
    _description = "Dunning Preview Line"
    _order = "partner_id, currency_id, id"

    wizard_id = fields.Many2one(
        "credit.dunning.preview.wizard", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    level_id = fields.Many2one("credit.dunning.level", readonly=True)
    review_required = fields.Boolean(string="To Review", readonly=True)
    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True)
    invoice_count = fields.Integer(readonly=True)
    amount_residual = fields.Monetary(
        string="Amount Due", currency_field="currency_id", readonly=True
    )
