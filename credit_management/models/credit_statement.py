import binascii
import json
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import hash_sign, verify_hash_signed

from ..tools.ageing import DEFAULT_BOUNDS
from ..tools.statement import running_balance

TOKEN_SCOPE = "credit_management.statement"
# Sort keys of the open items a caller may ask for: key -> ORDER BY
ITEM_ORDERS = {
    "date_maturity": SQL("item.date_maturity, item.id"),
    "date": SQL("item.date DESC, item.id DESC"),
    "name": SQL("move.name, item.id"),
    "residual": SQL("item.residual_currency DESC, item.id"),
    "days_past": SQL("item.days_past DESC, item.id"),
}
LAST_PAYMENTS = 5
# customers sent their monthly statement between two commits of the scheduled action
MONTHLY_BATCH = 20


class CreditStatement(models.AbstractModel):
    """Customer statements: one data producer for the portal page, the PDF
    and the e-mail.

    Every method takes commercial partners and one company and returns plain
    dicts.  The open items are those of the aged balance at today's date
    (``credit.aged.balance``), restricted to the partners before anything is
    read, in the document currency: a customer pays invoices in their own
    currency.  Each figure is one set-based query whatever the number of
    items or customers.  Callers check access first: the queries read as
    the superuser would, within the company given.
    """

    _name = "credit.statement"
    _description = "Customer Statement"

    # ------------------------------------------------------------ open items

    @api.model
    def _items_source(self, partners, company) -> SQL:
        """The aged balance rows of ``partners`` in ``company`` today."""
        aged = self.env["credit.aged.balance"].with_context(
            allowed_company_ids=[company.id],
            credit_as_of=fields.Date.context_today(self),
            credit_ageing_basis="due",
            credit_ageing_bounds=self._bounds(company),
            credit_partner_ids=tuple(partners.ids),
        )
        return SQL("(%s) item", aged._table_query)

    @api.model
    def _bounds(self, company):
        bucket_set = self.env["credit.aged.bucket.set"].search(
            [("company_id", "in", (company.id, False))], limit=1
        )
        return bucket_set._bounds() if bucket_set else DEFAULT_BOUNDS

    @api.model
    def _items_where(self, overdue_only=False, currency_id=None) -> SQL:
        conditions = [SQL("TRUE")]
        if overdue_only:
            conditions.append(SQL("item.days_past > 0"))
        if currency_id:
            conditions.append(SQL("item.document_currency_id = %s", currency_id))
        return SQL(" AND ").join(conditions)

    @api.model
    def _open_items(
        self,
        partners,
        company,
        order="date_maturity",
        overdue_only=False,
        currency_id=None,
        limit=None,
        offset=0,
    ):
        """Open items as dicts, in ``order`` (a key of ``ITEM_ORDERS``), one
        page of ``limit`` items from ``offset`` when a limit is given.  The
        columns of the document come from this query's own join: read from
        the aged balance, they would make it look each document up too."""
        self.env.flush_all()
        lang = self.env.lang or "en_US"
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT item.id, item.partner_id, item.move_id, move.name,
                       %(document_type)s AS document_type, item.date, item.date_maturity,
                       item.days_past, move.credit_disputed AS disputed,
                       item.document_currency_id AS currency_id,
                       item.amount_currency AS amount, item.residual_currency AS residual,
                       move.move_type = 'out_invoice' AS payable,
                       COALESCE(level.name->>%(lang)s, level.name->>'en_US') AS dunning_level
                  FROM %(items)s
                  JOIN account_move move ON move.id = item.move_id
             LEFT JOIN credit_dunning_level level ON level.id = move.credit_dunning_level_id
                 WHERE %(where)s
              ORDER BY item.partner_id, %(order)s
                 LIMIT %(limit)s OFFSET %(offset)s
                """,
                lang=lang,
                document_type=self.env["credit.aged.balance"]._document_type("move"),
                items=self._items_source(partners, company),
                where=self._items_where(overdue_only, currency_id),
                order=ITEM_ORDERS[order],
                limit=limit,
                offset=offset,
            )
        )
        currencies = self.env["res.currency"].browse({row["currency_id"] for row in rows})
        currencies.fetch(["name", "symbol", "decimal_places", "position"])
        currency_of = {currency.id: currency for currency in currencies}
        for row in rows:
            row["currency"] = currency_of[row["currency_id"]]
        return rows

    @api.model
    def _summary(self, partners, company, overdue_only=False, currency_id=None):
        """Per partner, a list of one dict per document currency: total due,
        total overdue, item count and the aged buckets, from one GROUP BY."""
        self.env.flush_all()
        bounds = self._bounds(company)
        lowers = (None, 0, *bounds)
        uppers = (0, *bounds, None)
        buckets = []
        for lower, upper in zip(lowers, uppers, strict=True):
            conditions = [SQL("TRUE")]
            if lower is not None:
                conditions.append(SQL("item.days_past > %s", lower))
            if upper is not None:
                conditions.append(SQL("item.days_past <= %s", upper))
            buckets.append(
                SQL(
                    "COALESCE(SUM(item.residual_currency) FILTER (WHERE %s), 0)",
                    SQL(" AND ").join(conditions),
                )
            )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT item.partner_id, item.document_currency_id, COUNT(*),
                       SUM(item.residual_currency),
                       COALESCE(SUM(item.residual_currency) FILTER (WHERE item.days_past > 0), 0),
                       ARRAY[%(buckets)s]
                  FROM %(items)s
                 WHERE %(where)s
              GROUP BY item.partner_id, item.document_currency_id
              ORDER BY item.partner_id, item.document_currency_id
                """,
                buckets=SQL(", ").join(buckets),
                items=self._items_source(partners, company),
                where=self._items_where(overdue_only, currency_id),
            )
        )
        labels = self.env["credit.aged.bucket.set"]._labels(bounds)
        summary = defaultdict(list)
        for partner_id, currency_id_, count, total, overdue, amounts in rows:
            summary[partner_id].append(
                {
                    "currency": self.env["res.currency"].browse(currency_id_),
                    "count": count,
                    "total": total,
                    "overdue": overdue,
                    "buckets": list(zip(labels, amounts, strict=True)),
                }
            )
        return summary

    @api.model
    def _last_payments(self, partner, company, limit=LAST_PAYMENTS):
        """The customer payments of ``partner`` received last, newest first."""
        return self.env["account.payment"].search_fetch(
            [
                ("partner_id", "child_of", partner.id),
                ("company_id", "=", company.id),
                ("partner_type", "=", "customer"),
                ("payment_type", "=", "inbound"),
                ("state", "in", ("in_process", "paid")),
            ],
            ["name", "date", "amount", "currency_id", "memo"],
            order="date desc, id desc",
            limit=limit,
        )

    # -------------------------------------------------------------- activity

    @api.model
    def _activity(self, partners, company, date_from, date_to):
        """Per partner, one dict per document currency: the opening balance
        on ``date_from``, the movements until ``date_to`` (one per document,
        with the running balance) and the closing balance."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, line.currency_id,
                       CASE WHEN line.date < %(date_from)s THEN NULL ELSE line.move_id END,
                       MIN(line.date), SUM(line.amount_currency)
                  FROM account_move_line line
                  JOIN res_partner partner ON partner.id = line.partner_id
                  JOIN account_account account ON account.id = line.account_id
                 WHERE account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   AND line.company_id = %(company)s
                   AND line.date <= %(date_to)s
                   AND line.amount_currency != 0
                   AND partner.commercial_partner_id IN %(partners)s
              GROUP BY 1, 2, 3
              ORDER BY 1, 2, 4, 3 NULLS FIRST
                """,
                date_from=date_from,
                date_to=date_to,
                company=company.id,
                partners=tuple(partners.ids) or (None,),
            )
        )
        moves = self.env["account.move"].browse({row[2] for row in rows if row[2]})
        moves.fetch(["name", "move_type", "origin_payment_id", "invoice_date_due"])
        grouped = defaultdict(lambda: {"opening": 0.0, "movements": []})
        for partner_id, currency_id, move_id, date, amount in rows:
            group = grouped[partner_id, currency_id]
            if move_id is None:
                group["opening"] = amount
            else:
                group["movements"].append((date, moves.browse(move_id), amount))
        activity = defaultdict(list)
        for (partner_id, currency_id), group in grouped.items():
            movements = group["movements"]
            balances, closing = running_balance(
                group["opening"], [amount for _date, _move, amount in movements]
            )
            activity[partner_id].append(
                {
                    "currency": self.env["res.currency"].browse(currency_id),
                    "opening": group["opening"],
                    "lines": [
                        {
                            "date": date,
                            "move": move,
                            "kind": self._movement_kind(move),
                            "amount": amount,
                            "balance": balance,
                        }
                        for (date, move, amount), (_amount, balance) in zip(
                            movements, balances, strict=True
                        )
                    ],
                    "closing": closing,
                }
            )
        return activity

    @api.model
    def _movement_kind(self, move):
        if move.move_type in ("out_invoice", "out_receipt"):
            return self.env._("Invoice")
        if move.move_type == "out_refund":
            return self.env._("Credit Note")
        if move.origin_payment_id:
            return self.env._("Payment")
        return self.env._("Other Entry")

    # ------------------------------------------------------------ signed link

    @api.model
    def _sign_link(self, partner, company):
        """A token opening the statement of ``partner`` (commercial) in
        ``company`` for the company's number of days, until the partner's
        links are revoked (its version changes)."""
        partner = partner.commercial_partner_id
        return hash_sign(
            self.env(su=True),
            TOKEN_SCOPE,
            {
                "partner": partner.id,
                "company": company.id,
                "version": partner.sudo().credit_statement_link_version,
            },
            expiration=timedelta(days=company.credit_statement_link_days),
        )

    @api.model
    def _from_token(self, token):
        """``(partner, company)`` of a valid token, both empty otherwise:
        a tampered, expired or revoked token and an unknown partner look
        the same to the caller."""
        nobody = (self.env["res.partner"], self.env["res.company"])
        try:
            values = verify_hash_signed(self.env(su=True), TOKEN_SCOPE, token or "")
        except (ValueError, binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
            return nobody
        if not isinstance(values, dict):
            return nobody
        partner_id, company_id = values.get("partner"), values.get("company")
        if not isinstance(partner_id, int) or not isinstance(company_id, int):
            return nobody
        partner = self.env["res.partner"].sudo().browse(partner_id).exists()
        company = self.env["res.company"].sudo().browse(company_id).exists()
        if (
            not partner
            or not company
            or partner.commercial_partner_id != partner
            or partner.credit_statement_link_version != values.get("version")
            or (partner.company_id and partner.company_id != company)
        ):
            return nobody
        return partner, company

    @api.model
    def _link(self, partner, company):
        """The absolute URL of the signed statement link."""
        return f"{company.get_base_url()}/my/statement?token={self._sign_link(partner, company)}"

    # --------------------------------------------------------------- sending

    @api.model
    def _send(self, partners, company, data=None):
        """E-mail each of ``partners`` its statement (PDF of the variant in
        ``data``, outstanding by default) with the signed link, from the
        customer's chatter to its invoice address."""
        template = self.env.ref("credit_management.mail_template_credit_statement")
        data = {"variant": "outstanding", **(data or {}), "company_id": company.id}
        Report = self.env["ir.actions.report"].with_company(company)
        for partner in partners.commercial_partner_id:
            partner = partner.with_company(company)
            pdf, _type = Report.with_context(lang=partner.lang)._render_qweb_pdf(
                "credit_management.action_report_credit_statement", partner.ids, data=data
            )
            attachment = self.env["ir.attachment"].create(
                {
                    "name": self.env._("Statement %(customer)s.pdf", customer=partner.name),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    # a pending composer attachment: posting moves it to the message's record
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
            recipient = self.env["res.partner"].browse(partner.address_get(["invoice"])["invoice"])
            partner.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipient.ids,
                attachment_ids=[Command.set(attachment.ids)],
            )

    @api.model
    def _cron_send_monthly(self):
        """Send the monthly statement to the customers who opted in and have
        not had this month's yet, in batches committed one by one, so an
        interrupted run resumes where it stopped and sends nothing twice."""
        Cron = self.env["ir.cron"]
        month_start = fields.Date.context_today(self).replace(day=1)
        for company in self.env["res.company"].search([]):
            Partner = self.env["res.partner"].with_company(company)
            domain = [
                ("credit_statement_monthly", "=", True),
                "|",
                ("credit_statement_last_sent", "=", False),
                ("credit_statement_last_sent", "<", month_start),
            ]
            remaining = Partner.search_count(domain)
            while batch := Partner.search(domain, limit=MONTHLY_BATCH, order="id"):
                self.with_company(company)._send(batch, company)
                batch.credit_statement_last_sent = fields.Date.context_today(self)
                remaining = max(remaining - len(batch), 0)
                if Cron._commit_progress(len(batch), remaining=remaining) <= 0:
                    return
