"""Bring the shipped dunning data of an existing database up to date: it is
loaded with noupdate, so a module update alone leaves it as it was."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

# E-mail templates that now print the reviewer's note and link each invoice
# to its portal page, where the customer can pay it online.
MAIL_TEMPLATES = (
    "mail_template_dunning_pre_due",
    "mail_template_dunning_friendly",
    "mail_template_dunning_reminder",
    "mail_template_dunning_firm",
    "mail_template_dunning_formal_notice",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    # the pre-due notice sends a copy of the invoices (new level option)
    pre_due = env.ref("credit_management.dunning_level_pre_due", raise_if_not_found=False)
    if pre_due:
        pre_due.attach_invoices = True
    for xmlid in MAIL_TEMPLATES:
        template = env.ref(f"credit_management.{xmlid}", raise_if_not_found=False)
        if not template:
            continue
        if template.write_date == template.create_date:
            template.reset_template()
        else:
            # a credit manager's wording is kept: they add the novelties
            # themselves, or reset the template from its form
            _logger.warning(
                "E-mail template %s was edited: not updated with the reminder note and "
                "the invoice payment links.",
                xmlid,
            )
