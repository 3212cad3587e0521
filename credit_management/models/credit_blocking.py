from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning
from odoo.tools import SQL, float_compare
from odoo.tools.misc import format_amount, format_date

from ..tools.blocking import HOLD, LIMIT, OVERDUE, blocking_reasons
from ..tools.exposure import Exposure, days_overdue

# Why one order is blocked, with the figures a credit manager decides on.
CreditDecision = namedtuple(
    "CreditDecision", "order partner reasons limit exposure total order_amount rules"
)


class CreditBlocking(models.AbstractModel):
    """Decides whether sales orders may be confirmed given their customers'
    credit, for every path that confirms an order (button, portal signature,
    online payment, approvals)."""

    _name = "credit.blocking"
    _description = "Credit Checks on Sales Orders"

    @api.model
    def _blocked_orders(self, orders):
        """Return the ``CreditDecision`` of each order of ``orders`` that its
        customer's credit blocks.  Each order is judged in its own company."""
        to_check = orders.filtered(
            lambda o: o.state in ("draft", "sent") and not o._credit_check_waived()
        )
        decisions = []
        for company, company_orders in to_check.grouped("company_id").items():
            decisions += self.with_company(company)._blocked_in_company(company_orders)
        return decisions

    def _blocked_in_company(self, orders):
        """Locks the customers first (see ``_lock_partners``) so that two
        orders checked at the same time for the same customer cannot both
        pass; orders of one batch count toward each other."""
        company = self.env.company
        partners = orders.partner_invoice_id.commercial_partner_id.with_company(company).sudo()
        self._lock_partners(partners)
        exposures = self.env["credit.exposure"]._read(company, partners.ids)
        limits = partners._credit_limits(company)  # own > segment > company default
        today = fields.Date.context_today(self)
        digits = company.currency_id.decimal_places
        pending = dict.fromkeys(partners.ids, 0.0)  # earlier orders of this batch
        decisions = []
        for order in orders:
            partner = partners.browse(order.partner_invoice_id.commercial_partner_id.id)
            exposure = exposures.get(partner.id) or Exposure()
            rules = partner._credit_rules()
            amount = order._credit_amount_company_currency()
            limit = limits[partner.id][0]
            reasons = blocking_reasons(
                partner.credit_hold,
                limit,
                exposure,
                pending[partner.id] + amount,
                rules,
                today,
                digits,
            )
            pending[partner.id] += amount
            if reasons:
                decisions.append(
                    CreditDecision(
                        order,
                        partner,
                        reasons,
                        limit,
                        exposure,
                        exposure.total(rules.included),
                        amount,
                        rules,
                    )
                )
        return decisions

    @api.model
    def _lock_partners(self, partners):
        """Serialise credit checks per customer across workers and servers.

        Odoo runs transactions in REPEATABLE READ: a plain lock would let the
        second check wait, then decide on its old snapshot without the first
        order.  Rewriting the customer's row instead makes PostgreSQL wait for
        the first transaction and then fail the second one with a
        serialization error, which Odoo retries with a fresh snapshot that
        includes the first order.  Ids are sorted to avoid deadlocks."""
        if partners:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET write_date = write_date WHERE id IN %s",
                    tuple(sorted(partners.ids)),
                )
            )

    # ------------------------------------------------------------------ messages

    @api.model
    def _error(self, decision):
        """The error shown to the user who tried to confirm, with a button to
        ask for approval (or, for a Credit Manager, to confirm with a reason)."""
        is_manager = self.env.user.has_group("credit_management.group_credit_manager")
        return RedirectWarning(
            self._explain(decision),
            "credit_management.action_credit_approval_wizard",
            self.env._("Confirm with a Reason") if is_manager else self.env._("Request Approval"),
            {
                "default_order_id": decision.order.id,
                "default_mode": "override" if is_manager else "request",
            },
        )

    @api.model
    def _explain(self, decision):
        """Plain-text explanation: why, then the figures."""
        env = self.env
        currency = env.company.currency_id
        partner = decision.partner

        def money(amount):
            return format_amount(env, amount, currency)

        why = {
            HOLD: env._(
                "%(partner)s is on credit hold (%(reason)s).",
                partner=partner.display_name,
                reason=partner.credit_hold_reason or env._("no reason given"),
            ),
            LIMIT: env._(
                "This order takes %(partner)s over its credit limit of %(limit)s "
                "(tolerance %(tolerance)s %%).",
                partner=partner.display_name,
                limit=money(decision.limit),
                tolerance=decision.rules.tolerance,
            ),
            OVERDUE: env._(
                "%(partner)s has an item overdue for %(days)s days (the limit is %(max)s).",
                partner=partner.display_name,
                days=days_overdue(
                    decision.exposure.oldest_overdue, fields.Date.context_today(self)
                ),
                max=decision.rules.overdue_days,
            ),
        }
        exposure = decision.exposure
        lines = [
            env._("Order %(order)s cannot be confirmed:", order=decision.order.name),
            *(f"- {why[reason]}" for reason in decision.reasons),
            "",
            env._("Credit limit: %s", money(decision.limit)),
            env._("Exposure: %s", money(decision.total)),
            env._("  Receivables not yet due: %s", money(exposure.not_due)),
            env._("  Overdue receivables: %s", money(exposure.overdue)),
            env._("  Draft invoices: %s", money(exposure.draft_invoices)),
            env._("  Sales not yet invoiced: %s", money(exposure.sale_orders)),
            env._("  Unapplied payments and credit notes: %s", money(exposure.unapplied)),
            env._("This order: %s", money(decision.order_amount)),
        ]
        if exposure.oldest_overdue:
            lines.append(
                env._(
                    "Oldest overdue item: due on %(date)s",
                    date=format_date(env, exposure.oldest_overdue),
                )
            )
        return "\n".join(lines)

    @api.model
    def _amount_covered(self, approved_amount, order):
        """Whether an approval given for ``approved_amount`` (order currency)
        still covers the order: not if its total has grown since."""
        return (
            float_compare(
                order.amount_total, approved_amount, precision_rounding=order.currency_id.rounding
            )
            <= 0
        )
