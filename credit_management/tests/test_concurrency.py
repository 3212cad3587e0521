from contextlib import closing

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import RedirectWarning
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestConcurrentConfirmation(TransactionCase):
    """Two workers confirm orders of 600 for the same customer (limit 1,000)
    at the same time.  Each alone fits; together they do not.  The second
    worker, whose snapshot predates the first commit, must not pass: it gets
    a serialization failure (Odoo retries such requests), and its retry
    sees the first order and is blocked.

    The workers need real, independent cursors, so this test commits its
    data and removes it afterwards.
    """

    def _cursor(self):
        cr = db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cr.close)
        return cr

    def _setup_committed_data(self):
        with closing(db_connect(self.env.cr.dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            partner = env["res.partner"].create(
                {"name": "Concurrent Customer", "is_company": True, "credit_limit": 1000.0}
            )
            product = env["product.product"].create(
                {"name": "Concurrent Widget", "taxes_id": [Command.clear()]}
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "price_unit": 600.0,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for _ in range(2)
                ]
            )
            was_on = company.account_use_credit_limit
            company.account_use_credit_limit = True
            # other cursors must see the data
            cr.commit()  # pylint: disable=invalid-commit
            self.addCleanup(self._remove, company.id, was_on, partner.id, product.id, orders.ids)
            return orders.ids

    def _remove(self, company_id, was_on, partner_id, product_id, order_ids):
        with closing(db_connect(self.env.cr.dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(order_ids)
            orders._action_cancel()
            orders.unlink()
            env["product.product"].browse(product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(partner_id).unlink()
            env["res.company"].browse(company_id).account_use_credit_limit = was_on
            # undo what the test committed
            cr.commit()  # pylint: disable=invalid-commit

    def test_second_worker_cannot_pass_on_a_stale_snapshot(self):
        order_a, order_b = self._setup_committed_data()
        cr_a, cr_b = self._cursor(), self._cursor()
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        # worker B starts: its snapshot is taken before A commits
        self.assertEqual(env_b["sale.order"].browse(order_b).state, "draft")

        env_a["sale.order"].browse(order_a).action_confirm()
        cr_a.commit()

        with self.assertRaises(SerializationFailure):
            env_b["sale.order"].browse(order_b).action_confirm()
        cr_b.rollback()

        # Odoo's retry: a fresh transaction sees A's order (600 + 600 > 1,000)
        env_b.invalidate_all()
        with self.assertRaises(RedirectWarning):
            env_b["sale.order"].browse(order_b).action_confirm()
        cr_b.rollback()
        self.assertEqual(env_b["sale.order"].browse(order_b).state, "draft")
