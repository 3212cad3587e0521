from odoo import fields, models


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
