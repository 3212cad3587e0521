import json
import re
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import hash_sign

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

from ..models.credit_statement import TOKEN_SCOPE
from .test_statement import StatementCommon, days_from_today


class PortalStatementCommon(StatementCommon, HttpCase):
    """Anne and Bruno, contacts of Lamy SA, and Olga, contact of Other SARL,
    are portal users of the test company (see StatementCommon)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Collector",
                "login": "collector",
                "group_ids": [Command.set([cls.env.ref("base.group_user").id])],
            }
        )
        cls.invoice_a.invoice_user_id = cls.salesperson
        cls.olga = cls.env["res.partner"].create(
            {"name": "Olga", "parent_id": cls.other.id, "email": "olga@other.example"}
        )
        for login, partner in (
            ("anne", cls.contact_1),
            ("bruno", cls.contact_2),
            ("olga", cls.olga),
        ):
            cls.env["res.users"].create(
                {
                    "login": login,
                    "password": login,
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "group_ids": [Command.set([cls.env.ref("base.group_portal").id])],
                }
            )
        cls.reason = cls.env["credit.dispute.reason"].create({"name": "Goods damaged"})

    def _login(self, login):
        self.authenticate(login, login)

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _token(self, partner=None):
        return self.env["credit.statement"]._sign_link(partner or self.customer, self.company)

    def _csrf(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@tagged("post_install", "-at_install")
class TestPortalStatement(PortalStatementCommon):
    def test_two_contacts_see_the_same_statement(self):
        pages = []
        for login in ("anne", "bruno"):
            self._login(login)
            page = self._get("/my/statement")
            self.assertEqual(page.status_code, 200)
            pages.append(page.text)
            for invoice in (self.invoice_a, self.invoice_b, self.invoice_c, self.refund):
                self.assertIn(invoice.name, page.text)
            self.assertNotIn(self.other_invoice.name, page.text)
            self.assertNotIn(
                self.invoice_d.name, re.findall(r'data-move="([^"]+)"', page.text), "paid"
            )
            # totals: 600 + 500 - 100 in company currency, 2,000 EUR; overdue 600 and 2,000
            totals = re.findall(
                r'class="o_credit_total_due"[^>]*>(.*?)</span>', page.text, re.DOTALL
            )
            self.assertEqual(len(totals), 2)
            self.assertIn("1,000.00", totals[0])
            self.assertIn("2,000.00", totals[1])
            self.assertIn("600.00", page.text)
        self.assertEqual(
            re.findall(r'data-move="([^"]+)"', pages[0]),
            re.findall(r'data-move="([^"]+)"', pages[1]),
        )

    def test_other_company_contact_sees_none_of_it(self):
        self._login("olga")
        page = self._get("/my/statement")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.other_invoice.name, page.text)
        for invoice in (self.invoice_a, self.invoice_b, self.invoice_c):
            self.assertNotIn(invoice.name, page.text)
        for url in (
            f"/my/statement/pay?invoice_ids={self.invoice_a.id}",
            f"/my/statement/dispute/{self.invoice_a.id}",
            f"/my/statement/dispute/{self.invoice_a.id + 100000}",
        ):
            self.assertEqual(self._get(url).status_code, 404, url)

    def test_filters_and_paging(self):
        self._login("anne")
        overdue = self._get("/my/statement?filterby=overdue").text
        self.assertIn(self.invoice_a.name, overdue)
        self.assertNotIn(self.invoice_b.name, overdue)
        euro = self._get(f"/my/statement?currency={self.foreign.id}").text
        self.assertEqual(re.findall(r'data-move="([^"]+)"', euro), [self.invoice_c.name])
        # an unknown sort or filter falls back to the defaults
        self.assertEqual(self._get("/my/statement?sortby=id;drop&filterby=x").status_code, 200)

    def test_home_entry(self):
        self._login("anne")
        home = self._get("/my")
        self.assertIn("/my/statement", home.text)
        self.assertIn("o_credit_statement_balance", home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["credit_statement_count"]}
        )
        self.assertEqual(counters["credit_statement_count"], 4)

    def test_public_without_token_is_sent_to_login(self):
        self.authenticate(None, None)
        page = self._get("/my/statement")
        self.assertEqual(page.status_code, 303)
        self.assertIn("/web/login", page.headers["Location"])

    def test_signed_link(self):
        self.authenticate(None, None)
        token = self._token()
        page = self._get(f"/my/statement?token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice_a.name, page.text)
        pdf = self._get(f"/my/statement/pdf?token={token}")
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        # tests render reports as HTML (Odoo skips wkhtmltopdf under test)
        self.assertIn(self.invoice_a.name, pdf.content.decode())

    def test_bad_links_are_404(self):
        self.authenticate(None, None)
        token = self._token()
        tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        for bad in (tampered, "garbage", "%00"):
            self.assertEqual(self._get(f"/my/statement?token={bad}").status_code, 404, bad)
            self.assertEqual(self._get(f"/my/statement/pdf?token={bad}").status_code, 404, bad)
        expired = hash_sign(
            self.env(su=True),
            TOKEN_SCOPE,
            {"partner": self.customer.id, "company": self.company.id, "version": 0},
            expiration=datetime.now() - timedelta(seconds=1),
        )
        self.assertEqual(self._get(f"/my/statement?token={expired}").status_code, 404)
        self.customer.action_credit_statement_revoke_links()
        self.assertEqual(self._get(f"/my/statement?token={token}").status_code, 404)
        # a link of Other SARL opens nothing of Lamy's
        other = self._token(self.other)
        self.assertEqual(
            self._get(f"/my/statement/dispute/{self.invoice_a.id}?token={other}").status_code, 404
        )

    def test_activity_pdf(self):
        self._login("anne")
        pdf = self._get(
            f"/my/statement/pdf?variant=activity&date_from={days_from_today(-45)}&date_to={days_from_today()}"
        )
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertEqual(
            self._get("/my/statement/pdf?variant=activity&date_from=x").status_code, 404
        )


@tagged("post_install", "-at_install")
class TestPortalStatementTour(PortalStatementCommon):
    def test_statement_tour(self):
        """Overdue first by due date: INV A (40 days) is the first row, and
        the one disputed, for its whole 600 still due."""
        self.start_tour("/my/statement", "credit_management_statement", login="anne")
        dispute = self.invoice_a.sudo().credit_dispute_ids
        self.assertRecordValues(
            dispute, [{"state": "open", "amount": 600.0, "reason_id": self.reason.id}]
        )
        self.assertIn("Two boxes arrived broken.", dispute.description)


@tagged("post_install", "-at_install")
class TestPortalDispute(PortalStatementCommon):
    def _post(self, values, invoice=None, csrf=True):
        url = f"/my/statement/dispute/{(invoice or self.invoice_a).id}"
        data = {"reason_id": self.reason.id, "message": "Two boxes arrived broken.", **values}
        if csrf:
            data["csrf_token"] = self._csrf(url)
        return self.url_open(url, data=data, allow_redirects=False)

    def test_dispute_filed_in_the_portal(self):
        """INV A (600 due): a dispute of 200 opens in the backend, takes the
        invoice out of dunning and gives the collector an activity."""
        self._login("anne")
        response = self._post({"amount": "200"})
        self.assertEqual(response.status_code, 303)
        dispute = self.invoice_a.sudo().credit_dispute_ids
        self.assertRecordValues(
            dispute,
            [
                {
                    "state": "open",
                    "amount": 200.0,
                    "reason_id": self.reason.id,
                    "user_id": self.salesperson.id,
                    "partner_id": self.customer.id,
                }
            ],
        )
        self.assertTrue(self.invoice_a.credit_disputed)
        self.assertFalse(self.invoice_a._credit_dunning_dunnable(), "out of dunning")
        self.assertEqual(dispute.activity_ids.user_id, self.salesperson)
        self.assertIn(self.contact_1, dispute.message_partner_ids)
        page = self._get(response.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_portal_chatter", page.text)
        self.assertIn("Open", page.text)
        # Bruno, of the same company, sees it too; Olga does not
        self._login("olga")
        self.assertEqual(self._get(f"/my/statement/disputes/{dispute.id}").status_code, 404)

    def test_whole_residual_by_default(self):
        self._login("anne")
        self._post({})
        self.assertEqual(self.invoice_a.sudo().credit_dispute_ids.amount, 600.0)

    def test_invalid_fields_are_refused(self):
        self._login("anne")
        other_reason = self.env["credit.dispute.reason"].create(
            {"name": "Archived", "active": False}
        )
        cases = {
            "Choose a reason": {"reason_id": other_reason.id},
            "Tell us what is wrong": {"message": "   "},
            "too long": {"message": "x" * 2001},
            "more than 0 and at most": {"amount": "600.01"},
        }
        for message, values in cases.items():
            with self.subTest(message=message):
                response = self._post(values)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        for amount in ("0", "-5", "abc"):
            self.assertIn("more than 0 and at most", self._post({"amount": amount}).text)
        self.assertFalse(self.invoice_a.sudo().credit_dispute_ids)

    def test_csrf_is_required(self):
        self._login("anne")
        response = self._post({}, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.invoice_a.sudo().credit_dispute_ids)

    def test_at_most_three_disputes_per_invoice_per_day(self):
        self._login("anne")
        for _index in range(3):
            self.assertEqual(self._post({"amount": "10"}).status_code, 303)
            self.invoice_a.sudo().credit_dispute_ids.filtered(
                lambda dispute: dispute.state == "open"
            ).action_reject()
        response = self._post({"amount": "10"})
        self.assertIn("too many disputes today", response.text)
        self.assertEqual(len(self.invoice_a.sudo().credit_dispute_ids), 3)

    def test_dispute_through_signed_link(self):
        self.authenticate(None, None)
        token = self._token()
        url = f"/my/statement/dispute/{self.invoice_b.id}?token={token}"
        csrf = self._csrf(url)
        response = self.url_open(
            url,
            data={"reason_id": self.reason.id, "message": "Not ordered.", "csrf_token": csrf},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.invoice_b.sudo().credit_dispute_ids.amount, 500.0)
        self.assertIn(f"token={token}", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestPortalStatementPay(AccountPaymentCommon, PortalStatementCommon):
    """Paying from the statement charges what is still due."""

    def _pay_page(self, query):
        page = self._get(f"/my/statement/pay?{query}")
        self.assertEqual(page.status_code, 200)
        return page.text, re.search(r'data-access-token="([^"]+)"', page.text).group(1)

    def _transaction(self, token, amount, landing_route="/"):
        response = self.url_open(
            "/my/statement/transaction",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "access_token": token,
                        "provider_id": self.provider.id,
                        "payment_method_id": self.payment_method_id,
                        "token_id": None,
                        "amount": amount,
                        "flow": "direct",
                        "tokenization_requested": False,
                        "landing_route": landing_route,
                        "is_validation": False,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def test_pay_all_overdue_charges_the_residual(self):
        """Overdue in company currency: INV A only, 1,000 less 400 paid = 600."""
        self._login("anne")
        # PaymentCommon redefines self.currency: the company's is meant here
        page, token = self._pay_page(f"overdue_currency={self.company.currency_id.id}")
        self.assertIn('data-amount="600.0"', page)
        result = self._transaction(token, 600.0, landing_route="https://evil.example")
        self.assertNotIn("error", result)
        transaction = self.env["payment.transaction"].search(
            [("reference", "=", result["result"]["reference"])]
        )
        self.assertEqual(transaction.amount, 600.0)
        self.assertEqual(transaction.invoice_ids, self.invoice_a)
        self.assertEqual(transaction.landing_route, "/my/statement")

    def test_pay_a_selection_in_one_currency(self):
        """INV A (600 due) and INV B (500): 1,100; with INV C (EUR) no payment page."""
        self._login("bruno")
        page, _token = self._pay_page(
            f"invoice_ids={self.invoice_a.id}&invoice_ids={self.invoice_b.id}"
        )
        self.assertIn('data-amount="1100.0"', page)
        mixed = self._get(
            f"/my/statement/pay?invoice_ids={self.invoice_a.id}&invoice_ids={self.invoice_c.id}"
        )
        self.assertEqual(mixed.status_code, 303)

    def test_tampered_amount_or_token_is_refused(self):
        self._login("anne")
        _page, token = self._pay_page(f"invoice_ids={self.invoice_b.id}")
        self.assertIn("error", self._transaction(token, 1.0))
        self.assertIn("error", self._transaction(token[:-3] + "AAA", 500.0))
        self.assertFalse(
            self.env["payment.transaction"].search([("invoice_ids", "in", self.invoice_b.ids)])
        )
