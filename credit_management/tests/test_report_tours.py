from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CreditTestCommon


@tagged("post_install", "-at_install")
class TestReportTours(CreditTestCommon, HttpCase):
    """The aged balance and the dashboard in the web client, on one invoice
    of 1,000 due 100 days ago (bucket 91-120)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls._invoice(
            cls._customer("Tour Customer"),
            1000.0,
            str(today - timedelta(days=100)),
            invoice_date=str(today - timedelta(days=130)),
        )

    def test_aged_balance_tour(self):
        self.start_tour(
            "/odoo/action-credit_management.action_credit_aged_balance_wizard",
            "credit_management_aged_balance",
            login="accountman",
        )

    def test_dashboard_tour(self):
        self.start_tour(
            "/odoo/action-credit_management.action_credit_dashboard",
            "credit_management_dashboard",
            login="accountman",
        )
