import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .test_aged_balance import BUCKETS, AgedLedgerCommon

COLUMNS = (*BUCKETS, "residual")


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestAgedBalanceWizard(AgedLedgerCommon):
    """The options wizard on the ledger of ``TestAgedBalance`` (its tests run
    here again, on the same data).  Today, due-date basis:

    ===========  =======  ====  =====  =====  ======  =====  =====
    customer     not due  1-30  31-60  61-90  91-120  older  total
    ===========  =======  ====  =====  =====  ======  =====  =====
    Dupont SA          0     0    500    600   2,000   -100  3,000
    Other Ltd          0   300      0      0       0      0    300
    Total              0   300    500    600   2,000   -100  3,300
    ===========  =======  ====  =====  =====  ======  =====  =====
    """

    def _wizard(self, as_of="2025-06-30", basis="due"):
        return self.env["credit.aged.balance.wizard"].create(
            {"as_of": as_of, "ageing_basis": basis}
        )

    def _xlsx(self, wizard):
        action = wizard.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        url, query = action["url"].split("?")
        self.assertEqual(query, "download=true")
        attachment = self.env["ir.attachment"].browse(int(url.removeprefix("/web/content/")))
        self.assertEqual(attachment.name, "Aged Balance 2025-06-30.xlsx")
        return openpyxl.load_workbook(io.BytesIO(attachment.raw)).active

    def test_defaults(self):
        wizard = self.env["credit.aged.balance.wizard"].create({})
        self.assertEqual(str(wizard.as_of), "2025-06-30")
        self.assertEqual(wizard.ageing_basis, "due")

    def test_show(self):
        action = self._wizard("2025-03-31", "invoice").action_show()
        self.assertEqual(action["res_model"], "credit.aged.balance")
        self.assertEqual(
            action["context"],
            {
                "group_by": ["partner_id"],
                "credit_as_of": "2025-03-31",
                "credit_ageing_basis": "invoice",
            },
        )
        self.assertEqual(action["display_name"], "Aged Balance as of 03/31/2025")

    def test_future_date_refused(self):
        wizard = self._wizard("2025-07-01")
        message = "The aged balance cannot be computed as of 07/01/2025, a date in the future."
        with self.assertRaisesRegex(UserError, message):
            wizard.action_show()
        with self.assertRaisesRegex(UserError, message):
            wizard.action_export_xlsx()

    def test_report_rows_are_the_report_sums(self):
        for as_of, basis in [
            ("2025-06-30", "due"),
            ("2025-03-31", "due"),
            ("2025-04-30", "invoice"),
        ]:
            with self.subTest(as_of=as_of, basis=basis):
                data = self._wizard(as_of, basis)._report_rows()
                self.assertEqual(
                    {row["partner"]: {c: row[c] for c in COLUMNS} for row in data["rows"]},
                    {
                        partner.name: amounts
                        for partner, amounts in self._aged(as_of, basis).items()
                    },
                )
                self.assertEqual(
                    data["totals"],
                    {c: sum(row[c] for row in data["rows"]) for c in COLUMNS},
                )

    def test_xlsx(self):
        wizard = self._wizard()
        data = wizard._report_rows()
        sheet = self._xlsx(wizard)

        self.assertEqual(
            [[cell.value for cell in row] for row in sheet["A2:B5"]],
            [
                ["Company", self.company.name],
                ["As of", "06/30/2025"],
                ["Age by", "Due Date"],
                ["Currency", self.currency.name],
            ],
        )
        self.assertEqual(sheet.freeze_panes, "B8")
        self.assertEqual(
            [cell.value for cell in sheet[7]],
            ["Customer", "Not Due", "1-30", "31-60", "61-90", "91-120", "Older", "Residual"],
        )

        lines = [list(row) for row in sheet.iter_rows(min_row=8, max_row=9, values_only=True)]
        expected = [
            ["Dupont SA", 0.0, 0.0, 500.0, 600.0, 2000.0, -100.0, 3000.0],
            ["Other Ltd", 0.0, 300.0, 0.0, 0.0, 0.0, 0.0, 300.0],
        ]
        self.assertEqual(lines, expected)
        self.assertEqual(
            lines, [[row["partner"], *(row[c] for c in COLUMNS)] for row in data["rows"]]
        )
        aged = self._aged()
        self.assertEqual(
            lines,
            [[partner.name, *aged[partner].values()] for partner in (self.dupont, self.other)],
        )
        self.assertEqual(sheet["B8"].number_format, "#,##0.00")

        totals = [cell.value for cell in sheet[10]]
        self.assertEqual(totals[0], "Total")
        self.assertEqual(
            totals[1:], [f"=SUM({col}8:{col}9)" for col in ("B", "C", "D", "E", "F", "G", "H")]
        )
        self.assertIsNone(sheet["A11"].value, "nothing below the totals")
        self.assertEqual(
            data["totals"],
            dict(zip(COLUMNS, (0.0, 300.0, 500.0, 600.0, 2000.0, -100.0, 3300.0), strict=True)),
        )
        self.assertGreaterEqual(sheet.column_dimensions["A"].width, 30)
