"""Dunning changes of 19.0.1.2.0 on an existing database.

- The reminder e-mail templates call shared QWeb views for their invoice
  table, penalties, links, greeting and signature: Odoo compiles a
  template's own body again for every e-mail, a view once.  The templates
  are loaded with noupdate: each one nobody edited is reset; one a credit
  manager edited is kept (it still works, only slower to render).
- An invoice's dunning level is the level of its last reminder sent, no
  longer of its last reminder prepared by a run.
- Reminder lines take their company, customer and currency from their
  reminder: the columns that stored them go, and so does the index on
  their state (a handful of values), which every run had to maintain.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

MAIL_TEMPLATES = (
    "mail_template_dunning_pre_due",
    "mail_template_dunning_friendly",
    "mail_template_dunning_reminder",
    "mail_template_dunning_firm",
    "mail_template_dunning_formal_notice",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in MAIL_TEMPLATES:
        template = env.ref(f"credit_management.{xmlid}", raise_if_not_found=False)
        if not template or "credit_management.dunning_email_" in template.body_html:
            continue
        # only module loading, migrations and resets write as the superuser
        if template.write_uid.id == SUPERUSER_ID:
            template.reset_template()
        else:
            _logger.warning(
                "E-mail template %s was edited: kept, without the shared parts that render "
                "faster; reset it from its form to use them.",
                xmlid,
            )
    cr.execute(
        """
        UPDATE account_move move
           SET credit_dunning_level_id = (
                   SELECT line.level_id FROM credit_dunning_line line
                    WHERE line.move_id = move.id AND line.state = 'sent'
                    ORDER BY line.id DESC LIMIT 1)
         WHERE move.credit_dunning_level_id IS NOT NULL
        """
    )
    cr.execute(
        """
        ALTER TABLE credit_dunning_line
            DROP COLUMN IF EXISTS company_id,
            DROP COLUMN IF EXISTS partner_id,
            DROP COLUMN IF EXISTS currency_id
        """
    )
    cr.execute("DROP INDEX IF EXISTS credit_dunning_line__state_index")
