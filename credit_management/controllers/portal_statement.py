from datetime import timedelta

from odoo import fields, http
from odoo.fields import Command
from odoo.http import content_disposition, request
from odoo.tools import float_compare
from odoo.tools.misc import hash_sign, verify_hash_signed

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.credit_dispute import PORTAL_DISPUTES_PER_DAY
from ..models.credit_statement import ITEM_ORDERS

PAY_SCOPE = "credit_management.statement.pay"
PAY_LINK_HOURS = 2
MESSAGE_MAX_LENGTH = 2000
REPORT = "credit_management.action_report_credit_statement"


class CreditStatementPortal(PortalAccount):
    """The customer's statement in the portal: to a logged-in contact, the
    statement of its commercial entity in its current company; to anyone
    with a signed link (``token``), the statement the link was made for.
    Anything else, a wrong id or a bad token, is a 404."""

    # ------------------------------------------------------------ access

    def _credit_statement_access(self, token=None):
        """``(partner, company)`` whose statement the request may see, in
        sudo; raises a 404 when there is none."""
        if token:
            partner, company = request.env["credit.statement"].sudo()._from_token(token)
        elif not request.env.user._is_public():
            partner = request.env.user.partner_id.commercial_partner_id.sudo()
            company = request.env.company.sudo()
        else:
            partner = company = None
        if not partner:
            raise request.not_found()
        return partner, company

    def _credit_statement_moves(self, partner, company, move_ids):
        """The posted open invoices among ``move_ids`` that belong to the
        statement, in sudo; a 404 if any id is not one of them."""
        moves = request.env["account.move"].sudo().browse(move_ids).exists()
        if (
            not move_ids
            or len(moves) != len(set(move_ids))
            or any(
                move.commercial_partner_id != partner
                or move.company_id != company
                or move.move_type != "out_invoice"
                or move.state != "posted"
                or move.currency_id.is_zero(move.amount_residual)
                for move in moves
            )
        ):
            raise request.not_found()
        return moves

    @staticmethod
    def _credit_int(value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def _credit_statement_url(self, path="/my/statement", token=None, **params):
        params = {key: value for key, value in params.items() if value}
        if token:
            params["token"] = token
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return f"{path}?{query}" if query else path

    # ------------------------------------------------------------- home

    def _prepare_home_portal_values(self, counters):
        """The /my page itself (no counters) shows the balance and what is
        overdue; the counters' RPC gets the number of open items only, as the
        page's script expects one element per key it returns."""
        values = super()._prepare_home_portal_values(counters)
        user = request.env.user
        if user._is_public() or (counters and "credit_statement_count" not in counters):
            return values
        partner = user.partner_id.commercial_partner_id.sudo()
        summary = (
            request.env["credit.statement"]
            .sudo()
            ._summary(partner, request.env.company)[partner.id]
        )
        if counters:
            values["credit_statement_count"] = sum(total["count"] for total in summary)
        else:
            values["credit_statement_summary"] = summary
        return values

    # ------------------------------------------------------------- page

    @http.route(
        ["/my/statement", "/my/statement/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def portal_credit_statement(
        self, page=1, token=None, sortby=None, filterby=None, currency=None, **kw
    ):
        if not token and request.env.user._is_public():
            return request.redirect("/web/login?redirect=/my/statement")
        partner, company = self._credit_statement_access(token)
        values = self._credit_statement_values(
            partner, company, page, token, sortby, filterby, currency
        )
        return request.render("credit_management.portal_credit_statement", values)

    def _credit_statement_values(self, partner, company, page, token, sortby, filterby, currency):
        Statement = request.env["credit.statement"].sudo().with_context(lang=request.env.lang)
        sortby = sortby if sortby in ITEM_ORDERS else "date_maturity"
        filterby = filterby if filterby in ("all", "overdue") else "all"
        summary = Statement._summary(partner, company)[partner.id]
        currency_id = self._credit_int(currency)
        if currency_id not in {total["currency"].id for total in summary}:
            currency_id = None
        overdue_only = filterby == "overdue"
        if overdue_only or currency_id:
            filtered = Statement._summary(partner, company, overdue_only, currency_id)[partner.id]
        else:
            filtered = summary
        pager = portal_pager(
            url="/my/statement",
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "currency": currency_id or "",
                "token": token or "",
            },
            total=sum(total["count"] for total in filtered),
            page=page,
            step=self._items_per_page,
        )
        items = Statement._open_items(
            partner,
            company,
            sortby,
            overdue_only,
            currency_id,
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values() if not token else {}
        values.update(
            {
                "page_name": "credit_statement",
                "partner": partner,
                "company": company,
                "token": token,
                "summary": summary,
                "items": items,
                "pager": pager,
                "sortby": sortby,
                "filterby": filterby,
                "currency_id": currency_id,
                "searchbar_sortings": {
                    "date_maturity": {"label": request.env._("Due Date")},
                    "date": {"label": request.env._("Newest")},
                    "name": {"label": request.env._("Number")},
                    "residual": {"label": request.env._("Amount Due")},
                    "days_past": {"label": request.env._("Days Overdue")},
                },
                "payments": Statement._last_payments(partner, company),
                "disputes": request.env["credit.dispute"]
                .sudo()
                .search(
                    [("partner_id", "=", partner.id), ("company_id", "=", company.id)], limit=10
                ),
                "statement_url": lambda path="/my/statement", **params: self._credit_statement_url(
                    path, token, **params
                ),
                "today": fields.Date.context_today(partner),
            }
        )
        return values

    # -------------------------------------------------------------- PDF

    @http.route("/my/statement/pdf", type="http", auth="public", website=True, sitemap=False)
    def portal_credit_statement_pdf(
        self, token=None, variant="outstanding", date_from=None, date_to=None, **kw
    ):
        partner, company = self._credit_statement_access(token)
        today = fields.Date.context_today(partner)
        data = {"variant": "outstanding", "company_id": company.id}
        if variant == "activity":
            try:
                date_to = fields.Date.to_date(date_to) or today
                date_from = fields.Date.to_date(date_from) or date_to - timedelta(days=90)
            except ValueError:
                raise request.not_found() from None
            if date_from > date_to:
                date_from, date_to = date_to, date_from
            data.update(
                variant="activity",
                date_from=fields.Date.to_string(date_from),
                date_to=fields.Date.to_string(date_to),
            )
        pdf, _type = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(company)
            .with_context(lang=request.env.lang)
            ._render_qweb_pdf(REPORT, partner.ids, data=data)
        )
        filename = request.env._("Statement %(customer)s.pdf", customer=partner.name)
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    # -------------------------------------------------------------- pay

    @http.route("/my/statement/pay", type="http", auth="public", website=True, sitemap=False)
    def portal_credit_statement_pay(self, token=None, overdue_currency=None, **kw):
        """The payment page for the invoices chosen on the statement
        (``invoice_ids``, repeated) or for all overdue invoices in one
        currency, each for what is still due on it."""
        partner, company = self._credit_statement_access(token)
        if overdue_currency:
            currency_id = self._credit_int(overdue_currency)
            moves = (
                request.env["account.move"]
                .sudo()
                .search(
                    [
                        ("commercial_partner_id", "=", partner.id),
                        ("company_id", "=", company.id),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("payment_state", "in", ("not_paid", "partial")),
                        ("currency_id", "=", currency_id),
                        ("invoice_date_due", "<", fields.Date.context_today(partner)),
                    ]
                )
            )
        else:
            move_ids = [
                self._credit_int(value) for value in request.httprequest.args.getlist("invoice_ids")
            ]
            if None in move_ids:
                raise request.not_found()
            moves = self._credit_statement_moves(partner, company, move_ids)
        if not moves or len(moves.currency_id) != 1:
            return request.redirect(self._credit_statement_url(token=token))
        return request.render(
            "account_payment.portal_overdue_invoices_page",
            self._credit_pay_values(partner, company, moves, token),
        )

    def _credit_pay_values(self, partner, company, moves, token):
        currency = moves.currency_id
        amount = currency.round(sum(moves.mapped("amount_residual")))
        reference = company.get_next_batch_payment_communication() if len(moves) > 1 else moves.name
        pay_token = hash_sign(
            request.env(su=True),
            PAY_SCOPE,
            {
                "invoices": moves.ids,
                "partner": partner.id,
                "company": company.id,
                "statement_token": token or "",
            },
            expiration_hours=PAY_LINK_HOURS,
        )
        values = self._prepare_portal_layout_values() if not token else {}
        values.update(
            {
                "page_name": "credit_statement_pay",
                "statement_url": lambda path="/my/statement", **params: self._credit_statement_url(
                    path, token, **params
                ),
                "payment": {
                    "date": fields.Date.today(),
                    "reference": reference,
                    "amount": amount,
                    "currency": currency,
                },
                "amount": amount,
            }
        )
        values |= self._get_common_page_view_values(
            invoices_data={
                "partner": partner,
                "company": company,
                "total_amount": amount,
                "currency": currency,
                "amount_residual": amount,
                "payment_reference": reference,
                "landing_route": self._credit_statement_url(token=token),
                "transaction_route": "/my/statement/transaction",
            },
            access_token=pay_token,
        )
        return values

    @http.route("/my/statement/transaction", type="jsonrpc", auth="public")
    def portal_credit_statement_transaction(self, access_token, payment_reference=None, **kwargs):
        """Create the transaction of a statement payment: the invoices and
        the amount come from the signed payment page, never from the
        browser, and the amount is what is still due on them now."""
        try:
            values = verify_hash_signed(request.env(su=True), PAY_SCOPE, access_token or "")
        except ValueError:
            values = None
        if not isinstance(values, dict):
            raise request.not_found()
        partner, company = self._credit_statement_access(values["statement_token"] or None)
        if partner.id != values["partner"] or company.id != values["company"]:
            raise request.not_found()
        moves = self._credit_statement_moves(partner, company, values["invoices"])
        self._validate_transaction_kwargs(kwargs)
        amount = moves.currency_id.round(sum(moves.mapped("amount_residual")))
        if kwargs.get("amount") is not None and float_compare(
            float(kwargs["amount"]), amount, precision_rounding=moves.currency_id.rounding
        ):
            raise request.not_found()
        logged_in = not request.env.user._is_public()
        kwargs.update(
            {
                "amount": amount,
                "currency_id": moves.currency_id.id,
                "partner_id": request.env.user.partner_id.id if logged_in else partner.id,
                "reference_prefix": payment_reference,
                "landing_route": self._credit_statement_url(
                    token=values["statement_token"] or None
                ),
            }
        )
        transaction = self._create_transaction(
            custom_create_values={"invoice_ids": [Command.set(moves.ids)]}, **kwargs
        )
        return transaction._get_processing_values()

    # ---------------------------------------------------------- disputes

    @http.route(
        "/my/statement/dispute/<int:move_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def portal_credit_statement_dispute(self, move_id, token=None, **post):
        """The dispute form of one invoice; POSTed (with the CSRF token),
        it opens the dispute and shows it."""
        partner, company = self._credit_statement_access(token)
        move = self._credit_statement_moves(partner, company, [move_id])
        errors, values = [], {}
        if request.httprequest.method == "POST":
            errors, values = self._credit_dispute_check(move, post)
            if not errors:
                author = (
                    request.env.user.partner_id if not request.env.user._is_public() else partner
                )
                dispute = request.env["credit.dispute"]._portal_file(
                    move, values["reason"], values["amount"], values["message"], author
                )
                return request.redirect(self._credit_statement_url(dispute.access_url, token))
        page_values = self._prepare_portal_layout_values() if not token else {}
        page_values.update(
            {
                "page_name": "credit_statement_dispute",
                "partner": partner,
                "move": move,
                "token": token,
                "errors": errors,
                "post": post,
                "reasons": request.env["credit.dispute.reason"].sudo().search([]),
                "statement_url": lambda path="/my/statement", **params: self._credit_statement_url(
                    path, token, **params
                ),
            }
        )
        return request.render("credit_management.portal_credit_dispute_form", page_values)

    def _credit_dispute_check(self, move, post):
        """Translated errors for the posted dispute form, and its values."""
        _ = request.env._
        errors = []
        Dispute = request.env["credit.dispute"].sudo()
        reason = (
            request.env["credit.dispute.reason"]
            .sudo()
            .browse(self._credit_int(post.get("reason_id")) or [])
            .exists()
        )
        if not reason or not reason.active:
            errors.append(_("Choose a reason from the list."))
        message = (post.get("message") or "").strip()
        if not message:
            errors.append(_("Tell us what is wrong with this invoice."))
        elif len(message) > MESSAGE_MAX_LENGTH:
            errors.append(
                _("Your message is too long: %(max)s characters at most.", max=MESSAGE_MAX_LENGTH)
            )
        residual = move.amount_residual
        amount = residual
        if (post.get("amount") or "").strip():
            try:
                amount = move.currency_id.round(float(post["amount"]))
            except ValueError:
                amount = None
            if (
                amount is None
                or move.currency_id.compare_amounts(amount, 0.0) <= 0
                or (move.currency_id.compare_amounts(amount, residual) > 0)
            ):
                errors.append(
                    _(
                        "The disputed amount must be more than 0 and at most %(residual)s.",
                        residual=move.currency_id.format(residual),
                    )
                )
        if Dispute._portal_recent_count(move) >= PORTAL_DISPUTES_PER_DAY:
            errors.append(
                _(
                    "This invoice has had too many disputes today: please try again tomorrow "
                    "or contact us."
                )
            )
        return errors, {"reason": reason, "message": message, "amount": amount}

    @http.route(
        "/my/statement/disputes/<int:dispute_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_credit_dispute(self, dispute_id, token=None, **kw):
        partner, company = self._credit_statement_access(token)
        dispute = request.env["credit.dispute"].sudo().browse(dispute_id).exists()
        if not dispute or dispute.partner_id != partner or dispute.company_id != company:
            raise request.not_found()
        values = self._prepare_portal_layout_values() if not token else {}
        pid = request.env.user.partner_id.id if not request.env.user._is_public() else partner.id
        values.update(
            {
                "page_name": "credit_statement_dispute",
                "dispute": dispute,
                "object": dispute,
                "token": dispute._portal_ensure_token(),
                "pid": pid,
                "hash": dispute._sign_token(pid),
                "statement_token": token,
                "statement_url": lambda path="/my/statement", **params: self._credit_statement_url(
                    path, token, **params
                ),
            }
        )
        return request.render("credit_management.portal_credit_dispute", values)
