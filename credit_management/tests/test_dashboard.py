from contextlib import contextmanager

from odoo.tests import freeze_time, tagged

from .test_kpi import KpiLedgerCommon


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestDashboard(KpiLedgerCommon):
    """The dashboard of the ledger of ``KpiLedgerCommon`` on Monday
    2025-06-30.

    Open items: INV1 70,000 - 42,000 = 28,000 (136 days past due), INV3
    100,000 (87 days), INV4 30,000 (51 days), INV5 10,000 and INV6 5,000
    not due.  AR 173,000, overdue 158,000 (91.33 %).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.dupont.credit_limit = 100_000.0
        # last night's behaviour figures, which the forecast reads
        with freeze_time("2025-06-30"):
            cls.env["credit.score"]._compute_scores(cls.company)

    def _lines(self, figures, kind):
        return [line for line in figures["lines"] if line["kind"] == kind]

    def test_cards(self):
        """DSO over April (30 days), May (31) and June (30): S = 30,000 +
        15,000 = 45,000, D = 91: 173,000 / 45,000 × 91 = 349.84."""
        figures = self.env["credit.dashboard"].get_figures()
        self.assertEqual(figures["total_receivable"], 173_000.0)
        self.assertEqual(figures["overdue"], 158_000.0)
        self.assertAlmostEqual(figures["overdue_ratio"], 158 / 173 * 100)
        self.assertEqual(figures["dso_sales"], 45_000.0)
        self.assertAlmostEqual(figures["dso"], 173_000 / 45_000 * 91)
        self.assertEqual(figures["over_limit_count"], 1)
        [over] = self._lines(figures, "over_limit")
        self.assertEqual((over["partner_id"], over["amount"]), (self.dupont.id, 128_000.0))

    def test_buckets_and_top_overdue(self):
        figures = self.env["credit.dashboard"].get_figures()
        buckets = [line["amount"] for line in self._lines(figures, "bucket")]
        self.assertEqual(buckets, [15_000.0, 0.0, 30_000.0, 100_000.0, 0.0, 28_000.0])
        top = [(line["partner_id"], line["amount"]) for line in self._lines(figures, "top")]
        self.assertEqual(top, [(self.dupont.id, 128_000.0), (self.martin.id, 30_000.0)])

    def test_forecast(self):
        """Each customer's weighted days late over six months, as its
        behaviour figures state them (invoices due in the last six months,
        all of 2025 here: their payments and today's overdue amounts):

        * Martin (80,000 × 39 + 30,000 × 51) / 110,000 = 42.27, so 42 days:
          INV5, due 07-01, is expected 08-12, week 6 (11-17 August); INV4
          (due 05-10) on 06-21, before this week;
        * Dupont (38,000 × 24 + 4,000 × 70 + 28,000 × 136 + 100,000 × 87) /
          170,000 = 80.6 days: INV1 and INV3 expected before this week;
        * Newco, nothing due yet: INV6 on its due date 07-09, week 1.
        """
        figures = self.env["credit.dashboard"].get_figures()
        forecast = {line["sequence"]: line["amount"] for line in self._lines(figures, "forecast")}
        self.assertEqual(
            forecast,
            {
                -1: 158_000.0,
                0: 0.0,
                1: 5_000.0,
                2: 0.0,
                3: 0.0,
                4: 0.0,
                5: 0.0,
                6: 10_000.0,
                7: 0.0,
            },
        )

    def test_forecast_before_the_first_scoring(self):
        """No behaviour figures yet: every item is expected on its due date,
        INV5 (07-01) this week, INV6 (07-09) next week, the overdue ones
        before this week."""
        self.env["credit.score"].search([("company_id", "=", self.company.id)]).unlink()
        figures = self.env["credit.dashboard"].get_figures()
        forecast = {line["sequence"]: line["amount"] for line in self._lines(figures, "forecast")}
        self.assertEqual(
            {week: amount for week, amount in forecast.items() if amount},
            {-1: 158_000.0, 0: 10_000.0, 1: 5_000.0},
        )

    def test_open_and_drill_down(self):
        action = self.env["credit.dashboard"].action_open_dashboard()
        dashboard = self.env["credit.dashboard"].browse(action["res_id"])
        self.assertEqual(dashboard.total_receivable, 173_000.0)
        self.assertEqual(len(dashboard.trend_line_ids), 12)
        company = [("company_id", "=", self.company.id)]
        self.assertEqual(
            dashboard.action_open_overdue()["domain"], [*company, ("days_past", ">", 0)]
        )
        not_due, *_middle, older = dashboard.bucket_line_ids.sorted("sequence")
        self.assertEqual(not_due.action_open()["domain"], [*company, ("days_past", "<=", 0)])
        self.assertEqual(older.action_open()["domain"], [*company, ("days_past", ">", 120)])
        top = dashboard.top_line_ids.sorted("sequence")[0]
        self.assertEqual(
            top.action_open()["domain"],
            [*company, ("partner_id", "=", self.dupont.id), ("days_past", ">", 0)],
        )
        aged = self.env["credit.aged.balance"].with_context(credit_as_of="2025-06-30")
        [(overdue,)] = aged._read_group(
            dashboard.action_open_overdue()["domain"], [], ["residual:sum"]
        )
        self.assertEqual(overdue, dashboard.overdue)
        sales = self.env["account.move"].search(dashboard.action_open_sales()["domain"])
        self.assertEqual(sales, self.inv4 | self.inv5 | self.inv6)
        over = self.env["res.partner"].search(dashboard.action_open_over_limit()["domain"])
        self.assertEqual(over & (self.dupont | self.martin | self.newco), self.dupont)

    def test_forecast_drill_down(self):
        """Each forecast week opens the items expected in it (see
        ``test_forecast``): Newco's INV6 in week 1, Martin's INV5 in week 6,
        the rest before this week; a week with nothing opens nothing."""
        action = self.env["credit.dashboard"].action_open_dashboard()
        dashboard = self.env["credit.dashboard"].browse(action["res_id"])
        weeks = {line.sequence: line for line in dashboard.forecast_line_ids}
        aged = self.env["credit.aged.balance"].with_context(credit_as_of="2025-06-30")
        for week, invoices in [
            (1, self.inv6),
            (6, self.inv5),
            (-1, self.inv1 | self.inv3 | self.inv4),
            (2, self.env["account.move"]),
        ]:
            with self.subTest(week=week):
                domain = weeks[week].action_open()["domain"]
                self.assertEqual(aged.search(domain).move_id, invoices)

    @contextmanager
    def _read_only(self):
        """The test transaction made read-only until the block ends: any
        write in it fails as on a replica."""
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT read_only")
        self.env.cr.execute("SET LOCAL transaction_read_only = on")
        try:
            yield
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT read_only")

    def test_read_only_cursor(self):
        """The figures are read only: they can be computed on a replica."""
        self.assertTrue(self.env["credit.dashboard"].get_figures.__func__._readonly)
        with self._read_only():
            self.env.cr.execute("SHOW transaction_read_only")
            self.assertEqual(self.env.cr.fetchone(), ("on",))
            figures = self.env["credit.dashboard"].get_figures()
        self.assertEqual(figures["total_receivable"], 173_000.0)
        wizard = self._wizard(period_type="year", period_date="2025-01-01", groupby="salesperson")
        with self._read_only():
            rows = wizard.get_kpi_rows()
            trend = wizard.get_trend_rows()
        self.assertTrue(rows and trend)
