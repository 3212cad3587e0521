import io
from collections import namedtuple
from contextlib import contextmanager
from itertools import groupby

import psycopg2

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round, format_date

from ..tools.penalty import (
    MissingRate,
    describe,
    fee_due,
    indemnity_due,
    interest_end,
    interest_segments,
    interest_start,
)
from .res_company import PENALTY_PRODUCTS

# One reminder charging penalties, as one query reads it: thousands of
# reminders browsed field by field would cost more than their charging.
Reminder = namedtuple("Reminder", ["id", "partner_id", "currency_id", "level_id", "lang"])

# One late invoice of a reminder charging penalties, as the query reads it.
Late = namedtuple(
    "Late",
    [
        "communication_id",
        "move_id",
        "name",
        "amount_total",
        "invoice_date_due",
        "open",
        "business",
        "reminded",
        "last_charged",
        "indemnity_charged",
        "fee_level_ids",
        "payment_dates",
        "payment_amounts",
        "dispute_starts",
        "dispute_ends",
    ],
)

# The columns of ``credit_penalty_line`` a charge writes per line, with
# their types; the level of a fee is its reminder's.
LEDGER_COLUMNS = [
    ("communication_id", "int"),
    ("move_id", "int"),
    ("kind", "varchar"),
    ("name", "varchar"),
    ("amount", "numeric"),
    ("date_from", "date"),
    ("date_to", "date"),
    ("detail", "varchar"),
]

# One ledger line to write, its values in the order of ``LEDGER_COLUMNS``.
Charge = namedtuple(
    "Charge",
    [name for name, _type in LEDGER_COLUMNS],
    defaults=(None, None, None),  # date_from, date_to, detail: interest only
)


# COPY's text format: these characters are escaped in a value
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_column(type_, values):
    """One column of ledger lines as COPY text values."""
    if type_ == "varchar":
        return [r"\N" if value is None else value.translate(COPY_ESCAPES) for value in values]
    if type_ == "date":
        return [r"\N" if value is None else value.isoformat() for value in values]
    return [r"\N" if value is None else str(value) for value in values]


def _copy_text(lines):
    """``lines`` (:class:`Charge`) as the text COPY reads, numbered in
    order."""
    columns = [
        _copy_column(type_, values)
        for (_name, type_), values in zip(LEDGER_COLUMNS, zip(*lines, strict=True), strict=True)
    ]
    columns.append(map(str, range(len(lines))))
    return "\n".join(map("\t".join, zip(*columns, strict=True)))


class CreditPenaltyCharge(models.AbstractModel):
    """Charges late-payment penalties at the reminders of a run whose level
    charges them, set-based:

    1. one query reads the reminders charging penalties, another every late
       invoice of their customers in their currency, with what the ledger
       (``credit.penalty.line``) already charged on it, its payments and its
       dispute periods;
    2. ``tools.penalty`` computes each invoice's interest, indemnity and
       fee, and a day no rate covers stops everything before anything is
       written; amounts and label texts are prepared once per language,
       currency and level (:class:`_Labels`), not per reminder;
    3. one INSERT writes every ledger line, "to invoice", linked to its
       reminder and late invoice.

    The penalty invoices are created later, from the ledger lines to
    invoice (:meth:`_invoice`, called by
    ``credit.dunning.communication._create_penalty_invoices``): about
    100 ms each through the ORM, they would make a run of thousands of
    reminders last minutes.

    Which invoices: the customer's posted invoices of the company in the
    reminder's currency due before the run date, open (or paid, when the
    company charges invoices paid late), except penalty invoices, invoices
    and customers exempt, and customers in insolvency proceedings.
    Disputes open or resolved exclude their days (opening to closing
    day); a rejected dispute does not.
    """

    _name = "credit.penalty.charge"
    _description = "Late-Payment Penalty Charging"

    @api.model
    def _charge(self, communications):
        """Charge the penalties of ``communications`` (one run's reminders;
        those whose level charges none are skipped); return the ledger
        lines written, to invoice."""
        self.env.flush_all()
        reminders = self._read_reminders(communications)
        if not reminders:
            return self.env["credit.penalty.line"]
        charging = communications.browse([reminder.id for reminder in reminders])
        company = charging.company_id.ensure_one()
        run_date = charging.run_id.ensure_one().run_date
        rates = company._credit_penalty_rates()
        rows = {
            communication_id: list(group)
            for communication_id, group in groupby(
                self._read_late(company, run_date, reminders), lambda row: row.communication_id
            )
        }
        labels_cache = _LabelsCache(company, run_date)
        per_reminder_fee = company.credit_penalty_fee_mode == "communication"
        lines = []
        for reminder in reminders:
            found = rows.get(reminder.id, [])
            lines += self._lines_of(reminder, found, labels_cache, rates, run_date)
            if per_reminder_fee:
                lines += self._reminder_fee(reminder, labels_cache)
        return self._write_ledger(lines)

    @api.model
    def _write_ledger(self, lines):
        """Insert the ledger lines ``lines`` (:class:`Charge`), to invoice,
        in one INSERT from a temporary table: ``create`` costs about 0.2 ms
        a line, 20 s for the 100,000 late invoices of a large run.  The
        model has nothing computed nor tracked to maintain; the unique
        indexes still guard the rules.  Lines get their ids in the order of
        ``lines``, which their penalty invoice follows."""
        Line = self.env["credit.penalty.line"]
        if not lines:
            return Line
        Line.flush_model()
        with self._charged_table(lines):
            ids = self._insert_charged()
        communications = self.env["credit.dunning.communication"].browse(
            {line.communication_id for line in lines}
        )
        communications.invalidate_recordset(["credit_penalty_line_ids", "credit_penalty_amount"])
        return Line.browse([row[0] for row in ids])

    @api.model
    def _insert_charged(self):
        """Insert the lines of ``credit_penalty_charged`` in the ledger, in
        their order; return their ids."""
        return self.env.execute_query(
            SQL(
                """
                INSERT INTO credit_penalty_line (%(names)s, level_id, state)
                SELECT %(values)s, CASE WHEN line.kind = 'fee' THEN reminder.level_id END,
                       'to_invoice'
                  FROM credit_penalty_charged line
                  JOIN credit_dunning_communication reminder
                    ON reminder.id = line.communication_id
                 ORDER BY line.sequence
                RETURNING id
                """,
                names=SQL(", ").join(SQL.identifier(name) for name, _type in LEDGER_COLUMNS),
                values=SQL(", ").join(
                    SQL.identifier("line", name) for name, _type in LEDGER_COLUMNS
                ),
            )
        )

    @api.model
    @contextmanager
    def _charged_table(self, lines):
        """``lines`` (:class:`Charge`) in the temporary table
        ``credit_penalty_charged``, numbered in order (``sequence``), for
        the time of the ``with`` block.  They are loaded with COPY: the same
        lines passed as SQL arrays took 0.8 s to quote and plan, for the
        70,000 lines of a large run.  The table is dropped at the end of the
        block, or with the transaction if the block fails."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE credit_penalty_charged (%s, sequence int) ON COMMIT DROP",
                SQL(", ").join(
                    SQL("%s %s", SQL.identifier(name), SQL(type_)) for name, type_ in LEDGER_COLUMNS
                ),
            )
        )
        # as the ORM does around its COPY: an asynchronous wait callback
        # (gevent) does not support it
        callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            cr.copy_from(
                io.StringIO(_copy_text(lines)),
                "credit_penalty_charged",
                columns=[name for name, _type in LEDGER_COLUMNS] + ["sequence"],
            )
        finally:
            psycopg2.extensions.set_wait_callback(callback)
        yield
        cr.execute(SQL("DROP TABLE credit_penalty_charged"))

    # ----------------------------------------------------------------- read

    @api.model
    def _read_reminders(self, communications):
        """The :class:`Reminder` of each of ``communications`` whose level
        charges penalties, by id."""
        query = SQL(
            """
            SELECT communication.id, communication.partner_id, communication.currency_id,
                   communication.level_id, partner.lang
              FROM credit_dunning_communication communication
              JOIN credit_dunning_level level ON level.id = communication.level_id
              JOIN res_partner partner ON partner.id = communication.partner_id
             WHERE communication.id = ANY(%s) AND level.charge_penalties
             ORDER BY communication.id
            """,
            communications.ids,
        )
        return [Reminder(*row) for row in self.env.execute_query(query)]

    @api.model
    def _read_late(self, company, run_date, reminders):
        payment_states = ("not_paid", "partial")
        if company.credit_penalty_after_payment:
            payment_states += ("paid", "in_payment")
        query = SQL(
            """
            WITH late AS MATERIALIZED (
                -- the reminders as literal arrays: just created, they have
                -- no statistics yet, and a table scan estimated at one row
                -- would make PostgreSQL loop over every payment per invoice
                SELECT communication.id AS communication_id, move.id AS move_id, move.name,
                       move.amount_total, move.invoice_date_due,
                       move.payment_state IN ('not_paid', 'partial') AS open,
                       move.payment_state != 'not_paid' AS paid_any,
                       partner.is_company IS TRUE AS business
                  FROM unnest(%(communications)s::int[], %(partners)s::int[],
                              %(currencies)s::int[]) AS communication(id, partner_id, currency_id)
                  JOIN res_partner partner ON partner.id = communication.partner_id
                  JOIN account_move move
                    ON move.commercial_partner_id = communication.partner_id
                   AND move.currency_id = communication.currency_id
                 WHERE move.company_id = %(company)s
                   AND move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.invoice_date_due < %(run_date)s
                   AND move.payment_state IN %(payment_states)s
                   AND move.credit_penalty_invoice IS NOT TRUE
                   AND move.credit_penalty_exempt IS NOT TRUE
                   AND partner.credit_penalty_exempt IS NOT TRUE
                   AND partner.credit_insolvent IS NOT TRUE
            ), late_moves AS (
                -- in order, so that their lines are looked up along the
                -- indexes, not all over them
                SELECT DISTINCT move_id, paid_any FROM late ORDER BY move_id
            ), ledger AS (
                SELECT line.move_id,
                       MAX(line.date_to) FILTER (WHERE line.kind = 'interest') AS last_charged,
                       BOOL_OR(line.kind = 'indemnity') AS indemnity_charged,
                       ARRAY_AGG(line.level_id) FILTER (WHERE line.kind = 'fee')
                           AS fee_level_ids
                  FROM late_moves
                  JOIN credit_penalty_line line ON line.move_id = late_moves.move_id
                 WHERE line.state != 'cancelled'
                 GROUP BY line.move_id
            ), payments AS (
                -- what was paid (or credited) on its receivable lines, in
                -- the invoice currency, by date; an invoice not paid at
                -- all has nothing to look up
                SELECT item.move_id,
                       ARRAY_AGG(part.max_date ORDER BY part.max_date, part.id) AS dates,
                       ARRAY_AGG(part.debit_amount_currency ORDER BY part.max_date, part.id)
                           AS amounts
                  FROM late_moves
                  JOIN account_move_line item ON item.move_id = late_moves.move_id
                  JOIN account_partial_reconcile part ON part.debit_move_id = item.id
                 WHERE late_moves.paid_any
                   AND item.account_id = ANY(ARRAY(
                        SELECT id FROM account_account WHERE account_type = 'asset_receivable'))
                 GROUP BY item.move_id
            ), disputes AS (
                SELECT dispute.move_id, ARRAY_AGG(dispute.date) AS starts,
                       ARRAY_AGG(COALESCE(dispute.date_closed, %(run_date)s)) AS ends
                  FROM late_moves
                  JOIN credit_dispute dispute ON dispute.move_id = late_moves.move_id
                 WHERE dispute.state IN ('open', 'resolved')
                 GROUP BY dispute.move_id
            ), reminded AS (
                SELECT DISTINCT line.communication_id, line.move_id
                  FROM credit_dunning_line line
                 WHERE line.communication_id = ANY(%(communications)s)
                   AND line.state != 'cancelled'
            )
            -- each source aggregated once for all the invoices, then
            -- joined: a subquery per invoice, four times 69,546 of them,
            -- took 2.5 s
            SELECT late.communication_id, late.move_id, late.name, late.amount_total,
                   late.invoice_date_due, late.open, late.business,
                   reminded.move_id IS NOT NULL,
                   ledger.last_charged, ledger.indemnity_charged IS TRUE,
                   COALESCE(ledger.fee_level_ids, '{}'),
                   COALESCE(payments.dates, '{}'), COALESCE(payments.amounts, '{}'),
                   COALESCE(disputes.starts, '{}'), COALESCE(disputes.ends, '{}')
              FROM late
              LEFT JOIN ledger ON ledger.move_id = late.move_id
              LEFT JOIN payments ON payments.move_id = late.move_id
              LEFT JOIN disputes ON disputes.move_id = late.move_id
              LEFT JOIN reminded
                ON reminded.communication_id = late.communication_id
               AND reminded.move_id = late.move_id
             ORDER BY late.communication_id, late.invoice_date_due, late.move_id
            """,
            communications=[reminder.id for reminder in reminders],
            partners=[reminder.partner_id for reminder in reminders],
            currencies=[reminder.currency_id for reminder in reminders],
            company=company.id,
            run_date=run_date,
            payment_states=payment_states,
        )
        return [Late(*row) for row in self.env.execute_query(query)]

    # -------------------------------------------------------------- compute

    @api.model
    def _lines_of(self, reminder, rows, labels_cache, rates, run_date):
        """The ledger lines (:class:`Charge`) of one reminder's late
        invoices: interest, indemnity and fee per invoice, amounts rounded
        per line."""
        labels = labels_cache.get(reminder)
        per_invoice_fee = labels.company.credit_penalty_fee_mode == "invoice_level"
        fee = labels.level_fee if per_invoice_fee else 0.0
        lines = []
        for row in rows:
            segments = self._segments(row, rates, run_date, labels.company)
            interest = labels.round(sum(segment.amount for segment in segments))
            if interest:
                detail = labels.detail(tuple(describe(segments)))
                lines.append(
                    Charge(
                        reminder.id,
                        row.move_id,
                        "interest",
                        labels.interest(row.name, detail),
                        interest,
                        segments[0].date_from,
                        segments[-1].date_to,
                        detail,
                    )
                )
            amount = indemnity_due(labels.indemnity_amount, row.business, row.indemnity_charged)
            if amount:
                name = labels.indemnity(row.name)
                lines.append(Charge(reminder.id, row.move_id, "indemnity", name, amount))
            amount = (
                fee_due(fee, reminder.level_id, set(row.fee_level_ids)) if row.reminded else 0.0
            )
            if amount:
                lines.append(Charge(reminder.id, row.move_id, "fee", labels.fee(row.name), amount))
        return lines

    @api.model
    def _segments(self, row, rates, run_date, company):
        if not row.open and not row.payment_dates:
            return []
        paid_on = None if row.open else max(row.payment_dates)
        start = interest_start(row.invoice_date_due, row.last_charged)
        end = interest_end(run_date, paid_on)
        if end <= start:
            return []
        payments = list(zip(row.payment_dates, map(float, row.payment_amounts), strict=True))
        excluded = list(zip(row.dispute_starts, row.dispute_ends, strict=True))
        try:
            return interest_segments(float(row.amount_total), payments, rates, start, end, excluded)
        except MissingRate as missing:
            raise UserError(
                self.env._(
                    "No late-payment interest rate covers %(date_from)s to %(date_to)s (invoice "
                    "%(invoice)s): add the rate of that period to the interest rates of "
                    "%(company)s, or set a contractual rate. No reminder was prepared.",
                    date_from=format_date(self.env, missing.date_from),
                    date_to=format_date(self.env, missing.date_to),
                    invoice=row.name,
                    company=company.name,
                )
            ) from missing

    @api.model
    def _reminder_fee(self, reminder, labels_cache):
        """The level's fee, once per reminder (the company's fee mode)."""
        labels = labels_cache.get(reminder)
        amount = labels.level_fee
        if not amount:
            return []
        return [Charge(reminder.id, None, "fee", labels.fee(None), amount)]

    # --------------------------------------------------------------- create

    @api.model
    def _invoice(self, lines):
        """One draft penalty invoice per reminder of ``lines`` (ledger lines
        to invoice, of reminders of one company), one invoice line per
        ledger line, dated as the reminder's run; all invoices in one
        ``create``.  The ledger lines become invoiced."""
        # in the order charged (the ledger lists the newest first)
        lines = lines.filtered(lambda line: line.state == "to_invoice").sorted("id")
        if not lines:
            return self.env["account.move"]
        company = lines.company_id.ensure_one()
        journal = company._credit_penalty_journal()
        products = {kind: company._credit_penalty_product(kind).id for kind in PENALTY_PRODUCTS}
        charges = [
            (
                communication,
                lines.filtered(lambda line, c=communication: line.communication_id == c),
            )
            for communication in lines.communication_id
        ]
        # no chatter message nor follower on each of thousands of invoices
        Move = self.env["account.move"].with_context(tracking_disable=True, mail_create_nolog=True)
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "partner_id": communication.partner_id.id,
                    "currency_id": communication.currency_id.id,
                    "invoice_date": communication.run_id.run_date,
                    "credit_penalty_invoice": True,
                    "credit_penalty_communication_id": communication.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "sequence": sequence,
                                "product_id": products[line.kind],
                                "name": line.name,
                                "quantity": 1.0,
                                "price_unit": line.amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for sequence, line in enumerate(ledger, start=1)
                    ],
                }
                for communication, ledger in charges
            ]
        )
        for move, (_communication, ledger) in zip(moves, charges, strict=True):
            ledger.write({"state": "invoiced", "penalty_move_id": move.id})
            for line, invoice_line in zip(ledger, move.invoice_line_ids, strict=True):
                line.invoice_line_id = invoice_line
        return moves


class _LabelsCache:
    """The :class:`_Labels` of a run's reminders, one per language, currency
    and level: a large run has tens of thousands of reminders sharing a few."""

    def __init__(self, company, run_date):
        self.company = company
        self.run_date = run_date
        self.default_lang = company.partner_id.lang or company.env.lang or "en_US"
        self.labels = {}

    def get(self, reminder):
        key = (reminder.lang or self.default_lang, reminder.currency_id, reminder.level_id)
        if key not in self.labels:
            self.labels[key] = _Labels(self.company, self.run_date, *key)
        return self.labels[key]


class _Labels:
    """Amounts and self-explaining labels of the penalty lines of reminders
    in one currency, of one level, to customers of one language."""

    def __init__(self, company, run_date, lang, currency_id, level_id):
        self.company = company
        self.env = company.with_context(lang=lang).env
        self.currency = self.env["res.currency"].browse(currency_id)
        level = self.env["credit.dunning.level"].browse(level_id)
        self.level_name = level.name
        self.decimal_point = self.env["res.lang"]._get_data(code=lang).decimal_point or "."
        # read once: thousands of lines use them
        self.rounding = self.currency.rounding
        self.indemnity_amount = self._convert(company.credit_penalty_indemnity, run_date)
        self.level_fee = self._convert(level.credit_penalty_fee, run_date)
        # translated once; each line only fills them in, as ``env._`` would
        _ = self.env._
        self.one_day = _("%(days)s day at %(rate)s %%")
        self.days = _("%(days)s days at %(rate)s %%")
        self.interest_label = _("Late-payment interest on %(invoice)s: %(detail)s")
        self.details = {}

    def _convert(self, amount, run_date):
        """A company-currency amount (indemnity, fee) in the reminders' currency."""
        if not amount:
            return 0.0
        company = self.company
        return company.currency_id._convert(amount, self.currency, company, run_date)

    def round(self, amount):
        return float_round(amount, precision_rounding=self.rounding)

    def detail(self, runs):
        """ "46 days at 13.15 % + 45 days at 12.15 %" in the customer's
        language, for :func:`describe`'s ``runs`` (a tuple); the same few
        recur on thousands of invoices."""
        if runs not in self.details:
            self.details[runs] = " + ".join(
                (self.one_day if days == 1 else self.days)
                % {"days": days, "rate": self.percent(rate)}
                for days, rate in runs
            )
        return self.details[runs]

    def percent(self, rate):
        return f"{rate:.2f}".replace(".", self.decimal_point)

    def interest(self, invoice, detail):
        """The interest line's label, ``detail`` being :meth:`detail`'s."""
        return self.interest_label % {"invoice": invoice, "detail": detail}

    def indemnity(self, invoice):
        return self.env._("Fixed recovery indemnity on %(invoice)s", invoice=invoice)

    def fee(self, invoice):
        if invoice:
            return self.env._(
                "Reminder fee (%(level)s) on %(invoice)s", level=self.level_name, invoice=invoice
            )
        return self.env._("Reminder fee (%(level)s)", level=self.level_name)
