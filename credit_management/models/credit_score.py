import json
import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.score import INPUTS, Behaviour, rating_on_100, score, segment_for

_logger = logging.getLogger(__name__)

# Customers scored between two commits of the scheduled action.
SCORE_BATCH_SIZE = 2000
# pg_try_advisory_xact_lock key of the scoring job: (class, company id)
SCORE_LOCK_CLASS = 0x5C0E
# Behaviour figures in the order of the query's columns, after partner_id.
BEHAVIOUR_COLUMNS = (
    "invoice_count",
    "days_late_6m",
    "days_late_12m",
    "late_invoice_share",
    "late_amount_share",
    "longest_delay",
    "over_30_share",
    "over_90_share",
    "dunning_level",
    "open_disputes",
    "limit_utilisation",
    "relationship_days",
)


class CreditScore(models.Model):
    """One score of one customer in one company on one date, with the
    figures it came from and its points, input by input: the history a
    credit manager explains a score with.  Rows are only added (one per
    customer, company and day; scoring again the same day replaces it)."""

    _name = "credit.score"
    _description = "Customer Risk Score"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    # partner_id and date: indexed by the unique index below, partner first
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    date = fields.Date(required=True)
    score = fields.Integer(
        aggregator="avg", help="0–100, higher is safer; empty: not enough history."
    )
    enough_history = fields.Boolean()
    hard_stop = fields.Boolean(help="Insolvency proceedings or company closed: on hold.")
    segment_id = fields.Many2one("credit.segment", index=True)
    # Behaviour figures
    invoice_count = fields.Integer(string="Invoices")
    days_late_6m = fields.Float(string="Weighted Days Late (6 Months)", digits=(16, 1))
    days_late_12m = fields.Float(string="Weighted Days Late (12 Months)", digits=(16, 1))
    days_late_trend = fields.Float(
        digits=(16, 1), help="6 months less 12 months: positive is worse."
    )
    late_invoice_share = fields.Float(string="Invoices Paid Late (%)", digits=(16, 1))
    late_amount_share = fields.Float(string="Amounts Paid Late (%)", digits=(16, 1))
    longest_delay = fields.Integer(string="Longest Delay (Days)")
    over_30_share = fields.Float(string="Balance Over 30 Days (%)", digits=(16, 1))
    over_90_share = fields.Float(string="Balance Over 90 Days (%)", digits=(16, 1))
    dunning_level = fields.Integer(string="Highest Dunning Level (12 Months)")
    open_disputes = fields.Integer()
    limit_utilisation = fields.Float(string="Limit Used (%)", digits=(16, 1))
    relationship_days = fields.Integer(string="Customer For (Days)")
    sales_12m = fields.Float(string="Sales (12 Months)")
    external_rating = fields.Float(string="External Rating (0–100)")
    explanation = fields.Json(help="[[input, value, points], ...]")
    explanation_text = fields.Text(string="Why", compute="_compute_explanation_text")

    _partner_company_date_uniq = models.UniqueIndex("(partner_id, company_id, date)")

    def _compute_explanation_text(self):
        labels = self._input_labels()
        for row in self:
            if not row.enough_history:
                row.explanation_text = self.env._(
                    "Not enough history: %s invoices.", row.invoice_count
                )
                continue
            lines = [
                self.env._(
                    "%(input)s %(value)s → %(points)s points",
                    input=labels.get(key, key),
                    value=round(value, 1),
                    points=f"{points:+.1f}",
                )
                for key, value, points in row.explanation or []
            ]
            if row.hard_stop:
                lines.insert(0, self.env._("Hard stop: insolvency proceedings or company closed."))
            row.explanation_text = "\n".join(lines)

    def _input_labels(self):
        labels = {key: self._fields[key].get_description(self.env)["string"] for key in INPUTS}
        labels["external_rating"] = self._fields["external_rating"].string
        return labels

    # ------------------------------------------------------------- behaviour

    @api.model
    def _behaviour_query(self, company, today, partner_ids=None):
        """One row per commercial customer with a posted invoice in
        ``company``: ``partner_id``, the figures of ``BEHAVIOUR_COLUMNS``,
        then ``sales_12m``, the insolvency / closed flags and the external
        rating columns.  Days late are weighted by amount: an item paid
        counts its reconciliations (amount × days from due date to
        reconciliation), an item still open its residual × days overdue."""
        Aged = self.env["credit.aged.balance"]
        key = str(company.id)
        limit_fallback = (
            self.env["res.partner"]
            ._fields["credit_limit"]
            .get_company_dependent_fallback(self.env["res.partner"].with_company(company))
            or 0.0
        )
        included = company._credit_exposure_components()
        exposure_total = SQL(" + ").join(
            SQL("COALESCE(exposure.%s, 0)", SQL.identifier(n)) for n in included
        ) or SQL("0")
        return SQL(
            """
            WITH item AS (
                SELECT line.id, move.id AS move_id, move.commercial_partner_id AS partner_id,
                       COALESCE(line.date_maturity, line.date) AS due,
                       move.invoice_date, line.balance AS amount,
                       line.amount_residual AS residual
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
                   AND line.account_id IN %(accounts)s AND move.move_type = 'out_invoice'
                   AND line.balance > 0 %(partners)s
            ),
            paid AS (
                SELECT part.debit_move_id AS id,
                       SUM(part.amount * GREATEST(part.max_date - item.due, 0)) AS days,
                       SUM(part.amount) FILTER (WHERE part.max_date > item.due) AS late,
                       MAX(part.max_date) AS last
                  FROM account_partial_reconcile part
                  JOIN item ON item.id = part.debit_move_id
                 WHERE part.max_date <= %(today)s
                   -- only the items due in the last 12 months use their payments
                   AND item.due > %(year_ago)s
                 GROUP BY part.debit_move_id
            ),
            figures AS (
                SELECT item.*,
                       item.due > %(year_ago)s AND item.due <= %(today)s AS in_12m,
                       item.due > %(half_year_ago)s AND item.due <= %(today)s AS in_6m,
                       COALESCE(paid.days, 0)
                         + GREATEST(item.residual, 0) * GREATEST(%(today)s - item.due, 0)
                         AS late_days,
                       COALESCE(paid.late, 0)
                         + CASE WHEN item.due < %(today)s THEN GREATEST(item.residual, 0)
                                ELSE 0 END AS late_amount,
                       GREATEST(
                           CASE WHEN item.residual > 0 THEN %(today)s - item.due ELSE 0 END,
                           COALESCE(paid.last - item.due, 0), 0
                       ) AS delay
                  FROM item
             LEFT JOIN paid ON paid.id = item.id
            ),
            behaviour AS (
                SELECT partner_id,
                       COUNT(DISTINCT move_id) AS invoice_count,
                       SUM(late_days) FILTER (WHERE in_6m)
                         / NULLIF(SUM(amount) FILTER (WHERE in_6m), 0) AS days_late_6m,
                       SUM(late_days) FILTER (WHERE in_12m)
                         / NULLIF(SUM(amount) FILTER (WHERE in_12m), 0) AS days_late_12m,
                       100.0 * COUNT(DISTINCT move_id) FILTER (WHERE in_12m AND late_amount > 0)
                         / NULLIF(COUNT(DISTINCT move_id) FILTER (WHERE in_12m), 0)
                         AS late_invoice_share,
                       100.0 * SUM(late_amount) FILTER (WHERE in_12m)
                         / NULLIF(SUM(amount) FILTER (WHERE in_12m), 0) AS late_amount_share,
                       MAX(delay) FILTER (WHERE in_12m OR residual > 0) AS longest_delay,
                       100.0 * SUM(residual) FILTER (
                           WHERE residual > 0 AND %(today)s - due > 30
                       ) / NULLIF(SUM(residual) FILTER (WHERE residual > 0), 0) AS over_30_share,
                       100.0 * SUM(residual) FILTER (
                           WHERE residual > 0 AND %(today)s - due > 90
                       ) / NULLIF(SUM(residual) FILTER (WHERE residual > 0), 0) AS over_90_share,
                       %(today)s - MIN(invoice_date) AS relationship_days,
                       SUM(amount) FILTER (WHERE invoice_date > %(year_ago)s) AS sales_12m
                  FROM figures
                 GROUP BY partner_id
            ),
            level AS (
                SELECT id, ROW_NUMBER() OVER (
                           PARTITION BY scenario_id ORDER BY sequence, day_offset, id
                       ) AS rank
                  FROM credit_dunning_level
            ),
            dunning AS (
                SELECT communication.partner_id, MAX(level.rank) AS rank
                  FROM credit_dunning_communication communication
                  JOIN level ON level.id = communication.level_id
                 WHERE communication.company_id = %(company)s AND communication.state = 'sent'
                   AND communication.sent_date > %(year_ago)s
                 GROUP BY communication.partner_id
            ),
            dispute AS (
                SELECT partner_id, COUNT(*) AS count
                  FROM credit_dispute
                 WHERE company_id = %(company)s AND state = 'open'
                 GROUP BY partner_id
            )
            SELECT behaviour.partner_id,
                   behaviour.invoice_count,
                   COALESCE(behaviour.days_late_6m, 0),
                   COALESCE(behaviour.days_late_12m, 0),
                   COALESCE(behaviour.late_invoice_share, 0),
                   COALESCE(behaviour.late_amount_share, 0),
                   COALESCE(behaviour.longest_delay, 0),
                   COALESCE(behaviour.over_30_share, 0),
                   COALESCE(behaviour.over_90_share, 0),
                   COALESCE(dunning.rank, 0),
                   COALESCE(dispute.count, 0),
                   CASE WHEN %(limit)s > 0 THEN 100.0 * (%(exposure)s) / %(limit)s ELSE 0 END,
                   COALESCE(behaviour.relationship_days, 0),
                   COALESCE(behaviour.sales_12m, 0),
                   COALESCE(partner.credit_insolvent, FALSE)
                     OR COALESCE(partner.credit_company_closed, FALSE),
                   CASE WHEN partner.credit_rating_date IS NOT NULL
                        THEN partner.credit_rating_value END,
                   partner.credit_rating_scale_min,
                   partner.credit_rating_scale_max, partner.credit_rating_higher_safer
              FROM behaviour
              JOIN res_partner partner ON partner.id = behaviour.partner_id
         LEFT JOIN dunning ON dunning.partner_id = behaviour.partner_id
         LEFT JOIN dispute ON dispute.partner_id = behaviour.partner_id
         LEFT JOIN (%(exposure_query)s) exposure ON exposure.partner_id = behaviour.partner_id
             ORDER BY behaviour.partner_id
            """,
            company=company.id,
            accounts=Aged._receivable_accounts(),
            partners=SQL("AND move.commercial_partner_id IN %s", tuple(partner_ids))
            if partner_ids
            else SQL(""),
            today=today,
            year_ago=today - relativedelta(years=1),
            half_year_ago=today - relativedelta(months=6),
            limit=SQL(
                """COALESCE((partner.credit_limit ->> %(key)s)::numeric,
                            (partner.credit_segment_limit ->> %(key)s)::numeric, %(fallback)s)""",
                key=key,
                fallback=limit_fallback,
            ),
            exposure=exposure_total,
            exposure_query=self.env["credit.exposure"]._query(company, partner_ids),
        )

    def _flush_sources(self):
        self.env["credit.exposure"]._flush()
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "amount", "max_date"])
        self.env["account.move.line"].flush_model(["balance", "move_id", "date"])
        self.env["account.move"].flush_model(["invoice_date"])
        self.env["credit.dunning.communication"].flush_model(
            ["partner_id", "company_id", "state", "sent_date", "level_id"]
        )
        self.env["credit.dispute"].flush_model(["partner_id", "company_id", "state"])
        self.env["res.partner"].flush_model()

    # ------------------------------------------------------------------ score

    @api.model
    def _compute_scores(self, company, today=None, partner_ids=None):
        """Score the customers of ``company`` (those of ``partner_ids``, or
        all) as of ``today``: one query for the figures, one INSERT for the
        rows, then the segments applied (see ``res.partner``).  Returns the
        number of customers scored."""
        today = today or fields.Date.context_today(self.with_company(company))
        self._flush_sources()
        # The query's cost estimate is high enough for PostgreSQL to compile
        # it (JIT), which takes seconds, far more than it saves.
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        rows = self.env.execute_query(self._behaviour_query(company, today, partner_ids))
        self.env.cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        weights = company._credit_score_weights()
        min_invoices = company.credit_score_min_invoices
        external_weight = company.credit_score_external_weight
        segments = self.env["credit.segment"].with_company(company)._for_company(company)
        ranges = [(s.id, s.score_min, s.score_max) for s in segments]
        lowest = segments.sorted("score_min")[:1]
        values = []
        for row in rows:
            partner_id = row[0]
            behaviour = Behaviour(
                **dict(zip(BEHAVIOUR_COLUMNS, map(float, row[1:13]), strict=True))
            )
            sales_12m, hard_stop = float(row[13]), row[14]
            value, scale_min, scale_max, higher_safer = row[15:19]
            external = (
                rating_on_100(value, scale_min or 0.0, scale_max or 0.0, higher_safer)
                if value is not None
                else None
            )
            result = score(behaviour, weights, min_invoices, external, external_weight)
            segment_id = lowest.id if hard_stop else None
            if not hard_stop and result.score is not None:
                segment_id = next(
                    (key for key, low, high in ranges if low <= result.score <= high), None
                )
            values.append(
                (
                    partner_id,
                    result.score,
                    result.score is not None,
                    bool(hard_stop),
                    segment_id,
                    *(getattr(behaviour, name) for name in BEHAVIOUR_COLUMNS),
                    behaviour.days_late_trend,
                    sales_12m,
                    external,
                    [[line.key, line.value, line.points] for line in result.lines],
                )
            )
        self._insert(company, today, values)
        self.env["res.partner"].with_company(company)._credit_apply_scores(company, today, values)
        return len(values)

    def _insert(self, company, today, values):
        """Replace the day's rows of these customers, in two statements."""
        if not values:
            return
        columns = (
            "partner_id",
            "score",
            "enough_history",
            "hard_stop",
            "segment_id",
            *BEHAVIOUR_COLUMNS,
            "days_late_trend",
            "sales_12m",
            "external_rating",
            "explanation",
        )
        self.env.execute_query(
            SQL(
                """DELETE FROM credit_score
                    WHERE company_id = %s AND date = %s AND partner_id = ANY(%s)""",
                company.id,
                today,
                [row[0] for row in values],
            )
        )
        # one array per column, unnested: a handful of parameters whatever
        # the number of rows
        json_at = columns.index("explanation")
        arrays = [list(column) for column in zip(*values, strict=True)]
        arrays[json_at] = [json.dumps(value) for value in arrays[json_at]]
        casts = [
            "text" if i == json_at else self._fields[column].column_type[1]
            for i, column in enumerate(columns)
        ]
        self.env.execute_query(
            SQL(
                """
                INSERT INTO credit_score (company_id, date, create_uid, write_uid, create_date,
                                          write_date, %(columns)s)
                SELECT %(company)s, %(date)s, %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       NOW() AT TIME ZONE 'UTC', %(selected)s
                  FROM unnest(%(arrays)s) AS v(%(columns)s)
                """,
                columns=SQL(", ").join(SQL.identifier(c) for c in columns),
                selected=SQL(", ").join(
                    SQL("v.%s::jsonb" if i == json_at else "v.%s", SQL.identifier(c))
                    for i, c in enumerate(columns)
                ),
                company=company.id,
                date=today,
                uid=self.env.uid,
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", array, SQL(cast))
                    for array, cast in zip(arrays, casts, strict=True)
                ),
            )
        )
        self.invalidate_model()

    @api.model
    def _preview_changes(self, company, weights, min_invoices, external_weight):
        """How many customers of ``company`` would change segment if their
        latest figures were scored with these settings: a pinned customer
        keeps its segment, a hard stop its lowest one."""
        self.flush_model()
        self.env["res.partner"].flush_model(["credit_segment_pinned"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (score.partner_id)
                       score.segment_id, score.hard_stop, score.external_rating, %s
                  FROM credit_score score
                  JOIN res_partner partner ON partner.id = score.partner_id
                 WHERE score.company_id = %s
                   AND NOT COALESCE((partner.credit_segment_pinned ->> %s)::boolean, FALSE)
                 ORDER BY score.partner_id, score.date DESC, score.id DESC
                """,
                SQL(", ").join(SQL.identifier("score", name) for name in BEHAVIOUR_COLUMNS),
                company.id,
                str(company.id),
            )
        )
        segments = self.env["credit.segment"]._for_company(company)
        ranges = [(s.id, s.score_min, s.score_max) for s in segments]
        changes = 0
        for segment_id, hard_stop, external, *figures in rows:
            if hard_stop:
                continue
            behaviour = Behaviour(**dict(zip(BEHAVIOUR_COLUMNS, figures, strict=True)))
            value = score(behaviour, weights, min_invoices, external, external_weight).score
            if segment_for(value, ranges) != segment_id:
                changes += 1
        return changes

    # ------------------------------------------------------- scheduled action

    @api.model
    def _cron_compute_scores(self, companies=None):
        """Nightly: score every customer of each company, in batches of
        customers committed one by one.  Each batch holds a transaction-level
        advisory lock on its company: a second server finds it taken and
        leaves that company alone; the customers already scored today are
        not scored again, so an interrupted job resumes where it stopped.
        ``companies``: all when not given."""
        Cron = self.env["ir.cron"]
        for company in companies or self.env["res.company"].search([]):
            today = fields.Date.context_today(self.with_company(company))
            remaining = self._to_score_count(company, today)
            while remaining:
                if not self._try_lock(company):
                    _logger.info("Scores of %s: being computed elsewhere", company.name)
                    break
                batch = self._to_score(company, today, SCORE_BATCH_SIZE)
                if not batch:
                    break
                self._compute_scores(company, today, batch)
                remaining = max(remaining - len(batch), 0)
                if Cron._commit_progress(len(batch), remaining=remaining) <= 0:
                    return

    @api.model
    def _lock(self, company):
        """Wait for a batch of the scheduled action scoring ``company`` to
        end (on demand scoring of a few customers)."""
        self.env.execute_query(
            SQL("SELECT pg_advisory_xact_lock(%s, %s)", SCORE_LOCK_CLASS, company.id)
        )

    @api.model
    def _try_lock(self, company):
        [(locked,)] = self.env.execute_query(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", SCORE_LOCK_CLASS, company.id)
        )
        return locked

    def _to_score_sql(self, company, today):
        """The commercial customers with a posted invoice in ``company`` not
        scored yet on ``today``."""
        self.flush_model()
        self.env["account.move"].flush_model(["commercial_partner_id", "move_type", "state"])
        return SQL(
            """
            SELECT DISTINCT move.commercial_partner_id
              FROM account_move move
             WHERE move.company_id = %(company)s AND move.move_type = 'out_invoice'
               AND move.state = 'posted'
               AND NOT EXISTS (
                   SELECT 1 FROM credit_score score
                    WHERE score.partner_id = move.commercial_partner_id
                      AND score.company_id = %(company)s AND score.date = %(today)s)
            """,
            company=company.id,
            today=today,
        )

    @api.model
    def _to_score_count(self, company, today):
        [(count,)] = self.env.execute_query(
            SQL("SELECT COUNT(*) FROM (%s) todo", self._to_score_sql(company, today))
        )
        return count

    @api.model
    def _to_score(self, company, today, limit):
        return [
            partner_id
            for (partner_id,) in self.env.execute_query(
                SQL("%s ORDER BY 1 LIMIT %s", self._to_score_sql(company, today), limit)
            )
        ]
