from collections import namedtuple

from odoo import api, models
from odoo.tools import SQL

# One row of the selection: an invoice and the level it gets in the run.
Candidate = namedtuple(
    "Candidate",
    [
        "move_id",
        "partner_id",
        "currency_id",
        "scenario_id",
        "level_id",
        "level_rank",
        "last_level_id",
        "invoice_date_due",
        "days_late",
        "amount_residual",
    ],
)


class CreditDunningSelection(models.AbstractModel):
    """Which invoices get which dunning level on a run date, in one query.

    The query applies the rules of ``tools/dunning.py`` (a level is its rank
    in its scenario, levels ordered by sequence):

    * an invoice is a candidate when it is a posted customer invoice of the
      company, not paid or partly paid, not disputed, not paused on the run
      date (``credit_dunning_paused_until`` before it, or none), none of its
      receivable lines excluded from follow-up (``no_followup``), and its
      customer (commercial partner) not marked "do not dun" in the company;
    * its scenario is its customer's own in the company, else the company's
      default;
    * its last level is the highest-ranked level of its scenario among its
      reminders that are not cancelled; its next level is
      :func:`~odoo.addons.credit_management.tools.dunning.next_level`: never
      dunned, the highest level its days past due have reached (catch-up);
      dunned, the level right after the last one once its days past due
      reach it (one level per run), nothing after a level that ends amicable
      dunning or after the last level;
    * a customer gets nothing in a currency when the residual of its
      selected invoices in that currency is below its scenario's minimum for
      that currency, nor anything at all when it was sent a reminder less
      than the scenario's days between reminders ago.
    """

    _name = "credit.dunning.selection"
    _description = "Dunning Selection"

    @api.model
    def _select(self, company, run_date):
        """The candidates of ``company`` on ``run_date``, as :class:`Candidate`
        rows ordered by customer, currency, due date and invoice."""
        self.env.flush_all()
        return [Candidate(*row) for row in self.env.execute_query(self._query(company, run_date))]

    @api.model
    def _query(self, company, run_date):
        partner = self.env["res.partner"].with_company(company)
        return SQL(
            """
            WITH levels AS (
                SELECT level.id, level.scenario_id, level.day_offset, level.ends_amicable,
                       ROW_NUMBER() OVER (
                           PARTITION BY level.scenario_id
                           ORDER BY level.sequence, level.day_offset, level.id
                       ) AS rank
                  FROM credit_dunning_level level
            ),
            customers AS MATERIALIZED (
                -- once per customer, not per invoice: the scenario's reading
                -- is a subquery per row, whose cost estimate over every
                -- invoice makes PostgreSQL spend seconds compiling the query
                -- the customer's own scenario, else its segment's, else the company's
                SELECT partner.id,
                       COALESCE(%(partner_scenario)s, segment.dunning_scenario_id,
                                %(default_scenario)s) AS scenario_id
                  FROM res_partner partner
             LEFT JOIN credit_segment segment ON segment.id = %(partner_segment)s
                 WHERE %(no_dunning)s IS NOT TRUE
            ),
            invoices AS (
                SELECT move.id AS move_id,
                       move.commercial_partner_id AS partner_id,
                       move.currency_id,
                       customer.scenario_id,
                       move.invoice_date_due,
                       %(run_date)s::date - move.invoice_date_due AS days_late,
                       move.amount_residual
                  FROM account_move move
                  JOIN customers customer ON customer.id = move.commercial_partner_id
                 WHERE move.company_id = %(company_id)s
                   AND move.move_type = 'out_invoice'
                   AND %(dunnable)s
            ),
            last_levels AS (
                SELECT line.move_id, level.scenario_id, MAX(level.rank) AS rank
                  FROM credit_dunning_line line
                  JOIN levels level ON level.id = line.level_id
                 WHERE line.state != 'cancelled'
                   AND line.move_id IN (SELECT move_id FROM invoices)
                 GROUP BY line.move_id, level.scenario_id
            ),
            next_levels AS (
                -- never dunned: every level reached, the highest one wins;
                -- dunned: only the level right after the last one, if reached
                SELECT DISTINCT ON (invoice.move_id)
                       invoice.*, level.id AS level_id, level.rank AS level_rank,
                       last_level.id AS last_level_id
                  FROM invoices invoice
                  LEFT JOIN last_levels last
                         ON last.move_id = invoice.move_id
                        AND last.scenario_id = invoice.scenario_id
                  LEFT JOIN levels last_level
                         ON last_level.scenario_id = last.scenario_id
                        AND last_level.rank = last.rank
                  JOIN levels level
                    ON level.scenario_id = invoice.scenario_id
                   AND level.day_offset <= invoice.days_late
                   AND (last.rank IS NULL
                        OR (level.rank = last.rank + 1 AND last_level.ends_amicable IS NOT TRUE))
                 ORDER BY invoice.move_id, level.rank DESC
            ),
            last_sent AS (
                SELECT partner_id, MAX(sent_date) AS sent_date
                  FROM credit_dunning_communication
                 WHERE company_id = %(company_id)s AND state = 'sent'
                 GROUP BY partner_id
            ),
            selected AS (
                SELECT candidate.*,
                       SUM(candidate.amount_residual) OVER (
                           PARTITION BY candidate.partner_id, candidate.currency_id
                       ) AS currency_total,
                       COALESCE(minimum.amount, 0) AS minimum_amount,
                       %(run_date)s::date - last_sent.sent_date AS days_since_sent,
                       scenario.min_interval_days
                  FROM next_levels candidate
                  JOIN credit_dunning_scenario scenario ON scenario.id = candidate.scenario_id
                  LEFT JOIN credit_dunning_scenario_minimum minimum
                         ON minimum.scenario_id = candidate.scenario_id
                        AND minimum.currency_id = candidate.currency_id
                  LEFT JOIN last_sent ON last_sent.partner_id = candidate.partner_id
            )
            SELECT move_id, partner_id, currency_id, scenario_id, level_id, level_rank,
                   last_level_id, invoice_date_due, days_late, amount_residual
              FROM selected
             WHERE currency_total >= minimum_amount
               AND (days_since_sent IS NULL OR days_since_sent >= min_interval_days)
             ORDER BY partner_id, currency_id, invoice_date_due, move_id
            """,
            run_date=run_date,
            company_id=company.id,
            partner_scenario=partner._field_to_sql("partner", "credit_dunning_scenario_id"),
            partner_segment=partner._field_to_sql("partner", "credit_segment_id"),
            default_scenario=company.credit_dunning_scenario_id.id or None,
            no_dunning=partner._field_to_sql("partner", "credit_no_dunning"),
            dunnable=self._dunnable_condition("move", run_date),
        )

    @api.model
    def _dunnable_condition(self, alias, run_date):
        """Whether the invoice ``alias`` (an ``account_move`` row) may be
        dunned on ``run_date``, as an SQL condition.

        One rule for the run, which selects the invoices, and for the sending,
        which drops those paid, disputed, paused or excluded since the run:
        written twice, the two would drift apart and a reminder could list
        an invoice its run would not select."""
        move = SQL.identifier(alias)
        return SQL(
            """
                %(move)s.state = 'posted'
            AND %(move)s.payment_state IN ('not_paid', 'partial')
            AND %(move)s.invoice_date_due IS NOT NULL
            AND %(move)s.credit_disputed IS NOT TRUE
            AND (%(move)s.credit_dunning_paused_until IS NULL
                 OR %(move)s.credit_dunning_paused_until < %(run_date)s)
            AND NOT EXISTS (
                SELECT FROM account_move_line excluded
                 WHERE excluded.move_id = %(move)s.id
                   AND excluded.no_followup
                   AND excluded.account_id IN (SELECT id FROM account_account
                                                WHERE account_type = 'asset_receivable')
            )
            """,
            move=move,
            run_date=run_date,
        )
