from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # The aged balance as of a past date undoes the reconciliations dated
    # after it: a range scan on this index instead of reading every
    # reconciliation ever made.
    _credit_max_date_idx = models.Index(
        "(max_date) INCLUDE (debit_move_id, credit_move_id, amount,"
        " debit_amount_currency, credit_amount_currency)"
    )
