from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.credit_aged_bucket_set import MAX_BOUNDS
from ..tools.ageing import DEFAULT_BOUNDS, format_bounds, validate_bounds

# The bucket columns: "Not due", one per bound of the bucket set (unused ones
# stay at 0 and hidden), and the open-ended last one.
BOUNDED_BUCKETS = tuple(f"bucket_{index}" for index in range(1, MAX_BOUNDS + 1))
BUCKETS = ("not_due", *BOUNDED_BUCKETS, "older")


class CreditAgedBalance(models.Model):
    """Aged balance (balance âgée): one row per open receivable item as of a date.

    The date comes from the context key ``credit_as_of`` (default: today in
    the user's time zone) and the ageing basis from ``credit_ageing_basis``:
    ``'due'`` (days past the due date, default) or ``'invoice'`` (days past
    the invoice date).

    As of a date D, an item is a posted receivable line dated on or before D;
    its residual is its balance less the partial reconciliations dated on or
    before D (``max_date``) where it is the debit side, plus those where it
    is the credit side.  Items left at zero are dropped; payments and credit
    notes not yet matched stay as negative items, so the total equals the
    receivable balance of the partners at D.

    Since Odoo's ``amount_residual`` is the balance less every partial
    reconciliation, the residual at D is today's residual plus the
    reconciliations dated after D.  Only two kinds of line can be open at D:
    lines open today (the partial index on ``amount_residual != 0``) and
    lines settled by a reconciliation dated after D.  The query starts from
    those and reads only the reconciliations after D, never the whole
    receivable history.
    """

    _name = "credit.aged.balance"
    _description = "Aged Balance"
    _auto = False
    _rec_name = "move_id"
    _order = "partner_id, date_maturity, id"

    # ==== Item ====
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    segment_id = fields.Many2one(
        "credit.segment",
        string="Risk Segment",
        readonly=True,
        help="The customer's risk segment in the item's company (today's, whatever the date "
        "of the balance).",
    )
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    account_id = fields.Many2one("account.account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    document_type = fields.Selection(
        [
            ("invoice", "Invoice"),
            ("penalty", "Penalty Invoice"),
            ("credit_note", "Credit Note"),
            ("payment", "Payment"),
            ("other", "Other Entry"),
        ],
        readonly=True,
    )
    date = fields.Date(string="Invoice Date", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_past = fields.Integer(
        string="Days Overdue",
        readonly=True,
        aggregator="max",
        help="Days from the due date (or the invoice date, when ageing by invoice date) to"
        " the date of the balance; 0 or less is not due yet.",
    )
    disputed = fields.Boolean(readonly=True)

    # ==== Amounts ====
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    amount = fields.Monetary(string="Original Amount", readonly=True, aggregator=None)
    residual = fields.Monetary(readonly=True)
    document_currency_id = fields.Many2one("res.currency", readonly=True)
    amount_currency = fields.Monetary(
        string="Original in Currency",
        currency_field="document_currency_id",
        readonly=True,
        aggregator=None,
    )
    residual_currency = fields.Monetary(
        string="Residual in Currency",
        currency_field="document_currency_id",
        readonly=True,
        aggregator=None,
    )

    # ==== Buckets (labels follow the bucket set: see fields_get) ====
    not_due = fields.Monetary(readonly=True)
    bucket_1 = fields.Monetary(string="1-30", readonly=True)
    bucket_2 = fields.Monetary(string="31-60", readonly=True)
    bucket_3 = fields.Monetary(string="61-90", readonly=True)
    bucket_4 = fields.Monetary(string="91-120", readonly=True)
    bucket_5 = fields.Monetary(readonly=True)
    bucket_6 = fields.Monetary(readonly=True)
    older = fields.Monetary(readonly=True)

    _depends = {
        "account.move.line": [
            "account_id",
            "amount_currency",
            "amount_residual",
            "amount_residual_currency",
            "balance",
            "company_currency_id",
            "company_id",
            "currency_id",
            "date",
            "date_maturity",
            "invoice_date",
            "move_id",
            "parent_state",
            "partner_id",
        ],
        "account.move": [
            "credit_disputed",
            "credit_penalty_invoice",
            "invoice_user_id",
            "move_type",
            "origin_payment_id",
        ],
        "account.partial.reconcile": [
            "amount",
            "credit_amount_currency",
            "credit_move_id",
            "debit_amount_currency",
            "debit_move_id",
            "max_date",
        ],
        "account.account": ["account_type"],
        "res.company": ["currency_id"],
        "res.partner": ["commercial_partner_id", "credit_segment_id"],
    }

    # ------------------------------------------------------------------ options

    @api.model
    def _as_of(self):
        as_of = self.env.context.get("credit_as_of")
        return fields.Date.to_date(as_of) if as_of else fields.Date.context_today(self)

    @api.model
    def _ageing_basis(self):
        return "invoice" if self.env.context.get("credit_ageing_basis") == "invoice" else "due"

    @api.model
    def _bounds(self):
        """The bucket set's bounds, from the context key ``credit_ageing_bounds``
        (a list of days, as ``credit.aged.bucket.set`` validates them)."""
        bounds = tuple(self.env.context.get("credit_ageing_bounds") or DEFAULT_BOUNDS)
        if validate_bounds(bounds) or len(bounds) > MAX_BOUNDS:
            raise UserError(
                self.env._(
                    "The aged balance cannot use the bucket limits %s.", format_bounds(bounds)
                )
            )
        return bounds

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Label the bucket columns after the bucket set of the context, so
        that the list, pivot and graph views name them as they are filled."""
        descriptions = super().fields_get(allfields, attributes)
        *labels, last = self.env["credit.aged.bucket.set"]._labels(self._bounds())
        unused = [self.env._("Bucket %s", index) for index in range(len(labels), MAX_BOUNDS + 1)]
        for name, label in zip(BUCKETS, [*labels, *unused, last], strict=True):
            if "string" in descriptions.get(name, {}):
                descriptions[name]["string"] = label
        return descriptions

    # -------------------------------------------------------------------- query

    @property
    def _table_query(self) -> SQL:
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _items(self) -> SQL:
        """The posted receivable lines at the date, with their residual then
        = today's residual + what was reconciled after the date (``undone``:
        per line, the reconciliations dated after the date, positive on the
        debit side, which had not happened yet then)."""
        return SQL(
            """
            WITH undone AS (
                SELECT later.line_id,
                       SUM(later.amount) AS amount,
                       SUM(later.amount_currency) AS amount_currency
                  FROM (
                        SELECT part.debit_move_id AS line_id,
                               part.amount,
                               part.debit_amount_currency AS amount_currency
                          FROM account_partial_reconcile part
                         WHERE part.max_date > %(as_of)s
                     UNION ALL
                        SELECT part.credit_move_id, -part.amount, -part.credit_amount_currency
                          FROM account_partial_reconcile part
                         WHERE part.max_date > %(as_of)s
                       ) later
                 GROUP BY later.line_id
            )
                -- open today (the partial index on open items), or settled
                -- today by a reconciliation made after the date
                SELECT %(columns)s
                  FROM account_move_line line
             LEFT JOIN undone ON undone.line_id = line.id
                 WHERE line.amount_residual != 0
                   AND %(receivable_at_date)s
             UNION ALL
                SELECT %(columns)s
                  FROM undone
                  JOIN account_move_line line ON line.id = undone.line_id
                 WHERE line.amount_residual = 0
                   AND %(receivable_at_date)s
            """,
            as_of=self._as_of(),
            columns=SQL(
                """
                line.id, line.move_id, line.company_id, line.partner_id, line.account_id,
                line.date, line.invoice_date, line.date_maturity, line.currency_id,
                line.balance, line.amount_currency,
                line.amount_residual + COALESCE(undone.amount, 0) AS open_residual,
                line.amount_residual_currency + COALESCE(undone.amount_currency, 0)
                    AS open_residual_currency
                """
            ),
            receivable_at_date=SQL(
                """
                line.parent_state = 'posted'
                AND line.company_id IN %(companies)s
                AND line.account_id IN %(accounts)s
                AND line.date <= %(as_of)s
                AND %(partners)s
                """,
                companies=tuple(self.env.companies.ids) or (None,),
                accounts=self._receivable_accounts(),
                as_of=self._as_of(),
                partners=self._partners_condition(),
            ),
        )

    @api.model
    def _partners_condition(self) -> SQL:
        """With the context key ``credit_partner_ids`` (commercial partner
        ids), only the items of those customers and their contacts: a
        statement then reads their lines alone, never the whole ledger."""
        partner_ids = self.env.context.get("credit_partner_ids")
        if partner_ids is None:
            return SQL("TRUE")
        return SQL(
            "line.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id IN %s)",
            tuple(partner_ids) or (None,),
        )

    @api.model
    def _receivable_accounts(self):
        """The ids of every receivable account, as a literal list: PostgreSQL
        then knows from its statistics how many lines they hold, and plans
        for that many rows instead of for every open line of the ledger."""
        ids = self.env.execute_query(
            SQL("SELECT id FROM account_account WHERE account_type = 'asset_receivable'")
        )
        return tuple(account_id for (account_id,) in ids) or (None,)

    @api.model
    def _select(self) -> SQL:
        return SQL(
            """
            SELECT line.id,
                   line.id AS move_line_id,
                   line.move_id,
                   line.company_id,
                   line.account_id,
                   partner.commercial_partner_id AS partner_id,
                   move.invoice_user_id AS user_id,
                   (commercial.credit_segment_id ->> line.company_id::text)::int AS segment_id,
                   %(document_type)s AS document_type,
                   COALESCE(line.invoice_date, line.date) AS date,
                   COALESCE(line.date_maturity, line.date) AS date_maturity,
                   %(days_past)s AS days_past,
                   move.credit_disputed AS disputed,
                   company.currency_id,
                   line.balance AS amount,
                   line.open_residual AS residual,
                   line.currency_id AS document_currency_id,
                   line.amount_currency,
                   line.open_residual_currency AS residual_currency,
                   %(buckets)s
            """,
            document_type=self._document_type("move"),
            days_past=self._days_past(),
            buckets=SQL(", ").join(
                SQL("%s AS %s", amount, SQL.identifier(name))
                for name, amount in zip(BUCKETS, self._bucket_amounts(), strict=True)
            ),
        )

    @api.model
    def _document_type(self, move) -> SQL:
        """The ``document_type`` of an item of the journal entry aliased
        ``move``."""
        return SQL(
            """
            CASE WHEN %(penalty)s THEN 'penalty'
                 WHEN %(move_type)s IN ('out_invoice', 'out_receipt') THEN 'invoice'
                 WHEN %(move_type)s = 'out_refund' THEN 'credit_note'
                 WHEN %(payment)s IS NOT NULL THEN 'payment'
                 ELSE 'other'
            END
            """,
            penalty=SQL.identifier(move, "credit_penalty_invoice"),
            move_type=SQL.identifier(move, "move_type"),
            payment=SQL.identifier(move, "origin_payment_id"),
        )

    @api.model
    def _bucket_amounts(self):
        """One SQL amount per bucket column: the residual when the item's
        days past fall in that bucket, else 0; unused columns are 0."""
        bounds = self._bounds()
        days_past = self._days_past()
        lowers = (None, 0, *bounds)
        uppers = (0, *bounds, None)
        amounts = []
        for lower, upper in zip(lowers, uppers, strict=True):
            conditions = []
            if lower is not None:
                conditions.append(SQL("%s > %s", days_past, lower))
            if upper is not None:
                conditions.append(SQL("%s <= %s", days_past, upper))
            amounts.append(
                SQL(
                    "CASE WHEN %s THEN line.open_residual ELSE 0 END",
                    SQL(" AND ").join(conditions),
                )
            )
        unused = [SQL("0::numeric")] * (MAX_BOUNDS - len(bounds))
        return [*amounts[:-1], *unused, amounts[-1]]

    @api.model
    def _days_past(self) -> SQL:
        if self._ageing_basis() == "invoice":
            since = SQL("COALESCE(line.invoice_date, line.date)")
        else:
            since = SQL("COALESCE(line.date_maturity, line.date)")
        return SQL("(%s::date - %s)", self._as_of(), since)

    @api.model
    def _from(self) -> SQL:
        """The left joins on unique keys are dropped by PostgreSQL when the
        query reads none of their columns, so a sum by customer reads the
        open items from the index alone and never the documents.  The items
        are a subquery, not a WITH of this query: a query with a WITH is
        never merged into the query reading it, which then computes every
        join and column of this one."""
        return SQL(
            """
              FROM (%s) line
         LEFT JOIN res_company company ON company.id = line.company_id
         LEFT JOIN account_move move ON move.id = line.move_id
         LEFT JOIN res_partner partner ON partner.id = line.partner_id
         LEFT JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
            """,
            self._items(),
        )

    @api.model
    def _where(self) -> SQL:
        return SQL("WHERE line.open_residual != 0")
