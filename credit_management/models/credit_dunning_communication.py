import logging
from collections import Counter, defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date, split_every

from .ir_qweb import COMPILE_INLINE_ONCE

_logger = logging.getLogger(__name__)

RENDER_BATCH_SIZE = 50  # reminders of one level whose e-mails are rendered together
RENDERED_FIELDS = ("subject", "body_html", "email_from", "reply_to", "mail_server_id")

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
    run_date = fields.Date(related="run_id.run_date", store=True, precompute=True)
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
    # Not read-only: only then does ``create`` keep the totals it is given.
    line_count = fields.Integer(
        string="Invoice Count", compute="_compute_totals", store=True, readonly=False
    )
    amount_residual = fields.Monetary(
        string="Amount Due",
        currency_field="currency_id",
        compute="_compute_totals",
        store=True,
        readonly=False,
    )
    state = fields.Selection(STATES, default="draft", required=True, index=True, copy=False)
    error = fields.Text(copy=False, readonly=True)
    sent_date = fields.Date(copy=False, readonly=True)
    letter_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter", copy=False, readonly=True
    )
    note = fields.Text(
        help="A personal word from the reviewer, printed above the invoices in the e-mail "
        "and the letter."
    )
    postponed_until = fields.Date(
        copy=False,
        readonly=True,
        help="The scheduled action does not send this reminder before this date.",
    )
    postpone_reason = fields.Char(copy=False, readonly=True)
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
        """Its invoices still dunned; all of them once it is cancelled.  A run
        gives the totals of the reminders it creates: it inserts their lines
        without the ORM (see ``credit.dunning.run._insert_lines``)."""
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

    def action_approve_send(self):
        """A reviewer sends reminders of the review queue at once."""
        self.action_approve()
        self.action_send()

    def _postpone(self, date, reason):
        """Keep reminders not sent yet, with their invoices, from the
        scheduled action until ``date``; a reviewer may still send them."""
        self._check_state(
            {"draft", "to_review"},
            self.env._("Only reminders ready to send or to review can be postponed: %s."),
        )
        if fields.Date.to_date(date) <= fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "Reminders can only be postponed to a date in the future, not to %(date)s.",
                    date=format_date(self.env, date),
                )
            )
        self.write({"postponed_until": date, "postpone_reason": reason})

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
        loses its line, and a reminder left without lines is cancelled.
        Their penalty invoices still to create are created next, in one
        batch (again by each batch of reminders if that one fails), so a
        reminder never leaves without its penalty invoice.  The reminders
        then go in batches of one level (see :meth:`_sending_batches`),
        each in its own savepoint: the e-mails of a batch are rendered and
        queued together.  When anything in a batch fails, its reminders are
        sent again one by one, so that only the faulty one is marked failed,
        with the error, and the others go on."""
        communications = self._refresh_lines()
        self._ensure_portal_tokens(communications._active_lines().move_id)
        try:
            with self.env.cr.savepoint():
                communications._create_penalty_invoices()
        except Exception:  # each batch tries again below, and fails alone
            _logger.info("Penalty invoices of a sending batch: retried one by one", exc_info=True)
        for batch in communications._sending_batches():
            if len(batch) > 1 and not batch._send_in_savepoint():
                continue
            for communication in batch:
                if error := communication._send_in_savepoint():
                    communication._mark_failed(str(error))
        communications.filtered(lambda c: c.state == "sent")._log_sent_notes()

    def _sending_batches(self):
        """These reminders in batches of one company and one level, of at
        most ``RENDER_BATCH_SIZE``, with one reminder per customer: the
        template renders a customer once, with the invoices of its reminder
        (a customer has one reminder per currency)."""
        batches = []
        for group in self.grouped(lambda c: (c.company_id, c.level_id)).values():
            rounds = defaultdict(list)  # n: the n-th reminder of each customer
            reminders_of = Counter()
            for communication in group:
                rounds[reminders_of[communication.partner_id]].append(communication.id)
                reminders_of[communication.partner_id] += 1
            for ids in rounds.values():
                batches += [self.browse(chunk) for chunk in split_every(RENDER_BATCH_SIZE, ids)]
        return batches

    def _send_in_savepoint(self):
        """Send these reminders together in a savepoint; return the error
        that rolled them back, if any."""
        try:
            with self.env.cr.savepoint():
                self.with_company(self.company_id)._send_together()
        except Exception as error:  # noqa: BLE001 - the caller decides who fails
            return error
        return None

    def _send_together(self):
        """Send these reminders (one company, one level, each to another
        customer) on every channel of their level and mark them sent."""
        self._create_penalty_invoices()
        channels = self.level_id._channels()
        recipients = self._recipients(channels)
        context = self._rendering_context()
        # read once for the batch rather than by each template rendered
        self.credit_penalty_line_ids.fetch(["name", "amount", "currency_id", "state"])
        for channel in channels:
            getattr(self.with_context(**context), f"_send_{channel}")(recipients)
        self._mark_sent()

    def _rendering_context(self):
        """What templates rendered for these reminders' customers read: the
        invoices and the reviewers' notes of the reminders (see
        ``res.partner._credit_dunning_invoices``)."""
        return {
            "credit_dunning_invoice_ids": self._active_lines().move_id.ids,
            "credit_dunning_communication_ids": self.ids,
        }

    def _log_sent_notes(self):
        """Note on each invoice of these reminders just sent, one batch of
        messages per level rather than a message at a time."""
        today = format_date(self.env, fields.Date.context_today(self))
        for level, communications in self.grouped("level_id").items():
            invoices = communications._active_lines().move_id
            note = self.env._("Reminder %(level)s sent on %(date)s", level=level.name, date=today)
            invoices._message_log_batch(bodies=dict.fromkeys(invoices.ids, note))

    @api.model
    def _ready_domain(self, companies):
        """Reminders of ``companies`` the scheduled action sends today: ready,
        and not postponed to a later date."""
        return [
            ("company_id", "in", companies.ids),
            ("state", "=", "draft"),
            "|",
            ("postponed_until", "=", False),
            ("postponed_until", "<=", fields.Date.context_today(self)),
        ]

    @api.model
    def _lock_ready(self, companies, limit):
        """Up to ``limit`` reminders of ``companies`` ready to send today (see
        :meth:`_ready_domain`), locked for this transaction; those another
        server is sending are skipped."""
        self.flush_model(["state", "company_id", "postponed_until"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM credit_dunning_communication
                 WHERE state = 'draft' AND company_id IN %s
                   AND (postponed_until IS NULL OR postponed_until <= %s)
                 ORDER BY id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                tuple(companies.ids) or (None,),
                fields.Date.context_today(self),
                limit,
            )
        )
        return self.browse([row[0] for row in rows])

    def _refresh_lines(self):
        """Cancel the lines whose invoice may no longer be dunned and the
        reminders left without lines; set the level of the others to the
        highest of their remaining lines.  Return the reminders to send."""
        lines = self._active_lines()
        dunnable = self._dunnable_invoice_ids(lines.move_id)
        stale = lines.filtered(lambda line: line.move_id.id not in dunnable)
        return self - self._cancel_lines(stale)

    def _drop_lines(self, lines):
        """Take ``lines`` out of these reminders not sent yet."""
        self._check_state(
            {"draft", "to_review", "failed"},
            self.env._("Invoices can only be dropped from reminders not sent yet: %s."),
        )
        self._cancel_lines(lines)

    def _cancel_lines(self, lines):
        """Cancel ``lines`` of these reminders, then the reminders left
        without lines, which are returned; the others take the highest
        level of their remaining lines."""
        lines.write({"state": "cancelled"})
        empty = self.filtered(lambda communication: not communication._active_lines())
        empty._set_state("cancelled")
        for communication in lines.communication_id - empty:
            level = communication._active_lines().level_id.sorted()[-1:]
            if level != communication.level_id:
                communication.level_id = level
        return empty

    def _dunnable_invoice_ids(self, invoices, run_date=None):
        """The ids of ``invoices`` that may still be dunned on ``run_date``
        (today by default), by the run's own rule
        (``credit.dunning.selection._dunnable_condition``)."""
        if not invoices:
            return set()
        self.env.flush_all()
        condition = self.env["credit.dunning.selection"]._dunnable_condition(
            "move", run_date or fields.Date.context_today(self)
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT move.id FROM account_move move WHERE move.id IN %s AND %s",
                tuple(invoices.ids),
                condition,
            )
        )
        return {invoice_id for (invoice_id,) in rows}

    def _ensure_portal_tokens(self, invoices):
        """Give ``invoices`` without one the access token of their portal
        link, in one query: the e-mails link each invoice, and an invoice's
        ``write`` would synchronise its journal items for each token."""
        if not invoices:
            return
        invoices.flush_recordset(["access_token"])
        self.env.execute_query(
            SQL(
                """
                UPDATE account_move SET access_token = gen_random_uuid()::text
                 WHERE id IN %s AND access_token IS NULL
                """,
                tuple(invoices.ids),
            )
        )
        invoices.invalidate_recordset(["access_token"])

    def _active_lines(self):
        return self.line_ids.filtered(lambda line: line.state != "cancelled")

    def _recipients(self, channels):
        """``{reminder: contacts}``: who is sent each of these reminders,
        checked for what ``channels`` need."""
        recipients_of = self.partner_id._credit_dunning_recipients()
        recipients = {}
        for communication in self:
            recipients[communication] = recipients_of[communication.partner_id]
            for contact in recipients[communication]:
                communication._check_recipient(contact, channels)
        return recipients

    def _check_recipient(self, contact, channels):
        if "email" in channels and not contact.email:
            raise UserError(
                self.env._(
                    "%s receives the reminders but has no e-mail address.", contact.display_name
                )
            )
        if "sms" in channels and not contact.phone:
            raise UserError(
                self.env._(
                    "%s receives the reminders but has no phone number.", contact.display_name
                )
            )

    def _send_email(self, recipients):
        """Queue the level's e-mail of each of these reminders to its
        ``recipients`` (``{reminder: contacts}``), whatever the template's,
        and log it in the customer's chatter.  A recipient reads it in their
        language, else the customer's, else the user's: one e-mail per
        language, rendered for all the customers of that language at once
        (rendering one at a time compiles the template each time)."""
        template = self.level_id.mail_template_id
        by_lang = defaultdict(dict)  # lang: {customer id: (reminder, contacts)}
        for communication in self:
            customer = communication.partner_id
            contacts_by_lang = recipients[communication].grouped(
                lambda contact, c=customer: contact.lang or c.lang or self.env.lang
            )
            for lang, contacts in contacts_by_lang.items():
                by_lang[lang][customer.id] = (communication, contacts)
        values = []
        for lang, to_render in by_lang.items():
            rendered = template.with_context(
                template_preview_lang=lang, **{COMPILE_INLINE_ONCE: True}
            )._generate_template(list(to_render), RENDERED_FIELDS)
            self._add_reply_to(rendered)
            values += [
                communication._email_values(rendered[customer_id], contacts, lang)
                for customer_id, (communication, contacts) in to_render.items()
            ]
        mails = self.env["mail.mail"].sudo().create(values)
        self.env["mail.notification"].sudo().create(
            [
                {
                    "mail_message_id": mail.mail_message_id.id,
                    "mail_mail_id": mail.id,
                    "res_partner_id": contact.id,
                    "notification_type": "email",
                    "notification_status": "ready",
                    "is_read": True,
                }
                for mail in mails
                for contact in mail.recipient_ids
            ]
        )

    def _add_reply_to(self, rendered):
        """Complete the values ``rendered`` for customers (``{customer id:
        values}``) with the reply-to address a message posted on each would
        get, found for all of them at once."""
        reply_to = (
            self.env["res.partner"]
            .browse(list(rendered))
            .sudo()
            ._notify_get_reply_to_batch(
                defaults={
                    customer_id: values.get("email_from")
                    for customer_id, values in rendered.items()
                },
                author_ids=dict.fromkeys(rendered, self.env.user.partner_id.id),
            )
        )
        for customer_id, values in rendered.items():
            values["reply_to"] = values.get("reply_to") or reply_to[customer_id]

    def _email_values(self, rendered, contacts, lang):
        """The queued e-mail of this reminder to ``contacts``, from the
        template's values ``rendered`` in ``lang``, laid out as Odoo lays
        out the messages it sends to customers; a message of the customer's
        chatter, with its invoices' PDFs when the level attaches them."""
        customer = self.partner_id
        template = self.level_id.mail_template_id
        attachments = self.env["ir.attachment"]
        if self.level_id.attach_invoices:
            attachments = self._invoice_pdfs(self._active_lines().move_id)
        body = (
            self.env["mail.render.mixin"]
            .with_context(lang=lang)
            ._render_encapsulate(
                template.email_layout_xmlid or "mail.mail_notification_light",
                rendered["body_html"],
                add_context={"company": self.company_id},
                context_record=customer.with_context(lang=lang),
            )
        )
        values = {
            "model": customer._name,
            "res_id": customer.id,
            "message_type": "comment",
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
            "author_id": self.env.user.partner_id.id,
            "subject": rendered["subject"],
            "body": rendered["body_html"],
            "body_html": body,
            "partner_ids": [Command.set(contacts.ids)],
            "recipient_ids": [Command.set(contacts.ids)],
            "attachment_ids": [Command.set(attachments.ids)],
            "auto_delete": False,
            "is_notification": True,
        }
        for optional in ("email_from", "reply_to", "mail_server_id"):
            if rendered.get(optional):
                values[optional] = rendered[optional]
        return values

    def _invoice_pdfs(self, invoices):
        """The PDF of each of ``invoices``: the one stored when it was sent to
        the customer, else a fresh rendering of the invoice report."""
        pdfs = self.env["ir.attachment"]
        for invoice in invoices:
            pdfs |= invoice.invoice_pdf_report_id or self._render_invoice_pdf(invoice)
        return pdfs

    def _render_invoice_pdf(self, invoice):
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "account.account_invoices", invoice.ids
        )
        return self.env["ir.attachment"].create(
            {
                "name": invoice._get_invoice_report_filename(),
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": invoice._name,
                "res_id": invoice.id,
            }
        )

    def _customer_in_their_language(self):
        customer = self.partner_id
        return customer.with_context(lang=customer.lang or self.env.lang)

    def _send_sms(self, recipients):
        for communication in self:
            communication._customer_in_their_language()._message_sms_with_template(
                template=communication.level_id.sms_template_id,
                partner_ids=recipients[communication].ids,
            )

    def _send_letter(self, recipients):
        """Render the level's letter of each reminder to a PDF attached to
        it and logged in the customer's chatter."""
        for communication in self:
            customer = communication._customer_in_their_language()
            level = communication.level_id
            pdf, _type = customer.env["ir.actions.report"]._render_qweb_pdf(
                level.letter_report_id, customer.ids
            )
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{level.name} - {customer.name}.pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": communication.id,
                }
            )
            communication.letter_attachment_id = attachment
            customer.message_post(
                body=self.env._("Letter: %s", level.name),
                attachment_ids=attachment.ids,
            )

    def _send_activity(self, recipients):
        """An activity per reminder for its collector, created together:
        the type's call script, whom to call and the invoices to talk about,
        in the collector's language."""
        partner_model = self.env["ir.model"]._get_id("res.partner")
        today = fields.Date.context_today(self)
        values = []
        for communication in self:
            level, customer = communication.level_id, communication.partner_id
            user = level.activity_user_id or customer.user_id or self.env.user
            values.append(
                {
                    "res_model_id": partner_model,
                    "res_id": customer.id,
                    "activity_type_id": level.activity_type_id.id,
                    "summary": level.activity_type_id.summary or level.name,
                    "note": communication._call_script(user, recipients[communication]),
                    "user_id": user.id,
                    "date_deadline": today,
                    "automated": True,
                }
            )
        self.env["mail.activity"].create(values)

    def _call_script(self, user, recipients):
        return (
            self.env["ir.qweb"]
            .with_context(lang=user.lang)
            ._render(
                "credit_management.dunning_call_script",
                {
                    "script": self.level_id.activity_type_id.default_note,
                    "recipients": recipients,
                    "lines": self._active_lines(),
                    "communication": self,
                },
            )
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
        self.env["credit.penalty.line"].flush_model(["state", "communication_id"])
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
