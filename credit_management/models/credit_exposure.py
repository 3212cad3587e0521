from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.exposure import COMPONENTS, Exposure


class CreditExposure(models.AbstractModel):
    """Reads customers' exposure (encours) straight from the ledger.

    One SQL query returns every component of every commercial partner asked
    for (or of all of them), already in company currency: posted items at the
    rate of their document (``amount_residual``), open orders at today's rate.
    Child contacts and addresses count toward their commercial partner.
    """

    _name = "credit.exposure"
    _description = "Customer Exposure"

    @api.model
    def _companies(self, company):
        """The company and its branches: they share customers' receivables,
        as in Odoo's own ``res.partner.credit``."""
        return self.env["res.company"].browse(
            company_id
            for (company_id,) in self.env.execute_query(
                SQL(
                    "SELECT id FROM res_company WHERE parent_path LIKE %s",
                    f"{company.sudo().root_id.parent_path}%",
                )
            )
        )

    @api.model
    def _read(self, company, partner_ids=None):
        """Return ``{commercial partner id: Exposure}`` for ``partner_ids``
        (commercial partners) or, when None, for every partner with exposure."""
        rows = self.env.execute_query(self._query(company, partner_ids))
        return {
            row[0]: Exposure(
                **dict(zip(COMPONENTS, map(float, row[1:6]), strict=True)), oldest_overdue=row[6]
            )
            for row in rows
        }

    @api.model
    def _query(self, company, partner_ids=None):
        """SQL giving one row per commercial partner: ``partner_id``, the five
        components in ``COMPONENTS`` order, ``oldest_overdue``.  Each source
        is summed per partner first, so only one row per partner and source
        meets the final join, however many items a customer has."""
        self._flush()
        companies = tuple(self._companies(company).ids)

        def among(column):
            if partner_ids is None:
                return SQL("TRUE")
            return SQL("%s IN %s", SQL(column), tuple(partner_ids) or (None,))

        return SQL(
            """
            WITH receivables AS (%(receivables)s), drafts AS (%(drafts)s), orders AS (%(orders)s)
            SELECT partner_id,
                   COALESCE(receivables.not_due, 0) AS not_due,
                   COALESCE(receivables.overdue, 0) AS overdue,
                   COALESCE(drafts.draft_invoices, 0) AS draft_invoices,
                   COALESCE(orders.sale_orders, 0) AS sale_orders,
                   COALESCE(receivables.unapplied, 0) AS unapplied,
                   receivables.oldest_overdue
              FROM receivables
         FULL JOIN drafts USING (partner_id)
         FULL JOIN orders USING (partner_id)
            """,
            receivables=self._receivables_query(
                companies, fields.Date.context_today(self), partner_ids
            ),
            drafts=self._draft_invoices_query(companies, among("move.commercial_partner_id")),
            orders=self._sale_orders_query(
                company, companies, among("partner.commercial_partner_id")
            ),
        )

    def _flush(self):
        self.env["account.move.line"].flush_model(
            [
                "account_id",
                "amount_residual",
                "company_id",
                "date_maturity",
                "parent_state",
                "partner_id",
            ]
        )
        self.env["account.move"].flush_model(
            ["amount_total_signed", "commercial_partner_id", "company_id", "move_type", "state"]
        )
        self.env["sale.order.line"].flush_model(
            ["display_type", "price_total", "product_uom_qty", "qty_delivered", "qty_invoiced"]
        )
        self.env["sale.order"].flush_model(
            ["company_id", "currency_id", "partner_invoice_id", "state"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])

    def _receivables_query(self, companies, today, partner_ids):
        """Open posted receivable items: a debit still owed is not due or
        overdue by its due date; a credit left over (payment or credit note
        not matched with an invoice) is unapplied and lowers the exposure.

        The conditions on ``amount_residual`` and ``parent_state`` match the
        partial index on open items (see account_move_line.py).  For given
        partners, a LATERAL subquery reads each partner's items through that
        index; PostgreSQL would otherwise scan every open item of the ledger
        for a few hundred customers."""
        figures = SQL(
            """
                   SUM(line.amount_residual) FILTER (
                       WHERE line.amount_residual > 0
                         AND (line.date_maturity >= %(today)s OR line.date_maturity IS NULL)
                   ) AS not_due,
                   SUM(line.amount_residual) FILTER (
                       WHERE line.amount_residual > 0 AND line.date_maturity < %(today)s
                   ) AS overdue,
                   SUM(line.amount_residual) FILTER (WHERE line.amount_residual < 0) AS unapplied,
                   MIN(line.date_maturity) FILTER (
                       WHERE line.amount_residual > 0 AND line.date_maturity < %(today)s
                   ) AS oldest_overdue
            """,
            today=today,
        )
        open_items = SQL(
            """
                   line.amount_residual != 0
               AND line.parent_state = 'posted'
               AND line.company_id IN %(companies)s
               AND line.account_id IN (SELECT id FROM account_account
                                        WHERE account_type = 'asset_receivable')
            """,
            companies=companies,
        )
        if partner_ids is None:
            return SQL(
                """
                SELECT partner.commercial_partner_id AS partner_id, %(figures)s
                  FROM account_move_line line
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE %(open_items)s
                 GROUP BY partner.commercial_partner_id
                """,
                figures=figures,
                open_items=open_items,
            )
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   SUM(items.not_due) AS not_due,
                   SUM(items.overdue) AS overdue,
                   SUM(items.unapplied) AS unapplied,
                   MIN(items.oldest_overdue) AS oldest_overdue
              FROM res_partner partner,
                   LATERAL (SELECT %(figures)s
                              FROM account_move_line line
                             WHERE line.partner_id = partner.id AND %(open_items)s) items
             WHERE partner.commercial_partner_id IN %(partner_ids)s
             GROUP BY partner.commercial_partner_id
            """,
            figures=figures,
            open_items=open_items,
            partner_ids=tuple(partner_ids) or (None,),
        )

    def _draft_invoices_query(self, companies, in_partners):
        return SQL(
            """
            SELECT move.commercial_partner_id AS partner_id,
                   SUM(move.amount_total_signed) AS draft_invoices
              FROM account_move move
             WHERE move.state = 'draft'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.company_id IN %(companies)s
               AND %(in_partners)s
             GROUP BY move.commercial_partner_id
            """,
            companies=companies,
            in_partners=in_partners,
        )

    def _sale_orders_query(self, company, companies, in_partners):
        """What confirmed orders still have to invoice, taxes included, at
        today's rate.  Unlike ``sale.order.amount_to_invoice`` the quantity
        already on a draft invoice is left out: that draft is counted in its
        own component, and counting it twice would overstate the exposure."""
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   SUM(
                       GREATEST(
                           CASE WHEN template.invoice_policy = 'delivery' THEN line.qty_delivered
                                ELSE line.product_uom_qty END - line.qty_invoiced,
                           0
                       ) * line.price_total / line.product_uom_qty * rate.rate
                   ) AS sale_orders
              FROM sale_order_line line
              JOIN sale_order so ON so.id = line.order_id
              JOIN res_partner partner ON partner.id = so.partner_invoice_id
              JOIN %(rates)s ON rate.currency_id = so.currency_id
         LEFT JOIN product_product product ON product.id = line.product_id
         LEFT JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE so.state = 'sale'
               AND so.company_id IN %(companies)s
               AND line.display_type IS NULL
               AND line.product_uom_qty != 0
               AND %(in_partners)s
             GROUP BY partner.commercial_partner_id
            """,
            rates=self._order_rates(company, companies),
            companies=companies,
            in_partners=in_partners,
        )

    def _order_rates(self, company, companies):
        """Today's rate of each currency used by confirmed orders, as a
        ``rate(currency_id, rate)`` relation to join."""
        currency_ids = [
            currency_id
            for (currency_id,) in self.env.execute_query(
                SQL(
                    "SELECT DISTINCT currency_id FROM sale_order"
                    " WHERE state = 'sale' AND company_id IN %s",
                    companies,
                )
            )
        ]
        currencies = self.env["res.currency"].browse(currency_ids)
        today = fields.Date.context_today(self)
        rates = [
            SQL(
                "(%s, %s::numeric)",
                currency.id,
                currency._get_conversion_rate(currency, company.currency_id, company, today),
            )
            for currency in currencies
        ] or [SQL("(NULL::integer, NULL::numeric)")]
        return SQL("(VALUES %s) AS rate(currency_id, rate)", SQL(", ").join(rates))

    # ---------------------------------------------------------------- drill-down

    @api.model
    def _documents_action(self, company, partner, component):
        """Window action listing the documents behind one component."""
        titles = {
            "not_due": self.env._("Receivables Not Yet Due"),
            "overdue": self.env._("Overdue Receivables"),
            "unapplied": self.env._("Unapplied Payments and Credit Notes"),
            "draft_invoices": self.env._("Draft Invoices"),
            "sale_orders": self.env._("Sales Not Yet Invoiced"),
        }
        if component not in titles:
            raise UserError(self.env._("Unknown exposure component: %s", component))
        model, domain = self._documents_domain(company, partner, component)
        return self._action(titles[component], model, domain)

    def _documents_domain(self, company, partner, component):
        companies = self._companies(company).ids
        if component == "draft_invoices":
            return "account.move", [
                ("company_id", "in", companies),
                ("state", "=", "draft"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("commercial_partner_id", "=", partner.id),
            ]
        if component == "sale_orders":
            return "sale.order", [
                ("company_id", "in", companies),
                ("state", "=", "sale"),
                ("invoice_status", "!=", "invoiced"),
                ("partner_invoice_id", "child_of", partner.id),
            ]
        today = fields.Date.context_today(self)
        by_component = {
            "not_due": [
                ("amount_residual", ">", 0),
                "|",
                ("date_maturity", "=", False),
                ("date_maturity", ">=", today),
            ],
            "overdue": [("amount_residual", ">", 0), ("date_maturity", "<", today)],
            "unapplied": [("amount_residual", "<", 0)],
        }
        return "account.move.line", [
            ("company_id", "in", companies),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("partner_id", "child_of", partner.id),
            *by_component[component],
        ]

    def _action(self, name, model, domain):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": domain,
            "context": {"create": False},
        }
