from odoo import fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_exposure_not_due = fields.Boolean(
        related="company_id.credit_exposure_not_due", readonly=False
    )
    credit_exposure_overdue = fields.Boolean(
        related="company_id.credit_exposure_overdue", readonly=False
    )
    credit_exposure_draft_invoices = fields.Boolean(
        related="company_id.credit_exposure_draft_invoices", readonly=False
    )
    credit_exposure_sale_orders = fields.Boolean(
        related="company_id.credit_exposure_sale_orders", readonly=False
    )
    credit_exposure_unapplied = fields.Boolean(
        related="company_id.credit_exposure_unapplied", readonly=False
    )
    credit_limit_tolerance = fields.Float(
        related="company_id.credit_limit_tolerance", readonly=False
    )
    credit_block_overdue_days = fields.Integer(
        related="company_id.credit_block_overdue_days", readonly=False
    )
    credit_block_invoice_on_hold = fields.Boolean(
        related="company_id.credit_block_invoice_on_hold", readonly=False
    )
    credit_dunning_scenario_id = fields.Many2one(
        related="company_id.credit_dunning_scenario_id", readonly=False
    )
    credit_statement_link_days = fields.Integer(
        related="company_id.credit_statement_link_days", readonly=False
    )

    def _inverse_account_default_credit_limit(self):
        for setting in self:
            if setting.account_default_credit_limit < 0:
                raise ValidationError(
                    self.env._(
                        "The default credit limit cannot be negative (got %s).",
                        setting.account_default_credit_limit,
                    )
                )
        return super()._inverse_account_default_credit_limit()
