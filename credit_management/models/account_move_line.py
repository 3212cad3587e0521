from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Exposure, ageing and dunning read the open items of a few customers, or
    # all open items at once: a small partial index serves both, where the
    # table itself is mostly settled or non-reconcilable lines.
    _credit_open_items_idx = models.Index(
        "(partner_id, company_id) WHERE amount_residual != 0 AND parent_state = 'posted'"
    )
