import io

import openpyxl

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .test_aged_balance import BUCKETS, AgedLedgerCommon

COLUMNS = (*BUCKETS, "residual")


class AgedWizardCommon(AgedLedgerCommon):
    """``AgedLedgerCommon``'s ledger.  Today (2025-06-30), due-date basis:

    ===========  =======  ====  =====  =====  ======  =====  =====
    customer     not due  1-30  31-60  61-90  91-120  older  total
    ===========  =======  ====  =====  =====  ======  =====  =====
    Dupont SA          0     0    500    600   2,000   -100  3,000
    Other Ltd          0   300      0      0       0      0    300
    Total              0   300    500    600   2,000   -100  3,300
    ===========  =======  ====  =====  =====  ======  =====  =====
    """

    @classmethod
    def _wizard(cls, as_of="2025-06-30", basis="due", **values):
        return cls.env["credit.aged.balance.wizard"].create(
            {"as_of": as_of, "ageing_basis": basis, **values}
        )

    @classmethod
    def _bucket_set(cls, bounds, name="Custom"):
        return cls.env["credit.aged.bucket.set"].create({"name": name, "bounds": bounds})

    def _sums(self, wizard):
        """``{partner name: (amounts in column order)}`` of every section."""
        names = [name for name, _label in wizard._report_data()["columns"]]
        return {
            row["partner"]: tuple(row[name] for name in names)
            for section in wizard._report_data()["sections"]
            for row in section["rows"]
        }


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestAgedBalanceWizard(AgedWizardCommon):
    def test_defaults(self):
        wizard = self.env["credit.aged.balance.wizard"].create({})
        self.assertEqual(str(wizard.as_of), "2025-06-30")
        self.assertEqual(wizard.ageing_basis, "due")
        self.assertEqual(wizard.bucket_set_id.bounds, "30, 60, 90, 120")
        self.assertEqual(wizard.company_ids, self.company)
        self.assertTrue(wizard.include_unapplied)

    def test_show(self):
        wizard = self._wizard("2025-03-31", "invoice", partner_ids=[Command.set(self.dupont.ids)])
        action = wizard.action_show()
        self.assertEqual(action["res_model"], "credit.aged.balance")
        self.assertEqual(
            action["context"],
            {
                "group_by": ["partner_id"],
                "credit_as_of": "2025-03-31",
                "credit_ageing_basis": "invoice",
                "credit_ageing_bounds": [30, 60, 90, 120],
                "credit_bucket_count": 4,
            },
        )
        self.assertEqual(
            action["domain"],
            [("company_id", "in", self.company.ids), ("partner_id", "in", self.dupont.ids)],
        )
        self.assertEqual(action["display_name"], "Aged Balance as of 03/31/2025")

    def test_future_date_refused(self):
        wizard = self._wizard("2025-07-01")
        message = "The aged balance cannot be computed as of 07/01/2025, a date in the future."
        for action in (wizard.action_show, wizard.action_export_xlsx, wizard.action_print_pdf):
            with self.subTest(action=action.__name__), self.assertRaisesRegex(UserError, message):
                action()

    def test_company_outside_the_switcher_refused(self):
        company_2 = self.setup_other_company(name="Other Company")["company"]
        self.env.user.company_ids = [Command.link(company_2.id)]
        wizard = self._wizard(company_ids=[Command.set((self.company | company_2).ids)])
        with self.assertRaisesRegex(UserError, "Select Other Company in the company switcher"):
            wizard.with_context(allowed_company_ids=self.company.ids).action_show()
        self.assertEqual(
            wizard.with_context(allowed_company_ids=(self.company | company_2).ids).action_show()[
                "context"
            ]["group_by"],
            ["company_id", "partner_id"],
        )

    def test_report_data_are_the_report_sums(self):
        for as_of, basis in [
            ("2025-06-30", "due"),
            ("2025-03-31", "due"),
            ("2025-04-30", "invoice"),
        ]:
            with self.subTest(as_of=as_of, basis=basis):
                data = self._wizard(as_of, basis)._report_data()
                (section,) = data["sections"]
                self.assertEqual(
                    {row["partner"]: {c: row[c] for c in COLUMNS} for row in section["rows"]},
                    {
                        partner.name: amounts
                        for partner, amounts in self._aged(as_of, basis).items()
                    },
                )
                self.assertEqual(
                    section["totals"],
                    {c: sum(row[c] for row in section["rows"]) for c in COLUMNS},
                )

    def test_options(self):
        """Today's figures (class docstring) narrowed by each option.  Only
        INV3 has that salesperson; the refund of -100 is the only unapplied item."""
        seller = new_test_user(
            self.env, login="aged_seller", groups="sales_team.group_sale_salesman"
        )
        self.inv3.invoice_user_id = seller
        cases = [
            ({}, {"Dupont SA": 3000.0, "Other Ltd": 300.0}),
            ({"partner_ids": [Command.set(self.other.ids)]}, {"Other Ltd": 300.0}),
            ({"user_ids": [Command.set(seller.ids)]}, {"Dupont SA": 500.0}),
            ({"include_unapplied": False}, {"Dupont SA": 3100.0, "Other Ltd": 300.0}),
            (
                {"account_ids": [Command.set(self.company_data["default_account_payable"].ids)]},
                {},
            ),
        ]
        for values, expected in cases:
            with self.subTest(values=values):
                sums = self._sums(self._wizard(**values))
                self.assertEqual({partner: row[-1] for partner, row in sums.items()}, expected)

    def test_options_header(self):
        wizard = self._wizard(partner_ids=[Command.set((self.dupont | self.other).ids)])
        self.assertEqual(
            wizard._report_data()["options"],
            [
                ("As of", "06/30/2025"),
                ("Age by", "Due Date"),
                ("Buckets", "Not due | 1–30 | 31–60 | 61–90 | 91–120 | >120"),
                ("Receivable Accounts", "All"),
                ("Customers", "Dupont SA, Other Ltd"),
                ("Salespersons", "All"),
                ("Unapplied Payments and Credits", "Included"),
            ],
        )

    def test_user_defined_buckets(self):
        """Buckets "60, 100" today: INV3 60 days (1–60: 500), EUR 72 days
        (61–100: 600), INV2 107 and RF1 121 days (>100: 2,000 - 100);
        Other Ltd 15 days (1–60: 300)."""
        wizard = self._wizard(bucket_set_id=self._bucket_set("60, 100").id)
        data = wizard._report_data()
        self.assertEqual(
            data["columns"],
            [
                ("not_due", "Not due"),
                ("bucket_1", "1–60"),
                ("bucket_2", "61–100"),
                ("older", ">100"),
                ("residual", "Residual"),
            ],
        )
        self.assertEqual(
            self._sums(wizard),
            {
                "Dupont SA": (0.0, 500.0, 600.0, 1900.0, 3000.0),
                "Other Ltd": (0.0, 300.0, 0.0, 0.0, 300.0),
            },
        )
        report = self.env["credit.aged.balance"].with_context(**wizard._report_context())
        self.assertEqual(
            report._read_group(
                [("partner_id", "=", self.dupont.id)],
                [],
                ["bucket_1:sum", "bucket_2:sum", "bucket_3:sum", "older:sum"],
            ),
            [(500.0, 600.0, 0.0, 1900.0)],
            "columns beyond the set stay at 0",
        )
        self.assertEqual(
            report.fields_get(["bucket_2", "bucket_3", "older"], ["string"]),
            {
                "bucket_2": {"string": "61–100"},
                "bucket_3": {"string": "Bucket 3"},
                "older": {"string": ">100"},
            },
        )

    def test_bucket_set_validation(self):
        cases = {
            "": "Give at least one limit.",
            "30, 30": "Each limit is greater than the one before it.",
            "30, 1.5": "Each limit is a whole number of days.",
            "-10, 20": "Each limit is a number of days greater than 0.",
            "10, 20, 30, 40, 50, 60, 70": "An aged balance has at most 6 bucket limits.",
        }
        bucket_set = self._bucket_set("30")
        for bounds, message in cases.items():
            with self.subTest(bounds=bounds), self.assertRaises(ValidationError) as error:
                bucket_set.bounds = bounds
            self.assertIn(message, str(error.exception))
        self.assertEqual(bucket_set.bounds, "30")
        self.assertEqual(bucket_set.labels, "Not due | 1–30 | >30")

    def test_bad_bounds_in_context_refused(self):
        report = self.env["credit.aged.balance"].with_context(credit_ageing_bounds=[60, 30])
        with self.assertRaisesRegex(UserError, "cannot use the bucket limits 60, 30."):
            report.search([])


@tagged("post_install", "-at_install")
class TestAgedBalanceExports(AgedWizardCommon, HttpCase):
    """XLSX from its read-only route and PDF, both compared with the screen
    (the report's sums).  Company B, in EUR, has one invoice of 1,000 EUR
    for Dupont SA, due 2025-06-10: 20 days late on 2025-06-30."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data_b = cls.setup_other_company(name="Company B", currency_id=cls.foreign.id)
        cls.company_b = data_b["company"]
        cls.env.user.company_ids = [Command.link(cls.company_b.id)]
        cls.invoice_b = cls._invoice(
            cls.dupont,
            1000.0,
            "2025-06-10",
            company_id=cls.company_b.id,
            journal_id=data_b["default_journal_sale"].id,
            currency_id=cls.foreign.id,
        )
        cls.both = cls.company | cls.company_b
        cls.wizard = cls._wizard(company_ids=[Command.set(cls.both.ids)]).with_context(
            allowed_company_ids=cls.both.ids
        )

    def _download(self, wizard, login="accountman"):
        self.authenticate(login, login)
        self.opener.cookies.set("cids", "-".join(str(id_) for id_ in self.both.ids))
        return self.url_open(f"/credit_management/aged_balance/{wizard.id}/xlsx")

    def test_xlsx_is_the_screen(self):
        action = self.wizard.action_export_xlsx()
        self.assertEqual(
            action,
            {
                "type": "ir.actions.act_url",
                "url": f"/credit_management/aged_balance/{self.wizard.id}/xlsx",
                "target": "download",
            },
        )
        response = self._download(self.wizard)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Aged%20Balance%202025-06-30.xlsx", response.headers["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertCountEqual(
            book.sheetnames, [f"company_1_data ({self.currency.name})", "Company B (EUR)"]
        )
        sheet_a = book[f"company_1_data ({self.currency.name})"]
        sheet_b = book["Company B (EUR)"]
        self.assertEqual(
            [[cell.value for cell in row] for row in sheet_a["A2:B4"]],
            [
                ["Company", "company_1_data"],
                ["Currency", self.currency.name],
                ["As of", "06/30/2025"],
            ],
        )
        self.assertEqual(sheet_a.freeze_panes, "B13")
        self.assertEqual(
            [cell.value for cell in sheet_a[12]],
            ["Customer", "Not due", "1–30", "31–60", "61–90", "91–120", ">120", "Residual"],
        )
        lines = [list(row) for row in sheet_a.iter_rows(min_row=13, max_row=14, values_only=True)]
        self.assertEqual(
            lines,
            [
                ["Dupont SA", 0.0, 0.0, 500.0, 600.0, 2000.0, -100.0, 3000.0],
                ["Other Ltd", 0.0, 300.0, 0.0, 0.0, 0.0, 0.0, 300.0],
            ],
        )
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=self.company.ids))
        screen = self._aged("2025-06-30")
        self.assertEqual(
            lines,
            [[partner.name, *screen[partner].values()] for partner in (self.dupont, self.other)],
        )
        self.assertEqual(sheet_a["B13"].number_format, "#,##0.00")
        self.assertEqual(
            [cell.value for cell in sheet_a[15]],
            ["Total", *(f"=SUM({col}13:{col}14)" for col in "BCDEFGH")],
        )
        self.assertIsNone(sheet_a["A16"].value, "nothing below the totals")

        self.assertEqual(sheet_b["B3"].value, "EUR")
        self.assertEqual(
            [list(row) for row in sheet_b.iter_rows(min_row=13, max_row=13, values_only=True)],
            [["Dupont SA", 0.0, 1000.0, 0.0, 0.0, 0.0, 0.0, 1000.0]],
        )

    def test_xlsx_of_another_user_not_found(self):
        new_test_user(
            self.env,
            login="aged_other",
            password="aged_other",
            groups="credit_management.group_credit_controller",
        )
        with mute_logger("odoo.http"):
            response = self._download(self.wizard, login="aged_other")
        self.assertEqual(response.status_code, 404)

    def test_pdf_shows_the_screen_figures(self):
        reports = self.env["ir.actions.report"].with_context(allowed_company_ids=self.both.ids)
        html = reports._render_qweb_html(
            "credit_management.report_credit_aged_balance", self.wizard.ids
        )[0].decode()
        for text in (
            "Company B",
            "Dupont SA",
            "Other Ltd",
            "1–30",
            "3,000.00",
            "3,300.00",
            "&gt;120",
        ):
            self.assertIn(text, html)
        self.assertIn("1,000.00", html.split("Company B")[-1])
        pdf, report_type = reports.with_context(force_report_rendering=True)._render_qweb_pdf(
            "credit_management.report_credit_aged_balance", self.wizard.ids
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
