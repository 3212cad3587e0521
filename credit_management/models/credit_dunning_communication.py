import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Ready"),
    ("to_review", "To Review"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class CreditDunningCommunication(models.Model):
    """One reminder: what a run sends a customer in one currency, listing
    every invoice that reached a level; its level, hence its tone, is the
    highest of them.  Reminders of a level that needs review wait in the
    review queue; the others are ready to send."""

    _name = "credit.dunning.communication"
    _description = "Dunning Reminder"
    _order = "run_id desc, partner_id, currency_id, id"

    run_id = fields.Many2one("credit.dunning.run", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    run_date = fields.Date(related="run_id.run_date", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    scenario_id = fields.Many2one("credit.dunning.scenario", required=True)
    level_id = fields.Many2one(
        "credit.dunning.level",
        required=True,
        ondelete="restrict",
        help="The highest level of its invoices: it sets the tone and the channels.",
    )
    line_ids = fields.One2many("credit.dunning.line", "communication_id", string="Invoices")
    line_count = fields.Integer(string="Invoice Count", compute="_compute_totals", store=True)
    amount_residual = fields.Monetary(
        string="Amount Due", currency_field="currency_id", compute="_compute_totals", store=True
    )
    state = fields.Selection(STATES, default="draft", required=True, index=True, copy=False)
    error = fields.Text(copy=False, readonly=True)
    sent_date = fields.Date(copy=False, readonly=True)
    letter_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter", copy=False, readonly=True
    )
    credit_penalty_move_ids = fields.One2many(
        "account.move", "credit_penalty_communication_id", string="Penalty Invoices"
    )
    credit_penalty_line_ids = fields.One2many(
        "credit.penalty.line", "communication_id", string="Penalty Lines"
    )
    credit_penalty_amount = fields.Monetary(
        string="Penalties",
        currency_field="currency_id",
        compute="_compute_credit_penalty_amount",
        help="Late-payment penalties charged with this reminder, not waived.",
    )

    @api.depends("line_ids.amount_residual", "line_ids.state")
    def _compute_totals(self):
        """Its invoices still dunned; all of them once it is cancelled."""
        for communication in self:
            lines = communication._active_lines() or communication.line_ids
            communication.line_count = len(lines)
            communication.amount_residual = sum(lines.mapped("amount_residual"))

    @api.depends("partner_id", "level_id", "currency_id")
    def _compute_display_name(self):
        for communication in self:
            communication.display_name = self.env._(
                "%(customer)s: %(level)s (%(currency)s)",
                customer=communication.partner_id.display_name,
                level=communication.level_id.name,
                currency=communication.currency_id.name,
            )

    # ------------------------------------------------------------ transitions

    def _check_state(self, allowed, message):
        wrong = self.filtered(lambda communication: communication.state not in allowed)
        if wrong:
            raise UserError(message % ", ".join(wrong.mapped("display_name")))

    def _set_state(self, state, **values):
        self.write({"state": state, **values})
        self.line_ids.filtered(lambda line: line.state != "cancelled").write({"state": state})
        self._credit_penalty_follow(state)

    def action_approve(self):
        """A reviewer lets reminders of the review queue go out."""
        self._check_state(
            {"to_review"}, self.env._("Only reminders waiting for review can be approved: %s.")
        )
        self._set_state("draft")

    def action_cancel(self):
        """A reviewer drops reminders not sent yet; their invoices may get
        the same levels in a later run."""
        self._check_state(
            {"draft", "to_review", "failed"},
            self.env._("Only reminders not sent yet can be cancelled: %s."),
        )
        self._set_state("cancelled")

    def action_retry(self):
        self._check_state(
            {"failed"}, self.env._("Only reminders whose sending failed can be retried: %s.")
        )
        self._set_state("draft", error=False)

    def _mark_sent(self):
        """Called by the sending channels once the customer has been told."""
        self._check_state(
            {"draft"}, self.env._("Only reminders ready to send can be marked as sent: %s.")
        )
        self._set_state("sent", sent_date=fields.Date.context_today(self), error=False)

    def _mark_failed(self, error):
        self._check_state(
            {"draft"}, self.env._("Only reminders ready to send can fail to be sent: %s.")
        )
        self._set_state("failed", error=error)

    # ---------------------------------------------------------------- sending

    def action_send(self):
        """Send reminders ready to go (the list's batch button or the form's)."""
        self._check_state({"draft"}, self.env._("Only reminders ready to send can be sent: %s."))
        self._send()

    def _send(self):
        """Send each reminder of ``self`` on every channel of its level.

        The lines are checked again first, in one query: an invoice paid, in
        payment, disputed, paused or excluded from follow-up since the run
        loses its line, and a reminder left without lines is cancelled.  Each
        reminder is then sent in its own savepoint: it is marked sent in the
        same transaction as its messages, or failed with the error, and the
        others go on.  Their penalty invoices still to create are created
        first, in one batch (again by each reminder if that batch fails), so
        a reminder never leaves without its penalty invoice."""
        communications = self._refresh_lines()
        try:
            with self.env.cr.savepoint():
                communications._create_penalty_invoices()
        except Exception:  # each reminder tries again below, and fails alone
            _logger.info("Penalty invoices of a sending batch: retried one by one", exc_info=True)
        for communication in communications:
            try:
                with self.env.cr.savepoint():
                    communication.with_company(communication.company_id)._send_one()
            except Exception as error:  # noqa: BLE001 - any error fails this reminder only
                communication._mark_failed(str(error))

    @api.model
    def _lock_ready(self, companies, limit):
        """Up to ``limit`` reminders of ``companies`` ready to send, locked
        for this transaction; those another server is sending are skipped."""
        self.flush_model(["state", "company_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM credit_dunning_communication
                 WHERE state = 'draft' AND company_id IN %s
                 ORDER BY id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                tuple(companies.ids) or (None,),
                limit,
            )
        )
        return self.browse([row[0] for row in rows])

    def _refresh_lines(self):
        """Cancel the lines whose invoice may no longer be dunned and the
        reminders left without lines; set the level of the others to the
        highest of their remaining lines.  Return the reminders to send."""
        lines = self.line_ids.filtered(lambda line: line.state != "cancelled")
        stale = self.env["credit.dunning.line"].search(
            [
                ("id", "in", lines.ids),
                "|",
                "|",
                "|",
                "|",
                ("move_id.state", "!=", "posted"),
                ("move_id.payment_state", "not in", ("not_paid", "partial")),
                ("move_id.credit_disputed", "=", True),
                ("move_id.credit_dunning_paused_until", ">=", fields.Date.context_today(self)),
                (
                    "move_id.line_ids",
                    "any",
                    [("no_followup", "=", True), ("account_type", "=", "asset_receivable")],
                ),
            ]
        )
        stale.write({"state": "cancelled"})
        empty = self.filtered(
            lambda communication: all(line.state == "cancelled" for line in communication.line_ids)
        )
        empty._set_state("cancelled")
        for communication in stale.communication_id - empty:
            level = communication._active_lines().level_id.sorted()[-1:]
            if level != communication.level_id:
                communication.level_id = level
        return self - empty

    def _active_lines(self):
        return self.line_ids.filtered(lambda line: line.state != "cancelled")

    def _send_one(self):
        self.ensure_one()
        self._create_penalty_invoices()
        level = self.level_id
        invoices = self._active_lines().move_id
        customer = self.partner_id.commercial_partner_id
        contact = self.env["res.partner"].browse(customer.address_get(["invoice"])["invoice"])
        customer = customer.with_context(
            lang=customer.lang or self.env.lang, credit_dunning_invoice_ids=invoices.ids
        )
        channels = level._channels()
        self._check_recipient(channels, contact)
        for channel in channels:
            getattr(self, f"_send_{channel}")(customer, contact)
        date = fields.Date.context_today(self)
        invoices._message_log_batch(
            bodies={
                invoice.id: self.env._(
                    "Reminder %(level)s sent on %(date)s",
                    level=level.name,
                    date=format_date(self.env, date),
                )
                for invoice in invoices
            }
        )
        self._mark_sent()

    def _check_recipient(self, channels, contact):
        if "email" in channels and not contact.email:
            raise UserError(
                self.env._("The invoice contact %s has no e-mail address.", contact.display_name)
            )
        if "sms" in channels and not contact.phone:
            raise UserError(
                self.env._("The invoice contact %s has no phone number.", contact.display_name)
            )

    def _send_email(self, customer, contact):
        """Post the level's e-mail in the customer's chatter, to the invoice
        contact whatever the template's recipients, in the customer's language."""
        customer.message_post_with_source(
            self.level_id.mail_template_id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=contact.ids,
        )

    def _send_sms(self, customer, contact):
        customer._message_sms_with_template(
            template=self.level_id.sms_template_id, partner_ids=contact.ids
        )

    def _send_letter(self, customer, contact):
        """Render the level's letter to a PDF attached to the reminder and
        log it in the customer's chatter."""
        report = self.level_id.letter_report_id
        pdf, _type = customer.env["ir.actions.report"]._render_qweb_pdf(report, customer.ids)
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.level_id.name} - {customer.name}.pdf",
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.letter_attachment_id = attachment
        customer.message_post(
            body=self.env._("Letter: %s", self.level_id.name),
            attachment_ids=attachment.ids,
        )

    def _send_activity(self, customer, contact):
        level = self.level_id
        user = level.activity_user_id or customer.user_id or self.env.user
        customer.activity_schedule(
            activity_type_id=level.activity_type_id.id,
            summary=level.activity_type_id.summary or level.name,
            user_id=user.id,
        )

    # -------------------------------------------------------------- penalties

    @api.depends("credit_penalty_line_ids.amount", "credit_penalty_line_ids.state")
    def _compute_credit_penalty_amount(self):
        for communication in self:
            communication.credit_penalty_amount = sum(
                communication.credit_penalty_line_ids.filtered(
                    lambda line: line.state in ("to_invoice", "invoiced")
                ).mapped("amount")
            )

    def _credit_penalty_follow(self, state):
        """Penalty invoices follow their reminder: posted when it is sent
        (if the company posts them), cancelled with it, with its penalties
        still to invoice (their days and amounts can be charged again)."""
        moves = self.credit_penalty_move_ids.filtered(lambda move: move.state == "draft")
        if state == "sent":
            moves.filtered(lambda move: move.company_id.credit_penalty_post).action_post()
        elif state == "cancelled":
            moves.button_cancel()
            self.credit_penalty_line_ids.filtered(lambda line: line.state == "to_invoice")._cancel()

    def _create_penalty_invoices(self):
        """The penalty invoices of these reminders still to create: one per
        reminder with penalties to invoice, one ``create`` per company.
        Return them.  Two transactions invoicing the same lines cannot both
        commit: the second one's update of the lines fails to serialize."""
        lines = self.env["credit.penalty.line"].search(
            [("communication_id", "in", self.ids), ("state", "=", "to_invoice")]
        )
        moves = self.env["account.move"]
        for company in lines.company_id:
            company_lines = lines.filtered(lambda line, c=company: line.company_id == c)
            moves |= self.env["credit.penalty.charge"].with_company(company)._invoice(company_lines)
        return moves

    @api.model
    def _lock_to_invoice(self, companies, limit):
        """Up to ``limit`` reminders of ``companies`` with penalties to
        invoice, locked for this transaction; those another server is
        invoicing are skipped."""
        self.env["credit.penalty.line"].flush_model(["state", "communication_id", "company_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT communication.id
                  FROM credit_dunning_communication communication
                 WHERE communication.company_id IN %s
                   AND EXISTS (SELECT 1 FROM credit_penalty_line line
                                WHERE line.communication_id = communication.id
                                  AND line.state = 'to_invoice')
                 ORDER BY communication.id
                 LIMIT %s
                   FOR UPDATE OF communication SKIP LOCKED
                """,
                tuple(companies.ids) or (None,),
                limit,
            )
        )
        return self.browse([row[0] for row in rows])
