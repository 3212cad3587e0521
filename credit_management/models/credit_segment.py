from datetime import date, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.policy import exceeds_legal_term
from ..tools.score import range_errors, segment_for
from .res_company import _raise_on_invalid_rules


class CreditSegment(models.Model):
    """A risk class: the customers whose score falls in its range, and the
    credit policy they get unless they have their own value (precedence:
    the partner's own value > its segment's policy > the company default)."""

    _name = "credit.segment"
    _description = "Credit Risk Segment"
    _order = "score_min desc, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to use this segment in every company."
    )
    color = fields.Integer()
    score_min = fields.Integer(string="Score From", required=True)
    score_max = fields.Integer(string="Score To", required=True)

    # Policy
    limit_type = fields.Selection(
        [
            ("none", "Company Default"),
            ("amount", "Fixed Amount"),
            ("sales_multiple", "Months of Average Sales"),
        ],
        string="Default Credit Limit",
        default="none",
        required=True,
        help="The credit limit of the segment's customers who have none of their own: "
        "a fixed amount, or a number of months of the customer's average monthly sales "
        "over the last 12 months.",
    )
    limit_amount = fields.Float()
    limit_sales_multiple = fields.Float(string="Months of Sales", default=1.0)
    payment_term_id = fields.Many2one(
        "account.payment.term",
        help="Given to the segment's customers without a payment term of their own.",
    )
    dunning_scenario_id = fields.Many2one(
        "credit.dunning.scenario",
        help="The reminders of the segment's customers without a scenario of their own.",
    )
    rules_override = fields.Boolean(
        string="Specific Blocking Rule",
        help="Block orders of the segment's customers with the tolerance and overdue rule "
        "below instead of the company's.",
    )
    limit_tolerance = fields.Float(string="Credit Limit Tolerance (%)")
    block_overdue_days = fields.Integer(
        string="Block After Days Overdue", help="0 switches the rule off for the segment."
    )
    hold = fields.Boolean(
        string="Put on Hold",
        help="Customers moving into this segment are put on credit hold.",
    )
    review_months = fields.Integer(
        string="Review Every (Months)",
        default=12,
        help="How often the credit of the segment's customers is reviewed; 0: never.",
    )
    payment_term_warning = fields.Char(compute="_compute_payment_term_warning")
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    @api.depends("payment_term_id")
    def _compute_payment_term_warning(self):
        for segment in self:
            segment.payment_term_warning = _payment_term_warning(self.env, segment.payment_term_id)

    @api.depends_context("company")
    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("credit_segment_id", "in", self.ids)], ["credit_segment_id"], ["__count"]
            )
        )
        for segment in self:
            segment.partner_count = counts.get(segment._origin, 0)

    # ------------------------------------------------------------- constraints

    @api.constrains("score_min", "score_max", "company_id", "active")
    def _check_ranges(self):
        """A company uses its own segments, or else the shared ones: the
        ranges of each of these sets must not overlap."""
        for company_id in {segment.company_id.id for segment in self}:
            self._raise_on_range_errors(self.search([("company_id", "=", company_id)]))

    def _raise_on_range_errors(self, segments):
        errors = range_errors([(s, s.score_min, s.score_max) for s in segments])
        for error in errors:
            if error[0] == "bounds":
                raise ValidationError(
                    self.env._(
                        "The score range of the segment “%(segment)s” (%(low)s–%(high)s) must "
                        "lie within 0–100, its start not after its end.",
                        segment=error[1].name,
                        low=error[1].score_min,
                        high=error[1].score_max,
                    )
                )
            raise ValidationError(
                self.env._(
                    "The score ranges of the segments “%(segment)s” (%(low)s–%(high)s) and "
                    "“%(other)s” (%(other_low)s–%(other_high)s) overlap: a score must fall in "
                    "one segment only.",
                    segment=error[1].name,
                    low=error[1].score_min,
                    high=error[1].score_max,
                    other=error[2].name,
                    other_low=error[2].score_min,
                    other_high=error[2].score_max,
                )
            )

    @api.constrains("limit_amount", "limit_sales_multiple")
    def _check_limit(self):
        for segment in self:
            if segment.limit_amount < 0 or segment.limit_sales_multiple < 0:
                raise ValidationError(
                    self.env._(
                        "The default credit limit of the segment “%s” cannot be negative.",
                        segment.name,
                    )
                )

    @api.constrains("limit_tolerance", "block_overdue_days")
    def _check_rules(self):
        for segment in self:
            _raise_on_invalid_rules(self.env, segment.limit_tolerance, segment.block_overdue_days)

    # ------------------------------------------------------------------ lookup

    @api.model
    def _for_company(self, company):
        """The active segments of ``company``: its own, else the shared ones."""
        own = self.search([("company_id", "=", company.id)])
        return own or self.search([("company_id", "=", False)])

    @api.model
    def _for_score(self, company, value):
        segments = self._for_company(company)
        return segment_for(value, [(s, s.score_min, s.score_max) for s in segments]) or self

    def _limit_for(self, sales_12_months):
        """The segment's default limit for a customer with these sales, None
        when the segment leaves it to the company."""
        self.ensure_one()
        if self.limit_type == "amount":
            return self.limit_amount
        if self.limit_type == "sales_multiple":
            return round(max(sales_12_months, 0.0) / 12.0 * self.limit_sales_multiple, 2)
        return None


def _payment_term_warning(env, term):
    """A warning when ``term`` may give a due date French law forbids
    (over 60 days, or 45 days end of month), tried on every day of a year."""
    if not term:
        return False
    lines = term.line_ids
    start = date(2025, 1, 1)
    for offset in range(366):
        day = start + timedelta(days=offset)
        if any(exceeds_legal_term(day, line._get_due_date(day)) for line in lines):
            return env._(
                "The payment term “%s” goes beyond what French law allows between "
                "businesses (60 days, or 45 days end of month).",
                term.name,
            )
    return False
