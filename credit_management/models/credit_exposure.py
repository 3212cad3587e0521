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
        return self.env["res.company"].sudo().search([("id", "child_of", company.root_id.id)])

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
        """SQL giving one row per commercial partner: its id, the five
        components in ``COMPONENTS`` order, the oldest overdue due date."""
        self._flush()
        companies = tuple(self._companies(company).ids)
        today = fields.Date.context_today(self)
        in_partners = (
            SQL("partner.commercial_partner_id IN %s", tuple(partner_ids))
            if partner_ids is not None
            else SQL("TRUE")
        )
        return SQL(
            """
            WITH items AS (%(receivables)s UNION ALL %(drafts)s UNION ALL %(orders)s)
            SELECT partner_id,
                   COALESCE(SUM(amount) FILTER (WHERE component = 'not_due'), 0) AS not_due,
                   COALESCE(SUM(amount) FILTER (WHERE component = 'overdue'), 0) AS overdue,
                   COALESCE(SUM(amount) FILTER (WHERE component = 'draft_invoices'), 0)
                       AS draft_invoices,
                   COALESCE(SUM(amount) FILTER (WHERE component = 'sale_orders'), 0)
                       AS sale_orders,
                   COALESCE(SUM(amount) FILTER (WHERE component = 'unapplied'), 0) AS unapplied,
                   MIN(due_date) FILTER (WHERE component = 'overdue') AS oldest_overdue
              FROM items
             GROUP BY partner_id
            """,
            receivables=self._receivables_query(companies, today, in_partners),
            drafts=self._draft_invoices_query(companies, in_partners),
            orders=self._sale_orders_query(company, companies, in_partners),
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
                "reconciled",
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

    def _receivables_query(self, companies, today, in_partners):
        """Open posted receivable items: a debit still owed is not due or
        overdue by its due date; a credit left over (payment or credit note
        not matched with an invoice) is unapplied and lowers the exposure."""
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   CASE WHEN line.amount_residual < 0 THEN 'unapplied'
                        WHEN line.date_maturity < %(today)s THEN 'overdue'
                        ELSE 'not_due' END AS component,
                   line.amount_residual AS amount,
                   line.date_maturity AS due_date
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE line.company_id IN %(companies)s
               AND line.parent_state = 'posted'
               AND account.account_type = 'asset_receivable'
               AND NOT line.reconciled
               AND line.amount_residual != 0
               AND %(in_partners)s
            """,
            today=today,
            companies=companies,
            in_partners=in_partners,
        )

    def _draft_invoices_query(self, companies, in_partners):
        return SQL(
            """
            SELECT partner.commercial_partner_id, 'draft_invoices', move.amount_total_signed, NULL
              FROM account_move move
              JOIN res_partner partner ON partner.id = move.commercial_partner_id
             WHERE move.company_id IN %(companies)s
               AND move.state = 'draft'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND %(in_partners)s
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
            SELECT partner.commercial_partner_id, 'sale_orders',
                   GREATEST(
                       CASE WHEN template.invoice_policy = 'delivery' THEN line.qty_delivered
                            ELSE line.product_uom_qty END - line.qty_invoiced,
                       0
                   ) * line.price_total / line.product_uom_qty * rate.rate,
                   NULL
              FROM sale_order_line line
              JOIN sale_order so ON so.id = line.order_id
              JOIN res_partner partner ON partner.id = so.partner_invoice_id
              JOIN %(rates)s ON rate.currency_id = so.currency_id
              LEFT JOIN product_product product ON product.id = line.product_id
              LEFT JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE so.company_id IN %(companies)s
               AND so.state = 'sale'
               AND line.display_type IS NULL
               AND line.product_uom_qty != 0
               AND %(in_partners)s
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
