"""Penalty ledger changes of 19.0.1.3.0 on an existing database.

The ledger lines keep no creation and update stamps any more, and refer to
a dunning level only for that level's fee: each of those foreign keys cost
a lookup per line when a run charges tens of thousands of them.  Nor is
their state indexed any more.  Odoo drops neither the columns of stamps a
model no longer keeps nor the index of a field no longer indexed, so this
does.
"""


def migrate(cr, version):
    cr.execute(
        """
        ALTER TABLE credit_penalty_line
            DROP COLUMN IF EXISTS create_uid,
            DROP COLUMN IF EXISTS create_date,
            DROP COLUMN IF EXISTS write_uid,
            DROP COLUMN IF EXISTS write_date
        """
    )
    cr.execute("DROP INDEX IF EXISTS credit_penalty_line__state_index")
    cr.execute("UPDATE credit_penalty_line SET level_id = NULL WHERE kind != 'fee'")
