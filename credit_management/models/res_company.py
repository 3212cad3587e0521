from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.blocking import CreditRules, validate_rules
from ..tools.exposure import COMPONENTS
from ..tools.penalty import Rate, legal_rates
from ..tools.score import INPUTS as SCORE_INPUTS

# kind of penalty line: the shipped product invoicing it
PENALTY_PRODUCTS = {
    "interest": "credit_management.product_penalty_interest",
    "indemnity": "credit_management.product_penalty_indemnity",
    "fee": "credit_management.product_penalty_fee",
}


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

    # Risk score (see tools/score.py): the points each input may take away
    credit_score_weight_days_late_12m = fields.Integer(
        string="Weight: Weighted Days Late (12 Months)", default=20
    )
    credit_score_weight_days_late_6m = fields.Integer(
        string="Weight: Weighted Days Late (6 Months)", default=10
    )
    credit_score_weight_days_late_trend = fields.Integer(
        string="Weight: Days Late Trend", default=5
    )
    credit_score_weight_late_invoice_share = fields.Integer(
        string="Weight: Invoices Paid Late", default=10
    )
    credit_score_weight_late_amount_share = fields.Integer(
        string="Weight: Amounts Paid Late", default=10
    )
    credit_score_weight_longest_delay = fields.Integer(string="Weight: Longest Delay", default=5)
    credit_score_weight_over_30_share = fields.Integer(
        string="Weight: Balance Over 30 Days", default=10
    )
    credit_score_weight_over_90_share = fields.Integer(
        string="Weight: Balance Over 90 Days", default=10
    )
    credit_score_weight_dunning_level = fields.Integer(
        string="Weight: Highest Dunning Level", default=5
    )
    credit_score_weight_open_disputes = fields.Integer(string="Weight: Open Disputes", default=5)
    credit_score_weight_limit_utilisation = fields.Integer(
        string="Weight: Limit Utilisation", default=5
    )
    credit_score_weight_relationship_days = fields.Integer(
        string="Weight: Relationship Age", default=5
    )
    credit_score_min_invoices = fields.Integer(
        string="Minimum Invoices to Score",
        default=3,
        help="Customers with fewer posted invoices have no score: not enough history.",
    )
    credit_score_external_weight = fields.Float(
        string="External Rating Weight (%)",
        default=20.0,
        help="Share of the external rating in the score of customers who have one.",
    )
    credit_score_tighten_hold = fields.Boolean(
        string="Hold Customers Moving Down",
        help="A customer moving to a riskier segment is put on credit hold.",
    )
    credit_score_tighten_term = fields.Boolean(
        string="Shorter Term for Customers Moving Down",
        help="A customer moving to a riskier segment gets the segment's payment term.",
    )
    credit_manager_id = fields.Many2one(
        "res.users",
        help="Gets the activities of segment changes; the first Credit Manager of the "
        "company when empty.",
    )

    def _credit_score_weights(self):
        """``{input: weight}`` of this company (see tools.score.DEFAULT_WEIGHTS)."""
        self.ensure_one()
        return {key: self[f"credit_score_weight_{key}"] for key in SCORE_INPUTS}

    def _credit_manager(self):
        self.ensure_one()
        if self.credit_manager_id:
            return self.credit_manager_id
        managers = self.env.ref("credit_management.group_credit_manager").sudo().all_user_ids
        return managers.filtered(lambda user: self in user.company_ids and not user.share)[:1]

    @api.constrains(
        "credit_score_min_invoices",
        "credit_score_external_weight",
        *(f"credit_score_weight_{key}" for key in SCORE_INPUTS),
    )
    def _check_credit_score_settings(self):
        for company in self:
            if company.credit_score_min_invoices < 0:
                raise ValidationError(
                    self.env._("The minimum number of invoices to score cannot be negative.")
                )
            if not 0 <= company.credit_score_external_weight <= 100:
                raise ValidationError(
                    self.env._("The weight of the external rating must be between 0 and 100 %%.")
                )
            weights = company._credit_score_weights()
            if any(weight < 0 for weight in weights.values()):
                raise ValidationError(self.env._("Score weights cannot be negative."))

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

    # Late-payment penalties
    credit_penalty_rate_type = fields.Selection(
        [("table", "Rate Table"), ("fixed", "Contractual Rate")],
        string="Interest Rate",
        default="table",
        required=True,
        help="Rate Table: the dated rates of Credit Control > Configuration > Interest Rates "
        "(shipped with the French legal rate, ECB rate + 10 points per half-year). "
        "Contractual Rate: one rate stated in your terms of sale.",
    )
    credit_penalty_fixed_rate = fields.Float(
        string="Contractual Rate (%)", digits=(16, 2), help="Annual rate of late-payment interest."
    )
    credit_penalty_legal_rate = fields.Float(
        string="Legal Interest Rate (%)",
        digits=(16, 2),
        help="The legal interest rate (taux de l'intérêt légal) of the half-year: in France a "
        "contractual rate may not be lower than three times this rate.",
    )
    credit_penalty_indemnity = fields.Monetary(
        string="Fixed Recovery Indemnity",
        currency_field="currency_id",
        compute="_compute_credit_penalty_indemnity",
        store=True,
        readonly=False,
        help="Charged once per late invoice to business customers (40 EUR in France and "
        "the EU); 0 charges none.",
    )
    credit_penalty_fee_mode = fields.Selection(
        [("invoice_level", "Once per Invoice and Level"), ("communication", "Once per Reminder")],
        string="Reminder Fees",
        default="invoice_level",
        required=True,
        help="How the fee of a dunning level charging penalties is charged.",
    )
    credit_penalty_journal_id = fields.Many2one(
        "account.journal",
        string="Penalty Journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
        help="The sales journal of penalty invoices; the first sales journal when empty.",
    )
    credit_penalty_interest_product_id = fields.Many2one(
        "product.product", string="Interest Product"
    )
    credit_penalty_indemnity_product_id = fields.Many2one(
        "product.product", string="Indemnity Product"
    )
    credit_penalty_fee_product_id = fields.Many2one("product.product", string="Fee Product")
    credit_penalty_after_payment = fields.Boolean(
        string="Charge Invoices Paid Late",
        help="Invoices paid after their due date are charged for the days not charged yet, "
        "even once paid.",
    )
    credit_penalty_post = fields.Boolean(
        string="Post Penalty Invoices",
        help="Penalty invoices are posted when their reminder is sent; otherwise they stay "
        "in draft for a credit manager to check.",
    )

    @api.depends("currency_id")
    def _compute_credit_penalty_indemnity(self):
        for company in self:
            company.credit_penalty_indemnity = 40.0 if company.currency_id.name == "EUR" else 0.0

    @api.constrains(
        "credit_penalty_fixed_rate", "credit_penalty_legal_rate", "credit_penalty_indemnity"
    )
    def _check_credit_penalty_amounts(self):
        for company in self:
            if company.credit_penalty_fixed_rate < 0 or company.credit_penalty_legal_rate < 0:
                raise ValidationError(self.env._("Late-payment interest rates cannot be negative."))
            if company.credit_penalty_indemnity < 0:
                raise ValidationError(
                    self.env._(
                        "The fixed recovery indemnity cannot be negative (got %s).",
                        company.credit_penalty_indemnity,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["credit.penalty.rate"].sudo()._add_french_defaults(companies)
        return companies

    def _credit_penalty_rates(self):
        """The :class:`~..tools.penalty.Rate` periods interest is charged at."""
        self.ensure_one()
        if self.credit_penalty_rate_type == "fixed":
            return [Rate(date.min, None, self.credit_penalty_fixed_rate)]
        return legal_rates(self.env["credit.penalty.rate"].sudo()._rows(self))

    def _credit_penalty_journal(self):
        self.ensure_one()
        return self.credit_penalty_journal_id or self.env["account.journal"].search(
            [("company_id", "=", self.id), ("type", "=", "sale")], limit=1
        )

    def _credit_penalty_product(self, kind):
        """The product invoicing ``kind`` penalties: the company's, or the shipped one."""
        self.ensure_one()
        return self[f"credit_penalty_{kind}_product_id"] or self.env.ref(PENALTY_PRODUCTS[kind])

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
