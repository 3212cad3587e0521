from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditTestCommon(AccountTestInvoicingCommon):
    """Customers, invoices, payments and orders with round, tax-free amounts,
    so every figure a test asserts can be added up by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids = [
            Command.link(cls.env.ref("credit_management.group_credit_manager").id),
            Command.link(cls.env.ref("sales_team.group_sale_manager").id),
        ]
        cls.company = cls.company_data["company"]
        cls.currency = cls.company.currency_id
        # 1 company unit = 2 foreign units from 2017 on: 1,000 foreign = 500.
        cls.foreign = cls.setup_other_currency("EUR")
        cls.product = cls.env["product.product"].create(
            {
                "name": "Widget",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "invoice_policy": "order",
            }
        )

    @classmethod
    def _customer(cls, name, **values):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "property_payment_term_id": False, **values}
        )

    @classmethod
    def _invoice(cls, partner, amount, due, move_type="out_invoice", post=True, **values):
        """One line of ``amount`` with no tax, due on ``due`` (a date string)."""
        due = fields.Date.to_date(due)
        return cls._create_invoice_one_line(
            move_type=move_type,
            price_unit=amount,
            tax_ids=[],
            partner_id=partner,
            invoice_date=values.pop("invoice_date", due),
            invoice_date_due=due,
            invoice_payment_term_id=False,
            post=post,
            **values,
        )

    @classmethod
    def _pay(cls, invoice, amount, date):
        return cls._register_payment(invoice, amount=amount, payment_date=date)

    @classmethod
    def _order(cls, partner, quantity, price, currency=None, confirm=True):
        values = {
            "partner_id": partner.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": cls.product.id,
                        "product_uom_qty": quantity,
                        "price_unit": price,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        if currency:
            values["pricelist_id"] = (
                cls.env["product.pricelist"]
                .create({"name": f"Pricelist {currency.name}", "currency_id": currency.id})
                .id
            )
        order = cls.env["sale.order"].create(values)
        if confirm:
            order.action_confirm()
        return order
