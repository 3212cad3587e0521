from odoo import fields, models
from odoo.tools import SQL


class CreditSegmentExposure(models.Model):
    """Customers' exposure today in the current company with their risk
    segment: one row per customer with exposure, for the pivot and graph
    of exposure and overdue by segment.  Read from ``credit.exposure``'s
    query, the same figures as the customer's form."""

    _name = "credit.segment.exposure"
    _description = "Exposure by Risk Segment"
    _auto = False
    _rec_name = "partner_id"
    _order = "exposure desc, partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    segment_id = fields.Many2one("credit.segment", string="Risk Segment", readonly=True)
    score = fields.Integer(readonly=True, aggregator="avg")
    not_due = fields.Monetary(string="Receivables Not Yet Due", readonly=True)
    overdue = fields.Monetary(string="Overdue Receivables", readonly=True)
    draft_invoices = fields.Monetary(readonly=True)
    sale_orders = fields.Monetary(string="Sales Not Yet Invoiced", readonly=True)
    unapplied = fields.Monetary(string="Unapplied Payments and Credit Notes", readonly=True)
    exposure = fields.Monetary(
        readonly=True, help="The components switched on in the Credit Management settings."
    )
    credit_limit = fields.Monetary(
        string="Applicable Credit Limit", readonly=True, aggregator="sum"
    )

    @property
    def _table_query(self) -> SQL:
        company = self.env.company
        Partner = self.env["res.partner"]
        Partner.flush_model(["credit_segment_id", "credit_score", "credit_limit"])
        included = company._credit_exposure_components()
        total = SQL(" + ").join(
            SQL("exposure.%s", SQL.identifier(name)) for name in included
        ) or SQL("0")
        key = str(company.id)
        return SQL(
            """
            SELECT exposure.partner_id AS id, exposure.partner_id,
                   %(company)s AS company_id, %(currency)s AS currency_id,
                   (partner.credit_segment_id ->> %(key)s)::int AS segment_id,
                   (partner.credit_score ->> %(key)s)::int AS score,
                   exposure.not_due, exposure.overdue, exposure.draft_invoices,
                   exposure.sale_orders, exposure.unapplied,
                   %(total)s AS exposure,
                   %(limit)s AS credit_limit
              FROM (%(exposure)s) exposure
              JOIN res_partner partner ON partner.id = exposure.partner_id
            """,
            company=company.id,
            currency=company.currency_id.id,
            key=key,
            total=total,
            limit=Partner._credit_limit_sql("partner", company),
            exposure=self.env["credit.exposure"]._query(company),
        )
