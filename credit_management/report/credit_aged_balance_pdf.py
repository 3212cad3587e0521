from odoo import api, models


class CreditAgedBalancePdf(models.AbstractModel):
    """The aged balance as a PDF: the QWeb template renders the wizard's
    ``_report_data()``, the same sums as the XLSX export and the screen."""

    _name = "report.credit_management.report_credit_aged_balance"
    _description = "Aged Balance PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizard = self.env["credit.aged.balance.wizard"].browse(docids).ensure_one()
        return {
            "doc_ids": docids,
            "doc_model": wizard._name,
            "docs": wizard,
            "report": wizard._report_data(),
        }
