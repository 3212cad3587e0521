from unittest.mock import patch

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.models.ir_cron import IrCron

from .test_dunning_run import DUE, day
from .test_dunning_send import DunningSendCommon


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningReview(DunningSendCommon):
    """What a reviewer does with reminders not sent yet.  Send SA owes
    1,000 (invoice 1) and 250 (invoice 2), both due on 2025-06-01: on day
    10 (2025-06-11) its reminder is at the reminder level (e-mail and SMS),
    ready to send; on day 35 at the formal notice (letter and e-mail),
    waiting for review."""

    def _mail(self):
        return self._new_mails.filtered(lambda m: self.invoice_contact in m.recipient_ids)

    def _postpone(self, reminders, date, reason="Customer on holiday"):
        wizard = Form(
            self.env["credit.dunning.postpone.wizard"].with_context(
                active_model="credit.dunning.communication", active_ids=reminders.ids
            )
        )
        wizard.postponed_until = date
        wizard.reason = reason
        wizard.save().action_apply()

    def _cron(self, offset):
        """The scheduled action on ``day(offset)``, committing nothing."""
        with (
            freeze_time(day(offset)),
            patch.object(IrCron, "_commit_progress", lambda *args, **kwargs: 3600.0),
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
        ):
            self.Run._cron_dunning()

    def _postponed_filter(self, today):
        """The reminders of the "Postponed" filter of the search view on ``today``."""
        arch = etree.fromstring(
            self.env.ref("credit_management.credit_dunning_communication_view_search").arch
        )
        domain = arch.xpath("//filter[@name='postponed']")[0].get("domain")
        Communication = self.env["credit.dunning.communication"]
        return Communication.search(safe_eval(domain, {"context_today": lambda: today}))

    # ------------------------------------------------------------ send

    def test_send_from_the_review_queue(self):
        """Day 35: Send SA's and Other SA's formal notices wait for review;
        the reviewer sends both at once: sent, each customer e-mailed."""
        other = self._customer("Other SA", email="other@example.com")
        self._invoice(other, 100.0, DUE)
        reminders = self._run(35).communication_ids
        self.assertEqual(reminders.mapped("state"), ["to_review", "to_review"])
        with freeze_time(day(35)), self.mock_mail_gateway():
            reminders.action_approve_send()
            self._send_queued_mails()
        self.assertRecordValues(
            reminders,
            [{"state": "sent", "sent_date": day(35)}, {"state": "sent", "sent_date": day(35)}],
        )
        self.assertEqual(
            sorted(email_to for email in self._mails for email_to in email["email_to"]),
            ['"Accounts payable" <ap@send.example.com>', '"Other SA" <other@example.com>'],
        )

    def test_send_from_review_refuses_other_reminders(self):
        reminder = self._run(10).communication_ids
        with self.assertRaisesRegex(UserError, "Only reminders waiting for review can be approved"):
            reminder.action_approve_send()
        self.assertEqual(reminder.state, "draft")

    # -------------------------------------------------------- postpone

    def test_postponed_reminder_waits_for_its_date(self):
        """Day 10: the reminder is postponed to day 14 (2025-06-15).  The
        scheduled action of days 11 to 13 neither sends it nor gives its
        invoices the reminder level again; day 14 sends it."""
        reminder = self._run(10).communication_ids
        self._postpone(reminder, day(14))
        self.assertRecordValues(
            reminder,
            [
                {
                    "state": "draft",
                    "postponed_until": day(14),
                    "postpone_reason": "Customer on holiday",
                }
            ],
        )
        self.assertEqual(self._postponed_filter(day(10)), reminder)
        self.assertFalse(self._postponed_filter(day(14)))
        for offset in (11, 12, 13):
            self._cron(offset)
            with self.subTest(day=offset):
                self.assertEqual(reminder.state, "draft")
                self.assertFalse(self._mails)
        runs = self.Run.search([("company_id", "=", self.company.id)])
        self.assertEqual(runs.line_ids.move_id, self.invoice_1 | self.invoice_2)
        self.assertEqual(len(runs.line_ids), 2, "no second line at the reminder level")
        self._cron(14)
        self.assertRecordValues(reminder, [{"state": "sent", "sent_date": day(14)}])
        self.assertEqual(reminder.line_ids.mapped("state"), ["sent", "sent"])

    def test_postpone_in_batch_from_the_review_queue(self):
        other = self._customer("Other SA", email="other@example.com")
        self._invoice(other, 100.0, DUE)
        reminders = self._run(35).communication_ids
        with freeze_time(day(35)):
            self._postpone(reminders, day(42))
        self.assertEqual(reminders.mapped("postponed_until"), [day(42), day(42)])
        self.assertEqual(reminders.mapped("state"), ["to_review", "to_review"])

    def test_postpone_to_a_date_not_in_the_future_is_refused(self):
        """Day 10 is 2025-06-11: postponing to that day or the day before
        is refused and changes nothing."""
        reminder = self._run(10).communication_ids
        for offset in (10, 9):
            with (
                self.subTest(day=offset),
                freeze_time(day(10)),
                self.assertRaisesRegex(
                    UserError,
                    "Reminders can only be postponed to a date in the future, not to "
                    f"{day(offset).strftime('%m/%d/%Y')}.",
                ),
            ):
                self._postpone(reminder, day(offset))
        self.assertRecordValues(reminder, [{"postponed_until": False, "postpone_reason": False}])

    def test_postpone_a_sent_reminder_is_refused(self):
        reminder = self._send_run(10).communication_ids
        with self.assertRaisesRegex(UserError, "Only reminders ready to send or to review"):
            self._postpone(reminder, day(20))

    # ------------------------------------------------------------ edit

    def test_drop_an_invoice(self):
        """Invoice 1 (1,000) is dropped: the reminder lists invoice 2 alone,
        250, and the e-mail does not mention invoice 1."""
        reminder = self._run(10).communication_ids
        self.assertRecordValues(reminder, [{"line_count": 2, "amount_residual": 1250.0}])
        reminder.line_ids.filtered(lambda line: line.move_id == self.invoice_1).action_drop()
        self.assertRecordValues(reminder, [{"line_count": 1, "amount_residual": 250.0}])
        self._send_run(10, reminder.run_id)
        self.assertRecordValues(
            reminder.line_ids.sorted(lambda line: line.move_id.id),
            [
                {"move_id": self.invoice_1.id, "state": "cancelled"},
                {"move_id": self.invoice_2.id, "state": "sent"},
            ],
        )
        self.assertNotIn(self.invoice_1.name, self._mail().body_html)
        self.assertIn(self.invoice_2.name, self._mail().body_html)

    def test_dropping_the_highest_invoice_lowers_the_level(self):
        """A third invoice of 300, 20 days late on day 10, is at the firm
        level and the reminder with it; dropped, the reminder level."""
        late = self._invoice(self.customer, 300.0, day(-10))
        reminder = self._run(10).communication_ids
        self.assertEqual(reminder.level_id, self.level["firm"])
        reminder.line_ids.filtered(lambda line: line.move_id == late).action_drop()
        self.assertRecordValues(
            reminder, [{"level_id": self.level["reminder"].id, "amount_residual": 1250.0}]
        )

    def test_dropping_every_invoice_cancels_the_reminder(self):
        reminder = self._run(10).communication_ids
        reminder.line_ids.action_drop()
        self.assertEqual(reminder.state, "cancelled")
        self.assertEqual(reminder.line_ids.mapped("state"), ["cancelled", "cancelled"])

    def test_drop_from_a_sent_reminder_is_refused(self):
        reminder = self._send_run(10).communication_ids
        with self.assertRaisesRegex(UserError, "Invoices can only be dropped from reminders not"):
            reminder.line_ids[0].action_drop()
        self.assertEqual(reminder.line_ids.mapped("state"), ["sent", "sent"])

    def test_note_above_the_invoices_in_the_email(self):
        note = "As agreed on the phone, the first invoice by Friday."
        reminder = self._run(10).communication_ids
        reminder.note = note
        self._send_run(10, reminder.run_id)
        body = self._mail().body_html
        self.assertIn(note, body)
        self.assertLess(body.index(note), body.index(self.invoice_1.name))

    def test_note_above_the_invoices_in_the_letter(self):
        note = "As agreed on the phone, the first invoice by Friday."
        run = self._run(35)
        run.communication_ids.note = note
        run.communication_ids.action_approve()
        action = run.action_print_letters()
        report = self.env.ref("credit_management.action_report_credit_dunning_letter")
        html = (
            report.with_context(**action["context"])
            ._render_qweb_html(report, self.customer.ids)[0]
            .decode()
        )
        self.assertIn(note, html)
        self.assertLess(html.index(note), html.index(self.invoice_1.name))

    def test_no_note_no_paragraph(self):
        self._send_run(10)
        self.assertNotIn("white-space: pre-line", self._mail().body_html)

    # ---------------------------------------------------------- portal

    def test_each_invoice_links_to_its_payment_page(self):
        """Each invoice number opens its portal page (with its access token,
        no portal account needed), where the customer can pay it online."""
        self._send_run(10)
        body = self._mail().body_html
        for invoice in (self.invoice_1, self.invoice_2):
            url = invoice.get_base_url() + invoice.get_portal_url()
            self.assertIn(f"/my/invoices/{invoice.id}?access_token=", url)
            self.assertIn(f'href="{url}"', body)
