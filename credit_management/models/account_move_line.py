from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Exposure, ageing and dunning read the open items of a few customers, or
    # all open items at once: a small partial index serves both, where the
    # table itself is mostly settled or non-reconcilable lines.  The included
    # columns let PostgreSQL answer from the index alone.
    _credit_open_items_idx = models.Index(
        "(partner_id) INCLUDE (company_id, account_id, amount_residual, date_maturity)"
        " WHERE amount_residual != 0 AND parent_state = 'posted'"
    )
