from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The French legal rate (Code de commerce L441-10 II): the ECB main
# refinancing rate in force on 1 January (1 July) plus 10 points, for the
# half-year.  Sources of the ECB rates: the table of rate changes at
# https://retout.fr/?p=12408 (2022-2025), DOMAIN.md (2025), and
# https://lecomptablefrancais.fr/blog/comptabilite-social-et-juridique/penalites-de-retard
# (12.15 % for the first half of 2026).  The second half of 2026 could not
# be confirmed from a public source: it must be entered before it is charged.
FRENCH_LEGAL_RATES = [
    (date(2022, 1, 1), 10.00, "ECB 0.00 % (since 10 March 2016) + 10 points"),
    (date(2022, 7, 1), 10.00, "ECB 0.00 % (0.50 % only from 27 July 2022) + 10 points"),
    (date(2023, 1, 1), 12.50, "ECB 2.50 % (since 21 December 2022) + 10 points"),
    (date(2023, 7, 1), 14.00, "ECB 4.00 % (since 21 June 2023) + 10 points"),
    (date(2024, 1, 1), 14.50, "ECB 4.50 % (since 20 September 2023) + 10 points"),
    (date(2024, 7, 1), 14.25, "ECB 4.25 % (since 12 June 2024) + 10 points"),
    (date(2025, 1, 1), 13.15, "ECB 3.15 % (since 18 December 2024) + 10 points"),
    (date(2025, 7, 1), 12.15, "ECB 2.15 % (since 11 June 2025) + 10 points"),
    (date(2026, 1, 1), 12.15, "ECB 2.15 % + 10 points"),
]


class CreditPenaltyRate(models.Model):
    """One row of a company's late-payment interest rate table: the annual
    rate in force from ``date_from`` until the next row, or to the end of
    its half-year for the latest (see ``tools.penalty.legal_rates``)."""

    _name = "credit.penalty.rate"
    _description = "Late-Payment Interest Rate"
    _order = "company_id, date_from desc"
    _rec_name = "date_from"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(string="From", required=True)
    rate = fields.Float(string="Annual Rate (%)", digits=(16, 2), required=True)
    note = fields.Char(
        string="Source", help="Where the rate comes from (e.g. ECB rate + 10 points)."
    )

    _company_date_uniq = models.Constraint(
        "UNIQUE (company_id, date_from)",
        "A company has one late-payment interest rate per date.",
    )

    @api.constrains("rate")
    def _check_rate(self):
        for row in self:
            if row.rate < 0:
                raise ValidationError(
                    self.env._(
                        "A late-payment interest rate cannot be negative (got %s %%).", row.rate
                    )
                )

    @api.model
    def _add_french_defaults(self, companies=None):
        """Give companies (all by default) the shipped French rates they
        lack; a date a company already has keeps its own rate."""
        companies = companies or self.env["res.company"].search([])
        existing = {
            (row.company_id.id, row.date_from)
            for row in self.search([("company_id", "in", companies.ids)])
        }
        self.create(
            [
                {"company_id": company.id, "date_from": date_from, "rate": rate, "note": note}
                for company in companies
                for date_from, rate, note in FRENCH_LEGAL_RATES
                if (company.id, date_from) not in existing
            ]
        )

    @api.model
    def _rows(self, company):
        """``[(date_from, rate)]`` of ``company``, for ``tools.penalty.legal_rates``."""
        rows = self.search_fetch([("company_id", "=", company.id)], ["date_from", "rate"])
        return [(row.date_from, row.rate) for row in rows]
