from odoo import fields, models

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

    def _credit_exposure_components(self):
        """Names of the exposure components this company counts, in
        ``tools.exposure.COMPONENTS`` order."""
        self.ensure_one()
        return tuple(name for name in COMPONENTS if self[f"credit_exposure_{name}"])
