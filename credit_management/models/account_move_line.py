from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Exposure, ageing and dunning read the open items of a few customers, or
    # all open items at once: a small partial index serves both, where the
    # table itself is mostly settled or non-reconcilable lines.  The included
    # columns are everything the aged balance reads of a line, so PostgreSQL
    # answers from the index alone (an index-only scan) without the heap.
    _credit_open_lines_idx = models.Index(
        "(partner_id) INCLUDE (id, company_id, account_id, amount_residual, date_maturity,"
        " move_id, date, invoice_date, currency_id, amount_residual_currency, balance,"
        " amount_currency)"
        " WHERE amount_residual != 0 AND parent_state = 'posted'"
    )

    # Dunning skips the invoices with a line excluded from follow-up: they
    # are rare, so without this index PostgreSQL scans every line to find
    # them (and the scan's estimated cost makes it compile the query).
    _credit_no_followup_idx = models.Index("(move_id) WHERE no_followup")
