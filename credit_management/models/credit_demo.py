from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# One unit of the demo's foreign currency is worth this much company currency,
# so a foreign invoice of 2,000.00 weighs exactly 2,500.00 in the aged balance.
FOREIGN_CURRENCY_VALUE = 1.25


class CreditDemo(models.AbstractModel):
    """Steps of the demo data that XML cannot express: payments and reconciliations
    go through the same code as a user's clicks, so residuals and payment states
    are the ones Odoo computes."""

    _name = "credit.demo"
    _description = "Credit Management Demo Data Helpers"

    @api.model
    def _demo_register_payment(self, invoice_id, amount, payment_date):
        """Pay ``amount`` of an invoice on ``payment_date`` with the Register Payment
        wizard; a smaller amount leaves the invoice partially paid."""
        invoice = self.env["account.move"].browse(invoice_id)
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": payment_date,
                    "payment_difference_handling": "open",
                }
            )
        )
        return wizard._create_payments()

    @api.model
    def _demo_apply_credit_note(self, credit_note_id, invoice_id):
        """Match a posted credit note with a posted invoice of the same customer."""
        moves = self.env["account.move"].browse([credit_note_id, invoice_id])
        receivable_lines = moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        receivable_lines.reconcile()

    @api.model
    def _demo_foreign_currency(self):
        """The currency of the foreign-currency demo customer: EUR, or USD when the
        main company already keeps its books in EUR. It is activated and given a
        rate a year back, so every demo invoice date converts at the same round rate."""
        company = self.env.ref("base.main_company")
        currency = self.env.ref("base.USD" if company.currency_id.name == "EUR" else "base.EUR")
        currency.active = True
        rate_date = fields.Date.today() - relativedelta(years=1)
        Rate = self.env["res.currency.rate"]
        rate_domain = [
            ("currency_id", "=", currency.id),
            ("company_id", "=", company.root_id.id),
            ("name", "=", rate_date),
        ]
        if not Rate.search_count(rate_domain):
            # Rates are relative to the company currency's own rate (demo data gives it one).
            company_rate = company.currency_id._get_rates(company, rate_date)[
                company.currency_id.id
            ]
            Rate.create(
                {
                    "currency_id": currency.id,
                    "company_id": company.root_id.id,
                    "name": rate_date,
                    "rate": company_rate / FOREIGN_CURRENCY_VALUE,
                }
            )
        return currency
