from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import CreditTestCommon


class KpiLedgerCommon(CreditTestCommon):
    """DOMAIN.md's count-back example as a ledger (no taxes), today 2025-06-30:

    ======  ======  =======  ==========  ==========  ====  =========================
    doc     client  amount   date        due         rep   settled
    ======  ======  =======  ==========  ==========  ====  =========================
    INV1    Dupont   70,000  2025-01-15  2025-02-14  Anna  38,000 on 03-10 (24 d late)
                                                            4,000 on 04-25 (70 d late)
    INV2    Martin   80,000  2025-02-10  2025-03-12  Bob   80,000 on 04-20 (39 d late)
    INV3    Dupont  100,000  2025-03-05  2025-04-04  Anna  open
    INV4    Martin   30,000  2025-04-10  2025-05-10  Bob   open
    INV5    Martin   10,000  2025-06-20  2025-07-01  Bob   open
    INV6    Newco     5,000  2025-06-09  2025-07-09  Bob   open
    ======  ======  =======  ==========  ==========  ====  =========================

    Sales: January 70,000, February 80,000, March 100,000, April 30,000,
    May 0, June 15,000.  AR at 31 March: 250,000 - 38,000 = 212,000.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anna = new_test_user(cls.env, "anna", groups="sales_team.group_sale_salesman")
        cls.bob = new_test_user(cls.env, "bob", groups="sales_team.group_sale_salesman")
        cls.dupont = cls._customer("Dupont SA")
        cls.martin = cls._customer("Martin SARL")
        cls.newco = cls._customer("Newco")

        def invoice(partner, amount, date, due, user):
            return cls._invoice(partner, amount, due, invoice_date=date, invoice_user_id=user.id)

        cls.inv1 = invoice(cls.dupont, 70_000.0, "2025-01-15", "2025-02-14", cls.anna)
        cls.inv2 = invoice(cls.martin, 80_000.0, "2025-02-10", "2025-03-12", cls.bob)
        cls.inv3 = invoice(cls.dupont, 100_000.0, "2025-03-05", "2025-04-04", cls.anna)
        cls.inv4 = invoice(cls.martin, 30_000.0, "2025-04-10", "2025-05-10", cls.bob)
        cls.inv5 = invoice(cls.martin, 10_000.0, "2025-06-20", "2025-07-01", cls.bob)
        cls.inv6 = invoice(cls.newco, 5_000.0, "2025-06-09", "2025-07-09", cls.bob)
        cls._pay(cls.inv1, 38_000.0, "2025-03-10")
        cls._pay(cls.inv2, 80_000.0, "2025-04-20")
        cls._pay(cls.inv1, 4_000.0, "2025-04-25")

    def _wizard(self, **values):
        return self.env["credit.kpi.wizard"].create(
            {"company_ids": [Command.set(self.company.ids)], **values}
        )

    def _rows(self, **values):
        """``{group label: row}`` of the KPI report."""
        return {row["name"]: row for row in self._wizard(**values).get_kpi_rows()}


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestKpi(KpiLedgerCommon):
    def assertKpis(self, row, expected):
        for name, value in expected.items():
            with self.subTest(kpi=name):
                if value is None:
                    self.assertIsNone(row[name])
                else:
                    self.assertAlmostEqual(row[name], value, places=2)

    def test_quarter_by_company(self):
        """First quarter 2025, D = 31 + 28 + 31 = 90, S = 250,000.

        At 31 March: AR 212,000 (INV1 32,000, INV2 80,000, INV3 100,000; the
        April payments are not made yet); not due: INV3 100,000; overdue
        112,000 (INV1 45 days, INV2 19 days); nothing over 90 days.

        * DSO 212,000 / 250,000 × 90 = 76.32; count-back 31 + 28 +
          32,000 / 70,000 × 31 = 73.17 (DOMAIN.md's 73.2 and 76.3);
        * best possible 100,000 / 250,000 × 90 = 36; ADD 76.32 - 36 = 40.32;
        * days late (38,000 × 24 + 32,000 × 45 + 80,000 × 19) / 150,000
          = 3,872,000 / 150,000 = 25.81;
        * CEI: January (0 + 70 - 70) / (0 + 70 - 70) undefined; February
          (70 + 80 - 150) / (70 + 80 - 80) = 0 %; March
          (150 + 100 - 212) / (150 + 100 - 100) = 25.33 %; average 12.67 %;
        * overdue ratio 112 / 212 = 52.83 %; recovery undefined (nothing
          overdue on 31 December).
        """
        rows = self._rows(period_type="quarter", period_date="2025-02-14")
        self.assertEqual(list(rows), [self.company.name])
        self.assertKpis(
            rows[self.company.name],
            {
                "sales": 250_000.0,
                "ar": 212_000.0,
                "not_due_ar": 100_000.0,
                "overdue_ar": 112_000.0,
                "over_90_ar": 0.0,
                "dso": 76.32,
                "dso_count_back": 31 + 28 + 32_000 / 70_000 * 31,
                "best_possible_dso": 36.0,
                "days_delinquent": 40.32,
                "days_late": 3_872_000 / 150_000,
                "cei": (0.0 + 38 / 150 * 100) / 2,
                "overdue_ratio": 112 / 212 * 100,
                "over_90_ratio": 0.0,
                "recovery_rate": None,
            },
        )

    def test_month_recovery_rate(self):
        """April 2025, D = 30, S = 30,000 (INV4).  Overdue on 31 March:
        112,000; collected on it in April: 80,000 (INV2) + 4,000 (INV1) =
        84,000, a recovery rate of 75 % (DOMAIN.md's 30,000 of 40,000).
        AR 30 April 212,000 - 84,000 + 30,000 = 158,000, not due INV4 30,000:
        DSO 158 / 30 × 30 = 158, CEI (212 + 30 - 158) / (212 + 30 - 30) =
        39.62 %; count-back: April 30,000, March 100,000, then 28,000 of
        February's 80,000: 30 + 31 + 28 / 80 × 28 = 70.8."""
        row = self._rows(period_type="month", period_date="2025-04-03")[self.company.name]
        self.assertKpis(
            row,
            {
                "overdue_at_start": 112_000.0,
                "recovered": 84_000.0,
                "recovery_rate": 75.0,
                "ar": 158_000.0,
                "dso": 158.0,
                "cei": 84 / 212 * 100,
                "dso_count_back": 30 + 31 + 28_000 / 80_000 * 28,
            },
        )

    def test_quarter_by_customer_and_salesperson(self):
        """By customer, the first quarter: Dupont S = 170,000, AR 132,000
        (100,000 not due), DSO 132 / 170 × 90 = 69.88; Martin S = AR =
        80,000, all overdue, DSO 90.  The payment of INV1 is Anna's: by
        salesperson the figures are the same as by customer."""
        expected = {
            "Dupont SA": {"sales": 170_000.0, "ar": 132_000.0, "dso": 132 / 170 * 90},
            "Martin SARL": {"sales": 80_000.0, "ar": 80_000.0, "overdue_ratio": 100.0},
        }
        rows = self._rows(period_type="quarter", period_date="2025-03-31", groupby="customer")
        self.assertEqual(sorted(rows), sorted(expected))
        for name, kpis in expected.items():
            self.assertKpis(rows[name], kpis)
        rows = self._rows(period_type="quarter", period_date="2025-03-31", groupby="salesperson")
        self.assertKpis(rows[self.anna.name], expected["Dupont SA"])
        self.assertKpis(rows[self.bob.name], expected["Martin SARL"])

    def test_payment_applied_to_another_customer(self):
        """Martin pays 5,000 on 2025-06-25 and it settles Newco's INV6.  By
        customer, at 30 June, Newco owes nothing and Martin still owes INV4
        and INV5 (40,000), although the payment is Martin's: AR follows what
        is still open, as in the aged balance.  Together they owe 40,000
        either way (45,000 - 5,000); the company's AR is 128,000 + 40,000."""
        payment = self.env["account.payment"].create(
            {
                "partner_id": self.martin.id,
                "payment_type": "inbound",
                "partner_type": "customer",
                "amount": 5_000.0,
                "date": "2025-06-25",
            }
        )
        payment.action_post()
        receivable = self.inv6.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        (
            payment.move_id.line_ids.filtered(lambda line: line.account_id == receivable.account_id)
            | receivable
        ).reconcile()
        self.assertTrue(self.inv6.payment_state in ("paid", "in_payment"))
        month = {"period_type": "month", "period_date": "2025-06-30"}
        rows = self._rows(groupby="customer", **month)
        self.assertEqual(
            {name: row["ar"] for name, row in rows.items()},
            {"Dupont SA": 132_000.0 - 4_000.0, "Martin SARL": 40_000.0, "Newco": 0.0},
        )
        self.assertEqual(self._rows(**month)[self.company.name]["ar"], 168_000.0)

    def test_figures_match_aged_balance(self):
        """AR and not-due AR at the period end are the aged balance's."""
        row = self._rows(period_type="month", period_date="2025-03-01")[self.company.name]
        aged = self.env["credit.aged.balance"].with_context(credit_as_of="2025-03-31")
        [(total,)] = aged._read_group([], [], ["residual:sum"])
        [(not_due,)] = aged._read_group([("days_past", "<=", 0)], [], ["residual:sum"])
        self.assertEqual((row["ar"], row["not_due_ar"]), (total, not_due))

    def test_trend(self):
        """Monthly DSO: January 70,000 / 70,000 × 31 = 31, February
        150,000 / 80,000 × 28 = 52.5, March 212,000 / 100,000 × 31 = 65.72;
        May has no sales: no DSO."""
        wizard = self._wizard(period_type="month", period_date="2025-06-05")
        trend = wizard.get_trend_rows()
        self.assertEqual(len(trend), 12)
        dso = {str(row["date_from"]): row["dso"] for row in trend}
        self.assertAlmostEqual(dso["2025-01-01"], 31.0)
        self.assertAlmostEqual(dso["2025-02-01"], 52.5)
        self.assertAlmostEqual(dso["2025-03-01"], 65.72)
        self.assertIsNone(dso["2025-05-01"])
        action = wizard.action_trend()
        self.assertEqual(action["res_model"], "credit.kpi.trend")
        self.assertEqual(len(wizard.trend_ids), 12)

    def test_show_and_drill_down(self):
        wizard = self._wizard(period_type="quarter", period_date="2025-03-01", groupby="customer")
        action = wizard.action_show()
        self.assertEqual(action["domain"], [("wizard_id", "=", wizard.id)])
        dupont = wizard.line_ids.filtered(lambda line: line.partner_id == self.dupont)
        self.assertEqual(dupont.dso, 69.9, "rounded to a tenth of a day")
        items = dupont.action_open_items()
        self.assertEqual(items["context"]["credit_as_of"], "2025-03-31")
        self.assertEqual(
            items["domain"],
            [("company_id", "=", self.company.id), ("partner_id", "=", self.dupont.id)],
        )
        sales = self.env["account.move"].search(dupont.action_open_sales()["domain"])
        self.assertEqual(sales, self.inv1 | self.inv3)

    def test_undefined_kpis_are_blank(self):
        """January 2025: AR 70,000 = January's sales, none of it overdue and
        nothing paid yet.  Count-back exhausts AR with January: 31 days, a
        real figure; CEI (0 + 70 - 70) / (0 + 70 - 70) and the weighted days
        late (no amount late) are undefined, shown blank and not as 0."""
        wizard = self._wizard(period_type="month", period_date="2025-01-20")
        wizard.action_show()
        self.assertRecordValues(
            wizard.line_ids,
            [
                {
                    "dso_count_back": 31.0,
                    "has_dso_count_back": True,
                    "cei": 0.0,
                    "has_cei": False,
                    "days_late": 0.0,
                    "has_days_late": False,
                }
            ],
        )

    def test_period_errors(self):
        wizard = self._wizard(period_type="custom", date_from="2025-03-01", date_to="2025-02-01")
        with self.assertRaisesRegex(UserError, "after its end"):
            wizard.get_kpi_rows()
        wizard.write({"date_from": "2025-07-01", "date_to": "2025-07-31"})
        with self.assertRaisesRegex(UserError, "in the future"):
            wizard.action_show()

    def test_running_period_is_cut_at_today(self):
        """The year 2025 to date: D = 181 days (1 January - 30 June)."""
        row = self._rows(period_type="year", period_date="2025-06-30")[self.company.name]
        self.assertAlmostEqual(row["dso"], 173_000 / 295_000 * 181, places=2)


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestKpiMultiCompany(KpiLedgerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.init_invoice(
            "out_invoice",
            cls.dupont,
            "2025-02-10",
            post=True,
            amounts=[9_999.0],
            company=cls.company_2,
        )

    def test_other_company_never_counted(self):
        rows = self._rows(period_type="quarter", period_date="2025-03-01", groupby="customer")
        self.assertEqual(rows["Dupont SA"]["sales"], 170_000.0)
        self.assertEqual({row["company_id"] for row in rows.values()}, {self.company.id})

    def test_unallowed_company_refused(self):
        """A controller of the first company only cannot read the second's
        figures, even with it written in the wizard."""
        controller = new_test_user(
            self.env,
            "controller",
            groups="base.group_user,credit_management.group_credit_controller",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        wizard = self._wizard(period_type="month", period_date="2025-03-01").with_user(controller)
        wizard.sudo().company_ids = self.company_2  # the UI's domain would not offer it
        with self.assertRaisesRegex(AccessError, "unauthorized or invalid companies"):
            wizard.get_kpi_rows()
