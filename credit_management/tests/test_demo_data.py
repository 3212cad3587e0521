from odoo import fields
from odoo.tests import TransactionCase, tagged

# Ageing buckets by days past due date (DOMAIN.md), with their upper bound included;
# anything later falls in the last bucket.
BUCKETS = (("not_due", 0), ("1_30", 30), ("31_60", 60), ("61_90", 90), ("91_120", 120))
LAST_BUCKET = "over_120"


def bucket_of(days_past_due):
    """Name of the ageing bucket holding an item that many days past its due date."""
    for name, upper_bound in BUCKETS:
        if days_past_due <= upper_bound:
            return name
    return LAST_BUCKET


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo data gives every screen of the module something to show: all ageing
    buckets, partial and late payments, a credit note, an unapplied payment, a
    foreign-currency customer, limits (one exceeded) and orders still to invoice."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("credit_management.demo_partner_dupont", raise_if_not_found=False):
            self.skipTest("The database was installed without demo data.")
        self.today = fields.Date.today()

    def demo(self, name):
        return self.env.ref(f"credit_management.{name}")

    def demo_customers(self):
        """Companies created by the module's demo data."""
        partner_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "credit_management"), ("model", "=", "res.partner")])
            .mapped("res_id")
        )
        return self.env["res.partner"].browse(partner_ids).filtered("is_company")

    def test_customers(self):
        customers = self.demo_customers()
        self.assertGreaterEqual(len(customers), 12)
        self.assertTrue(customers.child_ids, "Some demo customers have a contact person.")

    def test_every_ageing_bucket_has_an_open_invoice(self):
        open_invoices = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("commercial_partner_id", "in", self.demo_customers().ids),
                ("company_id", "=", self.env.ref("base.main_company").id),
            ]
        )
        buckets = {
            bucket_of((self.today - invoice.invoice_date_due).days) for invoice in open_invoices
        }
        self.assertEqual(buckets, {name for name, _upper_bound in BUCKETS} | {LAST_BUCKET})

    def test_partial_payments_and_credit_note(self):
        # 5,000.00 less a 2,000.00 payment; 4,000.00 less 1,500.00; 3,000.00 less a 500.00 refund.
        for name, residual in (
            ("demo_invoice_lefevre_partial", 3000.0),
            ("demo_invoice_leroy_partial", 2500.0),
            ("demo_invoice_rousseau_31_60", 2500.0),
        ):
            invoice = self.demo(name)
            self.assertEqual(invoice.payment_state, "partial", name)
            self.assertAlmostEqual(invoice.amount_residual, residual, places=2, msg=name)
        credit_note = self.demo("demo_credit_note_rousseau")
        self.assertEqual(credit_note.state, "posted")
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))

    def test_paid_late_and_on_time(self):
        for name in ("demo_invoice_lefevre_paid_late", "demo_invoice_garnier_paid_late"):
            invoice = self.demo(name)
            payments = invoice._get_reconciled_payments()
            self.assertEqual(invoice.payment_state, "paid", name)
            self.assertTrue(payments, name)
            for payment in payments:
                self.assertGreater(payment.date, invoice.invoice_date_due, name)
        for name in (
            "demo_invoice_dupont_paid_on_time",
            "demo_invoice_bella_cucina_paid_on_time",
            "demo_invoice_fournier_paid_on_time",
        ):
            invoice = self.demo(name)
            payments = invoice._get_reconciled_payments()
            self.assertEqual(invoice.payment_state, "paid", name)
            self.assertTrue(payments, name)
            for payment in payments:
                self.assertLessEqual(payment.date, invoice.invoice_date_due, name)

    def test_unapplied_payment(self):
        payment = self.demo("demo_payment_atlas_unapplied")
        self.assertEqual(payment.move_id.state, "posted")
        self.assertFalse(payment.is_reconciled)

    def test_foreign_currency_invoice(self):
        company_currency = self.env.ref("base.main_company").currency_id
        expected = "USD" if company_currency.name == "EUR" else "EUR"
        invoice = self.demo("demo_invoice_nordwind_foreign_currency")
        self.assertEqual(invoice.currency_id.name, expected)
        self.assertEqual(invoice.state, "posted")
        # 2,000.00 at the demo rate of 1.25 company currency per unit.
        self.assertAlmostEqual(invoice.amount_residual, 2000.0, places=2)
        self.assertAlmostEqual(invoice.amount_residual_signed, 2500.0, places=2)

    def test_confirmed_orders_not_invoiced(self):
        for name in (
            "demo_sale_order_dupont",
            "demo_sale_order_bella_cucina",
            "demo_sale_order_fournier",
        ):
            order = self.demo(name)
            self.assertEqual(order.state, "sale", name)
            self.assertFalse(order.invoice_ids, name)
            self.assertEqual(order.invoice_status, "to invoice", name)

    def test_credit_limits(self):
        over_limit = self.demo("demo_partner_bernard")
        self.assertTrue(over_limit.use_partner_credit_limit)
        self.assertAlmostEqual(over_limit.credit_limit, 5000.0, places=2)
        self.assertAlmostEqual(over_limit.credit, 7000.0, places=2)
        within_limit = self.demo("demo_partner_fournier")
        self.assertLess(within_limit.credit + within_limit.credit_to_invoice, 12000.0)
