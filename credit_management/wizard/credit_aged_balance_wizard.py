from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date
from odoo.tools.safe_eval import safe_eval

from ..report.credit_aged_balance import BOUNDED_BUCKETS


class CreditAgedBalanceWizard(models.TransientModel):
    """Options of the aged balance, shown on screen or exported.

    Every renderer reads the same options: *Show* opens the report action
    with them as its domain and context; the XLSX and PDF exports render
    ``_report_data()``, the per-customer sums of that same report.
    """

    _name = "credit.aged.balance.wizard"
    _description = "Aged Balance Options"

    as_of = fields.Date(string="As of", required=True, default=fields.Date.context_today)
    ageing_basis = fields.Selection(
        [("due", "Due Date"), ("invoice", "Invoice Date")],
        string="Age by",
        required=True,
        default="due",
    )
    bucket_set_id = fields.Many2one(
        "credit.aged.bucket.set",
        string="Buckets",
        required=True,
        default=lambda self: self.env["credit.aged.bucket.set"].search([], limit=1),
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.company,
        help="Each company's amounts stay in its own currency: one group, sheet or"
        " section per company.",
    )
    account_ids = fields.Many2many(
        "account.account",
        string="Receivable Accounts",
        domain=[("account_type", "=", "asset_receivable")],
        help="Leave empty for every receivable account.",
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", help="Leave empty for every customer."
    )
    user_ids = fields.Many2many(
        "res.users", string="Salespersons", help="Leave empty for every salesperson."
    )
    include_unapplied = fields.Boolean(
        string="Unapplied Payments and Credits",
        default=True,
        help="Show payments and credit notes not yet matched with an invoice as negative"
        " items. Without them the total is what customers owe, no longer their balance.",
    )

    # ------------------------------------------------------------------ options

    def _check_options(self):
        self.ensure_one()
        if self.as_of > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "The aged balance cannot be computed as of %s, a date in the future.",
                    format_date(self.env, self.as_of),
                )
            )
        if self.company_ids - self.env.companies:
            raise UserError(
                self.env._(
                    "Select %s in the company switcher first: the aged balance only shows"
                    " the companies you are working in.",
                    ", ".join((self.company_ids - self.env.companies).mapped("name")),
                )
            )

    def _report_context(self):
        """The context keys the ``credit.aged.balance`` report reads."""
        bounds = self.bucket_set_id._bounds()
        return {
            "credit_as_of": fields.Date.to_string(self.as_of),
            "credit_ageing_basis": self.ageing_basis,
            "credit_ageing_bounds": list(bounds),
            "credit_bucket_count": len(bounds),
        }

    def _report_domain(self):
        """The report's domain for the options."""
        domain = [("company_id", "in", self.company_ids.ids)]
        if self.account_ids:
            domain.append(("account_id", "in", self.account_ids.ids))
        if self.partner_ids:
            domain.append(("partner_id", "in", self.partner_ids.commercial_partner_id.ids))
        if self.user_ids:
            domain.append(("user_id", "in", self.user_ids.ids))
        if not self.include_unapplied:
            domain.append(("residual", ">", 0))
        return domain

    def _report(self):
        return self.env["credit.aged.balance"].with_context(**self._report_context())

    # --------------------------------------------------------------------- data

    def _report_data(self):
        """The one data producer of the exports: the report's sums per
        company and customer for the options.

        Returns a plain dict::

            {
                "options": [(label, value), ...],   # the header block
                "columns": [(field name, label), ...],  # used buckets, then the total
                "sections": [{                       # one per company, by name
                    "company": name, "currency": res.currency,
                    "rows": [{"partner": name, "not_due": ..., "residual": ...}],
                    "totals": {"not_due": ..., "residual": ...},
                }],
            }

        Rows come from one ``_read_group`` grouped by company and customer,
        ordered as customers are (by name), so a section only ever adds
        amounts of one currency.
        """
        self.ensure_one()
        self._check_options()
        report = self._report()
        columns = self._columns(report)
        names = [name for name, _label in columns]
        sections = {}
        for company, partner, *amounts in report._read_group(
            self._report_domain(),
            ["company_id", "partner_id"],
            [f"{name}:sum" for name in names],
            order="company_id, partner_id",
        ):
            section = sections.setdefault(
                company, {"company": company.name, "currency": company.currency_id, "rows": []}
            )
            section["rows"].append(
                {
                    # A commercial partner's display name is its name, and
                    # computing thousands of display names costs seconds.
                    "partner": partner.name or self.env._("No Customer"),
                    **dict(zip(names, amounts, strict=True)),
                }
            )
        for section in sections.values():
            section["totals"] = {
                name: section["currency"].round(sum(row[name] for row in section["rows"]))
                for name in names
            }
        return {
            "options": self._option_lines(),
            "columns": columns,
            "sections": list(sections.values()),
        }

    def _columns(self, report):
        """``(field, label)`` of the used bucket columns and of the total."""
        names = [
            "not_due",
            *BOUNDED_BUCKETS[: len(self.bucket_set_id._bounds())],
            "older",
            "residual",
        ]
        labels = report.fields_get(names, ["string"])
        return [(name, labels[name]["string"]) for name in names]

    def _option_lines(self):
        """The options as ``(label, value)`` lines, for the export headers."""
        everything = self.env._("All")
        basis = dict(self._fields["ageing_basis"]._description_selection(self.env))
        return [
            (self.env._("As of"), format_date(self.env, self.as_of)),
            (self.env._("Age by"), basis[self.ageing_basis]),
            (self.env._("Buckets"), self.bucket_set_id.labels),
            (self.env._("Receivable Accounts"), self._names(self.account_ids) or everything),
            (self.env._("Customers"), self._names(self.partner_ids) or everything),
            (self.env._("Salespersons"), self._names(self.user_ids) or everything),
            (
                self.env._("Unapplied Payments and Credits"),
                self.env._("Included") if self.include_unapplied else self.env._("Left out"),
            ),
        ]

    @api.model
    def _names(self, records):
        return ", ".join(records.mapped("display_name"))

    # ---------------------------------------------------------------- renderers

    def action_show(self):
        """The report action with the options as its domain and context,
        grouped by company first when there are several."""
        self.ensure_one()
        self._check_options()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_aged_balance"
        )
        context = safe_eval(
            action.get("context") or "{}", self.env["ir.actions.actions"]._get_eval_context()
        )
        group_by = ["partner_id"]
        if len(self.company_ids) > 1:
            group_by = ["company_id", *group_by]
        action["context"] = {**context, **self._report_context(), "group_by": group_by}
        action["domain"] = self._report_domain()
        action["display_name"] = self.env._(
            "Aged Balance as of %s", format_date(self.env, self.as_of)
        )
        return action

    def action_export_xlsx(self):
        """Download the XLSX file, rendered by a read-only route."""
        self.ensure_one()
        self._check_options()
        return {
            "type": "ir.actions.act_url",
            "url": f"/credit_management/aged_balance/{self.id}/xlsx",
            "target": "download",
        }

    def action_print_pdf(self):
        self.ensure_one()
        self._check_options()
        return self.env.ref("credit_management.action_report_credit_aged_balance").report_action(
            self
        )

    def _xlsx_filename(self):
        return self.env._("Aged Balance %s.xlsx", fields.Date.to_string(self.as_of))
