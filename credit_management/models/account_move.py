from datetime import date, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from ..tools.dunning import planned_date

# Only a Credit Controller (or Manager) may set these.
CREDIT_PAUSE_FIELDS = {"credit_dunning_paused_until", "credit_dunning_pause_reason"}


class AccountMove(models.Model):
    _inherit = "account.move"

    # Draft invoices count toward exposure; they are few among the moves, so
    # this index stays small and spares a scan of every draft per customer.
    _credit_draft_invoices_idx = models.Index("(commercial_partner_id) WHERE state = 'draft'")

    # ==== Dunning pauses (read in SQL by the dunning run) ====
    credit_dunning_paused_until = fields.Date(
        string="Dunning Paused Until",
        tracking=True,
        copy=False,
        help="No reminder is sent for this invoice up to and including this date.",
    )
    credit_dunning_pause_reason = fields.Char(
        string="Dunning Pause Reason", tracking=True, copy=False
    )
    credit_dispute_ids = fields.One2many(
        "credit.dispute",
        "move_id",
        string="Disputes",
        groups="credit_management.group_credit_controller,sales_team.group_sale_salesman",
    )
    credit_dispute_count = fields.Integer(
        string="Dispute Count",
        compute="_compute_credit_dispute_count",
        groups="credit_management.group_credit_controller,sales_team.group_sale_salesman",
    )
    credit_disputed = fields.Boolean(
        string="Disputed",
        compute="_compute_credit_disputed",
        store=True,
        copy=False,
        help="An open dispute takes the invoice out of dunning; it stays in the aged "
        "balance and the KPIs.",
    )

    credit_dunning_line_ids = fields.One2many(
        "credit.dunning.line",
        "move_id",
        string="Reminder Lines",
        groups="credit_management.group_credit_controller",
    )
    # stored so that invoice lists filter and group by it
    credit_dunning_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Dunning Level",
        compute="_compute_credit_dunning_level",
        store=True,
        copy=False,
        index="btree_not_null",
        help="The level of the invoice's last reminder sent.",
    )
    credit_dunning_last_date = fields.Date(
        string="Last Reminder",
        compute="_compute_credit_dunning_last_date",
        help="When the invoice's last reminder was sent.",
    )
    credit_dunning_next_date = fields.Date(
        string="Next Reminder",
        compute="_compute_credit_dunning_next_date",
        help="When the invoice is due for its next dunning level, as the ladder, its pause "
        "and the customer's minimum interval between reminders stand today. Empty when "
        "it is not dunned or has reached its last level.",
    )

    # ==== Late-payment penalties ====
    credit_penalty_invoice = fields.Boolean(
        string="Penalty Invoice",
        readonly=True,
        copy=False,
        help="An invoice of late-payment penalties: it is never charged penalties itself.",
    )
    credit_penalty_exempt = fields.Boolean(
        string="No Late-Payment Penalties",
        tracking=True,
        copy=False,
        help="No late-payment interest, indemnity nor fee is charged on this invoice.",
    )
    credit_penalty_communication_id = fields.Many2one(
        "credit.dunning.communication",
        string="Penalties of Reminder",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The reminder whose run charged the penalties of this penalty invoice.",
    )
    credit_penalty_line_ids = fields.One2many(
        "credit.penalty.line",
        "move_id",
        string="Penalties Charged",
        groups="credit_management.group_credit_controller",
    )
    credit_penalty_count = fields.Integer(
        string="Penalty Count",
        compute="_compute_credit_penalty_count",
        groups="credit_management.group_credit_controller",
    )

    def _compute_invoice_payment_term_id(self):
        """A customer without a payment term of its own gets its risk
        segment's, if any, before the company default."""
        result = super()._compute_invoice_payment_term_id()
        for move in self.filtered(lambda m: m.is_sale_document(include_receipts=True)):
            term = move.partner_id.with_company(move.company_id)._credit_segment_payment_term()
            if term:
                move.invoice_payment_term_id = term
        return result

    @api.depends("credit_dunning_line_ids.state", "credit_dunning_line_ids.level_id")
    def _compute_credit_dunning_level(self):
        Line = self.env["credit.dunning.line"]
        last_lines = dict(
            Line._read_group(
                [("move_id", "in", self._origin.ids), ("state", "=", "sent")],
                ["move_id"],
                ["id:max"],
            )
        )
        Line.browse(last_lines.values()).fetch(["level_id"])
        for move in self:
            move.credit_dunning_level_id = Line.browse(last_lines.get(move._origin)).level_id

    def _compute_credit_dunning_last_date(self):
        last_dates = dict(
            self.env["credit.dunning.line"]._read_group(
                [("move_id", "in", self._origin.ids), ("state", "=", "sent")],
                ["move_id"],
                ["sent_date:max"],
            )
        )
        for move in self:
            move.credit_dunning_last_date = last_dates.get(move._origin, False)

    @api.depends_context("company")
    def _compute_credit_dunning_next_date(self):
        self.credit_dunning_next_date = False
        for (company, customer), moves in self._credit_dunnable_groups().items():
            scenario = customer.with_company(company)._credit_dunning_scenario()
            not_before = max(
                fields.Date.context_today(self), customer._credit_dunning_may_write_on(company)
            )
            for move in moves:
                move.credit_dunning_next_date = move._credit_dunning_planned_date(
                    scenario, not_before
                )

    def _credit_dunning_dunnable(self):
        """The customer invoices dunning may still remind, by the run's own
        rule; a pause only delays their next reminder, so it is ignored here
        (``_credit_dunning_planned_date`` waits for its end)."""
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")._origin
        dunnable = self.env["credit.dunning.communication"]._dunnable_invoice_ids(
            invoices, run_date=date.max
        )
        return self.filtered(lambda move: move._origin.id in dunnable)

    def _credit_dunnable_groups(self):
        """``{(company, customer): invoices}`` of the dunnable invoices of
        customers not marked "do not dun" in the invoice's company."""
        groups = {}
        for move in self._credit_dunning_dunnable():
            customer = move.commercial_partner_id
            if not customer.with_company(move.company_id).credit_no_dunning:
                key = (move.company_id, customer)
                groups[key] = groups.get(key, self.browse()) | move
        return groups

    def _credit_dunning_planned_date(self, scenario, not_before):
        self.ensure_one()
        levels = scenario._ranked_levels()
        last = self.credit_dunning_level_id
        if last.ends_amicable:
            return False
        if self.credit_dunning_paused_until:
            not_before = max(not_before, self.credit_dunning_paused_until + timedelta(days=1))
        return (
            planned_date(
                self.invoice_date_due,
                tuple(levels.mapped("day_offset")),
                list(levels).index(last) if last in levels else None,
                not_before,
            )
            or False
        )

    @api.depends("credit_dispute_ids.state")
    def _compute_credit_disputed(self):
        for move in self:
            move.credit_disputed = "open" in move.credit_dispute_ids.mapped("state")

    def _compute_credit_dispute_count(self):
        counts = dict(
            self.env["credit.dispute"]._read_group(
                [("move_id", "in", self.ids)], ["move_id"], ["__count"]
            )
        )
        for move in self:
            move.credit_dispute_count = counts.get(move._origin, 0)

    def _compute_credit_penalty_count(self):
        """Penalties charged on a late invoice, or invoiced by a penalty invoice."""
        Line = self.env["credit.penalty.line"]
        charged = dict(Line._read_group([("move_id", "in", self.ids)], ["move_id"], ["__count"]))
        invoiced = dict(
            Line._read_group(
                [("penalty_move_id", "in", self.ids)], ["penalty_move_id"], ["__count"]
            )
        )
        for move in self:
            counts = invoiced if move.credit_penalty_invoice else charged
            move.credit_penalty_count = counts.get(move._origin, 0)

    def _credit_penalty_ledger(self):
        """The penalty lines of these penalty invoices."""
        return self.env["credit.penalty.line"].search([("penalty_move_id", "in", self.ids)])

    def action_credit_open_penalties(self):
        """The penalties charged on this invoice, or invoiced by this penalty invoice."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_penalty_line"
        )
        field = "penalty_move_id" if self.credit_penalty_invoice else "move_id"
        action["domain"] = [(field, "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------ posting

    def _post(self, soft=True):
        self._check_credit_hold()
        posted = super()._post(soft=soft)
        # a credit note reversing a penalty invoice frees the days it charged
        reversed_penalties = posted.reversed_entry_id.filtered(
            lambda move: move.credit_penalty_invoice and move.payment_state == "reversed"
        )
        reversed_penalties._credit_penalty_ledger()._cancel()
        return posted

    def button_cancel(self):
        result = super().button_cancel()
        self.filtered("credit_penalty_invoice")._credit_penalty_ledger()._cancel()
        return result

    def _check_credit_hold(self):
        """Companies may refuse to post invoices of customers on credit hold."""
        for move in self.filtered(lambda m: m.move_type == "out_invoice"):
            company = move.company_id
            partner = move.commercial_partner_id.with_company(company).sudo()
            if company.credit_block_invoice_on_hold and partner.credit_hold:
                raise UserError(
                    self.env._(
                        "%(partner)s is on credit hold (%(reason)s): invoice %(invoice)s "
                        "cannot be posted until a Credit Manager releases the hold.",
                        partner=partner.display_name,
                        reason=partner.credit_hold_reason or self.env._("no reason given"),
                        invoice=move.display_name,
                    )
                )

    # ----------------------------------------------------------- dunning pause

    def write(self, vals):
        if vals.keys() & CREDIT_PAUSE_FIELDS:
            self._check_credit_dunning_pause(vals.get("credit_dunning_paused_until"))
        return super().write(vals)

    def _check_credit_dunning_pause(self, paused_until):
        """Pausing is for Credit Controllers, on posted customer invoices, until
        today or later; clearing a pause (no date) is allowed on any move."""
        if not self.env.su and not self.env.user.has_group(
            "credit_management.group_credit_controller"
        ):
            raise AccessError(self.env._("Only a Credit Controller can pause or resume dunning."))
        if not paused_until:
            return
        others = self.filtered(
            lambda move: move.move_type != "out_invoice" or move.state != "posted"
        )
        if others:
            raise UserError(
                self.env._(
                    "Dunning can only be paused on posted customer invoices, which these are "
                    "not: %(moves)s",
                    moves=", ".join(others.mapped("display_name")),
                )
            )
        if fields.Date.to_date(paused_until) < fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "Dunning cannot be paused until %(date)s: that date is in the past.",
                    date=format_date(self.env, paused_until),
                )
            )

    def _credit_pause_dunning(self, paused_until, reason):
        self.write(
            {"credit_dunning_paused_until": paused_until, "credit_dunning_pause_reason": reason}
        )

    def action_credit_resume_dunning(self):
        self.filtered("credit_dunning_paused_until").write(
            {"credit_dunning_paused_until": False, "credit_dunning_pause_reason": False}
        )

    # ---------------------------------------------------------------- disputes

    def action_credit_open_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_dispute"
        )
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {"default_move_id": self.id}
        return action

    def action_credit_new_dispute(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute"),
            "res_model": "credit.dispute",
            "view_mode": "form",
            "target": "current",
            "context": {"default_move_id": self.id},
        }
