from odoo import api, fields, models


class CreditDashboardLine(models.TransientModel):
    """One bar of the dashboard: an ageing bucket, a top overdue customer, a
    forecast week, a month of the DSO trend or a customer over limit."""

    _name = "credit.dashboard.line"
    _description = "Credit Dashboard Line"
    _order = "kind, sequence"

    dashboard_id = fields.Many2one("credit.dashboard", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="dashboard_id.currency_id")
    kind = fields.Selection(
        [
            ("bucket", "Ageing Bucket"),
            ("top", "Top Overdue Customer"),
            ("forecast", "Forecast Week"),
            ("trend", "DSO Trend Month"),
            ("over_limit", "Customer over Limit"),
            ("reminder", "Reminders Sent by Level"),
            ("segment", "Risk Segment"),
        ],
        required=True,
    )
    sequence = fields.Integer()
    name = fields.Char(string="Label")
    partner_id = fields.Many2one("res.partner", string="Customer")
    amount = fields.Monetary()
    balance = fields.Monetary(string="AR / Limit")
    value = fields.Float(string="DSO (days)", aggregator="avg")
    share = fields.Float(string="Bar", aggregator=None)
    date_from = fields.Date()
    date_to = fields.Date()
    # An ageing bucket's days past due: "after < days <= upto".  The first
    # bucket (Not due) has no lower bound, the last one no upper bound.
    days_after = fields.Integer()
    days_upto = fields.Integer()
    # Reminders sent this month at a level: how many, their amount due in
    # company currency (``amount``).
    level_id = fields.Many2one("credit.dunning.level")
    count = fields.Integer(string="Reminders")
    # A risk segment: its customers (``count``), their AR (``amount``) and
    # overdue AR (``balance``).
    segment_id = fields.Many2one("credit.segment")

    def action_open(self):
        """The documents behind the line."""
        self.ensure_one()
        dashboard = self.dashboard_id
        if self.kind == "bucket":
            return dashboard._aged_balance_action(self.name, self._bucket_domain())
        if self.kind == "top":
            return dashboard._aged_balance_action(
                self.name, [("partner_id", "=", self.partner_id.id), ("days_past", ">", 0)]
            )
        if self.kind == "forecast":
            items = dashboard._forecast_items(self.sequence)
            return dashboard._aged_balance_action(self.name, [("move_line_id", "in", items)])
        if self.kind == "reminder":
            return self._reminders_action()
        if self.kind == "trend":
            return self._sales_action(dashboard.company_id, self.date_from, self.date_to)
        if self.kind == "segment":
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "credit_management.action_partner_credit"
            )
            action.update(
                display_name=self.name,
                domain=[
                    ("parent_id", "=", False),
                    ("credit_segment_id", "=", self.segment_id.id or False),
                ],
                context={"allowed_company_ids": [dashboard.company_id.id]},
            )
            return action
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    def _reminders_action(self):
        """The reminders of the level sent from ``date_from`` to ``date_to``."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_dunning_communication"
        )
        action.update(
            display_name=self.name,
            domain=[
                ("company_id", "=", self.dashboard_id.company_id.id),
                ("state", "=", "sent"),
                ("level_id", "=", self.level_id.id),
                ("sent_date", ">=", self.date_from),
                ("sent_date", "<=", self.date_to),
            ],
            context={"create": False},
        )
        return action

    def _bucket_domain(self):
        """The aged balance's items of the bucket."""
        last = max(self.dashboard_id.bucket_line_ids.mapped("sequence"))
        return [
            *([("days_past", ">", self.days_after)] if self.sequence > 0 else []),
            *([("days_past", "<=", self.days_upto)] if self.sequence < last else []),
        ]

    @api.model
    def _sales_action(self, company, date_from, date_to):
        """The posted invoices and credit notes dated in ``[date_from, date_to]``."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            display_name=self.env._("Sales"),
            domain=[
                ("company_id", "=", company.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            context={"create": False},
        )
        return action
