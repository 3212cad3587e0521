from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from odoo.addons.base.models.ir_cron import IrCron

from .test_statement import StatementCommon


@tagged("post_install", "-at_install")
class TestStatementSending(StatementCommon):
    """Lamy SA's statement from the backend: printed, e-mailed with its
    signed link, and sent once a month to the customers who opted in."""

    def _wizard(self, **values):
        return (
            self.env["credit.statement.wizard"]
            .with_context(active_model="res.partner", active_ids=self.contact_1.ids)
            .create(values)
        )

    def test_report_values(self):
        """The outstanding variant lists the 4 open items of Lamy SA."""
        values = self.env["report.credit_management.report_credit_statement"]._get_report_values(
            self.customer.ids, {"company_id": self.company.id}
        )
        statement = values["statements"][self.customer.id]
        self.assertEqual(
            {item["move_id"] for item in statement["items"]},
            {self.invoice_a.id, self.invoice_b.id, self.invoice_c.id, self.refund.id},
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "credit_management.action_report_credit_statement",
                self.customer.ids,
                data={"variant": "activity", "date_from": "2000-01-01"},
            )[0]
            .decode()
        )
        self.assertIn("Opening balance", html)
        self.assertIn(self.invoice_d.name, html, "the activity shows the paid invoice too")

    def test_wizard_sends_the_statement_with_its_link(self):
        wizard = self._wizard()
        self.assertEqual(wizard.partner_ids, self.customer, "the contact stands for its company")
        wizard.action_send()
        message = self.customer.message_ids[0]
        self.assertIn("/my/statement?token=", message.body)
        self.assertEqual(len(message.attachment_ids), 1)

    def test_activity_needs_ordered_dates(self):
        wizard = self._wizard(variant="activity", date_from="2025-02-01", date_to="2025-01-01")
        with self.assertRaisesRegex(Exception, "start date before its end date"):
            wizard.action_print()

    def test_monthly_sending_once_a_month(self):
        """Batches are committed by the cron; here each commit only counts."""
        self.customer.credit_statement_monthly = True
        commits = []
        with patch.object(
            IrCron,
            "_commit_progress",
            lambda _self, processed=0, **kw: commits.append(processed) or 60,
        ):
            self.env["credit.statement"].sudo()._cron_send_monthly()
        self.assertEqual(commits, [1])
        self.assertEqual(self.customer.credit_statement_last_sent, fields.Date.today())
        sent = self.customer.message_ids
        self._send_monthly()
        self.assertEqual(self.customer.message_ids, sent, "nothing sent twice in a month")
        self.assertFalse(self.other.message_ids.filtered(lambda m: "/my/statement" in m.body))

    def _send_monthly(self):
        with patch.object(IrCron, "_commit_progress", lambda *args, **kwargs: 60):
            self.env["credit.statement"].sudo()._cron_send_monthly()
