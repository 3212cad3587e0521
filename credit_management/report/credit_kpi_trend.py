from odoo import fields, models


class CreditKpiTrend(models.TransientModel):
    """Standard DSO of one month, for the 12-month trend graph."""

    _name = "credit.kpi.trend"
    _description = "DSO Trend"
    _order = "company_id, date_from"

    wizard_id = fields.Many2one("credit.kpi.wizard", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Month")
    date_to = fields.Date(string="Until")
    ar = fields.Monetary(string="AR at Month End")
    sales = fields.Monetary(string="Sales of the Month")
    dso = fields.Float(
        string="DSO",
        digits=(16, 1),
        aggregator="avg",
        help="AR at month end / that month's sales × its days (to date for the current month).",
    )
