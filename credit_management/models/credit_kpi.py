from dataclasses import dataclass, field
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

from ..tools import kpi
from ..tools.periods import month_slices, slice_days

# The group of a receivable line, over the aliases ``line`` (the line),
# ``move`` (its entry) and ``partner`` (its partner); and the same group in
# the columns of ``credit.aged.balance``.
GROUP_KEYS = {
    "company": "line.company_id",
    "customer": "partner.commercial_partner_id",
    "salesperson": "move.invoice_user_id",
    "segment": "(commercial.credit_segment_id ->> line.company_id::text)::int",
}
# The same group of a customer invoice or credit note, over the alias ``move``.
SALES_KEYS = {
    "company": "move.company_id",
    "customer": "move.commercial_partner_id",
    "salesperson": "move.invoice_user_id",
    "segment": "(commercial.credit_segment_id ->> move.company_id::text)::int",
}
AGED_KEYS = {
    "company": "company_id",
    "customer": "partner_id",
    "salesperson": "user_id",
    "segment": "segment_id",
}

# Count-back DSO looks this many months back from the period end, whatever
# the period, so that a month's AR can be matched with earlier sales.
COUNT_BACK_MONTHS = 12


@dataclass
class GroupFigures:
    """The sums of one group (company, customer or salesperson of one
    company) that the KPIs are made of, in company currency.

    ``sales``, ``closing`` and ``not_due`` have one value per slice (see
    ``tools.periods.month_slices``), oldest first; ``opening`` is the AR
    the day before the first slice."""

    slices: int
    opening: float = 0.0
    sales: list = field(default_factory=list)
    movements: list = field(default_factory=list)
    not_due: list = field(default_factory=list)
    over_90: float = 0.0
    late_amount: float = 0.0  # open overdue items at the period end
    late_days: float = 0.0  # Σ their residual × days past due
    paid_amount: float = 0.0  # settled in the period
    paid_days: float = 0.0  # Σ settled amount × days late
    overdue_at_start: float = 0.0
    recovered: float = 0.0

    def __post_init__(self):
        self.sales = [0.0] * self.slices
        self.movements = [0.0] * self.slices
        self.not_due = [0.0] * self.slices

    @property
    def closing(self):
        """AR at the end of each slice: the opening AR plus the movements."""
        balances, balance = [], self.opening
        for movement in self.movements:
            balance += movement
            balances.append(balance)
        return balances


class CreditKpi(models.AbstractModel):
    """The SQL layer of the receivable KPIs (``tools.kpi`` holds the formulas).

    ``_kpis()`` reads, with five grouped queries whatever the ledger size,
    the figures of every group of a period: AR and sales per month (from the
    posted receivable lines and their reconciliations), not-yet-due AR at
    each month end, the aged balance at the period end and the day before
    its start, and the reconciliations made in the period.  Amounts are the
    receivable lines' balances: company currency, taxes included.  Every
    query is limited to the companies given, which the caller takes from
    ``self.env.companies``.
    """

    _name = "credit.kpi"
    _description = "Receivable KPIs"

    # ---------------------------------------------------------------- queries

    def _receivable(self, companies):
        """Posted receivable lines of ``companies``, over the alias ``line``.
        The accounts are a literal list, so that PostgreSQL estimates from
        its statistics how many lines they hold."""
        return SQL(
            "line.parent_state = 'posted' AND line.company_id IN %s AND line.account_id IN %s",
            tuple(companies.ids) or (None,),
            self.env["credit.aged.balance"]._receivable_accounts(),
        )

    def _group_joins(self):
        """What the group keys need besides the line ``line``: its entry,
        partner and commercial partner (the risk segment).  All are left
        joins on unique keys, which PostgreSQL drops when the group key does
        not read them."""
        return SQL(
            """
         LEFT JOIN account_move move ON move.id = line.move_id
         LEFT JOIN res_partner partner ON partner.id = line.partner_id
         LEFT JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
            """
        )

    def _movements_query(self, companies, slices, groupby):
        """Per group, the AR movement and the sales of each slice, and of
        everything before (``slice`` NULL: the opening AR).

        The AR of a group at a date is the residual then of its lines:
        their balance less the reconciliations dated up to then, taken
        from the invoice's group and given to the payment's.  Within a
        group both sides cancel out, so only reconciliations between two
        groups count (``_transfers_query``), and none by company.  Sales are the posted customer
        invoices less credit notes, read from the entries themselves
        (``amount_total_signed``: company currency, taxes included) and only
        for the slices, so the whole history of lines is read without
        joining a single entry.  Each part sums by day of the slices first
        (and everything before them at once): far fewer rows than lines are
        then filed into slices."""
        key = SQL(GROUP_KEYS[groupby])
        date_from, date_to = slices[0][0], slices[-1][1]

        def in_slices(day):
            # before the slices, one group per key: the opening AR
            return SQL("CASE WHEN %s >= %s THEN %s END", day, date_from, day)

        moves = [
            SQL(
                """
                SELECT line.company_id, %(key)s AS key, %(day)s AS day,
                       SUM(line.balance) AS amount, 0 AS sales
                  FROM account_move_line line %(joins)s
                 WHERE %(receivable)s AND line.date <= %(date_to)s
                 GROUP BY 1, 2, 3
                """,
                key=key,
                day=in_slices(SQL("line.date")),
                joins=self._group_joins(),
                receivable=self._receivable(companies),
                date_to=date_to,
            ),
            SQL(
                """
                SELECT move.company_id, %(key)s, move.date, 0, SUM(move.amount_total_signed)
                  FROM account_move move
             LEFT JOIN res_partner commercial ON commercial.id = move.commercial_partner_id
                 WHERE move.move_type IN ('out_invoice', 'out_refund') AND move.state = 'posted'
                   AND move.company_id IN %(companies)s
                   AND move.date BETWEEN %(date_from)s AND %(date_to)s
                 GROUP BY 1, 2, 3
                """,
                key=SQL(SALES_KEYS[groupby]),
                companies=tuple(companies.ids) or (None,),
                date_from=date_from,
                date_to=date_to,
            ),
        ]
        if groupby != "company":
            moves.append(self._transfers_query(companies, date_to, groupby, in_slices))
        return SQL(
            """
            SELECT company_id, key,
                   CASE WHEN day >= %(date_from)s
                        THEN GREATEST(date_trunc('month', day)::date, %(date_from)s) END AS slice,
                   SUM(amount), SUM(sales)
              FROM (%(moves)s) moves
             GROUP BY 1, 2, 3
            """,
            date_from=date_from,
            moves=SQL(" UNION ALL ").join(moves),
        )

    def _transfers_query(self, companies, date_to, groupby, in_slices):
        """The reconciliations between lines of two different groups (a
        payment of one customer applied to another's invoice; any payment
        of an invoice by salesperson, payments having none): what they
        settle leaves the invoice's group and the payment's group, on their
        date.  Reconciliations within a group leave its AR unchanged and
        are left out, which is nearly all of them by customer."""
        return SQL(
            """
            SELECT debit.company_id, side.key, %(day)s, SUM(side.amount), 0
              FROM account_partial_reconcile part
              JOIN (%(keys)s) debit ON debit.id = part.debit_move_id
              JOIN (%(keys)s) credit ON credit.id = part.credit_move_id
             CROSS JOIN LATERAL (
                   VALUES (debit.key, -part.amount), (credit.key, part.amount)
                   ) AS side(key, amount)
             WHERE part.max_date <= %(date_to)s AND debit.key IS DISTINCT FROM credit.key
             GROUP BY 1, 2, 3
            """,
            day=in_slices(SQL("part.max_date")),
            keys=SQL(
                "SELECT line.id, line.company_id, %s AS key FROM account_move_line line %s"
                " WHERE %s",
                SQL(GROUP_KEYS[groupby]),
                self._group_joins(),
                self._receivable(companies),
            ),
            date_to=date_to,
        )

    def _not_due_query(self, companies, ends, groupby):
        """Per group and date of ``ends``, the AR not yet due at that date:
        the residual then of the lines dated up to it and due on or after
        it (``days_past <= 0`` in ``credit.aged.balance``).  Only lines due
        within the dates are read, not the whole ledger."""
        items = SQL(
            """
            SELECT line.id, line.company_id, %(key)s AS key, ends.day, line.balance
              FROM unnest(%(ends)s::date[]) AS ends(day)
              JOIN account_move_line line
                ON line.date <= ends.day AND COALESCE(line.date_maturity, line.date) >= ends.day
                   %(joins)s
             WHERE %(receivable)s
               AND line.date <= %(last)s AND COALESCE(line.date_maturity, line.date) >= %(first)s
            """,
            key=SQL(GROUP_KEYS[groupby]),
            ends=list(ends),
            joins=self._group_joins(),
            receivable=self._receivable(companies),
            first=min(ends),
            last=max(ends),
        )
        return SQL(
            """
            WITH items AS (%(items)s)
            SELECT company_id, key, day, SUM(amount)
              FROM (
                    SELECT company_id, key, day, balance AS amount FROM items
                 UNION ALL
                    SELECT items.company_id, items.key, items.day, -part.amount
                      FROM items
                      JOIN account_partial_reconcile part
                        ON part.debit_move_id = items.id AND part.max_date <= items.day
                 UNION ALL
                    SELECT items.company_id, items.key, items.day, part.amount
                      FROM items
                      JOIN account_partial_reconcile part
                        ON part.credit_move_id = items.id AND part.max_date <= items.day
                   ) amounts
             GROUP BY 1, 2, 3
            """,
            items=items,
        )

    def _aged_query(self, companies, as_of, groupby):
        """Per group, from the aged balance as of ``as_of``: the AR over 90
        days past due, the overdue debit items and Σ residual × days past
        due of those."""
        aged = self.env["credit.aged.balance"].with_context(
            credit_as_of=str(as_of), credit_ageing_basis="due", allowed_company_ids=companies.ids
        )
        return SQL(
            """
            SELECT company_id, %(key)s AS key,
                   COALESCE(SUM(residual) FILTER (WHERE days_past > 90), 0),
                   COALESCE(SUM(residual) FILTER (WHERE %(late)s), 0),
                   COALESCE(SUM(residual * days_past) FILTER (WHERE %(late)s), 0)
              FROM (%(aged)s) aged
             GROUP BY 1, 2
            """,
            key=SQL.identifier(AGED_KEYS[groupby]),
            late=SQL("days_past > 0 AND residual > 0"),
            aged=aged._table_query,
        )

    def _settled_query(self, companies, date_from, date_to, groupby):
        """Per group, the reconciliations of the period on debit items (an
        invoice paid, or settled by a credit note): Σ amount, Σ amount × days
        late (reconciliation date less due date, at least 0), and the part
        of Σ amount on items already overdue the day before the period."""
        return SQL(
            """
            SELECT line.company_id, %(key)s AS key,
                   SUM(part.amount),
                   SUM(part.amount * GREATEST(part.max_date - %(due)s, 0)),
                   COALESCE(SUM(part.amount) FILTER (
                       WHERE line.date <= %(start)s AND %(due)s < %(start)s
                   ), 0)
              FROM account_partial_reconcile part
              JOIN account_move_line line ON line.id = part.debit_move_id %(joins)s
             WHERE part.max_date BETWEEN %(date_from)s AND %(date_to)s AND %(receivable)s
             GROUP BY 1, 2
            """,
            key=SQL(GROUP_KEYS[groupby]),
            joins=self._group_joins(),
            due=SQL("COALESCE(line.date_maturity, line.date)"),
            start=date_from - timedelta(days=1),
            date_from=date_from,
            date_to=date_to,
            receivable=self._receivable(companies),
        )

    def _flush(self):
        self.env["account.move.line"].flush_model(
            [
                "account_id",
                "balance",
                "company_id",
                "date",
                "date_maturity",
                "parent_state",
                "partner_id",
                "amount_residual",
            ]
        )
        self.env["account.move"].flush_model(
            [
                "amount_total_signed",
                "commercial_partner_id",
                "company_id",
                "date",
                "invoice_user_id",
                "move_type",
                "state",
            ]
        )
        self.env["account.partial.reconcile"].flush_model(
            ["amount", "credit_move_id", "debit_move_id", "max_date"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])

    # ---------------------------------------------------------------- figures

    @api.model
    def _history(self, date_from, date_to):
        """The slices the figures are read for: the months before the period
        that count-back DSO may need, then the period's own months."""
        start = min(date_from, date_to.replace(day=1) - relativedelta(months=COUNT_BACK_MONTHS - 1))
        return month_slices(start, date_from - timedelta(days=1)) + month_slices(date_from, date_to)

    @api.model
    def _monthly_figures(self, companies, slices, groupby):
        """``{(company id, key): GroupFigures}`` with the opening AR, the
        movements and the sales of each slice."""
        self._flush()
        index = {first: number for number, (first, _last) in enumerate(slices)}
        groups = {}
        for company_id, key, first, movement, sales in self.env.execute_query(
            self._movements_query(companies, slices, groupby)
        ):
            figures = groups.setdefault((company_id, key), GroupFigures(len(slices)))
            if first is None:
                figures.opening += movement
            else:
                figures.movements[index[first]] += movement
                figures.sales[index[first]] += sales
        return groups

    @api.model
    def _figures(self, companies, date_from, date_to, groupby):
        """``(slices, {(company id, key): GroupFigures})`` for the period."""
        slices = self._history(date_from, date_to)
        groups = self._monthly_figures(companies, slices, groupby)

        def group(company_id, key):
            return groups.setdefault((company_id, key), GroupFigures(len(slices)))

        ends = {last: number for number, (_first, last) in enumerate(slices) if last >= date_from}
        for company_id, key, day, amount in self.env.execute_query(
            self._not_due_query(companies, ends, groupby)
        ):
            group(company_id, key).not_due[ends[day]] = amount
        for company_id, key, over_90, late, late_days in self.env.execute_query(
            self._aged_query(companies, date_to, groupby)
        ):
            figures = group(company_id, key)
            figures.over_90, figures.late_amount, figures.late_days = over_90, late, late_days
        start = date_from - timedelta(days=1)
        for company_id, key, _over_90, late, _late_days in self.env.execute_query(
            self._aged_query(companies, start, groupby)
        ):
            group(company_id, key).overdue_at_start = late
        for company_id, key, paid, paid_days, recovered in self.env.execute_query(
            self._settled_query(companies, date_from, date_to, groupby)
        ):
            figures = group(company_id, key)
            figures.paid_amount, figures.paid_days, figures.recovered = paid, paid_days, recovered
        return slices, groups

    # ------------------------------------------------------------------- KPIs

    @api.model
    def _kpis(self, companies, date_from, date_to, groupby):
        """One dict per group of the period with its figures and KPIs
        (``None`` where a KPI is undefined), sorted by company and key."""
        slices, groups = self._figures(companies, date_from, date_to, groupby)
        rows = []
        for (company_id, key), figures in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        ):
            rows.append(
                {
                    "company_id": company_id,
                    "key": key,
                    **self._kpi_values(figures, slices, date_from),
                }
            )
        return rows

    @api.model
    def _kpi_values(self, figures, slices, date_from):
        """Figures and KPIs of one group, per ``tools.kpi``."""
        period = [number for number, (first, _last) in enumerate(slices) if first >= date_from]
        days = sum(slice_days(*slices[number]) for number in period)
        sales = sum(figures.sales[number] for number in period)
        closing = figures.closing
        ar, not_due = closing[-1], figures.not_due[-1]
        opening = [closing[number - 1] if number else figures.opening for number in period]
        late_amount = figures.paid_amount + figures.late_amount
        return {
            "sales": sales,
            "ar": ar,
            "not_due_ar": not_due,
            "overdue_ar": ar - not_due,
            "over_90_ar": figures.over_90,
            "overdue_at_start": figures.overdue_at_start,
            "recovered": figures.recovered,
            "dso": kpi.dso(ar, sales, days),
            "dso_count_back": kpi.dso_count_back(
                ar,
                [
                    (figures.sales[number], slice_days(*slices[number]))
                    for number in reversed(range(len(slices)))
                ],
            ),
            "best_possible_dso": kpi.best_possible_dso(not_due, sales, days),
            "days_delinquent": kpi.average_days_delinquent(ar, not_due, sales, days),
            "days_late": (
                (figures.paid_days + figures.late_days) / late_amount if late_amount else None
            ),
            "cei": kpi.cei_average(
                [
                    (start_ar, figures.sales[number], closing[number], figures.not_due[number])
                    for start_ar, number in zip(opening, period, strict=True)
                ]
            ),
            "overdue_ratio": kpi.overdue_ratio(ar - not_due, ar),
            "over_90_ratio": kpi.over_90_ratio(figures.over_90, ar),
            "recovery_rate": kpi.recovery_rate(figures.recovered, figures.overdue_at_start),
        }

    @api.model
    def _trend(self, companies, slices):
        """Standard DSO of each slice, per company: ``[{company_id, date_from,
        date_to, ar, sales, dso}]``, oldest first.  AR at a date is the sum of
        the posted receivable lines dated up to it, so one grouped query over
        the lines does it."""
        rows = []
        for (company_id, _key), figures in sorted(
            self._monthly_figures(companies, slices, "company").items()
        ):
            for (first, last), sales, ar in zip(
                slices, figures.sales, figures.closing, strict=True
            ):
                rows.append(
                    {
                        "company_id": company_id,
                        "date_from": first,
                        "date_to": last,
                        "ar": ar,
                        "sales": sales,
                        "dso": kpi.dso(ar, sales, slice_days(first, last)),
                    }
                )
        return rows
