from datetime import date, timedelta
from operator import ge, gt, le, lt

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import exposure as exposure_tools
from ..tools.blocking import CreditRules
from .res_company import _raise_on_invalid_rules

CREDIT_GROUPS = "account.group_account_invoice,account.group_account_readonly"
# Past this many customers, one pass over every open item beats a list of ids.
EXPOSURE_BY_IDS_MAX = 1000
COMPARISONS = {"<": lt, "<=": le, ">": gt, ">=": ge}
# tools.exposure.credit_figures() key: the field showing it
CREDIT_FIGURE_FIELDS = {
    "not_due": "credit_exposure_not_due",
    "overdue": "credit_exposure_overdue",
    "draft_invoices": "credit_exposure_draft_invoices",
    "sale_orders": "credit_exposure_sale_orders",
    "unapplied": "credit_exposure_unapplied",
    "total": "credit_exposure",
    "available": "credit_available",
    "utilisation": "credit_utilization",
    "over_limit": "credit_over_limit",
    "oldest_overdue": "credit_oldest_overdue_date",
    "days_overdue": "credit_overdue_days",
}
# Only a Credit Manager may set these (limits, holds, the rules that block orders
# and the dunning stop).
CREDIT_MANAGER_FIELDS = {
    "credit_limit",
    "credit_hold",
    "credit_rules_override",
    "credit_limit_tolerance",
    "credit_block_overdue_days",
    "credit_no_dunning",
    "credit_no_dunning_reason",
    "credit_insolvent",
    "credit_penalty_exempt",
    "credit_segment_id",
    "credit_segment_pinned",
    "credit_segment_pin_reason",
    "credit_company_closed",
    "credit_review_date",
}
# scores shown in the customer's form
HISTORY_SCORES = 12
# where a policy value of a customer comes from (precedence: first wins)
POLICY_SOURCES = [("partner", "Customer"), ("segment", "Segment"), ("company", "Company Default")]


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_limit = fields.Float(tracking=True)

    # Exposure in the current company, for the commercial partner (see credit.exposure)
    credit_exposure_not_due = fields.Monetary(
        string="Receivables Not Yet Due", compute="_compute_credit_exposure", groups=CREDIT_GROUPS
    )
    credit_exposure_overdue = fields.Monetary(
        string="Overdue Receivables", compute="_compute_credit_exposure", groups=CREDIT_GROUPS
    )
    credit_exposure_draft_invoices = fields.Monetary(
        string="Draft Invoices", compute="_compute_credit_exposure", groups=CREDIT_GROUPS
    )
    credit_exposure_sale_orders = fields.Monetary(
        string="Sales Not Yet Invoiced", compute="_compute_credit_exposure", groups=CREDIT_GROUPS
    )
    credit_exposure_unapplied = fields.Monetary(
        string="Unapplied Payments and Credit Notes",
        compute="_compute_credit_exposure",
        groups=CREDIT_GROUPS,
    )
    credit_exposure = fields.Monetary(
        string="Exposure",
        compute="_compute_credit_exposure",
        groups=CREDIT_GROUPS,
        help="What the customer owes or will owe in this company: the components "
        "switched on in the Credit Management settings.",
    )
    credit_available = fields.Monetary(
        string="Available Credit",
        compute="_compute_credit_exposure",
        groups=CREDIT_GROUPS,
        help="Credit limit minus exposure; negative when the customer is over its limit.",
    )
    credit_utilization = fields.Float(
        string="Limit Used (%)",
        compute="_compute_credit_exposure",
        search="_search_credit_utilization",
        groups=CREDIT_GROUPS,
        help="Exposure as a percentage of the credit limit (0 when there is no limit).",
    )
    credit_over_limit = fields.Boolean(
        string="Over Credit Limit",
        compute="_compute_credit_exposure",
        search="_search_credit_over_limit",
        groups=CREDIT_GROUPS,
    )
    credit_oldest_overdue_date = fields.Date(
        string="Oldest Overdue Due Date", compute="_compute_credit_exposure", groups=CREDIT_GROUPS
    )
    credit_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_credit_exposure",
        groups=CREDIT_GROUPS,
        help="Days since the oldest open item of the customer fell due.",
    )

    # Manual hold, per company
    credit_hold = fields.Boolean(
        company_dependent=True,
        tracking=True,
        copy=False,
        help="New sales orders of this customer cannot be confirmed without a credit "
        "manager's approval.",
    )
    credit_hold_reason = fields.Char(
        string="Hold Reason", company_dependent=True, tracking=True, copy=False
    )
    credit_hold_user_id = fields.Many2one(
        "res.users", string="Held By", company_dependent=True, copy=False, readonly=True
    )
    credit_hold_date = fields.Date(
        string="Held Since", company_dependent=True, copy=False, readonly=True
    )

    # Dunning stop, per company: no reminder at all for this customer
    credit_no_dunning = fields.Boolean(
        string="Do Not Dun",
        company_dependent=True,
        tracking=True,
        copy=False,
        help="No reminder is sent to this customer in this company; its invoices stay "
        "in the aged balance and the KPIs.",
    )
    credit_no_dunning_reason = fields.Char(
        string="Do Not Dun Reason", company_dependent=True, tracking=True, copy=False
    )
    credit_dispute_count = fields.Integer(
        string="Disputes",
        compute="_compute_credit_dispute_count",
        groups="credit_management.group_credit_controller,sales_team.group_sale_salesman",
    )

    # Customer statements (see credit.statement)
    credit_statement_link_version = fields.Integer(
        string="Statement Link Version",
        copy=False,
        groups="account.group_account_invoice,account.group_account_readonly",
        help="Part of every signed statement link; revoking the links changes it.",
    )
    credit_statement_monthly = fields.Boolean(
        string="Monthly Statement",
        company_dependent=True,
        copy=False,
        help="Send this customer its statement of open items by e-mail at the start of "
        "every month.",
    )
    credit_statement_last_sent = fields.Date(
        string="Last Monthly Statement", company_dependent=True, copy=False, readonly=True
    )

    # Blocking rules of this customer when they differ from the company's
    credit_rules_override = fields.Boolean(
        string="Specific Credit Rules",
        company_dependent=True,
        tracking=True,
        help="Use the tolerance and overdue rule below instead of the company's.",
    )
    credit_limit_tolerance = fields.Float(
        string="Credit Limit Tolerance (%)", company_dependent=True, tracking=True
    )
    credit_block_overdue_days = fields.Integer(
        string="Block After Days Overdue",
        company_dependent=True,
        tracking=True,
        help="0 switches the rule off for this customer.",
    )

    # Dunning ladder of this customer when it differs from the company's
    credit_dunning_scenario_id = fields.Many2one(
        "credit.dunning.scenario",
        string="Dunning Scenario",
        company_dependent=True,
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', allowed_company_ids[0])]",
        help="The reminders this customer gets. Leave empty to use the company's default scenario.",
    )

    credit_dunning_contact = fields.Boolean(
        string="Receives Reminders",
        help="Dunning reminders of the company go to its contacts flagged so, by e-mail "
        "and SMS; with none flagged, to its invoice address.",
    )
    # Late-payment penalties, in every company (set on the commercial partner)
    credit_insolvent = fields.Boolean(
        string="In Insolvency Proceedings",
        tracking=True,
        copy=False,
        help="Safeguard, receivership or liquidation: no late-payment penalty nor fixed "
        "indemnity is charged.",
    )
    credit_penalty_exempt = fields.Boolean(
        string="Exempt from Late-Payment Penalties",
        tracking=True,
        help="No late-payment interest, indemnity nor fee is charged to this customer.",
    )

    # Risk score and segment, per company (see credit.score and credit.segment)
    credit_score = fields.Integer(
        string="Risk Score",
        company_dependent=True,
        copy=False,
        readonly=True,
        help="0–100, higher is safer: the latest score computed from the customer's "
        "payment behaviour in this company.",
    )
    credit_score_state = fields.Selection(
        [("scored", "Scored"), ("no_history", "Not Enough History"), ("hard_stop", "Hard Stop")],
        string="Score Status",
        company_dependent=True,
        copy=False,
        readonly=True,
    )
    credit_score_date = fields.Date(
        string="Scored On", company_dependent=True, copy=False, readonly=True
    )
    credit_segment_id = fields.Many2one(
        "credit.segment",
        string="Risk Segment",
        company_dependent=True,
        tracking=True,
        copy=False,
        help="Follows the score unless pinned; its policy applies where the customer has "
        "no value of its own.",
    )
    credit_segment_pinned = fields.Boolean(
        string="Segment Pinned",
        company_dependent=True,
        tracking=True,
        copy=False,
        help="The segment stays as set by a credit manager whatever the score.",
    )
    credit_segment_pin_reason = fields.Char(
        string="Pin Reason", company_dependent=True, tracking=True, copy=False
    )
    credit_segment_limit = fields.Float(
        string="Segment Credit Limit",
        company_dependent=True,
        copy=False,
        readonly=True,
        help="The default limit the segment's policy gave this customer, once accepted.",
    )
    credit_review_date = fields.Date(
        string="Next Credit Review", company_dependent=True, tracking=True, copy=False
    )
    credit_score_ids = fields.One2many(
        "credit.score",
        "partner_id",
        string="Score History",
        groups="credit_management.group_credit_controller,account.group_account_readonly",
    )
    credit_score_explanation = fields.Text(
        string="Why This Score", compute="_compute_credit_score_explanation"
    )
    credit_score_history_ids = fields.Many2many(
        "credit.score",
        string="Latest Scores",
        compute="_compute_credit_score_explanation",
        groups="credit_management.group_credit_controller,account.group_account_readonly",
        help="The last 12 scores in the current company, latest first.",
    )
    credit_limit_effective = fields.Float(
        string="Applicable Credit Limit", compute="_compute_credit_policy"
    )
    credit_limit_source = fields.Selection(
        POLICY_SOURCES, string="Credit Limit From", compute="_compute_credit_policy"
    )
    credit_dunning_scenario_source = fields.Selection(
        POLICY_SOURCES, string="Dunning Scenario From", compute="_compute_credit_policy"
    )
    credit_rules_source = fields.Selection(
        POLICY_SOURCES, string="Blocking Rule From", compute="_compute_credit_policy"
    )
    credit_payment_term_effective_id = fields.Many2one(
        "account.payment.term", string="Applicable Payment Term", compute="_compute_credit_policy"
    )
    credit_payment_term_source = fields.Selection(
        POLICY_SOURCES, string="Payment Term From", compute="_compute_credit_policy"
    )
    credit_payment_term_warning = fields.Char(compute="_compute_credit_payment_term_warning")
    # Hard stops and external rating, in every company
    credit_company_closed = fields.Boolean(
        string="Company Closed",
        tracking=True,
        copy=False,
        help="Ceased trading: on credit hold whatever its score.",
    )
    credit_rating_value = fields.Float(string="External Rating", tracking=True, copy=False)
    credit_rating_scale_min = fields.Float(string="Rating Scale From", copy=False)
    credit_rating_scale_max = fields.Float(string="Rating Scale To", copy=False)
    credit_rating_higher_safer = fields.Boolean(
        string="Higher Rating Is Safer", default=True, copy=False
    )
    credit_rating_source = fields.Char(string="Rating Source", copy=False)
    credit_rating_date = fields.Date(
        string="Rating Date",
        copy=False,
        help="An external rating counts in the score once it has a date.",
    )

    credit_dunning_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Dunning Level",
        compute="_compute_credit_dunning_level",
        search="_search_credit_dunning_level_id",
        help="The highest level its open invoices reached in reminders not cancelled, "
        "in the current company.",
    )

    @api.depends_context("company")
    def _compute_credit_dunning_level(self):
        highest = self._credit_dunning_highest_levels(self.commercial_partner_id.ids)
        for partner in self:
            partner.credit_dunning_level_id = highest.get(
                partner.commercial_partner_id._origin, False
            )

    def _search_credit_dunning_level_id(self, operator, value):
        if operator != "in":
            return NotImplemented
        highest = self._credit_dunning_highest_levels()
        matching = [customer.id for customer, level in highest.items() if level.id in value]
        domain = Domain("commercial_partner_id", "in", matching)
        if False in value:
            domain |= Domain("commercial_partner_id", "not in", [c.id for c in highest])
        return domain

    @api.model
    def _credit_dunning_highest_levels(self, customer_ids=None):
        """``{customer: level}``: the level furthest in its ladder among the
        open invoices of each customer (of ``customer_ids``, or all) in the
        current company, in one grouped query."""
        domain = [
            ("company_id", "=", self.env.company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("credit_dunning_level_id", "!=", False),
        ]
        if customer_ids is not None:
            domain.append(("commercial_partner_id", "in", customer_ids))
        pairs = self.env["account.move"]._read_group(
            domain, ["commercial_partner_id", "credit_dunning_level_id"]
        )
        highest = {}
        for customer, level in pairs:
            current = highest.get(customer)
            if not current or (level.sequence, level.day_offset) > (
                current.sequence,
                current.day_offset,
            ):
                highest[customer] = level
        return highest

    @api.depends_context("company")
    @api.depends("commercial_partner_id", "credit_limit", "credit_segment_limit")
    def _compute_credit_exposure(self):
        company = self.env.company
        included = company._credit_exposure_components()
        partners = self._credit_batch()
        commercial = partners.commercial_partner_id._origin
        limits = commercial._credit_limits(company)  # own > segment > company default
        exposures = self.env["credit.exposure"]._read(
            company, commercial.ids if len(commercial) <= EXPOSURE_BY_IDS_MAX else None
        )
        today = fields.Date.context_today(self)
        digits = company.currency_id.decimal_places
        empty = exposure_tools.credit_figures(exposure_tools.Exposure(), 0.0, (), today, digits)
        nothing = exposure_tools.Exposure()
        figures = {
            partner.id: exposure_tools.credit_figures(
                exposures.get(partner.id, nothing),
                limits[partner.id][0],
                included,
                today,
                digits,
            )
            for partner in commercial
        }
        rows = [
            figures.get(partner.commercial_partner_id._origin.id, empty) for partner in partners
        ]
        for key, field_name in CREDIT_FIGURE_FIELDS.items():
            # Filling the cache in bulk: assigning eleven fields one record at
            # a time costs seconds on a list of 10,000 customers.
            self._fields[field_name]._insert_cache(partners, [row[key] for row in rows])

    def _credit_batch(self):
        """The partners to compute together.  The ORM computes 1,000 records
        at a time; on a longer list (10,000 customers) that would read the
        ledger ten times, so the whole list being read is computed at once."""
        prefetch = self.browse(i for i in self._prefetch_ids if isinstance(i, int))
        return self | prefetch if len(prefetch) > len(self) else self

    def _compute_credit_dispute_count(self):
        commercial = self.commercial_partner_id._origin
        counts = dict(
            self.env["credit.dispute"]._read_group(
                [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.credit_dispute_count = counts.get(partner.commercial_partner_id._origin, 0)

    # ------------------------------------------------------------------ search

    def _search_credit_utilization(self, operator, value):
        if operator not in ("<", "<=", ">", ">="):
            return NotImplemented
        return [("id", "in", self._credit_utilization_ids(operator, value))]

    def _search_credit_over_limit(self, operator, value):
        if operator != "in":
            return NotImplemented
        if False in value:
            return NotImplemented if True in value else [("credit_over_limit", "not in", [True])]
        return [("id", "in", self._credit_utilization_ids(">", 100.0))]

    def _credit_utilization_ids(self, operator, value):
        """The ids :meth:`_credit_utilization_query` finds, read at once:
        inside a larger domain, as a subquery, PostgreSQL may compute every
        customer's exposure more than once."""
        return [
            row[0]
            for row in self.env.execute_query(self._credit_utilization_query(operator, value))
        ]

    def _credit_utilization_query(self, operator, value):
        """Ids of the partners whose commercial partner's exposure, as a
        percentage of its limit in the current company, compares to ``value``.
        One query over all partners, whatever their number.  A customer
        without a limit has a utilisation of 0: when 0 does not match (over
        the limit, above 80 %) and few customers have a limit, only their
        exposure is computed."""
        company = self.env.company
        self.flush_model(["credit_limit", "credit_segment_limit", "commercial_partner_id"])
        included = company._credit_exposure_components()
        total = SQL(" + ").join(
            SQL("COALESCE(exposure.%s, 0)", SQL.identifier(n)) for n in included
        )
        limit = self._credit_limit_sql("commercial", company)
        among = None
        if not COMPARISONS[operator](0, value):
            among = self._credit_limited_ids(company, EXPOSURE_BY_IDS_MAX)
        return SQL(
            """
            SELECT partner.id
              FROM res_partner partner
              JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
         LEFT JOIN (%(exposure)s) exposure ON exposure.partner_id = commercial.id
             WHERE (CASE WHEN %(limit)s > 0 THEN ROUND(%(total)s, %(digits)s) * 100 / %(limit)s
                         ELSE 0 END) %(operator)s %(value)s
            """,
            exposure=self.env["credit.exposure"]._query(company, among),
            limit=limit,
            total=total,
            digits=company.currency_id.decimal_places,
            operator=SQL(operator),
            value=value,
        )

    def _credit_limited_ids(self, company, at_most):
        """The ids of the commercial partners with a limit above 0 in
        ``company``, or None when there are more than ``at_most``: past
        that, one pass over every open item beats a list of ids."""
        rows = self.env.execute_query(
            SQL(
                "SELECT commercial.id FROM res_partner commercial"
                " WHERE commercial.id = commercial.commercial_partner_id AND %s > 0"
                " LIMIT %s",
                self._credit_limit_sql("commercial", company),
                at_most + 1,
            )
        )
        return None if len(rows) > at_most else [row[0] for row in rows]

    # ------------------------------------------------------------- constraints

    @api.constrains("credit_limit")
    def _check_credit_limit(self):
        for partner in self:
            if partner.credit_limit < 0:
                raise ValidationError(
                    self.env._(
                        "The credit limit of %(partner)s cannot be negative (%(limit)s).",
                        partner=partner.display_name,
                        limit=partner.credit_limit,
                    )
                )

    @api.constrains("credit_limit_tolerance", "credit_block_overdue_days")
    def _check_credit_rules(self):
        for partner in self:
            _raise_on_invalid_rules(
                self.env, partner.credit_limit_tolerance, partner.credit_block_overdue_days
            )

    def _credit_rules(self):
        """Blocking rules for this commercial partner in the current company:
        its own, else its segment's, else the company's."""
        self.ensure_one()
        rules = self.env.company._credit_rules()
        if self.credit_rules_override:
            owner = self
            tolerance, days = self.credit_limit_tolerance, self.credit_block_overdue_days
        elif self.credit_segment_id.rules_override:
            owner = self.credit_segment_id
            tolerance, days = owner.limit_tolerance, owner.block_overdue_days
        else:
            return rules
        return CreditRules(
            use_limit=rules.use_limit,
            tolerance=tolerance,
            overdue_days=days,
            included=rules.included,
        )

    # ------------------------------------------------------------ risk score

    def _credit_limits(self, company=None):
        """``{commercial partner id: (limit, source)}`` in ``company`` (the
        current one): the partner's own limit, else its segment's, else the
        company default; one query."""
        company = company or self.env.company
        self.flush_model(["credit_limit", "credit_segment_limit"])
        fallback = (
            self._fields["credit_limit"].get_company_dependent_fallback(self.with_company(company))
            or 0.0
        )
        key = str(company.id)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, (credit_limit ->> %(key)s)::numeric,
                       (credit_segment_limit ->> %(key)s)::numeric
                  FROM res_partner WHERE id = ANY(%(ids)s)
                """,
                key=key,
                ids=self.ids,
            )
        )
        limits = {}
        for partner_id, own, segment in rows:
            if own is not None:
                limits[partner_id] = (float(own), "partner")
            elif segment is not None:
                limits[partner_id] = (float(segment), "segment")
            else:
                limits[partner_id] = (fallback, "company")
        return limits

    def _credit_segment_payment_term(self):
        """The payment term of this customer's segment when it applies (the
        customer has none of its own), else an empty recordset: what new
        orders and invoices take before the company default."""
        if not self.commercial_partner_id.credit_segment_id.payment_term_id:
            return self.env["account.payment.term"]
        term, source = self._credit_payment_term()
        return term if source == "segment" else self.env["account.payment.term"]

    def _credit_payment_term(self):
        """``(term, source)`` of this customer in the current company: its
        own payment term, else its segment's, else the company default."""
        self.ensure_one()
        customer = self.commercial_partner_id
        key = str(self.env.company.id)
        customer.flush_recordset(["property_payment_term_id"])
        [(own,)] = self.env.execute_query(
            SQL(
                "SELECT (property_payment_term_id ->> %s) IS NOT NULL FROM res_partner "
                "WHERE id = %s",
                key,
                customer.id,
            )
        )
        if own:
            return customer.property_payment_term_id, "partner"
        if customer.credit_segment_id.payment_term_id:
            return customer.credit_segment_id.payment_term_id, "segment"
        return customer.property_payment_term_id, "company"

    @api.model
    def _credit_limit_sql(self, alias, company):
        """SQL of the applicable limit of the partner ``alias`` in ``company``."""
        return SQL(
            """COALESCE((%(alias)s.credit_limit ->> %(key)s)::numeric,
                        (%(alias)s.credit_segment_limit ->> %(key)s)::numeric, %(fallback)s)""",
            alias=SQL.identifier(alias),
            key=str(company.id),
            fallback=self._fields["credit_limit"].get_company_dependent_fallback(
                self.with_company(company)
            )
            or 0.0,
        )

    @api.depends_context("company")
    @api.depends(
        "credit_limit", "credit_segment_id", "credit_rules_override", "property_payment_term_id"
    )
    def _compute_credit_policy(self):
        commercial = self.commercial_partner_id._origin
        limits = commercial._credit_limits()
        company = self.env.company
        for partner in self:
            customer = partner.commercial_partner_id._origin
            segment = customer.credit_segment_id
            partner.credit_limit_effective, partner.credit_limit_source = limits.get(
                customer.id, (0.0, "company")
            )
            partner.credit_dunning_scenario_source = (
                "partner"
                if customer.credit_dunning_scenario_id
                else "segment"
                if segment.dunning_scenario_id
                else "company"
                if company.credit_dunning_scenario_id
                else False
            )
            partner.credit_rules_source = (
                "partner"
                if customer.credit_rules_override
                else "segment"
                if segment.rules_override
                else "company"
            )
            if customer:
                term, source = customer._credit_payment_term()
            else:
                term, source = partner.property_payment_term_id, "partner"
            partner.credit_payment_term_effective_id = term
            partner.credit_payment_term_source = source

    @api.depends("property_payment_term_id")
    def _compute_credit_payment_term_warning(self):
        from .credit_segment import _payment_term_warning

        for partner in self:
            partner.credit_payment_term_warning = _payment_term_warning(
                self.env, partner.property_payment_term_id
            )

    @api.depends_context("company")
    @api.depends("credit_score_date")
    def _compute_credit_score_explanation(self):
        Score = self.env["credit.score"].sudo()  # the partner's own figures
        for partner in self:
            rows = Score.search(
                [
                    ("partner_id", "=", partner.commercial_partner_id._origin.id),
                    ("company_id", "=", self.env.company.id),
                ],
                limit=HISTORY_SCORES,
            )
            partner.credit_score_explanation = rows[:1].explanation_text or False
            partner.credit_score_history_ids = rows.with_env(self.env)

    def action_credit_compute_score(self):
        """Score these customers now, in the current company."""
        self._check_credit_manager()
        customers = self.commercial_partner_id
        Score = self.env["credit.score"].sudo()
        Score._lock(self.env.company)  # not while the scheduled action scores them
        Score._compute_scores(self.env.company, partner_ids=customers.ids)
        return True

    def action_credit_score_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_score"
        )
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        return action

    def _credit_apply_scores(self, company, today, values):
        """Give the scored customers their score and segment in ``company``
        (``values``: rows of ``credit.score._compute_scores``).  Everything
        that does not change a segment is written in one UPDATE; a segment
        change (not a first segment) is written through the ORM, tracked,
        with an activity for the credit manager, and either tightens the
        customer (moving down, per the company's settings) or proposes a
        looser limit for review (moving up)."""
        if not values:
            return
        Segment = self.env["credit.segment"]
        key = str(company.id)
        current = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT id, (credit_segment_id ->> %(key)s)::int,
                           COALESCE((credit_segment_pinned ->> %(key)s)::boolean, FALSE),
                           (credit_segment_limit ->> %(key)s)::numeric,
                           (credit_review_date ->> %(key)s)::date,
                           COALESCE((credit_hold ->> %(key)s)::boolean, FALSE)
                      FROM res_partner WHERE id = ANY(%(ids)s)
                    """,
                    key=key,
                    ids=[row[0] for row in values],
                )
            )
        }
        segments = {
            segment.id: segment
            for segment in Segment.browse(
                {row[4] for row in values if row[4]} | {c[0] for c in current.values() if c[0]}
            ).exists()
        }
        updates, changes, holds, segment_holds = [], [], [], {}
        for row in values:
            partner_id, score_value, enough, hard_stop, new_id = row[:5]
            sales_12m = row[18]
            old_id, pinned, old_limit, review, held = current[partner_id]
            old_id = old_id if old_id in segments else None
            if pinned:
                new_id = old_id
            new = segments.get(new_id) or Segment
            state = "hard_stop" if hard_stop else "scored" if enough else "no_history"
            limit = new._limit_for(sales_12m) if new else None
            first = old_id is None
            if (
                not first
                and new_id
                and new_id != old_id
                and new.score_min > segments[old_id].score_min
            ):
                limit = old_limit  # loosening waits for a review
            if new and new.review_months and (review is None or new_id != old_id):
                review = today + relativedelta(months=new.review_months)
            updates.append((partner_id, score_value, state, limit, new_id, review, first))
            if not first and new_id and new_id != old_id:
                changes.append((partner_id, old_id, new_id, sales_12m))
            if hard_stop and not held:
                holds.append(partner_id)
            elif first and new.hold and not held:
                segment_holds.setdefault(new, []).append(partner_id)
        self._credit_write_scores(company, today, updates)
        for partner_id, old_id, new_id, sales_12m in changes:
            self.browse(partner_id)._credit_segment_changed(
                segments[old_id], segments[new_id], sales_12m
            )
        for segment, partner_ids in segment_holds.items():
            # a first segment that holds its customers (Blocked)
            self.browse(partner_ids).sudo().write(
                {
                    "credit_hold": True,
                    "credit_hold_reason": self.env._("Risk segment %s", segment.name),
                }
            )
        if holds:
            self.browse(holds).sudo().write(
                {
                    "credit_hold": True,
                    "credit_hold_reason": self.env._(
                        "Hard stop: insolvency proceedings or company closed"
                    ),
                }
            )

    def _credit_write_scores(self, company, today, updates):
        """One UPDATE of the company's keys of the score fields; the segment
        only where it is the customer's first (``updates``: id, score, state,
        segment limit, segment id, review date, first)."""
        key = str(company.id)
        ids, scores, states, limits, segments, reviews, firsts = (
            list(column) for column in zip(*updates, strict=True)
        )

        def put(column, value, when=None):
            # no JSON null: the ORM casts the value of the key, and a missing
            # key reads as the field's fallback
            return SQL(
                """%(column)s = CASE WHEN NOT %(when)s THEN partner.%(column)s
                                     WHEN %(value)s IS NULL THEN partner.%(column)s - %(key)s
                                     ELSE COALESCE(partner.%(column)s, '{}'::jsonb)
                                          || jsonb_build_object(%(key)s, %(value)s) END""",
                column=SQL.identifier(column),
                key=key,
                value=value,
                when=when or SQL("TRUE"),
            )

        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner partner
                   SET %(assignments)s
                  FROM unnest(%(ids)s::int[], %(scores)s::int[], %(states)s::varchar[],
                              %(limits)s::numeric[], %(segments)s::int[], %(reviews)s::date[],
                              %(firsts)s::bool[])
                       AS v(id, score, state, segment_limit, segment_id, review, first)
                 WHERE partner.id = v.id
                """,
                assignments=SQL(", ").join(
                    [
                        put("credit_score", SQL("v.score")),
                        put("credit_score_state", SQL("v.state")),
                        put("credit_score_date", SQL("%s::date", today)),
                        put("credit_segment_limit", SQL("v.segment_limit")),
                        put("credit_review_date", SQL("v.review")),
                        put("credit_segment_id", SQL("v.segment_id"), SQL("v.first")),
                    ]
                ),
                ids=ids,
                scores=scores,
                states=states,
                limits=limits,
                segments=segments,
                reviews=reviews,
                firsts=firsts,
            )
        )
        self.invalidate_model(
            [
                "credit_score",
                "credit_score_state",
                "credit_score_date",
                "credit_segment_limit",
                "credit_review_date",
                "credit_segment_id",
            ]
        )

    def _credit_segment_changed(self, old, new, sales_12m):
        """This customer moved from segment ``old`` to ``new``: tracked
        write, an activity for the credit manager, then tighten or review."""
        self.ensure_one()
        company = self.env.company
        partner = self.sudo()
        down = new.score_min < old.score_min
        partner.credit_segment_id = new
        manager = company._credit_manager()
        if manager:
            partner.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Risk segment: %(old)s → %(new)s", old=old.name, new=new.name),
                note=self.env._("Score %s", partner.credit_score),
            )
        if down:
            tighten = {}
            if company.credit_score_tighten_hold or new.hold:
                tighten.update(
                    credit_hold=True,
                    credit_hold_reason=self.env._("Moved down to segment %s", new.name),
                )
            if company.credit_score_tighten_term and new.payment_term_id:
                tighten["property_payment_term_id"] = new.payment_term_id.id
            if tighten:
                partner.write(tighten)
        else:
            self.env["credit.limit.review"].sudo()._propose(self, old, new, sales_12m)

    # -------------------------------------------------------------------- hold

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.keys() & CREDIT_MANAGER_FIELDS for vals in vals_list):
            self._check_credit_manager()
        return super().create([self._with_hold_stamp(vals) for vals in vals_list])

    def write(self, vals):
        if vals.keys() & CREDIT_MANAGER_FIELDS:
            self._check_credit_manager()
        return super().write(self._with_hold_stamp(vals))

    def _with_hold_stamp(self, vals):
        """Who put the hold and when; releasing it clears them and the reason."""
        if "credit_hold" not in vals:
            return vals
        held = vals["credit_hold"]
        stamp = {
            "credit_hold_user_id": self.env.uid if held else False,
            "credit_hold_date": fields.Date.context_today(self) if held else False,
        }
        if not held:
            stamp["credit_hold_reason"] = vals.get("credit_hold_reason", False)
        return {**vals, **stamp}

    def _check_credit_manager(self):
        if not self.env.su and not self.env.user.has_group(
            "credit_management.group_credit_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a Credit Manager can change credit limits, credit holds and "
                    "dunning stops."
                )
            )

    # ----------------------------------------------------------------- dunning

    def _credit_dunning_scenario(self):
        """The dunning scenario of this customer in the current company: its
        own, else its segment's, else the company's default."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return (
            partner.credit_dunning_scenario_id
            or partner.credit_segment_id.dunning_scenario_id
            or self.env.company.credit_dunning_scenario_id
        )

    def _credit_dunning_may_write_on(self, company):
        """The first day this customer may get a reminder of ``company``
        again: its last one plus its scenario's days between reminders."""
        self.ensure_one()
        [(last_sent,)] = self.env["credit.dunning.communication"]._read_group(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("state", "=", "sent"),
            ],
            aggregates=["sent_date:max"],
        )
        if not last_sent:
            return date.min
        scenario = self.with_company(company)._credit_dunning_scenario()
        return last_sent + timedelta(days=scenario.min_interval_days)

    def _credit_dunning_recipients(self):
        """``{customer: contacts}``: who is sent the reminders of each of
        these customers (commercial entities): every contact of its own
        flagged "Receives Reminders", else its invoice address; never any
        other contact, whose e-mail may be anyone's."""
        customers = self.commercial_partner_id
        flagged = self.search(
            [("commercial_partner_id", "in", customers.ids), ("credit_dunning_contact", "=", True)],
            order="id",
        ).grouped("commercial_partner_id")
        return {
            customer: flagged.get(customer)
            or self.browse(customer.address_get(["invoice"])["invoice"])
            for customer in customers
        }

    def _credit_dunning_invoices(self, overdue_only=True):
        """The invoices a reminder to this customer lists: those given in the
        context (``credit_dunning_invoice_ids``, set by the reminder run; those
        of this customer), else
        its open posted customer invoices in the current company, overdue only
        unless ``overdue_only`` is false, oldest due first."""
        self.ensure_one()
        Move = self.env["account.move"]
        if self.env.context.get("credit_dunning_invoice_ids"):
            # reminders sent or printed in batch: each customer lists its own only
            customer_id = self.commercial_partner_id.id
            invoices = Move.browse(self.env.context["credit_dunning_invoice_ids"]).filtered(
                lambda move: move.commercial_partner_id.id == customer_id
            )
        else:
            domain = [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
            ]
            if overdue_only:
                domain.append(("invoice_date_due", "<", fields.Date.context_today(self)))
            invoices = Move.search(domain).filtered(lambda move: not move.no_followup)
        return invoices.sorted(lambda move: (move.invoice_date_due, move.name))

    def _credit_dunning_note(self):
        """The reviewer's note to this customer in the reminders being sent
        or printed (``credit_dunning_communication_ids`` in the context), for
        the e-mail and the letter to print above the invoices."""
        self.ensure_one()
        return "\n".join(filter(None, self._credit_dunning_reminders_in_context().mapped("note")))

    def _credit_dunning_reminders_in_context(self):
        """This customer's reminders among those being sent or printed
        (``credit_dunning_communication_ids`` in the context)."""
        customer_id = self.commercial_partner_id.id
        return (
            self.env["credit.dunning.communication"]
            .browse(self.env.context.get("credit_dunning_communication_ids") or [])
            .filtered(lambda communication: communication.partner_id.id == customer_id)
        )

    def _credit_dunning_days_late(self, invoice):
        """Days from ``invoice``'s due date to today (negative: not yet due)."""
        return (fields.Date.context_today(self) - invoice.invoice_date_due).days

    def _credit_dunning_totals(self, invoices):
        """``[(currency, amount due)]`` of ``invoices``, one per currency."""
        totals = {}
        for invoice in invoices:
            totals[invoice.currency_id] = totals.get(invoice.currency_id, 0.0) + (
                invoice.amount_residual
            )
        return list(totals.items())

    # -------------------------------------------------------------- drill-down

    def action_credit_open_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_dispute"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    def action_credit_statement_revoke_links(self):
        """Invalidate every statement link sent to these customers so far."""
        for partner in self.commercial_partner_id:
            partner.credit_statement_link_version += 1

    def _credit_statement_url(self):
        """The signed link to this customer's statement, for e-mail templates."""
        self.ensure_one()
        return self.env["credit.statement"]._link(self, self.env.company)

    def action_open_credit_documents(self):
        """The documents behind one exposure component (``credit_component``
        in the context) of this customer, in the current company."""
        self.ensure_one()
        component = self.env.context.get("credit_component")
        return self.env["credit.exposure"]._documents_action(
            self.env.company, self.commercial_partner_id, component
        )

    # --------------------------------------------------------------- penalties

    def _credit_penalty_lines(self):
        """The penalties charged with the reminder a template is rendered
        for, not waived: what the formal notice's e-mail and letter mention.
        That reminder is the one being sent or printed to this customer
        (``credit_dunning_communication_ids`` in the context), else the
        latest one listing its invoices."""
        self.ensure_one()
        reminder = self._credit_dunning_reminders_in_context()
        if not reminder:
            invoices = self._credit_dunning_invoices()
            reminder = (
                self.env["credit.dunning.line"]
                .search([("move_id", "in", invoices.ids)], order="communication_id desc", limit=1)
                .communication_id
            )
        return reminder.credit_penalty_line_ids.filtered(
            lambda line: line.state in ("to_invoice", "invoiced")
        )
