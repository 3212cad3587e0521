from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSecurity(TransactionCase):
    def test_manager_implies_controller(self):
        manager = self.env.ref("credit_management.group_credit_manager")
        controller = self.env.ref("credit_management.group_credit_controller")
        self.assertIn(controller, manager.all_implied_ids)
