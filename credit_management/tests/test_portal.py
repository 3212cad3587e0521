import base64

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.common import HttpCaseWithUserPortal

# A 1x1 transparent PNG: the smallest signature the portal accepts.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


@tagged("post_install", "-at_install")
class TestPortalAcceptance(HttpCaseWithUserPortal):
    """The portal customer is on credit hold and accepts a quotation of 100:
    the acceptance must neither fail nor be lost."""

    def setUp(self):
        super().setUp()
        customer = self.partner_portal
        customer.write({"credit_hold": True, "credit_hold_reason": "Unpaid since March"})
        product = self.env["product.product"].create(
            {"name": "Portal Widget", "taxes_id": [Command.clear()]}
        )
        self.order = self.env["sale.order"].create(
            {
                "name": "Credit Hold Quotation",
                "partner_id": customer.id,
                "require_signature": True,
                "require_payment": False,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": 100.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        self.order.action_quotation_sent()

    def _assert_waiting_with_signature(self):
        self.assertEqual(self.order.state, "sent")
        self.assertTrue(self.order.signature, "the customer's signature is kept")
        self.assertEqual(self.order.credit_approval_state, "pending")
        request = self.order.credit_approval_ids
        self.assertEqual(request.order_amount_currency, 100.0)
        self.assertTrue(request.activity_ids, "credit managers get an activity")

    def test_signature_over_json_route(self):
        self.authenticate(None, None)
        result = self.make_jsonrpc_request(
            f"/my/orders/{self.order.id}/accept",
            {
                "access_token": self.order._portal_ensure_token(),
                "name": "Joel Willis",
                "signature": SIGNATURE,
            },
        )
        self.assertNotIn("error", result)
        self._assert_waiting_with_signature()
        page = self.url_open(result["redirect_url"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("Our credit department is reviewing", page.text)

    def test_signature_tour(self):
        self.start_tour("/", "credit_management_portal_signature", login="portal")
        self._assert_waiting_with_signature()


@tagged("post_install", "-at_install")
class TestPortalUnblocked(HttpCase):
    """Without any credit rule, the portal acceptance confirms as in Odoo."""

    def test_acceptance_confirms(self):
        customer = self.env["res.partner"].create({"name": "Good Payer"})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "require_signature": True,
                "require_payment": False,
                "order_line": [
                    Command.create(
                        {
                            "name": "Service",
                            "price_unit": 10.0,
                            "product_id": self.env["product.product"]
                            .create({"name": "Service"})
                            .id,
                        }
                    )
                ],
            }
        )
        order.action_quotation_sent()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": order._portal_ensure_token(), "name": "A", "signature": SIGNATURE},
        )
        self.assertNotIn("error", result)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_approval_ids)
