from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..report.credit_aged_balance import BOUNDED_BUCKETS
from ..tools import kpi
from ..tools.ageing import DEFAULT_BOUNDS
from ..tools.periods import last_months, slice_days, week_monday

TREND_MONTHS = 12
DSO_MONTHS = 3  # the dashboard's DSO: the last three months of the trend
FORECAST_WEEKS = 8
TOP = 10


class CreditDashboard(models.TransientModel):
    """The credit dashboard of the current company, as of today.

    ``get_figures()`` is its one data producer (a plain dict, read-only
    queries only); ``action_open_dashboard()`` stores those figures in a
    transient record and its lines, which the form shows as cards and
    bars.  Every figure opens the documents it sums.
    """

    _name = "credit.dashboard"
    _description = "Credit Dashboard"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="As of", readonly=True)

    # ==== Cards ====
    total_receivable = fields.Monetary(
        readonly=True,
        help="AR: open posted receivable items today, in company currency, taxes included; "
        "unapplied payments and credit notes count as negative items.",
    )
    overdue = fields.Monetary(
        readonly=True,
        help="Open receivable items past their due date (days past due > 0).",
    )
    overdue_ratio = fields.Float(
        string="Overdue Ratio (%)", readonly=True, help="Overdue AR / total AR × 100."
    )
    dso = fields.Float(
        string="DSO (days)",
        readonly=True,
        help="DSO, standard, over the last three months (this month to date and the two "
        "before): AR today / S × D, where S = posted customer invoices less credit notes "
        "of those months, taxes included, and D = their number of days.",
    )
    dso_sales = fields.Monetary(string="Sales (3 months)", readonly=True)
    over_limit_count = fields.Integer(
        string="Customers over Limit",
        readonly=True,
        help="Customers whose exposure exceeds their credit limit (with its tolerance).",
    )

    # ==== Lists and bars ====
    line_ids = fields.One2many("credit.dashboard.line", "dashboard_id")
    bucket_line_ids = fields.One2many(
        "credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "bucket")]
    )
    top_line_ids = fields.One2many(
        "credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "top")]
    )
    forecast_line_ids = fields.One2many(
        "credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "forecast")]
    )
    trend_line_ids = fields.One2many(
        "credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "trend")]
    )
    over_limit_line_ids = fields.One2many(
        "credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "over_limit")]
    )
    reminder_line_ids = fields.One2many(
        "credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "reminder")]
    )
    segment_line_ids = fields.One2many(
        "credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "segment")]
    )

    # ------------------------------------------------------------------ figures

    @api.model
    @api.readonly
    def get_figures(self):
        """Every figure of the dashboard of the current company, as of today::

        {
            "company_id", "date", "total_receivable", "overdue",
            "overdue_ratio", "dso", "dso_sales", "over_limit_count",
            "lines": [{"kind", "sequence", "name", "amount", ...}, ...],
        }
        """
        self.check_access("read")
        company = self.env.company
        today = fields.Date.context_today(self)
        self.env["credit.kpi"]._flush()
        # These grouped queries read a few hundred thousand rows each; the
        # time PostgreSQL's JIT spends compiling them exceeds what it saves.
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        totals, buckets = self._buckets(company, today)
        trend = self._trend_lines(company, today)
        last_slices = trend[-DSO_MONTHS:]
        dso_sales = sum(line["amount"] for line in last_slices)
        dso_days = sum(slice_days(line["date_from"], line["date_to"]) for line in last_slices)
        over_limit_count, over_limit = self._over_limit(company)
        return {
            "company_id": company.id,
            "date": today,
            "total_receivable": totals["total"],
            "overdue": totals["overdue"],
            # stored as 0 when undefined; the form hides them then
            "overdue_ratio": kpi.overdue_ratio(totals["overdue"], totals["total"]) or 0.0,
            "dso": kpi.dso(totals["total"], dso_sales, dso_days) or 0.0,
            "dso_sales": dso_sales,
            "over_limit_count": over_limit_count,
            "lines": [
                *buckets,
                *self._top_overdue(company, today),
                *self._forecast(company, today),
                *trend,
                *over_limit,
                *self._reminders_sent(company, today),
                *self._segments(company, today),
            ],
        }

    def _open_items(self, company):
        """Open posted receivable items of ``company`` (the partial index)."""
        return SQL("line.amount_residual != 0 AND %s", self.env["credit.kpi"]._receivable(company))

    def _buckets(self, company, today):
        """Total AR, overdue AR and one line per bucket of the first bucket
        set: the aged balance of today, summed, as its list shows it."""
        bucket_set = self.env["credit.aged.bucket.set"].search(
            [("company_id", "in", (company.id, False))], limit=1
        )
        bounds = bucket_set._bounds() if bucket_set else DEFAULT_BOUNDS
        columns = ["not_due", *BOUNDED_BUCKETS[: len(bounds)], "older"]
        report = self.env["credit.aged.balance"].with_context(
            credit_as_of=fields.Date.to_string(today),
            credit_ageing_bounds=list(bounds),
            allowed_company_ids=company.ids,
        )
        [(total, *amounts)] = report._read_group(
            [("company_id", "=", company.id)],
            [],
            ["residual:sum", *(f"{column}:sum" for column in columns)],
        )
        labels = self.env["credit.aged.bucket.set"]._labels(bounds)
        largest = max([abs(amount) for amount in amounts] + [1.0])
        lines = [
            {
                "kind": "bucket",
                "sequence": number,
                "name": label,
                "amount": amount,
                "share": abs(amount) / largest * 100,
                "days_after": lower,
                "days_upto": upper,
            }
            for number, (label, amount, lower, upper) in enumerate(
                zip(labels, amounts, (0, 0, *bounds), (0, *bounds, 0), strict=True)
            )
        ]
        return {"total": total, "overdue": total - amounts[0]}, lines

    def _top_overdue(self, company, today):
        """The ``TOP`` customers with the most overdue AR, largest first."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, SUM(line.amount_residual) AS overdue
                  FROM account_move_line line
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE %s AND COALESCE(line.date_maturity, line.date) < %s
                 GROUP BY 1
                HAVING SUM(line.amount_residual) > 0
                 ORDER BY overdue DESC, 1
                 LIMIT %s
                """,
                self._open_items(company),
                today,
                TOP,
            )
        )
        largest = rows[0][1] if rows else 1.0
        partners = self.env["res.partner"].browse(partner_id for partner_id, _amount in rows)
        return [
            {
                "kind": "top",
                "sequence": number,
                "name": partner.display_name,
                "partner_id": partner.id,
                "amount": amount,
                "share": amount / largest * 100,
            }
            for number, (partner, (_id, amount)) in enumerate(zip(partners, rows, strict=True))
        ]

    def _forecast(self, company, today):
        """Expected collections of the next ``FORECAST_WEEKS`` weeks, from the
        Monday of this week, and of "earlier" (week -1): items whose
        expected date has passed.  Each open debit item is expected on its
        due date + its customer's weighted average days late over six
        months, as its latest behaviour figures state it (the nightly
        ``credit.score``), rounded to a day; 0 for a customer not scored
        yet.  Weeks are filed as ``tools.periods.forecast_week`` says."""
        monday = week_monday(today)
        rows = dict(
            self.env.execute_query(
                SQL(
                    "%s SELECT week, SUM(amount) FROM weeks WHERE week < %s GROUP BY week",
                    self._forecast_weeks(company, today),
                    FORECAST_WEEKS,
                )
            )
        )
        largest = max([*rows.values(), 1.0])
        lines = []
        for week in range(-1, FORECAST_WEEKS):
            start = monday + timedelta(weeks=week)
            amount = rows.get(week, 0.0)
            lines.append(
                {
                    "kind": "forecast",
                    "sequence": week,
                    "name": (
                        self.env._("Expected earlier")
                        if week < 0
                        else self.env._("Week of %s", fields.Date.to_string(start))
                    ),
                    "date_from": start if week >= 0 else False,
                    "date_to": start + timedelta(days=6),
                    "amount": amount,
                    "share": amount / largest * 100,
                }
            )
        return lines

    def _forecast_weeks(self, company, today):
        """The CTEs of the forecast, ending with ``weeks``: each open debit
        item (``id``, ``amount``) with the ``week`` it is expected in."""
        return SQL(
            """
            WITH items AS (
                SELECT line.id,
                       partner.commercial_partner_id AS partner_id,
                       line.amount_residual AS amount,
                       COALESCE(line.date_maturity, line.date) AS due
                  FROM account_move_line line
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE %(open_items)s AND line.amount_residual > 0
            ),
            habits AS (
                -- the latest figures of each customer: a few index reads,
                -- where aggregating six months of payments took seconds
                SELECT customer.partner_id, ROUND(latest.days_late_6m)::int AS days
                  FROM (SELECT DISTINCT partner_id FROM items) customer
            CROSS JOIN LATERAL (
                        SELECT score.days_late_6m
                          FROM credit_score score
                         WHERE score.partner_id = customer.partner_id
                           AND score.company_id = %(company)s
                      ORDER BY score.date DESC
                         LIMIT 1
                       ) latest
            ),
            weeks AS (
                SELECT items.id,
                       GREATEST(
                           FLOOR((items.due + COALESCE(habits.days, 0) - %(monday)s) / 7.0), -1
                       )::int AS week,
                       items.amount
                  FROM items LEFT JOIN habits USING (partner_id)
            )
            """,
            open_items=self._open_items(company),
            company=company.id,
            monday=week_monday(today),
        )

    def _forecast_items(self, week):
        """The ids of the open items the dashboard expects in ``week``."""
        self.ensure_one()
        rows = self.env.execute_query(
            SQL(
                "%s SELECT id FROM weeks WHERE week = %s",
                self._forecast_weeks(self.company_id, self.date),
                week,
            )
        )
        return [line_id for (line_id,) in rows]

    def _trend_lines(self, company, today):
        """Standard DSO of each of the last ``TREND_MONTHS`` months (the
        current one to date); ``amount`` holds the month's sales."""
        trend = self.env["credit.kpi"]._trend(company, last_months(today, TREND_MONTHS))
        largest = max([row["dso"] or 0.0 for row in trend] + [1.0])
        return [
            {
                "kind": "trend",
                "sequence": number,
                "name": row["date_from"].strftime("%Y-%m"),
                "date_from": row["date_from"],
                "date_to": row["date_to"],
                "amount": row["sales"],
                "balance": row["ar"],
                "value": row["dso"] or 0.0,
                "share": (row["dso"] or 0.0) / largest * 100,
            }
            for number, row in enumerate(trend)
        ]

    def _over_limit(self, company):
        """The number of customers over their limit, and the ``TOP`` of them
        with the largest excess."""
        partners = (
            self.env["res.partner"].with_company(company).search([("credit_over_limit", "=", True)])
        )
        worst = partners.sorted(
            lambda p: p.credit_exposure - p.credit_limit_effective, reverse=True
        )[:TOP]
        return len(partners), [
            {
                "kind": "over_limit",
                "sequence": number,
                "name": partner.display_name,
                "partner_id": partner.id,
                "amount": partner.credit_exposure,
                "balance": partner.credit_limit_effective,
                "share": min(partner.credit_utilization, 100.0),
            }
            for number, partner in enumerate(worst)
        ]

    def _reminders_sent(self, company, today):
        """Per level, the reminders sent this month (from the 1st to today):
        how many and their amount due, converted to company currency at
        today's rate; one grouped query."""
        month_start = today.replace(day=1)
        groups = self.env["credit.dunning.communication"]._read_group(
            [
                ("company_id", "=", company.id),
                ("state", "=", "sent"),
                ("sent_date", ">=", month_start),
                ("sent_date", "<=", today),
            ],
            ["level_id", "currency_id"],
            ["__count", "amount_residual:sum"],
        )
        levels = {}
        for level, currency, count, amount in groups:
            figures = levels.setdefault(level, {"count": 0, "amount": 0.0})
            figures["count"] += count
            figures["amount"] += currency._convert(amount, company.currency_id, company, today)
        ordered = sorted(levels, key=lambda level: (level.sequence, level.day_offset, level.id))
        largest = max((figures["count"] for figures in levels.values()), default=0)
        return [
            {
                "kind": "reminder",
                "sequence": number,
                "name": level.name,
                "level_id": level.id,
                "count": levels[level]["count"],
                "amount": levels[level]["amount"],
                "date_from": month_start,
                "date_to": today,
                "share": levels[level]["count"] / largest * 100,
            }
            for number, level in enumerate(ordered)
        ]

    def _segments(self, company, today):
        """Per risk segment (and customers without one but with open items):
        how many customers, their AR and overdue AR today."""
        report = self.env["credit.aged.balance"].with_context(
            credit_as_of=fields.Date.to_string(today), allowed_company_ids=company.ids
        )
        amounts = {
            segment: (residual, residual - not_due)
            for segment, residual, not_due in report._read_group(
                [("company_id", "=", company.id)],
                ["segment_id"],
                ["residual:sum", "not_due:sum"],
            )
        }
        counts = dict(
            self.env["res.partner"]
            .with_company(company)
            ._read_group(
                [("parent_id", "=", False), ("credit_segment_id", "!=", False)],
                ["credit_segment_id"],
                ["__count"],
            )
        )
        none = self.env["credit.segment"]
        rows = [
            (segment, counts.get(segment, 0), *amounts.get(segment, (0.0, 0.0)))
            for segment in none._for_company(company)
            if segment in counts or segment in amounts
        ]
        if none in amounts:
            rows.append((none, 0, *amounts[none]))
        largest = max([abs(row[2]) for row in rows] + [1.0])
        return [
            {
                "kind": "segment",
                "sequence": number,
                "name": segment.name or self.env._("No Segment"),
                "segment_id": segment.id,
                "count": count,
                "amount": residual,
                "balance": overdue,
                "share": abs(residual) / largest * 100,
            }
            for number, (segment, count, residual, overdue) in enumerate(rows)
        ]

    # ------------------------------------------------------------------ actions

    @api.model
    def action_open_dashboard(self):
        """Store today's figures in a dashboard and open it."""
        figures = self.get_figures()
        lines = figures.pop("lines")
        dashboard = self.create(
            {**figures, "line_ids": [fields.Command.create(line) for line in lines]}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Dashboard"),
            "res_model": self._name,
            "res_id": dashboard.id,
            "view_mode": "form",
            "target": "current",
        }

    def _aged_balance_action(self, name, domain):
        """The aged balance as of the dashboard's date, for its company."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_aged_balance"
        )
        action.update(
            display_name=name,
            domain=[("company_id", "=", self.company_id.id), *domain],
            context={"credit_as_of": fields.Date.to_string(self.date), "group_by": ["partner_id"]},
        )
        return action

    def action_open_receivables(self):
        return self._aged_balance_action(self.env._("Receivables"), [])

    def action_open_overdue(self):
        overdue = [("days_past", ">", 0)]
        return self._aged_balance_action(self.env._("Overdue Receivables"), overdue)

    def action_open_sales(self):
        """The invoices and credit notes behind the DSO's sales."""
        self.ensure_one()
        trend = self.trend_line_ids.sorted("sequence")[-DSO_MONTHS:]
        return self.env["credit.dashboard.line"]._sales_action(
            self.company_id, trend[:1].date_from, self.date
        )

    def action_open_over_limit(self):
        self.ensure_one()
        name = self.env._("Customers over Limit")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("credit_over_limit", "=", True)],
            "context": {"allowed_company_ids": [self.company_id.id]},
        }
