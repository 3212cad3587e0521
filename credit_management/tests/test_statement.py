from datetime import timedelta

from odoo import fields
from odoo.tests import freeze_time, tagged

from .common import CreditTestCommon


# the portal's HTTP server runs on the real date: the figures are relative
# to it, read when a test builds its records, not when the module is
# imported (minutes earlier in a whole run, maybe the day before)
def days_from_today(days=0):
    return str(fields.Date.today() + timedelta(days=days))


class StatementCommon(CreditTestCommon):
    """Lamy SA, in the company currency (1 company unit = 2 EUR):

    ============  =====================  ==========  ========  =============
    Document      Amount                 Due         Residual  Bucket
    ============  =====================  ==========  ========  =============
    INV A         1,000, 400 paid        40 days ago      600  31-60
    INV B         500                    in 10 days       500  not due
    RINV          credit note 100        today           -100  not due
    INV C         2,000 EUR              10 days ago  2,000 EUR 1-30
    INV D         300, paid              20 days ago        -  (closed)
    draft         999                    -                  -  (draft)
    ============  =====================  ==========  ========  =============

    Company currency: due 600 + 500 - 100 = 1,000, overdue 600.
    EUR: due 2,000, overdue 2,000.  Lamy has a second contact; Other SARL
    has an invoice of 777 of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Lamy SA")
        cls.contact_1 = cls.env["res.partner"].create(
            {"name": "Anne Lamy", "parent_id": cls.customer.id, "email": "anne@lamy.example"}
        )
        cls.contact_2 = cls.env["res.partner"].create(
            {"name": "Bruno Lamy", "parent_id": cls.customer.id, "email": "bruno@lamy.example"}
        )
        cls.other = cls._customer("Other SARL")
        cls.invoice_a = cls._invoice(
            cls.customer, 1000.0, days_from_today(-40), invoice_date=days_from_today(-70)
        )
        cls._pay(cls.invoice_a, 400.0, days_from_today(-35))
        cls.invoice_b = cls._invoice(
            cls.customer, 500.0, days_from_today(10), invoice_date=days_from_today(-20)
        )
        cls.refund = cls._invoice(cls.customer, 100.0, days_from_today(), move_type="out_refund")
        cls.invoice_c = cls._invoice(
            cls.customer,
            2000.0,
            days_from_today(-10),
            currency_id=cls.foreign.id,
            invoice_date=days_from_today(-40),
        )
        cls.invoice_d = cls._invoice(cls.customer, 300.0, days_from_today(-20))
        cls._pay(cls.invoice_d, 300.0, days_from_today(-15))
        cls._invoice(cls.customer, 999.0, days_from_today(), post=False)
        cls.other_invoice = cls._invoice(cls.other, 777.0, days_from_today(-5))
        cls.Statement = cls.env["credit.statement"]


@tagged("post_install", "-at_install")
class TestStatementData(StatementCommon):
    def test_totals_per_currency(self):
        summary = {
            total["currency"]: total
            for total in self.Statement._summary(self.customer, self.company)[self.customer.id]
        }
        company_total = summary[self.currency]
        self.assertEqual((company_total["total"], company_total["overdue"]), (1000.0, 600.0))
        self.assertEqual(company_total["count"], 3)
        self.assertEqual(
            dict(company_total["buckets"]),
            {
                "Not due": 400.0,
                "1–30": 0.0,
                "31–60": 600.0,
                "61–90": 0.0,
                "91–120": 0.0,
                ">120": 0.0,
            },
        )
        euro = summary[self.foreign]
        self.assertEqual((euro["total"], euro["overdue"], euro["count"]), (2000.0, 2000.0, 1))

    def test_open_items_sorted_filtered_paged(self):
        items = self.Statement._open_items(self.customer, self.company)
        self.assertEqual(
            [(item["move_id"], item["residual"], item["days_past"]) for item in items],
            [
                (self.invoice_a.id, 600.0, 40),
                (self.invoice_c.id, 2000.0, 10),
                (self.refund.id, -100.0, 0),
                (self.invoice_b.id, 500.0, -10),
            ],
        )
        self.assertEqual(items[0]["amount"], 1000.0, "the original amount beside the residual")
        overdue = self.Statement._open_items(
            self.customer, self.company, "residual", overdue_only=True
        )
        self.assertEqual(
            [item["move_id"] for item in overdue], [self.invoice_c.id, self.invoice_a.id]
        )
        in_euro = self.Statement._open_items(
            self.customer, self.company, currency_id=self.foreign.id
        )
        self.assertEqual([item["move_id"] for item in in_euro], [self.invoice_c.id])
        page_2 = self.Statement._open_items(self.customer, self.company, limit=2, offset=2)
        self.assertEqual([item["move_id"] for item in page_2], [self.refund.id, self.invoice_b.id])

    def test_queries_do_not_grow_with_items(self):
        """The page's data takes as many queries for 4 open items as for 24
        (counted warm: the first call also reads the bucket set)."""
        self._page_queries()
        before = self._page_queries()
        for index in range(20):
            self._invoice(self.customer, 10.0 + index, days_from_today(-index))
        self.assertEqual(self._page_queries(), before)

    def _page_queries(self):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        self.Statement._summary(self.customer, self.company)
        self.Statement._open_items(self.customer, self.company, limit=80)
        return self.cr.sql_log_count - start

    def test_activity_statement(self):
        """From 45 days ago to today, company currency: opening 1,000 (INV A,
        dated 70 days ago); then by date: payment of INV A -400 (35 days
        ago), INV B +500 and INV D +300 (20 days ago), payment of INV D -300
        (15 days ago), credit note -100 (today): 600, 1,100, 1,400, 1,100,
        1,000.  EUR: INV C, dated 40 days ago, is the whole period."""
        activity = self.Statement._activity(
            self.customer,
            self.company,
            fields.Date.to_date(days_from_today(-45)),
            fields.Date.today(),
        )[self.customer.id]
        company_account = next(a for a in activity if a["currency"] == self.currency)
        self.assertEqual(company_account["opening"], 1000.0)
        self.assertEqual(
            [(line["amount"], line["balance"]) for line in company_account["lines"]],
            [(-400.0, 600.0), (500.0, 1100.0), (300.0, 1400.0), (-300.0, 1100.0), (-100.0, 1000.0)],
        )
        self.assertEqual(company_account["closing"], 1000.0)
        euro = next(a for a in activity if a["currency"] == self.foreign)
        self.assertEqual((euro["opening"], euro["closing"]), (0.0, 2000.0))


@tagged("post_install", "-at_install")
class TestStatementLinks(StatementCommon):
    def test_valid_link(self):
        token = self.Statement._sign_link(self.contact_1, self.company)
        self.assertEqual(self.Statement._from_token(token), (self.customer, self.company))

    def test_tampered_expired_revoked_links(self):
        token = self.Statement._sign_link(self.customer, self.company)
        nobody = (self.env["res.partner"], self.env["res.company"])
        self.assertEqual(self.Statement._from_token(token[:-2] + "AA"), nobody)
        self.assertEqual(self.Statement._from_token("not a token"), nobody)
        self.assertEqual(self.Statement._from_token(""), nobody)
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.assertEqual(self.Statement._from_token(token), nobody, "expired")
        self.customer.action_credit_statement_revoke_links()
        self.assertEqual(self.Statement._from_token(token), nobody, "revoked")
        fresh = self.Statement._sign_link(self.customer, self.company)
        self.assertEqual(self.Statement._from_token(fresh), (self.customer, self.company))

    def test_link_validity_setting(self):
        self.company.credit_statement_link_days = 2
        token = self.Statement._sign_link(self.customer, self.company)
        with freeze_time(fields.Datetime.now() + timedelta(days=3)):
            self.assertFalse(self.Statement._from_token(token)[0])
        with self.assertRaisesRegex(Exception, "at least one day"):
            self.company.credit_statement_link_days = 0
