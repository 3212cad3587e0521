from collections import namedtuple
from itertools import groupby

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


class CreditPenaltyCharge(models.AbstractModel):
    """Charges late-payment penalties at the reminders of a run whose level
    charges them, set-based:

    1. one query reads every late invoice of those reminders' customers in
       their currency, with what the ledger (``credit.penalty.line``)
       already charged on it, its payments and its dispute periods;
    2. ``tools.penalty`` computes each invoice's interest, indemnity and
       fee, and a day no rate covers stops everything before anything is
       written;
    3. one ``create`` writes every ledger line, "to invoice", linked to its
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
        communications = communications.filtered(lambda c: c.level_id.charge_penalties)
        if not communications:
            return self.env["credit.penalty.line"]
        company = communications.company_id.ensure_one()
        run_date = communications.run_id.ensure_one().run_date
        rates = company._credit_penalty_rates()
        rows = self._read_late(company, run_date, communications)
        by_id = {communication.id: communication for communication in communications}
        charges = []
        for communication_id, group in groupby(rows, lambda row: row.communication_id):
            communication = by_id[communication_id]
            charges.append((communication, self._lines_of(communication, list(group), rates)))
        if company.credit_penalty_fee_mode == "communication":
            found = dict(charges)
            charges = [
                (communication, found.get(communication, []) + self._reminder_fee(communication))
                for communication in communications
            ]
        return self._write_ledger([line for _communication, lines in charges for line in lines])

    @api.model
    def _write_ledger(self, values):
        """Insert the ledger lines ``values``, to invoice, in one INSERT:
        ``create`` costs about 0.2 ms a line, 20 s for the 100,000 late
        invoices of a large run.  The model has nothing computed nor
        tracked to maintain; the unique indexes still guard the rules."""
        Line = self.env["credit.penalty.line"]
        if not values:
            return Line
        columns = [
            ("company_id", "int"),
            ("partner_id", "int"),
            ("currency_id", "int"),
            ("move_id", "int"),
            ("kind", "varchar"),
            ("level_id", "int"),
            ("communication_id", "int"),
            ("date_from", "date"),
            ("date_to", "date"),
            ("detail", "varchar"),
            ("name", "varchar"),
            ("amount", "numeric"),
        ]
        arrays = [
            [line.get(name) or None if name != "amount" else line[name] for line in values]
            for name, _type in columns
        ]
        Line.flush_model()
        ids = self.env.execute_query(
            SQL(
                """
                INSERT INTO credit_penalty_line
                       (%(names)s, state, create_uid, create_date, write_uid, write_date)
                SELECT *, 'to_invoice', %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(arrays)s)
                RETURNING id
                """,
                names=SQL(", ").join(SQL.identifier(name) for name, _type in columns),
                arrays=SQL(", ").join(
                    SQL(f"%s::{type_}[]", array)
                    for (_name, type_), array in zip(columns, arrays, strict=True)
                ),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        lines = Line.browse([row[0] for row in ids])
        communications = self.env["credit.dunning.communication"].browse(
            {line["communication_id"] for line in values}
        )
        communications.invalidate_recordset(["credit_penalty_line_ids", "credit_penalty_amount"])
        return lines

    # ----------------------------------------------------------------- read

    @api.model
    def _read_late(self, company, run_date, communications):
        self.env.flush_all()
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
            ),
            receivable AS (
                SELECT id FROM account_account WHERE account_type = 'asset_receivable'
            )
            -- per invoice, its ledger, payments, disputes and reminder
            -- lines through their move_id indexes: linear in the invoices,
            -- whatever PostgreSQL estimates for reminders just created
            SELECT late.communication_id, late.move_id, late.name, late.amount_total,
                   late.invoice_date_due, late.open, late.business,
                   reminded.found IS TRUE,
                   ledger.last_charged, ledger.indemnity_charged IS TRUE,
                   COALESCE(ledger.fee_level_ids, '{}'),
                   COALESCE(payments.dates, '{}'), COALESCE(payments.amounts, '{}'),
                   COALESCE(disputes.starts, '{}'), COALESCE(disputes.ends, '{}')
              FROM late
              LEFT JOIN LATERAL (
                    SELECT MAX(line.date_to) FILTER (WHERE line.kind = 'interest')
                               AS last_charged,
                           BOOL_OR(line.kind = 'indemnity') AS indemnity_charged,
                           ARRAY_AGG(line.level_id) FILTER (WHERE line.kind = 'fee')
                               AS fee_level_ids
                      FROM credit_penalty_line line
                     WHERE line.move_id = late.move_id AND line.state != 'cancelled'
                   ) ledger ON TRUE
              LEFT JOIN LATERAL (
                    -- what was paid (or credited) on its receivable lines,
                    -- in the invoice currency, by date
                    SELECT ARRAY_AGG(part.max_date ORDER BY part.max_date, part.id) AS dates,
                           ARRAY_AGG(part.debit_amount_currency ORDER BY part.max_date, part.id)
                               AS amounts
                      FROM account_move_line item
                      JOIN account_partial_reconcile part ON part.debit_move_id = item.id
                     WHERE item.move_id = late.move_id
                       AND item.account_id IN (SELECT id FROM receivable)
                   ) payments ON TRUE
              LEFT JOIN LATERAL (
                    SELECT ARRAY_AGG(dispute.date) AS starts,
                           ARRAY_AGG(COALESCE(dispute.date_closed, %(run_date)s)) AS ends
                      FROM credit_dispute dispute
                     WHERE dispute.move_id = late.move_id
                       AND dispute.state IN ('open', 'resolved')
                   ) disputes ON TRUE
              LEFT JOIN LATERAL (
                    SELECT TRUE AS found
                      FROM credit_dunning_line line
                     WHERE line.move_id = late.move_id
                       AND line.communication_id = late.communication_id
                       AND line.state != 'cancelled'
                     LIMIT 1
                   ) reminded ON TRUE
             ORDER BY late.communication_id, late.invoice_date_due, late.move_id
            """,
            communications=communications.ids,
            partners=[c.partner_id.id for c in communications],
            currencies=[c.currency_id.id for c in communications],
            company=company.id,
            run_date=run_date,
            payment_states=payment_states,
        )
        return [Late(*row) for row in self.env.execute_query(query)]

    # -------------------------------------------------------------- compute

    @api.model
    def _lines_of(self, communication, rows, rates):
        """The ledger values of one reminder's late invoices: interest,
        indemnity and fee per invoice, amounts rounded per line."""
        labels = _Labels(communication)
        indemnity = labels.convert(communication.company_id.credit_penalty_indemnity)
        level = communication.level_id
        per_invoice_fee = communication.company_id.credit_penalty_fee_mode == "invoice_level"
        fee = labels.convert(level.credit_penalty_fee) if per_invoice_fee else 0.0
        lines = []
        for row in rows:
            segments = self._segments(communication, row, rates)
            interest = labels.round(sum(segment.amount for segment in segments))
            if interest:
                detail = labels.detail(describe(segments))
                lines.append(
                    labels.line(
                        row,
                        "interest",
                        interest,
                        labels.interest(row.name, detail),
                        date_from=segments[0].date_from,
                        date_to=segments[-1].date_to,
                        detail=detail,
                    )
                )
            amount = indemnity_due(indemnity, row.business, row.indemnity_charged)
            if amount:
                lines.append(labels.line(row, "indemnity", amount, labels.indemnity(row.name)))
            amount = fee_due(fee, level.id, set(row.fee_level_ids)) if row.reminded else 0.0
            if amount:
                lines.append(labels.line(row, "fee", amount, labels.fee(row.name)))
        return lines

    @api.model
    def _segments(self, communication, row, rates):
        run_date = communication.run_id.run_date
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
                    company=communication.company_id.name,
                )
            ) from missing

    @api.model
    def _reminder_fee(self, communication):
        """The level's fee, once per reminder (the company's fee mode)."""
        labels = _Labels(communication)
        amount = labels.convert(communication.level_id.credit_penalty_fee)
        if not amount:
            return []
        name = labels.fee(None)
        return [labels.line(None, "fee", amount, name)]

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


class _Labels:
    """Amounts and self-explaining labels of one reminder's penalty lines,
    in its currency and its customer's language."""

    def __init__(self, communication):
        self.communication = communication
        customer = communication.partner_id
        company = communication.company_id
        lang = customer.lang or company.partner_id.lang or communication.env.lang or "en_US"
        self.env = communication.with_context(lang=lang).env
        self.level_name = communication.with_context(lang=lang).level_id.name
        self.decimal_point = self.env["res.lang"]._get_data(code=lang).decimal_point or "."
        self.currency = communication.currency_id
        self.company = company
        self.run_date = communication.run_id.run_date
        # read once: thousands of lines use them
        self.rounding = self.currency.rounding
        self.ids = {
            "company_id": company.id,
            "partner_id": customer.id,
            "currency_id": self.currency.id,
            "level_id": communication.level_id.id,
            "communication_id": communication.id,
        }

    def round(self, amount):
        return float_round(amount, precision_rounding=self.rounding)

    def convert(self, amount):
        """A company-currency amount (indemnity, fee) in the reminder's currency."""
        if not amount:
            return 0.0
        return self.company.currency_id._convert(amount, self.currency, self.company, self.run_date)

    def line(self, row, kind, amount, name, **values):
        return {
            **self.ids,
            "move_id": row.move_id if row else False,
            "kind": kind,
            "amount": amount,
            "name": name,
            **values,
        }

    def detail(self, runs):
        """ "46 days at 13.15 % + 45 days at 12.15 %" in the customer's language."""
        _ = self.env._
        return " + ".join(
            _("%(days)s day at %(rate)s %%", days=days, rate=self.percent(rate))
            if days == 1
            else _("%(days)s days at %(rate)s %%", days=days, rate=self.percent(rate))
            for days, rate in runs
        )

    def percent(self, rate):
        return f"{rate:.2f}".replace(".", self.decimal_point)

    def interest(self, invoice, detail):
        """The interest line's label, ``detail`` being :meth:`detail`'s."""
        return self.env._(
            "Late-payment interest on %(invoice)s: %(detail)s", invoice=invoice, detail=detail
        )

    def indemnity(self, invoice):
        return self.env._("Fixed recovery indemnity on %(invoice)s", invoice=invoice)

    def fee(self, invoice):
        if invoice:
            return self.env._(
                "Reminder fee (%(level)s) on %(invoice)s", level=self.level_name, invoice=invoice
            )
        return self.env._("Reminder fee (%(level)s)", level=self.level_name)
