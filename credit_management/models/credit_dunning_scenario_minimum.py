from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditDunningScenarioMinimum(models.Model):
    """Below this overdue amount in this currency, a customer is not dunned."""

    _name = "credit.dunning.scenario.minimum"
    _description = "Dunning Minimum Amount"
    _order = "scenario_id, currency_id"

    scenario_id = fields.Many2one(
        "credit.dunning.scenario", required=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one("res.currency", required=True)
    amount = fields.Monetary(string="Minimum Amount", currency_field="currency_id")

    _scenario_currency_uniq = models.Constraint(
        "UNIQUE (scenario_id, currency_id)",
        "A dunning scenario has one minimum amount per currency.",
    )

    @api.constrains("amount")
    def _check_amount(self):
        for minimum in self:
            if minimum.amount < 0:
                raise ValidationError(
                    self.env._(
                        "The minimum amount in %(currency)s of the dunning scenario "
                        "“%(scenario)s” cannot be negative (got %(amount)s).",
                        currency=minimum.currency_id.name,
                        scenario=minimum.scenario_id.name,
                        amount=minimum.amount,
                    )
                )
