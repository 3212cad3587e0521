"""Penalty ledger changes of 19.0.1.4.0 on an existing database.

A ledger line reads its customer, company and currency from its reminder
instead of keeping copies, each of which cost a foreign-key lookup per line
when a run charges tens of thousands of them.  Odoo does not drop the
columns of fields no longer stored, so this does, when every line still has
its reminder: a line whose reminder was deleted (possible before this
version) keeps its copies, which stay readable in the database.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute("SELECT COUNT(*) FROM credit_penalty_line WHERE communication_id IS NULL")
    orphans = cr.fetchone()[0]
    if orphans:
        _logger.warning(
            "%s late-payment penalty lines have lost their reminder: their customer, company "
            "and currency columns are kept in credit_penalty_line.",
            orphans,
        )
        return
    cr.execute(
        """
        ALTER TABLE credit_penalty_line
            DROP COLUMN IF EXISTS company_id,
            DROP COLUMN IF EXISTS partner_id,
            DROP COLUMN IF EXISTS currency_id
        """
    )
