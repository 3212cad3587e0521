from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Channel flag: the field holding its template (what the constraint requires).
CHANNEL_TEMPLATES = {
    "channel_email": "mail_template_id",
    "channel_letter": "letter_report_id",
    "channel_sms": "sms_template_id",
    "channel_activity": "activity_type_id",
}


class CreditDunningLevel(models.Model):
    """One step of a dunning scenario: when it is reached (days from the due
    date), how the customer is told (one or several channels, each with its
    template) and what it implies (review, penalties, end of amicable dunning)."""

    _name = "credit.dunning.level"
    _description = "Dunning Level"
    _order = "scenario_id, sequence, day_offset, id"

    scenario_id = fields.Many2one(
        "credit.dunning.scenario", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="scenario_id.company_id", store=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    day_offset = fields.Integer(
        string="Days After Due Date",
        help="The level is reached this many days after the due date of an invoice; "
        "a negative number is a notice before the due date (-7: a week before).",
    )

    # Channels and their templates
    channel_email = fields.Boolean(string="E-mail")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'res.partner')]",
        ondelete="restrict",
    )
    attach_invoices = fields.Boolean(
        string="Attach Invoice PDFs",
        help="The e-mail carries the PDF of each invoice it lists: the one sent to the "
        "customer when there is one, else a fresh copy.",
    )
    channel_letter = fields.Boolean(string="Letter (PDF)")
    letter_report_id = fields.Many2one(
        "ir.actions.report",
        string="Letter",
        domain="[('model', '=', 'res.partner'), ('report_type', '=', 'qweb-pdf')]",
        ondelete="restrict",
    )
    channel_sms = fields.Boolean(string="SMS")
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain="[('model', '=', 'res.partner')]",
        ondelete="restrict",
    )
    channel_activity = fields.Boolean(
        string="Activity",
        help="A to-do in the customer's chatter: a collection call, or the credit "
        "manager's decision when the level ends amicable dunning.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        domain="[('res_model', 'in', (False, 'res.partner'))]",
        ondelete="restrict",
    )
    activity_user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        help="Who the activity is assigned to. Leave empty to assign it to the "
        "customer's salesperson, or to the user running the reminders.",
    )

    # What the level implies
    review_required = fields.Boolean(
        string="Review Before Sending",
        help="Reminders of this level wait for a collector's approval before they are sent.",
    )
    charge_penalties = fields.Boolean(
        help="Late-payment penalties and the fixed recovery indemnity are charged "
        "when this level is sent.",
    )
    credit_penalty_fee = fields.Float(
        string="Reminder Fee",
        digits="Product Price",
        help="Charged with the penalties of this level, in the company currency: once per "
        "invoice and level, or once per reminder, as the company's settings say.",
    )
    ends_amicable = fields.Boolean(
        string="Ends Amicable Dunning",
        help="Litigation: no further level is sent automatically; the activity asks "
        "the credit manager to decide (collection agency, order for payment, claim).",
    )

    @api.constrains(*CHANNEL_TEMPLATES, *CHANNEL_TEMPLATES.values())
    def _check_channels(self):
        for level in self:
            if not any(level[channel] for channel in CHANNEL_TEMPLATES):
                raise ValidationError(
                    self.env._(
                        "The dunning level “%(level)s” has no channel: choose at least one of "
                        "e-mail, letter, SMS or activity.",
                        level=level.name,
                    )
                )
            for channel, template in CHANNEL_TEMPLATES.items():
                if level[channel] and not level[template]:
                    raise ValidationError(level._missing_template_message(channel))

    def _missing_template_message(self, channel):
        return {
            "channel_email": self.env._(
                "The dunning level “%s” sends an e-mail: choose its e-mail template.",
                self.name,
            ),
            "channel_letter": self.env._(
                "The dunning level “%s” sends a letter: choose its letter report.", self.name
            ),
            "channel_sms": self.env._(
                "The dunning level “%s” sends an SMS: choose its SMS template.", self.name
            ),
            "channel_activity": self.env._(
                "The dunning level “%s” schedules an activity: choose its activity type.",
                self.name,
            ),
        }[channel]

    @api.constrains("scenario_id", "sequence", "day_offset", "ends_amicable")
    def _check_scenario_order(self):
        if not self.env.context.get("credit_dunning_check_later"):
            self.scenario_id._check_levels()

    def _channels(self):
        """The names of this level's channels (``email``, ``letter``, ``sms``,
        ``activity``), in that order."""
        self.ensure_one()
        return [channel.removeprefix("channel_") for channel in CHANNEL_TEMPLATES if self[channel]]

    @api.constrains("credit_penalty_fee")
    def _check_credit_penalty_fee(self):
        for level in self:
            if level.credit_penalty_fee < 0:
                raise ValidationError(
                    self.env._(
                        "The reminder fee of the dunning level “%(level)s” cannot be negative.",
                        level=level.name,
                    )
                )
