from odoo import models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    # Draft invoices count toward exposure; they are few among the moves, so
    # this index stays small and spares a scan of every draft per customer.
    _credit_draft_invoices_idx = models.Index("(commercial_partner_id) WHERE state = 'draft'")

    def _post(self, soft=True):
        self._check_credit_hold()
        return super()._post(soft=soft)

    def _check_credit_hold(self):
        """Companies may refuse to post invoices of customers on credit hold."""
        for move in self.filtered(lambda m: m.move_type == "out_invoice"):
            company = move.company_id
            partner = move.commercial_partner_id.with_company(company).sudo()
            if company.credit_block_invoice_on_hold and partner.credit_hold:
                raise UserError(
                    self.env._(
                        "%(partner)s is on credit hold (%(reason)s): invoice %(invoice)s "
                        "cannot be posted until a Credit Manager releases the hold.",
                        partner=partner.display_name,
                        reason=partner.credit_hold_reason or self.env._("no reason given"),
                        invoice=move.display_name,
                    )
                )
