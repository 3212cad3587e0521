import base64

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.rating import parse


class CreditRatingImportWizard(models.TransientModel):
    """Import external ratings from a CSV file: a preview of every line with
    its customer or its errors, then only the good lines are applied; a bad
    line changes nothing."""

    _name = "credit.rating.import.wizard"
    _description = "Import External Ratings"

    file = fields.Binary(string="CSV File", required=True)
    filename = fields.Char()
    line_ids = fields.One2many("credit.rating.import.line", "wizard_id", string="Lines")
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload"
    )
    good_count = fields.Integer(compute="_compute_counts")
    error_count = fields.Integer(compute="_compute_counts")

    @api.depends("line_ids.error")
    def _compute_counts(self):
        for wizard in self:
            wizard.error_count = len(wizard.line_ids.filtered("error"))
            wizard.good_count = len(wizard.line_ids) - wizard.error_count

    def _error_text(self, code):
        return {
            "partner": self.env._("no customer given"),
            "rating": self.env._("the rating is not a number"),
            "scale_min": self.env._("the start of the scale is not a number"),
            "scale_max": self.env._("the end of the scale is not a number"),
            "source": self.env._("no source given"),
            "date": self.env._("the date is not a date (YYYY-MM-DD)"),
            "higher_is_safer": self.env._("higher_is_safer must be 1 or 0"),
            "scale": self.env._("the scale must start below its end"),
            "out_of_scale": self.env._("the rating is outside its scale"),
        }[code]

    def action_preview(self):
        self.ensure_one()
        try:
            text = base64.b64decode(self.file).decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError) as error:
            raise UserError(self.env._("The file is not a UTF-8 CSV file.")) from error
        try:
            lines = parse(text)
        except ValueError as error:
            raise UserError(self.env._("The file lacks the columns: %s.", error.args[0])) from error
        keys = {line.partner for line in lines if line.partner}
        partners = self._match_partners(keys)
        values = []
        for line in lines:
            errors = [self._error_text(code) for code in line.errors]
            matched = partners.get(line.partner)
            if line.partner and not matched:
                errors.append(self.env._("no customer %s", line.partner))
            elif matched and len(matched) > 1:
                errors.append(self.env._("%s matches several customers", line.partner))
            values.append(
                Command.create(
                    {
                        "number": line.number,
                        "partner_key": line.partner,
                        "partner_id": matched.id if matched and len(matched) == 1 else False,
                        "rating": line.rating or 0.0,
                        "scale_min": line.scale_min or 0.0,
                        "scale_max": line.scale_max or 0.0,
                        "higher_is_safer": line.higher_is_safer,
                        "source": line.source,
                        "date": line.date,
                        "error": "; ".join(errors) or False,
                    }
                )
            )
        self.write({"line_ids": [Command.clear(), *values], "state": "preview"})
        return self._reopen()

    def _match_partners(self, keys):
        """``{key: partners}``: the commercial partners whose VAT number,
        internal reference or name is ``key``, in one search."""
        if not keys:
            return {}
        found = self.env["res.partner"].search(
            [
                ("parent_id", "=", False),
                "|",
                "|",
                ("vat", "in", list(keys)),
                ("ref", "in", list(keys)),
                ("name", "in", list(keys)),
            ]
        )
        matches = {}
        for key in keys:
            for field in ("vat", "ref", "name"):
                partners = found.filtered(lambda p, f=field, k=key: p[f] == k)
                if partners:
                    matches[key] = partners
                    break
        return matches

    def action_import(self):
        """Apply the good lines; the bad ones stay in the report."""
        self.ensure_one()
        self.env["res.partner"]._check_credit_manager()
        for line in self.line_ids.filtered(lambda line: not line.error):
            line.partner_id.write(
                {
                    "credit_rating_value": line.rating,
                    "credit_rating_scale_min": line.scale_min,
                    "credit_rating_scale_max": line.scale_max,
                    "credit_rating_higher_safer": line.higher_is_safer,
                    "credit_rating_source": line.source,
                    "credit_rating_date": line.date,
                }
            )
        self.state = "done"
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


class CreditRatingImportLine(models.TransientModel):
    _name = "credit.rating.import.line"
    _description = "External Rating Import Line"
    _order = "number"

    wizard_id = fields.Many2one("credit.rating.import.wizard", required=True, ondelete="cascade")
    number = fields.Integer(string="Line")
    partner_key = fields.Char(string="Customer in File")
    partner_id = fields.Many2one("res.partner", string="Customer")
    rating = fields.Float()
    scale_min = fields.Float(string="Scale From")
    scale_max = fields.Float(string="Scale To")
    higher_is_safer = fields.Boolean()
    source = fields.Char()
    date = fields.Date()
    error = fields.Char()
