from odoo import Command
from odoo.exceptions import RedirectWarning
from odoo.tests import freeze_time, new_test_user, tagged

from .common import CreditTestCommon


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestMultiCompany(CreditTestCommon):
    """One customer, two companies: limits, holds, exposure and approval
    requests of one company never show in the other."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.env.user.company_ids = [Command.link(cls.company_2.id)]
        cls.company.account_use_credit_limit = True
        cls.company_2.account_use_credit_limit = True
        cls.customer = cls._customer("Shared Customer")
        cls.customer.credit_limit = 1000.0  # in company 1
        cls.customer.with_company(cls.company_2).credit_limit = 5000.0
        cls._invoice(cls.customer, 900.0, "2025-07-31", invoice_date="2025-06-15")

    def test_exposure_and_limit_per_company(self):
        self.assertEqual(self.customer.credit_exposure, 900.0)
        self.assertEqual(self.customer.credit_available, 100.0)
        in_2 = self.customer.with_company(self.company_2)
        self.assertEqual(in_2.credit_exposure, 0.0)
        self.assertEqual(in_2.credit_available, 5000.0)

    def test_hold_in_one_company_does_not_block_the_other(self):
        self.customer.credit_hold = True
        self.assertFalse(self.customer.with_company(self.company_2).credit_hold)
        order_2 = (
            self.env["sale.order"]
            .with_company(self.company_2)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company_2.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "price_unit": 2000.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        order_2.action_confirm()  # 2,000 fits company 2's limit of 5,000, no hold there
        self.assertEqual(order_2.state, "sale")
        with self.assertRaises(RedirectWarning):
            self._order(self.customer, 1, 1.0)  # company 1: on hold

    def test_requests_of_one_company_are_hidden_from_the_other(self):
        order = self._order(self.customer, 2, 100.0, confirm=False)  # 900 + 200 > 1,000
        decision = self.env["credit.blocking"]._blocked_orders(order)[0]
        request = self.env["credit.approval.request"]._create_from_decision(decision, "Please")
        manager_2 = new_test_user(
            self.env,
            login="credit_manager_company_2",
            groups="credit_management.group_credit_manager,sales_team.group_sale_manager",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.company_2.ids)],
        )
        visible = self.env["credit.approval.request"].with_user(manager_2).search([])
        self.assertNotIn(request, visible)
        self.assertIn(request, self.env["credit.approval.request"].search([]))
        self.assertNotIn(manager_2, request.activity_ids.user_id, "only company 1 managers")
