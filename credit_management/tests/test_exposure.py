from odoo.tests import freeze_time, tagged

from .common import CreditTestCommon


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestExposure(CreditTestCommon):
    """Dupont SA on 30 June 2025 (no taxes; 1,000 EUR = 500 in company currency):

    ============================================  ========  =========
    document                                      amount    component
    ============================================  ========  =========
    invoice to its contact, due 15 July           1,000     not due
    invoice 2,000 due 31 May, 500 paid            1,500     overdue
    invoice 1,000 EUR due 10 June                   500     overdue
    draft invoice 300, draft credit note 100        200     draft
    order 2 x 400, confirmed                        800     orders
    order 600 EUR, confirmed                        300     orders
    credit note 250, not matched                   -250     unapplied
    ============================================  ========  =========

    Exposure 1,000 + 2,000 + 200 + 1,100 - 250 = 4,050; with a limit of
    5,000: available 950, 81 % used.  Oldest overdue: 31 May, 30 days.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dupont = cls._customer("Dupont SA")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jeanne Dupont", "parent_id": cls.dupont.id, "type": "invoice"}
        )
        cls.dupont.credit_limit = 5000.0
        cls._invoice(cls.contact, 1000.0, "2025-07-15", invoice_date="2025-06-15")
        partly_paid = cls._invoice(cls.dupont, 2000.0, "2025-05-31", invoice_date="2025-05-01")
        cls._pay(partly_paid, 500.0, "2025-06-05")
        cls._invoice(cls.dupont, 1000.0, "2025-06-10", currency_id=cls.foreign.id)
        cls._invoice(cls.dupont, 300.0, "2025-07-30", post=False)
        cls._invoice(cls.dupont, 100.0, "2025-07-30", move_type="out_refund", post=False)
        cls._invoice(cls.dupont, 250.0, "2025-06-20", move_type="out_refund")
        cls._order(cls.dupont, 2, 400.0)
        cls._order(cls.dupont, 1, 600.0, currency=cls.foreign)
        # Someone else's debts never leak into Dupont's exposure.
        cls._invoice(cls._customer("Other Ltd"), 9999.0, "2025-05-01")

    def test_components(self):
        self.assertRecordValues(
            self.dupont,
            [
                {
                    "credit_exposure_not_due": 1000.0,
                    "credit_exposure_overdue": 2000.0,
                    "credit_exposure_draft_invoices": 200.0,
                    "credit_exposure_sale_orders": 1100.0,
                    "credit_exposure_unapplied": -250.0,
                    "credit_exposure": 4050.0,
                    "credit_available": 950.0,
                    "credit_utilization": 81.0,
                    "credit_over_limit": False,
                    "credit_overdue_days": 30,
                }
            ],
        )
        self.assertEqual(str(self.dupont.credit_oldest_overdue_date), "2025-05-31")

    def test_contact_shows_its_commercial_partner(self):
        self.assertEqual(self.contact.credit_exposure, 4050.0)
        self.assertEqual(self.contact.credit_available, 950.0)

    def test_switched_off_components_leave_the_total(self):
        self.company.credit_exposure_sale_orders = False
        self.company.credit_exposure_unapplied = False
        self.dupont.invalidate_recordset()
        # 4,050 - 1,100 orders + 250 unapplied
        self.assertEqual(self.dupont.credit_exposure, 3200.0)
        self.assertEqual(self.dupont.credit_exposure_sale_orders, 1100.0, "still reported")

    def test_invoicing_an_order_moves_it_to_draft_invoices(self):
        order = self.env["sale.order"].search(
            [("partner_id", "=", self.dupont.id)], limit=1, order="id"
        )
        order._create_invoices()
        self.dupont.invalidate_recordset()
        # the 800 order now sits in a draft invoice: counted once, total unchanged
        self.assertEqual(self.dupont.credit_exposure_sale_orders, 300.0)
        self.assertEqual(self.dupont.credit_exposure_draft_invoices, 1000.0)
        self.assertEqual(self.dupont.credit_exposure, 4050.0)

    def test_search_over_limit_and_utilisation(self):
        Partner = self.env["res.partner"]
        self.assertIn(self.dupont, Partner.search([("credit_utilization", ">", 80)]))
        self.assertNotIn(self.dupont, Partner.search([("credit_utilization", ">", 81)]))
        self.assertNotIn(self.dupont, Partner.search([("credit_over_limit", "=", True)]))
        self.dupont.credit_limit = 4000.0
        over = Partner.search([("credit_over_limit", "=", True)])
        self.assertIn(self.dupont, over)
        self.assertIn(self.contact, over, "contacts follow their commercial partner")
        self.assertNotIn(self.dupont, Partner.search([("credit_over_limit", "=", False)]))

    def test_search_customer_without_limit(self):
        """Other Ltd owes 9,999 with no limit: a utilisation of 0, never
        over the limit, found by any search that 0 matches."""
        Partner = self.env["res.partner"]
        other = Partner.search([("name", "=", "Other Ltd")])
        self.assertEqual(other.credit_utilization, 0.0)
        self.assertNotIn(other, Partner.search([("credit_over_limit", "=", True)]))
        self.assertIn(other, Partner.search([("credit_over_limit", "=", False)]))
        self.assertIn(other, Partner.search([("credit_utilization", "<", 50)]))
        self.assertIn(other, Partner.search([("credit_utilization", ">=", 0)]))
        self.assertNotIn(self.dupont, Partner.search([("credit_utilization", "<", 50)]))

    def test_drill_down(self):
        action = self.dupont.with_context(credit_component="overdue").action_open_credit_documents()
        lines = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(sorted(lines.mapped("amount_residual")), [500.0, 1500.0])
        action = self.dupont.with_context(
            credit_component="sale_orders"
        ).action_open_credit_documents()
        self.assertEqual(len(self.env["sale.order"].search(action["domain"])), 2)

    def test_many_partners_cost_a_few_queries(self):
        """Reading exposure for every partner (dozens of them) takes the same
        handful of queries as for one: no query per partner."""
        many = self.env["res.partner"].search([])
        self.assertGreater(len(many), 30)
        many[:1].mapped("credit_exposure")  # warm the caches (currency rates, companies)
        many.invalidate_recordset()
        before = self.env.cr.sql_log_count
        many.mapped("credit_exposure")
        self.assertLessEqual(self.env.cr.sql_log_count - before, 7)
