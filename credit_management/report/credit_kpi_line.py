from odoo import fields, models


class CreditKpiLine(models.TransientModel):
    """The KPIs of one group (company, customer or salesperson of a company)
    over the period of a ``credit.kpi.wizard``.  Each help text states the
    formula; a KPI whose denominator is 0 is left blank in the list."""

    _name = "credit.kpi.line"
    _description = "KPI Report Line"
    _order = "company_id, name"

    wizard_id = fields.Many2one("credit.kpi.wizard", required=True, ondelete="cascade")
    date_from = fields.Date(related="wizard_id.date_from")
    date_to = fields.Date(related="wizard_id.date_to")
    name = fields.Char(string="Group")
    company_id = fields.Many2one("res.company", required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer")
    user_id = fields.Many2one("res.users", string="Salesperson")
    segment_id = fields.Many2one("credit.segment", string="Risk Segment")

    # ==== Figures (company currency, taxes included) ====
    sales = fields.Monetary(
        string="Sales (S)",
        help="S: posted customer invoices less credit notes of the period, by accounting date.",
    )
    ar = fields.Monetary(
        string="AR", help="AR: receivables outstanding at the period end (the aged balance total)."
    )
    not_due_ar = fields.Monetary(string="Not Due AR", help="AR not yet due at the period end.")
    overdue_ar = fields.Monetary(string="Overdue AR", help="AR − not-yet-due AR.")
    over_90_ar = fields.Monetary(
        string="AR over 90 Days", help="AR more than 90 days past its due date at the period end."
    )
    overdue_at_start = fields.Monetary(
        help="Debit items overdue the day before the period starts (aged balance as of then)."
    )
    recovered = fields.Monetary(
        help="Collected in the period (payments and credit notes reconciled) on the items "
        "overdue at its start."
    )

    # ==== KPIs ====
    dso = fields.Float(
        string="DSO",
        digits=(16, 1),
        aggregator=None,
        help="DSO, standard: AR / S × D, D = days in the period (to date for a running one).",
    )
    dso_count_back = fields.Float(
        string="DSO Count-back",
        digits=(16, 1),
        aggregator=None,
        help="DSO, count-back: from AR, subtract the latest month's sales and count its days, "
        "then the month before, until less than a month's sales is left; add left / that "
        "month's sales × its days.  Looks up to 12 months back; blank when AR is not "
        "exhausted by then.",
    )
    best_possible_dso = fields.Float(
        string="Best Possible DSO",
        digits=(16, 1),
        aggregator=None,
        help="Best possible DSO: not-yet-due AR / S × D.",
    )
    days_delinquent = fields.Float(
        string="ADD",
        digits=(16, 1),
        aggregator=None,
        help="Average days delinquent: DSO − best possible DSO.",
    )
    days_late = fields.Float(
        string="Weighted Days Late",
        digits=(16, 1),
        aggregator=None,
        help="Weighted average days late: Σ(amount × days late) / Σ amount, over the amounts "
        "reconciled in the period (days late = reconciliation date − due date, at least 0) "
        "and the items overdue at the period end (period end − due date).",
    )
    cei = fields.Float(
        string="CEI (%)",
        digits=(16, 1),
        aggregator=None,
        help="Collection effectiveness index, computed for each month of the period then "
        "averaged (not a CEI of the summed figures): (opening AR + S − closing AR) / "
        "(opening AR + S − closing not-yet-due AR) × 100.",
    )
    overdue_ratio = fields.Float(
        string="Overdue Ratio (%)",
        digits=(16, 1),
        aggregator=None,
        help="Overdue AR / AR × 100, at the period end.",
    )
    over_90_ratio = fields.Float(
        string="Over-90 Ratio (%)",
        digits=(16, 1),
        aggregator=None,
        help="AR over 90 days past due / AR × 100, at the period end.",
    )
    recovery_rate = fields.Float(
        string="Recovery Rate (%)",
        digits=(16, 1),
        aggregator=None,
        help="Collected in the period on the amounts overdue at its start / those amounts × 100.",
    )

    # ==== Whether a KPI is defined: blank in the list when it is not ====
    # (the others are defined whenever S, AR or the overdue at start is not 0)
    has_dso_count_back = fields.Boolean(string="Count-back DSO Defined")
    has_days_late = fields.Boolean(string="Weighted Days Late Defined")
    has_cei = fields.Boolean(string="CEI Defined")

    # ---------------------------------------------------------------- drill-down

    def _group_domain(self, partner_field, user_field, segment_field):
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id)]
        if self.partner_id:
            domain.append((partner_field, "=", self.partner_id.id))
        if self.user_id:
            domain.append((user_field, "=", self.user_id.id))
        if self.segment_id:
            domain.append((segment_field, "=", self.segment_id.id))
        return domain

    def action_open_items(self):
        """The aged balance of the group at the period end."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_aged_balance"
        )
        date_to = self.wizard_id._period()[1]
        action.update(
            display_name=self.env._("Open Items of %s", self.name),
            domain=self._group_domain("partner_id", "user_id", "segment_id"),
            context={"credit_as_of": fields.Date.to_string(date_to)},
        )
        return action

    def action_open_sales(self):
        """The invoices and credit notes of the group behind S."""
        self.ensure_one()
        action = self.env["credit.dashboard.line"]._sales_action(
            self.company_id, self.date_from, self.wizard_id._period()[1]
        )
        action["domain"] += self._group_domain(
            "commercial_partner_id",
            "invoice_user_id",
            "commercial_partner_id.credit_segment_id",
        )[1:]
        return action
