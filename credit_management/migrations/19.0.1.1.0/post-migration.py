"""Bring the shipped dunning data of an existing database up to date: it is
loaded with noupdate, so a module update alone leaves it as it was."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    # the pre-due notice sends a copy of the invoices (new level option)
    pre_due = env.ref("credit_management.dunning_level_pre_due", raise_if_not_found=False)
    if pre_due:
        pre_due.attach_invoices = True
