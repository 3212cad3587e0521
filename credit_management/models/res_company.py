from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.blocking import CreditRules, validate_rules
from ..tools.exposure import COMPONENTS


class ResCompany(models.Model):
    _inherit = "res.company"

    # What counts toward a customer's exposure (encours) in this company.
    credit_exposure_not_due = fields.Boolean(
        string="Open Receivables Not Yet Due",
        default=True,
        help="Posted customer invoices that are still open and not yet due.",
    )
    credit_exposure_overdue = fields.Boolean(
        string="Overdue Receivables",
        default=True,
        help="Posted customer invoices that are open and past their due date.",
    )
    credit_exposure_draft_invoices = fields.Boolean(
        string="Draft Customer Invoices",
        default=True,
        help="Customer invoices not yet posted, net of draft credit notes.",
    )
    credit_exposure_sale_orders = fields.Boolean(
        string="Confirmed Sales Not Yet Invoiced",
        default=True,
        help="The amount still to invoice on confirmed sales orders.",
    )
    credit_exposure_unapplied = fields.Boolean(
        string="Unapplied Payments and Credit Notes",
        default=True,
        help="Customer payments and credit notes not yet matched with an invoice. "
        "They lower the exposure.",
    )

    # Blocking rules for sales orders (a partner may have its own, see res.partner)
    credit_limit_tolerance = fields.Float(
        string="Credit Limit Tolerance (%)",
        help="Orders are blocked once the exposure exceeds the credit limit plus this "
        "percentage of it.",
    )
    credit_block_overdue_days = fields.Integer(
        string="Block After Days Overdue",
        help="Block orders of customers whose oldest overdue item is older than this "
        "number of days. 0 switches the rule off.",
    )
    credit_block_invoice_on_hold = fields.Boolean(
        string="Block Invoices of Customers on Hold",
        help="Customer invoices of a customer on credit hold cannot be posted.",
    )

    credit_dunning_scenario_id = fields.Many2one(
        "credit.dunning.scenario",
        string="Default Dunning Scenario",
        default=lambda self: self.env.ref(
            "credit_management.dunning_scenario_default", raise_if_not_found=False
        ),
        domain="['|', ('company_id', '=', False), ('company_id', '=', id)]",
        help="The reminders of customers who have no dunning scenario of their own.",
    )

    credit_statement_link_days = fields.Integer(
        string="Statement Links Valid For (Days)",
        default=30,
        help="How long a signed link to a customer's statement, sent by e-mail, opens it "
        "without login.",
    )

    @api.constrains("credit_statement_link_days")
    def _check_credit_statement_link_days(self):
        for company in self:
            if company.credit_statement_link_days < 1:
                raise ValidationError(
                    self.env._(
                        "Statement links must be valid for at least one day (got %s).",
                        company.credit_statement_link_days,
                    )
                )

    @api.constrains("credit_limit_tolerance", "credit_block_overdue_days")
    def _check_credit_rules(self):
        for company in self:
            _raise_on_invalid_rules(
                company.env, company.credit_limit_tolerance, company.credit_block_overdue_days
            )

    @api.constrains("credit_dunning_scenario_id")
    def _check_credit_dunning_scenario(self):
        for company in self:
            scenario = company.credit_dunning_scenario_id
            if scenario.company_id and scenario.company_id != company:
                raise ValidationError(
                    self.env._(
                        "The dunning scenario “%(scenario)s” belongs to %(other)s: it cannot "
                        "be the default scenario of %(company)s.",
                        scenario=scenario.name,
                        other=scenario.company_id.name,
                        company=company.name,
                    )
                )

    @api.model
    def _credit_set_default_dunning_scenario(self):
        """Give the shipped scenario to the companies that have none (at install)."""
        scenario = self.env.ref("credit_management.dunning_scenario_default")
        self.search(
            [("credit_dunning_scenario_id", "=", False)]
        ).credit_dunning_scenario_id = scenario

    def _credit_rules(self):
        """The company's blocking rules."""
        self.ensure_one()
        return CreditRules(
            use_limit=self.account_use_credit_limit,
            tolerance=self.credit_limit_tolerance,
            overdue_days=self.credit_block_overdue_days,
            included=self._credit_exposure_components(),
        )

    def _credit_exposure_components(self):
        """Names of the exposure components this company counts, in
        ``tools.exposure.COMPONENTS`` order."""
        self.ensure_one()
        return tuple(name for name in COMPONENTS if self[f"credit_exposure_{name}"])


def _raise_on_invalid_rules(env, tolerance, overdue_days):
    """Shared by the company's rules and a partner's own: a translated error
    for a tolerance outside 0-100 % or a negative number of days."""
    errors = validate_rules(tolerance, overdue_days)
    if "tolerance" in errors:
        raise ValidationError(
            env._("The credit limit tolerance must be between 0 and 100 %% (got %s).", tolerance)
        )
    if "overdue_days" in errors:
        raise ValidationError(
            env._("The number of days overdue cannot be negative (got %s).", overdue_days)
        )
