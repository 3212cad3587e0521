from odoo import fields, models


class CreditDisputeReason(models.Model):
    """Why a customer contests an invoice: a short list the credit manager keeps."""

    _name = "credit.dispute.reason"
    _description = "Dispute Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
