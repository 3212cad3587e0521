import io

import xlsxwriter
from xlsxwriter.utility import xl_range

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date
from odoo.tools.safe_eval import safe_eval

from ..report.credit_aged_balance import BUCKETS

# The report's amount columns, in display order: the buckets, then the total.
AMOUNTS = (*(name for name, _upper in BUCKETS), "residual")


class CreditAgedBalanceWizard(models.TransientModel):
    """Options of the aged balance (as-of date, ageing basis), shown on
    screen or exported to XLSX.

    Both renderers read the same options: *Show* opens the report action
    with them in its context; *Export XLSX* writes what ``_report_rows()``
    returns, the per-customer sums of that same report.
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

    # ------------------------------------------------------------------ options

    def _check_as_of(self):
        self.ensure_one()
        if self.as_of > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "The aged balance cannot be computed as of %s, a date in the future.",
                    format_date(self.env, self.as_of),
                )
            )

    def _report_context(self):
        """The context keys the ``credit.aged.balance`` report reads."""
        return {
            "credit_as_of": fields.Date.to_string(self.as_of),
            "credit_ageing_basis": self.ageing_basis,
        }

    # --------------------------------------------------------------------- data

    def _report_rows(self):
        """The one data producer of the wizard: the report's sums per
        customer for the options, in the company currency.

        Returns a plain dict::

            {
                "company": company name,
                "currency": res.currency of the amounts,
                "as_of": date,
                "basis": label of the ageing basis,
                "columns": [(field name, label), ...],  # AMOUNTS, in order
                "rows": [{"partner": name, "not_due": ..., "residual": ...}, ...],
                "totals": {"not_due": ..., "residual": ...},
            }

        Rows come from one ``_read_group`` grouped by customer and ordered
        as customers are (by name).  Only the current company is read, so
        that every amount is in one currency.
        """
        self.ensure_one()
        self._check_as_of()
        company = self.env.company
        report = self.env["credit.aged.balance"].with_context(**self._report_context())
        rows = [
            {
                "partner": partner.display_name or self.env._("No Customer"),
                **dict(zip(AMOUNTS, amounts, strict=True)),
            }
            for partner, *amounts in report._read_group(
                [("company_id", "=", company.id)],
                ["partner_id"],
                [f"{name}:sum" for name in AMOUNTS],
                order="partner_id",
            )
        ]
        currency = company.currency_id
        basis = dict(self._fields["ageing_basis"]._description_selection(self.env))
        return {
            "company": company.name,
            "currency": currency,
            "as_of": self.as_of,
            "basis": basis[self.ageing_basis],
            "columns": [
                (name, report._fields[name]._description_string(self.env)) for name in AMOUNTS
            ],
            "rows": rows,
            "totals": {name: currency.round(sum(row[name] for row in rows)) for name in AMOUNTS},
        }

    # ---------------------------------------------------------------- renderers

    def action_show(self):
        """The report action with the options in its context."""
        self.ensure_one()
        self._check_as_of()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_management.action_credit_aged_balance"
        )
        context = safe_eval(
            action.get("context") or "{}", self.env["ir.actions.actions"]._get_eval_context()
        )
        action["context"] = {**context, **self._report_context()}
        action["display_name"] = self.env._(
            "Aged Balance as of %s", format_date(self.env, self.as_of)
        )
        return action

    def action_export_xlsx(self):
        """Download ``_report_rows()`` as an XLSX file, one sheet for the
        current company."""
        self.ensure_one()
        data = self._report_rows()
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("Aged Balance %s.xlsx", fields.Date.to_string(self.as_of)),
                "raw": self._render_xlsx(data),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _render_xlsx(self, data):
        """The XLSX bytes of ``data`` (as returned by ``_report_rows()``):
        the options on top, then one line per customer under a frozen header
        row, then a totals line of ``SUM`` formulas."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Aged Balance"))
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        header = workbook.add_format({"bold": True, "bottom": 1, "align": "center"})
        digits = data["currency"].decimal_places
        number_format = "#,##0" + ("." + "0" * digits if digits else "")
        amount = workbook.add_format({"num_format": number_format})
        total = workbook.add_format({"num_format": number_format, "bold": True, "top": 1})
        total_label = workbook.add_format({"bold": True, "top": 1})

        sheet.write(0, 0, self.env._("Aged Balance"), title)
        options = [
            (self.env._("Company"), data["company"]),
            (self.env._("As of"), format_date(self.env, data["as_of"])),
            (self.env._("Age by"), data["basis"]),
            (self.env._("Currency"), data["currency"].name),
        ]
        for row, (label, value) in enumerate(options, start=1):
            sheet.write(row, 0, label, bold)
            sheet.write(row, 1, value)

        header_row = len(options) + 2
        sheet.write(header_row, 0, self.env._("Customer"), header)
        for col, (_name, label) in enumerate(data["columns"], start=1):
            sheet.write(header_row, col, label, header)
        sheet.freeze_panes(header_row + 1, 1)

        first = header_row + 1
        for row, line in enumerate(data["rows"], start=first):
            sheet.write(row, 0, line["partner"])
            for col, (name, _label) in enumerate(data["columns"], start=1):
                sheet.write_number(row, col, line[name], amount)

        total_row = first + len(data["rows"])
        sheet.write(total_row, 0, self.env._("Total"), total_label)
        for col, (name, _label) in enumerate(data["columns"], start=1):
            if data["rows"]:
                cells = xl_range(first, col, total_row - 1, col)
                sheet.write_formula(total_row, col, f"=SUM({cells})", total, data["totals"][name])
            else:
                sheet.write_number(total_row, col, 0.0, total)

        sheet.set_column(0, 0, max([30, *(len(line["partner"]) for line in data["rows"])]))
        sheet.set_column(1, len(data["columns"]), 14)
        workbook.close()
        return output.getvalue()
