from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import CreditTestCommon


@tagged("post_install", "-at_install")
class TestSecurity(TransactionCase):
    def test_manager_implies_controller(self):
        manager = self.env.ref("credit_management.group_credit_manager")
        controller = self.env.ref("credit_management.group_credit_controller")
        self.assertIn(controller, manager.all_implied_ids)

    def test_controller_implies_invoicing(self):
        controller = self.env.ref("credit_management.group_credit_controller")
        invoicing = self.env.ref("account.group_account_invoice")
        self.assertIn(invoicing, controller.implied_ids)
        self.assertIn(invoicing, controller.all_implied_ids)

    def test_admin_is_credit_manager(self):
        admin = self.env.ref("base.user_admin")
        manager = self.env.ref("credit_management.group_credit_manager")
        self.assertIn(manager, admin.group_ids)
        self.assertTrue(admin.has_group("credit_management.group_credit_manager"))
        self.assertTrue(admin.has_group("credit_management.group_credit_controller"))

    def test_groups_hang_under_the_credit_privilege(self):
        privilege = self.env.ref("credit_management.res_groups_privilege_credit_management")
        groups = self.env.ref("credit_management.group_credit_controller") | self.env.ref(
            "credit_management.group_credit_manager"
        )
        self.assertEqual(groups.privilege_id, privilege)
        self.assertEqual(set(groups.mapped("privilege_id.name")), {"Credit Management"})
        self.assertEqual(
            self.env["res.groups"].search([("privilege_id", "=", privilege.id)]), groups
        )


@tagged("post_install", "-at_install")
class TestSecurityAccess(CreditTestCommon):
    """Menus, settings, access rights and record rules, with users of company A
    (the test company) and a second company B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.salesman = new_test_user(
            cls.env,
            login="sec_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_a.id,
        )
        cls.controller = new_test_user(
            cls.env,
            login="sec_controller",
            groups="base.group_user,credit_management.group_credit_controller",
            company_id=cls.company_a.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="sec_manager",
            groups="base.group_user,credit_management.group_credit_manager",
            company_id=cls.company_a.id,
        )

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    # ------------------------------------------------------------------ menus

    def test_credit_control_menu_for_controllers_not_salesmen(self):
        credit_menu = self.env.ref("credit_management.menu_credit_control")
        sales_menu = self.env.ref("sale.sale_menu_root")
        controller_menus = self._visible_menus(self.controller)
        salesman_menus = self._visible_menus(self.salesman)
        self.assertIn(credit_menu.id, controller_menus)
        self.assertIn(self.env.ref("credit_management.menu_partner_credit").id, controller_menus)
        self.assertIn(sales_menu.id, salesman_menus)
        self.assertNotIn(credit_menu.id, salesman_menus)

    def test_approvals_menu_for_managers_only(self):
        approvals = self.env.ref("credit_management.menu_credit_approval_request").id
        self.assertIn(approvals, self._visible_menus(self.manager))
        self.assertNotIn(approvals, self._visible_menus(self.controller))
        self.assertNotIn(approvals, self._visible_menus(self.salesman))

    # --------------------------------------------------------------- settings

    def test_controller_cannot_change_settings(self):
        Settings = self.env["res.config.settings"]
        with self.assertRaises(AccessError):
            Settings.with_user(self.controller).create({"credit_limit_tolerance": 15.0})
        # (saving a settings record writes its related fields at once, so the
        # record is created without changes: execute() itself must refuse)
        settings = Settings.create({})
        with self.assertRaises(AccessError):
            settings.with_user(self.controller).execute()
        with self.assertRaises(AccessError):
            self.company_a.with_user(self.controller).write({"credit_limit_tolerance": 15.0})
        self.assertEqual(self.company_a.credit_limit_tolerance, 0.0)

    def test_manager_and_admin_can_change_settings(self):
        self.manager.group_ids = [Command.link(self.env.ref("base.group_system").id)]
        self.env["res.config.settings"].with_user(self.manager).create(
            {"credit_limit_tolerance": 15.0, "credit_block_overdue_days": 30}
        ).execute()
        self.assertEqual(self.company_a.credit_limit_tolerance, 15.0)
        self.assertEqual(self.company_a.credit_block_overdue_days, 30)

    def test_settings_are_saved_per_company(self):
        Settings = self.env["res.config.settings"]
        Settings.with_company(self.company_a).create(
            {"credit_exposure_sale_orders": False, "credit_limit_tolerance": 15.0}
        ).execute()
        self.assertFalse(self.company_a.credit_exposure_sale_orders)
        self.assertEqual(self.company_a.credit_limit_tolerance, 15.0)
        self.assertTrue(self.company_b.credit_exposure_sale_orders)
        self.assertEqual(self.company_b.credit_limit_tolerance, 0.0)
        # and the settings screen of each company shows its own values
        settings_a = Settings.with_company(self.company_a).create({})
        settings_b = Settings.with_company(self.company_b).create({})
        self.assertEqual(
            (settings_a.credit_exposure_sale_orders, settings_a.credit_limit_tolerance),
            (False, 15.0),
        )
        self.assertEqual(
            (settings_b.credit_exposure_sale_orders, settings_b.credit_limit_tolerance),
            (True, 0.0),
        )

    # ---------------------------------------------------------- access rights

    def test_every_model_of_the_module_has_access_rights(self):
        model_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "credit_management"), ("model", "=", "ir.model")])
            .mapped("res_id")
        )
        models = self.env["ir.model"].browse(model_ids)
        with_table = models.filtered(lambda m: not self.env[m.model]._abstract)
        self.assertIn("credit.approval.request", with_table.mapped("model"))
        self.assertIn("credit.approval.wizard", with_table.mapped("model"))
        self.assertNotIn("credit.exposure", with_table.mapped("model"))
        for model in with_table:
            with self.subTest(model=model.model):
                self.assertTrue(
                    self.env["ir.model.access"].search_count([("model_id", "=", model.id)]),
                    f"{model.model} has no access rights",
                )

    def test_approval_requests_of_another_company_are_hidden(self):
        customer = self._customer("Rule Customer")
        requests = self.env["credit.approval.request"]
        for company in (self.company_a, self.company_b):
            order = (
                self.env["sale.order"]
                .with_company(company)
                .create({"partner_id": customer.id, "company_id": company.id})
            )
            requests |= requests.create(
                {
                    "order_id": order.id,
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "order_currency_id": company.currency_id.id,
                }
            )
        request_a, request_b = requests
        self.manager.company_ids = self.company_a
        as_manager = requests.with_user(self.manager)
        self.assertEqual(as_manager.search([("id", "in", requests.ids)]), request_a)
        with self.assertRaises(AccessError):
            as_manager.browse(request_b.id).read(["state"])
        # the same user sees both once allowed in both companies
        self.manager.company_ids = self.company_a | self.company_b
        as_manager = requests.with_user(self.manager).with_context(
            allowed_company_ids=(self.company_a | self.company_b).ids
        )
        self.assertEqual(as_manager.search([("id", "in", requests.ids)]), requests)
