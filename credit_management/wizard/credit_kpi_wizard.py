from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools.periods import PERIOD_MONTHS, last_months, period_bounds

TREND_MONTHS = 12
# KPIs that may be undefined whatever the figures shown beside them
OPTIONAL_KPIS = ("dso_count_back", "days_late", "cei")


class CreditKpiWizard(models.TransientModel):
    """Options of the KPI report: a period (month, quarter, year or custom
    dates) and a grouping (company, customer or salesperson).

    ``get_kpi_rows()`` is the data producer (read-only); *Show* stores its
    rows as ``credit.kpi.line`` records and *Trend* the monthly DSO of the
    12 months up to the period end as ``credit.kpi.trend`` records.
    """

    _name = "credit.kpi.wizard"
    _description = "KPI Report Options"

    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.companies,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year"), ("custom", "Custom")],
        string="Period",
        required=True,
        default="month",
    )
    period_date = fields.Date(
        string="In the period of",
        default=fields.Date.context_today,
        help="Any day of the month, quarter or year to report on.",
    )
    date_from = fields.Date(
        string="From",
        compute="_compute_dates",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    date_to = fields.Date(
        string="To",
        compute="_compute_dates",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    groupby = fields.Selection(
        [
            ("company", "Company"),
            ("customer", "Customer"),
            ("salesperson", "Salesperson"),
            ("segment", "Risk Segment"),
        ],
        string="Group by",
        required=True,
        default="company",
    )
    line_ids = fields.One2many("credit.kpi.line", "wizard_id")
    trend_ids = fields.One2many("credit.kpi.trend", "wizard_id")

    @api.depends("period_type", "period_date")
    def _compute_dates(self):
        for wizard in self:
            if wizard.period_type in PERIOD_MONTHS and wizard.period_date:
                wizard.date_from, wizard.date_to = period_bounds(
                    wizard.period_type, wizard.period_date
                )

    # ------------------------------------------------------------------ options

    def _period(self):
        """``(date_from, date_to)``, the end cut at today: a period still
        running is reported to date."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.date_from > self.date_to:
            raise UserError(
                self.env._(
                    "The period cannot start on %(start)s, after its end on %(end)s.",
                    start=format_date(self.env, self.date_from),
                    end=format_date(self.env, self.date_to),
                )
            )
        if self.date_from > today:
            raise UserError(
                self.env._(
                    "The period starts on %s, in the future: there is nothing to report yet.",
                    format_date(self.env, self.date_from),
                )
            )
        return self.date_from, min(self.date_to, today)

    def _companies(self):
        """The chosen companies, through ``env.companies``, which refuses a
        company the user may not access."""
        return self.with_context(allowed_company_ids=self.company_ids.ids).env.companies

    # --------------------------------------------------------------------- data

    @api.readonly
    def get_kpi_rows(self):
        """Figures and KPIs of each group of the period (see
        ``credit.kpi._kpis``), with the group's label."""
        self.ensure_one()
        date_from, date_to = self._period()
        rows = self.env["credit.kpi"]._kpis(self._companies(), date_from, date_to, self.groupby)
        return [{**row, "name": self._group_name(row)} for row in rows]

    def _group_name(self, row):
        model = {
            "company": "res.company",
            "customer": "res.partner",
            "salesperson": "res.users",
            "segment": "credit.segment",
        }
        if not row["key"]:
            return {
                "company": "",
                "customer": self.env._("No Customer"),
                "salesperson": self.env._("No Salesperson"),
                "segment": self.env._("No Segment"),
            }[self.groupby]
        return self.env[model[self.groupby]].browse(row["key"]).display_name

    @api.readonly
    def get_trend_rows(self):
        """Standard DSO of each of the ``TREND_MONTHS`` months up to the
        period end, per company."""
        self.ensure_one()
        _date_from, date_to = self._period()
        return self.env["credit.kpi"]._trend(self._companies(), last_months(date_to, TREND_MONTHS))

    # ---------------------------------------------------------------- renderers

    def action_show(self):
        """The KPI lines of the period, one per group."""
        self.ensure_one()
        key_field = {
            "customer": "partner_id",
            "salesperson": "user_id",
            "segment": "segment_id",
        }.get(self.groupby)
        lines = []
        for row in self.get_kpi_rows():
            key = row.pop("key")
            values = {name: value or 0.0 for name, value in row.items() if name != "name"}
            defined = {f"has_{name}": row[name] is not None for name in OPTIONAL_KPIS}
            lines.append(
                {
                    **values,
                    **defined,
                    "name": row["name"],
                    **({key_field: key} if key_field else {}),
                }
            )
        self.line_ids.unlink()
        self.line_ids = [fields.Command.create(values) for values in lines]
        return self._lines_action(
            "credit_management.action_credit_kpi_line",
            self.env._(
                "KPIs from %(start)s to %(end)s",
                start=format_date(self.env, self.date_from),
                end=format_date(self.env, self._period()[1]),
            ),
        )

    def action_trend(self):
        """The graph of the monthly DSO of the last 12 months."""
        self.ensure_one()
        self.trend_ids.unlink()
        self.trend_ids = [
            fields.Command.create({**row, "dso": row["dso"] or 0.0})
            for row in self.get_trend_rows()
        ]
        return self._lines_action(
            "credit_management.action_credit_kpi_trend", self.env._("DSO Trend")
        )

    def _lines_action(self, xml_id, name):
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action.update(display_name=name, domain=[("wizard_id", "=", self.id)])
        return action
