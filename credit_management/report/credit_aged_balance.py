from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.ageing import DEFAULT_BOUNDS

# Each bucket column with its upper bound in days past (tools.ageing's
# default set, "not due" up to 0 days); the last one is open.
BUCKETS = tuple(
    zip(
        ("not_due", "b1_30", "b31_60", "b61_90", "b91_120", "older"),
        (0, *DEFAULT_BOUNDS, None),
        strict=True,
    )
)


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
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Invoice Date", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_past = fields.Integer(readonly=True, aggregator="max")

    # ==== Amounts ====
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    residual = fields.Monetary(readonly=True)
    document_currency_id = fields.Many2one("res.currency", readonly=True)
    residual_currency = fields.Monetary(
        string="Residual in Currency",
        currency_field="document_currency_id",
        readonly=True,
        aggregator=None,
    )

    # ==== Buckets ====
    not_due = fields.Monetary(readonly=True)
    b1_30 = fields.Monetary(string="1-30", readonly=True)
    b31_60 = fields.Monetary(string="31-60", readonly=True)
    b61_90 = fields.Monetary(string="61-90", readonly=True)
    b91_120 = fields.Monetary(string="91-120", readonly=True)
    older = fields.Monetary(readonly=True)

    _depends = {
        "account.move.line": [
            "account_id",
            "amount_currency",
            "amount_residual",
            "amount_residual_currency",
            "company_currency_id",
            "company_id",
            "currency_id",
            "date",
            "date_maturity",
            "move_id",
            "parent_state",
            "partner_id",
        ],
        "account.move": ["invoice_date", "invoice_user_id"],
        "account.partial.reconcile": [
            "amount",
            "credit_amount_currency",
            "credit_move_id",
            "debit_amount_currency",
            "debit_move_id",
            "max_date",
        ],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id"],
    }

    # ------------------------------------------------------------------ options

    @api.model
    def _as_of(self):
        as_of = self.env.context.get("credit_as_of")
        return fields.Date.to_date(as_of) if as_of else fields.Date.context_today(self)

    @api.model
    def _ageing_basis(self):
        return "invoice" if self.env.context.get("credit_ageing_basis") == "invoice" else "due"

    # -------------------------------------------------------------------- query

    @property
    def _table_query(self) -> SQL:
        return SQL("%s %s %s %s", self._with(), self._select(), self._from(), self._where())

    @api.model
    def _with(self) -> SQL:
        """``undone``: per line, the reconciliations dated after the date
        (positive on the debit side), which had not happened yet then;
        ``items``: posted receivable lines at the date, with their residual
        then = today's residual + what was reconciled after the date."""
        return SQL(
            """
            WITH receivable AS (
                SELECT id FROM account_account WHERE account_type = 'asset_receivable'
            ),
            undone AS (
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
            ),
            items AS (
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
            )
            """,
            as_of=self._as_of(),
            columns=SQL(
                """
                line.id, line.move_id, line.company_id, line.partner_id, line.date,
                line.date_maturity, line.company_currency_id, line.currency_id,
                line.amount_residual + COALESCE(undone.amount, 0) AS open_residual,
                line.amount_residual_currency + COALESCE(undone.amount_currency, 0)
                    AS open_residual_currency
                """
            ),
            receivable_at_date=SQL(
                """
                line.parent_state = 'posted'
                AND line.company_id IN %(companies)s
                AND line.account_id IN (SELECT id FROM receivable)
                AND line.date <= %(as_of)s
                """,
                companies=tuple(self.env.companies.ids) or (None,),
                as_of=self._as_of(),
            ),
        )

    @api.model
    def _select(self) -> SQL:
        days_past = self._days_past()
        buckets = []
        lower = None
        for name, upper in BUCKETS:
            conditions = []
            if lower is not None:
                conditions.append(SQL("%s > %s", days_past, lower))
            if upper is not None:
                conditions.append(SQL("%s <= %s", days_past, upper))
            buckets.append(
                SQL(
                    "CASE WHEN %s THEN line.open_residual ELSE 0 END AS %s",
                    SQL(" AND ").join(conditions),
                    SQL.identifier(name),
                )
            )
            lower = upper
        return SQL(
            """
            SELECT line.id,
                   line.id AS move_line_id,
                   line.move_id,
                   line.company_id,
                   partner.commercial_partner_id AS partner_id,
                   move.invoice_user_id AS user_id,
                   COALESCE(move.invoice_date, line.date) AS date,
                   COALESCE(line.date_maturity, line.date) AS date_maturity,
                   %(days_past)s AS days_past,
                   line.company_currency_id AS currency_id,
                   line.open_residual AS residual,
                   line.currency_id AS document_currency_id,
                   line.open_residual_currency AS residual_currency,
                   %(buckets)s
            """,
            days_past=days_past,
            buckets=SQL(", ").join(buckets),
        )

    @api.model
    def _days_past(self) -> SQL:
        if self._ageing_basis() == "invoice":
            since = SQL("COALESCE(move.invoice_date, line.date)")
        else:
            since = SQL("COALESCE(line.date_maturity, line.date)")
        return SQL("(%s::date - %s)", self._as_of(), since)

    @api.model
    def _from(self) -> SQL:
        return SQL(
            """
              FROM items line
              JOIN account_move move ON move.id = line.move_id
         LEFT JOIN res_partner partner ON partner.id = line.partner_id
            """
        )

    @api.model
    def _where(self) -> SQL:
        return SQL("WHERE line.open_residual != 0")
