from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .common import CreditTestCommon

BUCKETS = ("not_due", "bucket_1", "bucket_2", "bucket_3", "bucket_4", "older")


class AgedLedgerCommon(CreditTestCommon):
    """Dupont SA's ledger (no taxes; 1,200 EUR = 600 in company currency):

    ==========  ======  ==========  ==========  ===============================
    document    amount  date        due         settled
    ==========  ======  ==========  ==========  ===============================
    INV1         1,000  2025-01-01  2025-01-31  600 on 02-20, 400 on 04-10
    INV2         2,000  2025-02-13  2025-03-15  open
    RF1 (note)    -100  2025-03-01  2025-03-01  unapplied
    INV EUR        600  2025-03-20  2025-04-19  open (1,200 EUR)
    INV3           500  2025-04-01  2025-05-01  open
    ==========  ======  ==========  ==========  ===============================

    Other Ltd: one invoice of 300 dated 2025-05-16, due 2025-06-15.

    Days past due and buckets at each date (partners' receivable balance on
    the right, sum of the posted receivable lines dated on or before it):

    * 2025-02-28: INV1 1,000 - 600 = 400, 28 days (1-30); INV2 2,000 not due.
      Total 2,400 = 1,000 - 600 + 2,000.
    * 2025-03-31: INV1 400, 59 days (31-60); INV2 16 days and RF1 -100 30
      days (1-30: 1,900); EUR 600 not due.  Total 2,900 = 2,400 - 100 + 600.
    * 2025-04-30: INV1 paid; INV2 46 days and RF1 60 days (31-60: 1,900);
      EUR 11 days (1-30: 600); INV3 500 not due.
      Total 3,000 = 2,900 - 400 + 500.
    * 2025-06-30 (today): INV3 60 days (31-60: 500), EUR 72 days (61-90: 600),
      INV2 107 days (91-120: 2,000), RF1 121 days (older: -100).
      Total 3,000.  Other Ltd: 15 days (1-30: 300).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dupont = cls._customer("Dupont SA")
        cls.other = cls._customer("Other Ltd")
        cls.inv1 = cls._invoice(cls.dupont, 1000.0, "2025-01-31", invoice_date="2025-01-01")
        cls.inv2 = cls._invoice(cls.dupont, 2000.0, "2025-03-15", invoice_date="2025-02-13")
        cls.refund = cls._invoice(cls.dupont, 100.0, "2025-03-01", move_type="out_refund")
        cls.inv_eur = cls._invoice(
            cls.dupont, 1200.0, "2025-04-19", invoice_date="2025-03-20", currency_id=cls.foreign.id
        )
        cls.inv3 = cls._invoice(cls.dupont, 500.0, "2025-05-01", invoice_date="2025-04-01")
        cls._pay(cls.inv1, 600.0, "2025-02-20")
        cls._pay(cls.inv1, 400.0, "2025-04-10")
        cls._invoice(cls.other, 300.0, "2025-06-15", invoice_date="2025-05-16")
        cls.partners = cls.dupont | cls.other

    def _aged(self, as_of=None, basis=None):
        """``{partner: {bucket: amount, ..., 'residual': total}}`` as of a date."""
        report = self.env["credit.aged.balance"]
        if as_of:
            report = report.with_context(credit_as_of=as_of)
        if basis:
            report = report.with_context(credit_ageing_basis=basis)
        columns = (*BUCKETS, "residual")
        return {
            partner: dict(zip(columns, amounts, strict=True))
            for partner, *amounts in report._read_group(
                [("partner_id", "in", self.partners.ids)],
                ["partner_id"],
                [f"{column}:sum" for column in columns],
            )
        }

    def _ledger(self, as_of):
        """``{partner: receivable balance}`` from the posted lines dated up to ``as_of``."""
        return dict(
            self.env["account.move.line"]._read_group(
                [
                    ("partner_id", "in", self.partners.ids),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("date", "<=", as_of),
                ],
                ["partner_id"],
                ["balance:sum"],
            )
        )

    @staticmethod
    def _buckets(total=0.0, **amounts):
        return {bucket: amounts.get(bucket, 0.0) for bucket in BUCKETS} | {"residual": total}


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestAgedBalance(AgedLedgerCommon):
    """The aged balance of the ledger above, at four dates."""

    def test_buckets_as_of_each_date(self):
        expected = {
            "2025-02-28": {self.dupont: self._buckets(2400.0, not_due=2000.0, bucket_1=400.0)},
            "2025-03-31": {
                self.dupont: self._buckets(2900.0, not_due=600.0, bucket_1=1900.0, bucket_2=400.0)
            },
            "2025-04-30": {
                self.dupont: self._buckets(3000.0, not_due=500.0, bucket_1=600.0, bucket_2=1900.0)
            },
            "2025-06-30": {
                self.dupont: self._buckets(
                    3000.0, bucket_2=500.0, bucket_3=600.0, bucket_4=2000.0, older=-100.0
                ),
                self.other: self._buckets(300.0, bucket_1=300.0),
            },
        }
        for as_of, by_partner in expected.items():
            with self.subTest(as_of=as_of):
                self.assertEqual(self._aged(as_of), by_partner)
        self.assertEqual(self._aged(), expected["2025-06-30"], "today by default")

    def test_total_equals_receivable_balance(self):
        for as_of in ("2025-02-28", "2025-03-31", "2025-04-30", "2025-06-30"):
            with self.subTest(as_of=as_of):
                aged = {partner: row["residual"] for partner, row in self._aged(as_of).items()}
                self.assertEqual(aged, self._ledger(as_of))

    def test_items_as_of_a_past_date(self):
        """On 31 March INV1 shows what was left after the first payment,
        though it is fully paid today; the EUR invoice keeps its document
        residual beside the company one."""
        rows = (
            self.env["credit.aged.balance"]
            .with_context(credit_as_of="2025-03-31")
            .search([("partner_id", "=", self.dupont.id)])
        )
        eur, own = self.foreign.id, self.currency.id
        self.assertRecordValues(
            rows,
            [
                {
                    "move_id": self.inv1.id,
                    "days_past": 59,
                    "residual": 400.0,
                    "not_due": 0.0,
                    "bucket_1": 0.0,
                    "bucket_2": 400.0,
                    "document_currency_id": own,
                    "residual_currency": 400.0,
                },
                {
                    "move_id": self.refund.id,
                    "days_past": 30,
                    "residual": -100.0,
                    "not_due": 0.0,
                    "bucket_1": -100.0,
                    "bucket_2": 0.0,
                    "document_currency_id": own,
                    "residual_currency": -100.0,
                },
                {
                    "move_id": self.inv2.id,
                    "days_past": 16,
                    "residual": 2000.0,
                    "not_due": 0.0,
                    "bucket_1": 2000.0,
                    "bucket_2": 0.0,
                    "document_currency_id": own,
                    "residual_currency": 2000.0,
                },
                {
                    "move_id": self.inv_eur.id,
                    "days_past": -19,
                    "residual": 600.0,
                    "not_due": 600.0,
                    "bucket_1": 0.0,
                    "bucket_2": 0.0,
                    "document_currency_id": eur,
                    "residual_currency": 1200.0,
                },
            ],
        )
        self.assertEqual(rows[0].move_line_id, self.inv1.line_ids.filtered("debit"))
        self.assertFalse(self.inv1.amount_residual, "paid in full since")

    def test_ageing_by_invoice_date(self):
        """Today by invoice date: INV2 137 days and RF1 121 days (older:
        1,900), EUR 102 days (91-120: 600), INV3 90 days (61-90: 500)."""
        self.assertEqual(
            self._aged(basis="invoice")[self.dupont],
            self._buckets(3000.0, bucket_3=500.0, bucket_4=600.0, older=1900.0),
        )

    def test_filters(self):
        report = self.env["credit.aged.balance"]
        dupont = [("partner_id", "=", self.dupont.id)]
        self.assertEqual(
            report.search([*dupont, ("days_past", ">", 90)]).move_id, self.inv2 | self.refund
        )
        self.assertEqual(len(report.search([*dupont, ("days_past", ">", 0)])), 4)


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestAgedBalanceMultiCompany(CreditTestCommon):
    """Customer owes 900 in company A and 700 in company B: each company's
    users see only their own company's items."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data_2 = cls.setup_other_company()
        cls.company_2 = data_2["company"]
        cls.env.user.company_ids = [Command.link(cls.company_2.id)]
        cls.customer = cls._customer("Shared Customer")
        cls.invoice_a = cls._invoice(cls.customer, 900.0, "2025-06-15")
        cls.invoice_b = cls._invoice(
            cls.customer,
            700.0,
            "2025-06-10",
            company_id=cls.company_2.id,
            journal_id=data_2["default_journal_sale"].id,
        )

    def _controller(self, login, company):
        return new_test_user(
            self.env,
            login=login,
            groups="credit_management.group_credit_controller",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    def test_company_b_user_does_not_see_company_a(self):
        report = self.env["credit.aged.balance"]
        domain = [("partner_id", "=", self.customer.id)]
        user_b = self._controller("aged_controller_b", self.company_2)
        self.assertEqual(report.with_user(user_b).search(domain).move_id, self.invoice_b)
        self.assertEqual(
            report.with_user(user_b)._read_group(domain, [], ["residual:sum"]), [(700.0,)]
        )
        user_a = self._controller("aged_controller_a", self.company)
        self.assertEqual(report.with_user(user_a).search(domain).move_id, self.invoice_a)
        self.assertEqual(report.search(domain).move_id, self.invoice_a | self.invoice_b)

    def test_only_the_companies_worked_in(self):
        """A user of both companies working in company B sees B's items only."""
        report = self.env["credit.aged.balance"].with_context(
            allowed_company_ids=self.company_2.ids
        )
        domain = [("partner_id", "=", self.customer.id)]
        self.assertEqual(report.search(domain).move_id, self.invoice_b)
