import io

import xlsxwriter
from xlsxwriter.utility import xl_range

from odoo import api, models

# Excel refuses sheet names longer than this, or with any of these characters.
SHEET_NAME_LENGTH = 31
SHEET_NAME_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


class CreditAgedBalanceXlsx(models.AbstractModel):
    """The aged balance as an XLSX workbook: one sheet per company (so per
    currency), the options on top, one line per customer under a frozen
    header row, then a totals line of ``SUM`` formulas."""

    _name = "report.credit_management.aged_balance_xlsx"
    _description = "Aged Balance XLSX Export"

    @api.model
    def _render(self, data):
        """The XLSX bytes of ``data``, as ``credit.aged.balance.wizard.
        _report_data()`` returns it."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        formats = self._formats(workbook)
        used_names = set()
        for section in data["sections"] or [self._empty_section()]:
            sheet = workbook.add_worksheet(self._sheet_name(section, used_names))
            self._write_section(sheet, formats, data, section)
        workbook.close()
        return output.getvalue()

    @api.model
    def _empty_section(self):
        company = self.env.company
        return {"company": company.name, "currency": company.currency_id, "rows": [], "totals": {}}

    @api.model
    def _sheet_name(self, section, used_names):
        """``Company (EUR)``, shortened to Excel's limit and made unique."""
        suffix = f" ({section['currency'].name})"
        name = section["company"].translate(SHEET_NAME_FORBIDDEN)
        name = name[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        unique, number = name, 1
        while unique.lower() in used_names:
            number += 1
            unique = f"{name[: SHEET_NAME_LENGTH - len(str(number)) - 1]}~{number}"
        used_names.add(unique.lower())
        return unique

    @api.model
    def _formats(self, workbook):
        return {
            "bold": workbook.add_format({"bold": True}),
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format({"bold": True, "bottom": 1, "align": "center"}),
            "total_label": workbook.add_format({"bold": True, "top": 1}),
            "amount": {},  # per number of decimal places, see _amount_formats
            "workbook": workbook,
        }

    @api.model
    def _amount_formats(self, formats, currency):
        """The amount and total formats for ``currency``'s decimal places."""
        digits = currency.decimal_places
        if digits not in formats["amount"]:
            number_format = "#,##0" + ("." + "0" * digits if digits else "")
            workbook = formats["workbook"]
            formats["amount"][digits] = (
                workbook.add_format({"num_format": number_format}),
                workbook.add_format({"num_format": number_format, "bold": True, "top": 1}),
            )
        return formats["amount"][digits]

    @api.model
    def _write_section(self, sheet, formats, data, section):
        amount, total = self._amount_formats(formats, section["currency"])
        sheet.write(0, 0, self.env._("Aged Balance"), formats["title"])
        options = [
            (self.env._("Company"), section["company"]),
            (self.env._("Currency"), section["currency"].name),
            *data["options"],
        ]
        for row, (label, value) in enumerate(options, start=1):
            sheet.write(row, 0, label, formats["bold"])
            sheet.write(row, 1, value)

        header_row = len(options) + 2
        sheet.write(header_row, 0, self.env._("Customer"), formats["header"])
        for col, (_name, label) in enumerate(data["columns"], start=1):
            sheet.write(header_row, col, label, formats["header"])
        sheet.freeze_panes(header_row + 1, 1)

        first = header_row + 1
        for row, line in enumerate(section["rows"], start=first):
            sheet.write_string(row, 0, line["partner"])
            for col, (name, _label) in enumerate(data["columns"], start=1):
                sheet.write_number(row, col, line[name], amount)

        total_row = first + len(section["rows"])
        sheet.write(total_row, 0, self.env._("Total"), formats["total_label"])
        for col, (name, _label) in enumerate(data["columns"], start=1):
            if section["rows"]:
                cells = xl_range(first, col, total_row - 1, col)
                sheet.write_formula(
                    total_row, col, f"=SUM({cells})", total, section["totals"][name]
                )
            else:
                sheet.write_number(total_row, col, 0.0, total)

        widest = max([30, *(len(line["partner"]) for line in section["rows"])])
        sheet.set_column(0, 0, widest)
        sheet.set_column(1, len(data["columns"]), 14)
