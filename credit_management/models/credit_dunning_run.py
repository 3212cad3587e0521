from itertools import groupby

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.dunning import communication_level

# Reminders the scheduled action sends between two commits.
SEND_BATCH_SIZE = 50
# Reminders whose penalty invoices the scheduled action creates between two commits.
PENALTY_BATCH_SIZE = 50


class CreditDunningRun(models.Model):
    """A dunning run of one company on one date: the reminders it prepared.

    :meth:`_create_run` locks the company, selects the candidates in one
    query (``credit.dunning.selection``), groups them into one reminder per
    customer and currency and creates reminders and lines in two batched
    ``create`` calls."""

    _name = "credit.dunning.run"
    _description = "Dunning Run"
    _inherit = ["mail.thread"]
    _order = "run_date desc, id desc"
    _rec_name = "run_date"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    run_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    user_id = fields.Many2one("res.users", string="Run By", default=lambda self: self.env.user)
    state = fields.Selection(
        [("draft", "In Progress"), ("done", "Done")],
        compute="_compute_state",
        store=True,
        help="Done once every reminder of the run is sent or cancelled.",
    )
    communication_ids = fields.One2many(
        "credit.dunning.communication", "run_id", string="Reminders"
    )
    line_ids = fields.One2many("credit.dunning.line", "run_id", string="Invoices")
    communication_count = fields.Integer(string="Reminders Count", compute="_compute_counts")
    to_review_count = fields.Integer(compute="_compute_counts")
    line_count = fields.Integer(string="Invoices Count", compute="_compute_counts")
    credit_penalty_to_invoice_count = fields.Integer(
        string="Penalties To Invoice",
        compute="_compute_counts",
        help="Penalties charged by the run whose penalty invoice is not created yet.",
    )

    @api.depends("communication_ids.state")
    def _compute_state(self):
        """Done once no reminder is left open: one query, as sending
        recomputes it for each batch it sends and a run has tens of
        thousands of reminders."""
        pending = self.env["credit.dunning.communication"]._read_group(
            [("run_id", "in", self.ids), ("state", "in", ("draft", "to_review", "failed"))],
            ["run_id"],
        )
        pending_runs = {run for (run,) in pending}
        for run in self:
            run.state = "draft" if run in pending_runs else "done"

    def _compute_counts(self):
        communications = dict(
            self.env["credit.dunning.communication"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count"]
            )
        )
        to_review = dict(
            self.env["credit.dunning.communication"]._read_group(
                [("run_id", "in", self.ids), ("state", "=", "to_review")], ["run_id"], ["__count"]
            )
        )
        lines = dict(
            self.env["credit.dunning.line"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count"]
            )
        )
        to_invoice = dict(
            self.env["credit.penalty.line"]._read_group(
                [("communication_id.run_id", "in", self.ids), ("state", "=", "to_invoice")],
                ["communication_id"],
                ["__count"],
            )
        )
        for run in self:
            run.credit_penalty_to_invoice_count = sum(
                count
                for communication, count in to_invoice.items()
                if communication.run_id == run._origin
            )
            run.communication_count = communications.get(run._origin, 0)
            run.to_review_count = to_review.get(run._origin, 0)
            run.line_count = lines.get(run._origin, 0)

    @api.depends("run_date", "company_id")
    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "Dunning run of %(date)s", date=fields.Date.to_string(run.run_date)
            )

    # --------------------------------------------------------------- letters

    def action_print_letters(self):
        """The letters of the runs' reminders sent or ready to send, each
        customer's listing its own invoices."""
        communications = self.communication_ids.filtered(
            lambda communication: (
                communication.state in ("draft", "sent") and communication.level_id.channel_letter
            )
        )
        if not communications:
            raise UserError(self.env._("These runs have no letter to print."))
        report = communications.level_id.letter_report_id[:1]
        invoices = communications._active_lines().move_id
        return report.with_context(
            credit_dunning_invoice_ids=invoices.ids,
            credit_dunning_communication_ids=communications.ids,
        ).report_action(communications.partner_id.commercial_partner_id, config=False)

    # ------------------------------------------------------------- penalties

    def action_create_penalty_invoices(self):
        """Create the penalty invoices of the runs' reminders now, rather
        than wait for the scheduled action or the sending."""
        moves = self.communication_ids._create_penalty_invoices()
        if not moves:
            raise UserError(self.env._("These runs have no penalty left to invoice."))
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice")
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    # ------------------------------------------------------------------ run

    @api.model
    def action_run_now(self):
        """Run the reminders of the current company today and show the run."""
        run = self._create_run(self.env.company, fields.Date.context_today(self))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": run.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.model
    def _lock_company(self, company):
        """Serialize the runs of ``company``: the second one waits for the
        first to end, then fails with a serialization error (Odoo retries the
        request) since its snapshot cannot see the first run's reminders.  A
        row update is needed for that error: a mere row lock does not raise
        it under REPEATABLE READ."""
        self.env.cr.execute(
            SQL("UPDATE res_company SET write_date = write_date WHERE id = %s", company.id)
        )

    @api.model
    def _create_run(self, company, run_date):
        self._lock_company(company)
        rows = self.env["credit.dunning.selection"]._select(company, run_date)
        run = self.create({"company_id": company.id, "run_date": run_date})
        groups = self._group_candidates(rows)
        levels = self._levels(rows)
        communications = run._insert_communications(groups, levels)
        run._insert_lines(communications, groups, levels)
        self.env["credit.penalty.charge"]._charge(communications)
        return run

    def _insert_communications(self, groups, levels):
        """Insert the run's reminders, one per group of candidates, in one
        query, with their totals; return them.  Not ``create``: its
        bookkeeping per record takes a third of a large run, and nothing
        depends on new reminders (their stored fields are all given)."""
        self.ensure_one()
        Communication = self.env["credit.dunning.communication"]
        Communication.check_access("create")
        if not groups:
            return Communication
        vals_list = [self._prepare_communication_vals(group, levels) for group in groups]
        rows = self.env.execute_query(self._insert_query(Communication, vals_list))
        self.invalidate_recordset(["communication_ids"])
        return Communication.browse(row[0] for row in rows)

    def _insert_lines(self, communications, groups, levels):
        """Insert the lines of the run's new reminders in one query.

        Not ``create``: a large run has a hundred thousand lines, whose ORM
        creation (defaults, monetary rounding, cache, related fields
        recomputed and updated after the insert) alone takes longer than the
        whole run may.  Nothing else depends on the lines at their creation:
        their reminders were created with their totals, the invoices' level
        follows their lines once sent (not before: a run does not rewrite
        every invoice it selects), and their own stored fields are all
        written here (``sent_date`` is empty until sent).  The unique index
        on (invoice, level) guards them as it guards ``create``."""
        self.ensure_one()
        vals_list = [
            self._prepare_line_vals(communication, row, levels)
            for communication, group in zip(communications, groups, strict=True)
            for row in group
        ]
        if vals_list:
            self.env.execute_query(self._insert_query(self.env["credit.dunning.line"], vals_list))
            self.env["account.move"].browse(
                vals["move_id"] for vals in vals_list
            ).invalidate_recordset(["credit_dunning_line_ids"])
            # autovacuum counts the new rows only later: until then,
            # sending would plan its lookups in them as in empty tables
            self.env.cr.execute(SQL("ANALYZE credit_dunning_line, credit_dunning_communication"))
        # the reminders and the run were cached without lines
        self.invalidate_recordset(["line_ids"])
        communications.invalidate_recordset(["line_ids"])

    def _insert_query(self, model, vals_list):
        """One INSERT into the table of ``model`` of the rows ``vals_list``
        (the same keys in each), the values of a column passed as one array,
        returning their ids in the order of ``vals_list``."""
        columns = list(vals_list[0])
        arrays = [
            SQL(
                "%s::%s[]",
                [vals[column] for vals in vals_list],
                SQL(model._fields[column].column_type[1]),
            )
            for column in columns
        ]
        return SQL(
            """
            INSERT INTO %(table)s (%(columns)s, create_uid, create_date, write_uid, write_date)
            SELECT *, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(arrays)s)
            RETURNING id
            """,
            table=SQL.identifier(model._table),
            columns=SQL(", ").join(SQL.identifier(column) for column in columns),
            arrays=SQL(", ").join(arrays),
            uid=self.env.uid,
            now=self.env.cr.now(),
        )

    @api.model
    def _group_candidates(self, rows):
        """One group of rows per customer and currency (rows come sorted so)."""
        return [
            list(group)
            for _key, group in groupby(rows, lambda row: (row.partner_id, row.currency_id))
        ]

    @api.model
    def _levels(self, rows):
        """``{level id: level}`` of every level ``rows`` refer to, read at once."""
        level_ids = {row.level_id for row in rows} | {
            row.last_level_id for row in rows if row.last_level_id
        }
        levels = self.env["credit.dunning.level"].browse(sorted(level_ids))
        levels.fetch(["name", "day_offset", "review_required"])
        return {level.id: level for level in levels}

    @api.model
    def _communication_level(self, group, levels):
        rank = communication_level([row.level_rank for row in group])
        return levels[next(row.level_id for row in group if row.level_rank == rank)]

    def _prepare_communication_vals(self, group, levels):
        first = group[0]
        review = any(levels[row.level_id].review_required for row in group)
        return {
            "run_id": self.id,
            "run_date": self.run_date,
            "company_id": self.company_id.id,
            "partner_id": first.partner_id,
            "currency_id": first.currency_id,
            "scenario_id": first.scenario_id,
            "level_id": self._communication_level(group, levels).id,
            "state": "to_review" if review else "draft",
            "line_count": len(group),
            "amount_residual": self.env["res.currency"]
            .browse(first.currency_id)
            .round(sum(row.amount_residual for row in group)),
        }

    def _prepare_line_vals(self, communication, row, levels):
        return {
            "communication_id": communication.id,
            "run_id": self.id,
            "move_id": row.move_id,
            "level_id": row.level_id,
            "date_due": row.invoice_date_due,
            "days_late": row.days_late,
            "amount_residual": row.amount_residual,
            "reason": self._reason(row, levels),
            "state": communication.state,
        }

    @api.model
    def _reason(self, row, levels):
        """Why the invoice is there, e.g. "45 days late: reached Formal notice (day 30)"."""
        level = levels[row.level_id]
        if row.days_late > 0:
            age = self.env._("%s days late", row.days_late)
        elif row.days_late == 0:
            age = self.env._("due today")
        else:
            age = self.env._("due in %s days", -row.days_late)
        if row.last_level_id:
            return self.env._(
                "%(age)s: reached %(level)s (day %(offset)s) after %(last)s",
                age=age,
                level=level.name,
                offset=level.day_offset,
                last=levels[row.last_level_id].name,
            )
        return self.env._(
            "%(age)s: reached %(level)s (day %(offset)s)",
            age=age,
            level=level.name,
            offset=level.day_offset,
        )

    # ------------------------------------------------------- scheduled action

    @api.model
    def _cron_dunning(self):
        """Daily: the day's run of each company with a dunning scenario (once
        a day: a run already there is kept), then the penalty invoices of
        the reminders with penalties to invoice, then the ready reminders
        sent; both in batches, each committed with what it invoiced or
        marked sent, so a run interrupted anywhere resumes without invoicing
        or sending anything twice."""
        Cron = self.env["ir.cron"]
        companies = self.env["res.company"].search([("credit_dunning_scenario_id", "!=", False)])
        if not self.env.su:
            # the scheduler runs as the superuser; anyone else, only in
            # the companies they work in
            companies &= self.env.user.company_ids
        for company in companies:
            run_date = fields.Date.context_today(self.with_company(company))
            self._lock_company(company)
            if not self.search_count(
                [("company_id", "=", company.id), ("run_date", "=", run_date)], limit=1
            ):
                self.with_company(company)._create_run(company, run_date)
            Cron._commit_progress()
        Communication = self.env["credit.dunning.communication"]
        remaining = Communication.search_count(
            [
                ("company_id", "in", companies.ids),
                ("credit_penalty_line_ids.state", "=", "to_invoice"),
            ]
        )
        Cron._commit_progress(remaining=remaining)
        while batch := Communication._lock_to_invoice(companies, PENALTY_BATCH_SIZE):
            batch._create_penalty_invoices()
            remaining = max(remaining - len(batch), 0)
            if Cron._commit_progress(len(batch), remaining=remaining) <= 0:
                return
        remaining = Communication.search_count(Communication._ready_domain(companies))
        Cron._commit_progress(remaining=remaining)
        while batch := Communication._lock_ready(companies, SEND_BATCH_SIZE):
            batch._send()
            remaining = max(remaining - len(batch), 0)
            if Cron._commit_progress(len(batch), remaining=remaining) <= 0:
                break
