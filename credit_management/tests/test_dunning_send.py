from contextlib import closing
from unittest.mock import patch

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL, html2plaintext

from odoo.addons.base.models.ir_cron import IrCron
from odoo.addons.base.models.ir_qweb import IrQweb
from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import MockSMS

from ..models import credit_dunning_run
from .test_dunning_run import DUE, DunningRunCommon, day


class ProcessKilled(BaseException):
    """A kill: no ``except Exception`` of the code under test stops it."""


class SmsGateway:
    """The IAP mock of Odoo's ``MockSMS`` without its ``HttpCase`` base:
    ``with self.mockSMSGateway():`` records in ``self._sms`` the texts that
    would have left, and nothing reaches the network."""

    mockSMSGateway = MockSMS.mockSMSGateway
    _clear_sms_sent = MockSMS._clear_sms_sent


class DunningSendCommon(DunningRunCommon, MockEmail, SmsGateway):
    """A customer "Send SA" (English) with an arbitrary contact and an
    invoice contact; two invoices of 1,000 and 250 due on 2025-06-01."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Send SA", email="info@send.example.com")
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "Sales desk", "parent_id": cls.customer.id, "email": "sales@send.example.com"}
        )
        cls.invoice_contact = cls.env["res.partner"].create(
            {
                "name": "Accounts payable",
                "parent_id": cls.customer.id,
                "type": "invoice",
                "email": "ap@send.example.com",
                "phone": "+33612345678",
            }
        )
        cls.invoice_1 = cls._invoice(cls.customer, 1000.0, DUE)
        cls.invoice_2 = cls._invoice(cls.customer, 250.0, DUE)

    def _send_run(self, offset, run=None):
        """Run on ``day(offset)`` (unless ``run`` is given), approve and send
        its reminders, then the e-mails they queued; return the run."""
        run = run or self._run(offset)
        with freeze_time(day(offset)), self.mock_mail_gateway(), self.mockSMSGateway():
            run.communication_ids.filtered(lambda c: c.state == "to_review").action_approve()
            run.communication_ids.filtered(lambda c: c.state == "draft").action_send()
            self._send_queued_mails()
        return run

    def _send_queued_mails(self):
        """What the mail queue does next: send the e-mails queued here (and
        not rolled back with a reminder that failed)."""
        self._new_mails.exists().filtered(lambda mail: mail.state == "outgoing").send()

    def _customer_messages(self, customer, message_type="comment"):
        return customer.message_ids.filtered(lambda m: m.message_type == message_type)


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningSend(DunningSendCommon):
    def test_email_lists_the_invoices_to_the_invoice_contact(self):
        """Day 10: the reminder level (e-mail and SMS).  The e-mail goes to
        the invoice contact, not the other contact, lists both invoices and
        their total 1,250.00, and lands in the customer's chatter; each
        invoice gets a note."""
        run = self._send_run(10)
        communication = run.communication_ids
        self.assertRecordValues(
            communication,
            [{"state": "sent", "sent_date": day(10), "level_id": self.level["reminder"].id}],
        )
        self.assertEqual(communication.line_ids.mapped("state"), ["sent", "sent"])
        self.assertEqual(
            [email["email_to"] for email in self._mails],
            [['"Accounts payable" <ap@send.example.com>']],
        )
        mail = self._new_mails.filtered(lambda m: self.invoice_contact in m.recipient_ids)
        self.assertIn(self.invoice_2.name, mail.body_html)
        self.assertIn("1,250.00", mail.body_html)
        self.assertFalse(self._new_mails.filtered(lambda m: self.other_contact in m.recipient_ids))
        message = self._customer_messages(self.customer)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.invoice_contact)
        for invoice in (self.invoice_1, self.invoice_2):
            self.assertIn(
                "Reminder Reminder sent on 06/11/2025", invoice.message_ids.mapped("body")[0]
            )

    def test_email_in_the_customers_language(self):
        """The invoice contact has no language: the customer's, French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        self.invoice_contact.lang = False
        template = self.level["reminder"].mail_template_id
        template.with_context(lang="fr_FR").subject = "Relance de paiement"
        self._send_run(10)
        mail = self._new_mails.filtered(lambda m: self.invoice_contact in m.recipient_ids)
        self.assertEqual(mail.subject, "Relance de paiement")

    def test_one_email_per_currency(self):
        """Day 10: a third invoice of 400 in a foreign currency makes a
        second reminder of the same level.  Sent together, each e-mail
        lists the invoices of its own currency only: 1,000 and 250, then
        400."""
        foreign = self._invoice(self.customer, 400.0, DUE, currency_id=self.foreign.id)
        run = self._send_run(10)
        self.assertEqual(run.communication_ids.mapped("state"), ["sent", "sent"])
        self.assertEqual(run.communication_ids.level_id, self.level["reminder"])
        mails = self._new_mails.filtered(lambda m: self.invoice_contact in m.recipient_ids)
        self.assertEqual(len(mails), 2)
        by_currency = {
            "foreign": mails.filtered(lambda m: foreign.name in m.body_html),
            "company": mails.filtered(lambda m: self.invoice_1.name in m.body_html),
        }
        self.assertEqual(len(by_currency["foreign"]), 1)
        self.assertNotIn(self.invoice_1.name, by_currency["foreign"].body_html)
        self.assertIn(self.invoice_2.name, by_currency["company"].body_html)
        self.assertNotIn(foreign.name, by_currency["company"].body_html)
        self.assertIn("1,250.00", by_currency["company"].body_html)

    def test_template_compiled_once_for_a_batch_and_edits_apply(self):
        """Day 10: two customers' reminders of one level go together.  The
        template's body is compiled once for both, yet each e-mail lists
        its own customer's invoices.  Once the credit manager has edited
        the body, the next reminders say the new words."""
        other = self._customer("Other SA", email="ap@other.example.com", phone="+33611111111")
        other_invoice = self._invoice(other, 500.0, DUE)
        inline_compiled = []
        compile_code = IrQweb._generate_code_uncached

        def counting(qweb, template):
            if isinstance(template, etree._Element):
                inline_compiled.append(template)
            return compile_code(qweb, template)

        with patch.object(IrQweb, "_generate_code_uncached", counting):
            self._send_run(10)
        self.assertEqual(len(inline_compiled), 1)
        mails = self._new_mails.filtered(lambda mail: mail.subject)
        mail_of = {mail.recipient_ids.commercial_partner_id: mail for mail in mails}
        self.assertIn(other_invoice.name, mail_of[other].body_html)
        self.assertNotIn(self.invoice_1.name, mail_of[other].body_html)
        self.assertIn("1,250.00", mail_of[self.customer].body_html)
        self.assertNotIn(other_invoice.name, mail_of[self.customer].body_html)

        template = self.level["firm"].mail_template_id
        template.body_html = "<p>Edited: <t t-out='object.name'/> must pay today.</p>"
        self._send_run(17)
        mail = self._new_mails.filtered(lambda mail: other in mail.recipient_ids)
        self.assertIn("Edited: Other SA must pay today.", mail.body_html)

    def test_sms_to_the_invoice_contact(self):
        self._send_run(10)
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(self._sms[0]["number"], "+33612345678")
        self.assertIn("invoices overdue", self._sms[0]["body"])

    def test_activity_for_the_level_responsible_or_salesperson(self):
        """Day 20, first sight: the firm reminder (e-mail and a collection
        call) for the salesperson; with a responsible on the level, for them."""
        salesperson = self.env["res.users"].create({"name": "Sales", "login": "sales_send"})
        self.customer.user_id = salesperson
        self._send_run(20)
        activity = self.customer.activity_ids
        self.assertRecordValues(
            activity,
            [
                {
                    "activity_type_id": self.env.ref(
                        "credit_management.mail_activity_type_collection_call"
                    ).id,
                    "user_id": salesperson.id,
                }
            ],
        )
        other = self._customer("Other SA", email="other@example.com", phone="+33611111111")
        self._invoice(other, 100.0, DUE)
        self.level["firm"].activity_user_id = self.env.user
        self.scenario.min_interval_days = 0
        self._send_run(21)
        self.assertEqual(other.activity_ids.user_id, self.env.user)

    def test_call_script_lists_whom_to_call_and_the_invoices(self):
        """Day 20: the collector's activity keeps the call type's script and
        adds the invoice contact with its phone, both invoices 20 days late
        (1,000 and 250) and their total, 1,250."""
        self._send_run(20)
        note = html2plaintext(self.customer.activity_ids.note)
        self.assertIn("Ask when the overdue invoices will be paid", note)
        self.assertIn("Send SA, Accounts payable: +33612345678", note)
        for invoice in self.invoice_1 | self.invoice_2:
            self.assertIn(invoice.name, note)
        self.assertEqual(note.count("06/01/2025\n20\n"), 2, note)
        for amount in ("1,000.00", "250.00", "1,250.00"):
            self.assertIn(amount, note)

    def test_letter_attached_to_the_reminder_and_printable(self):
        """Day 35, first sight: the formal notice (review, letter and
        e-mail): the PDF is attached to the reminder and logged in the
        customer's chatter; "Print Letters" prints it for the customer."""
        run = self._send_run(35)
        communication = run.communication_ids
        self.assertEqual(communication.state, "sent")
        attachment = communication.letter_attachment_id
        self.assertRecordValues(
            attachment,
            [{"res_model": "credit.dunning.communication", "res_id": communication.id}],
        )
        self.assertTrue(attachment.raw)
        self.assertIn(attachment, self.customer.message_ids.attachment_ids)
        action = run.action_print_letters()
        self.assertEqual(action["report_name"], "credit_management.report_credit_dunning_letter")
        self.assertEqual(action["context"]["active_ids"], self.customer.ids)
        self.assertEqual(
            sorted(action["context"]["credit_dunning_invoice_ids"]),
            sorted((self.invoice_1 | self.invoice_2).ids),
        )

    def test_print_letters_without_letters(self):
        run = self._send_run(10)
        with self.assertRaisesRegex(Exception, "no letter to print"):
            run.action_print_letters()

    def test_payment_after_selection_cancels_the_line(self):
        """Paid in full after the run: its line is cancelled, the reminder
        lists the other invoice only."""
        run = self._run(10)
        self._pay(self.invoice_1, 1000.0, day(10))
        self._send_run(10, run)
        self.assertRecordValues(
            run.line_ids.sorted(lambda line: line.move_id.id),
            [
                {"move_id": self.invoice_1.id, "state": "cancelled"},
                {"move_id": self.invoice_2.id, "state": "sent"},
            ],
        )
        mail = self._new_mails.filtered(lambda m: self.invoice_contact in m.recipient_ids)
        self.assertNotIn(self.invoice_1.name, mail.body_html)
        self.assertIn(self.invoice_2.name, mail.body_html)

    def test_reminder_without_lines_left_is_cancelled(self):
        """Both invoices paid or disputed after the run: nothing is sent."""
        run = self._run(10)
        self._pay(self.invoice_1, 1000.0, day(10))
        self.invoice_2._credit_pause_dunning(day(20), "Promise to pay")
        self._send_run(10, run)
        self.assertEqual(run.communication_ids.state, "cancelled")
        self.assertEqual(run.line_ids.mapped("state"), ["cancelled", "cancelled"])
        self.assertFalse(self._new_mails)
        self.assertFalse(self._customer_messages(self.customer))

    def test_cancelled_highest_line_lowers_the_level(self):
        """An invoice at the firm level and one at the reminder level; the
        firm one is paid: the reminder is sent at the reminder level (no
        activity)."""
        late = self._invoice(self.customer, 300.0, day(-10))
        run = self._run(10)
        self.assertEqual(run.communication_ids.level_id, self.level["firm"])
        self._pay(late, 300.0, day(10))
        self._send_run(10, run)
        self.assertEqual(run.communication_ids.level_id, self.level["reminder"])
        self.assertFalse(self.customer.activity_ids)

    def test_failure_is_recorded_and_others_are_sent_then_retried(self):
        """No e-mail on the invoice contact of one customer: its reminder
        fails with the reason, the other customer's is sent; once the
        address is set, it is retried and sent."""
        other = self._customer("Other SA", email="other@example.com", phone="+33611111111")
        self._invoice(other, 100.0, DUE)
        self.invoice_contact.email = False
        run = self._send_run(10)
        failed = run.communication_ids.filtered(lambda c: c.partner_id == self.customer)
        sent = run.communication_ids - failed
        self.assertEqual(failed.state, "failed")
        self.assertEqual(
            failed.error,
            "Send SA, Accounts payable receives the reminders but has no e-mail address.",
        )
        self.assertEqual(failed.line_ids.mapped("state"), ["failed", "failed"])
        self.assertEqual(sent.state, "sent")
        self.assertFalse(self._customer_messages(self.customer))
        self.invoice_contact.email = "ap@send.example.com"
        failed.action_retry()
        self._send_run(11, run)
        self.assertRecordValues(failed, [{"state": "sent", "error": False}])

    def test_error_in_a_channel_fails_that_reminder_only(self):
        other = self._customer("Other SA", email="other@example.com", phone="+33611111111")
        self._invoice(other, 100.0, DUE)
        Communication = type(self.env["credit.dunning.communication"])
        original = Communication._send_sms

        def send_sms(communications, recipients):
            if self.customer in communications.partner_id:
                raise ValueError("SMS gateway down")
            return original(communications, recipients)

        with patch.object(Communication, "_send_sms", send_sms):
            run = self._send_run(10)
        failed = run.communication_ids.filtered(lambda c: c.partner_id == self.customer)
        self.assertRecordValues(failed, [{"state": "failed", "error": "SMS gateway down"}])
        self.assertEqual((run.communication_ids - failed).state, "sent")
        # the e-mail posted before the error was rolled back with it
        self.assertFalse(self._customer_messages(self.customer))

    def test_no_phone_for_sms(self):
        self.invoice_contact.phone = False
        run = self._send_run(10)
        self.assertEqual(
            run.communication_ids.error,
            "Send SA, Accounts payable receives the reminders but has no phone number.",
        )

    def test_only_ready_reminders_can_be_sent(self):
        run = self._run(35)
        with self.assertRaisesRegex(Exception, "Only reminders ready to send can be sent"):
            run.communication_ids.action_send()


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningAttachments(DunningSendCommon):
    """Day 10, the reminder level, listing invoice 1 (its PDF stored when
    it was sent) and invoice 2 (never sent: rendered for the reminder)."""

    def setUp(self):
        super().setUp()
        self.stored = self.env["ir.attachment"].create(
            {
                "name": "Stored invoice 1.pdf",
                "raw": b"%PDF-1.4 stored",
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": self.invoice_1.id,
                "res_field": "invoice_pdf_report_file",
            }
        )
        self.invoice_1.invalidate_recordset(["invoice_pdf_report_id"])

    def _mail(self):
        return self._new_mails.filtered(lambda m: self.invoice_contact in m.recipient_ids)

    def test_invoice_pdfs_attached(self):
        """Two attachments: the stored PDF of invoice 1 (its content, and
        still the invoice's), a fresh one for invoice 2."""
        self.level["reminder"].attach_invoices = True
        self._send_run(10)
        attachments = self._mail().attachment_ids.sorted("name")
        self.assertEqual(
            attachments.mapped("name"),
            sorted(["Stored invoice 1.pdf", self.invoice_2._get_invoice_report_filename()]),
        )
        self.assertEqual(
            attachments.filtered(lambda a: a.name == "Stored invoice 1.pdf").raw,
            b"%PDF-1.4 stored",
        )
        self.assertTrue(all(attachments.mapped("raw")))
        self.assertEqual(self.invoice_1.invoice_pdf_report_id, self.stored)
        self.assertEqual(self.stored.res_model, "account.move")

    def test_no_attachment_by_default(self):
        self._send_run(10)
        self.assertTrue(self._mail())
        self.assertFalse(self._mail().attachment_ids)

    def test_pre_due_notice_attaches_the_invoice_copies(self):
        """The shipped ladder: only the pre-due notice ("invoice copy")."""
        attaching = self.scenario.level_ids.filtered("attach_invoices")
        self.assertEqual(attaching, self.level["pre_due"])


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningRecipients(DunningSendCommon):
    """Who gets the e-mail and the SMS of Send SA's day-10 reminder (e-mail
    and SMS): its contacts flagged "Receives Reminders", else its invoice
    contact "Accounts payable"; never the ordinary contact "Sales desk"."""

    def _flagged(self, name, **values):
        return self.env["res.partner"].create(
            {
                "name": name,
                "parent_id": self.customer.id,
                "credit_dunning_contact": True,
                "email": f"{name.lower()}@send.example.com",
                "phone": "+33600000000",
                **values,
            }
        )

    def _emailed(self):
        return sorted(email_to for email in self._mails for email_to in email["email_to"])

    def test_flagged_contact_wins_over_the_invoice_address(self):
        flagged = self._flagged("Treasurer")
        self.assertEqual(
            self.invoice_contact._credit_dunning_recipients(), {self.customer: flagged}
        )
        self._send_run(10)
        self.assertEqual(self._emailed(), ['"Treasurer" <treasurer@send.example.com>'])
        self.assertEqual([sms["number"] for sms in self._sms], ["+33600000000"])
        self.assertEqual(self._customer_messages(self.customer).partner_ids, flagged)

    def test_every_flagged_contact_gets_it(self):
        first, second = self._flagged("Treasurer"), self._flagged("Controller")
        self.assertEqual(
            self.customer._credit_dunning_recipients(), {self.customer: first | second}
        )
        self._send_run(10)
        self.assertEqual(
            self._emailed(),
            [
                '"Controller" <controller@send.example.com>',
                '"Treasurer" <treasurer@send.example.com>',
            ],
        )
        self.assertEqual(len(self._sms), 2)

    def test_ordinary_contact_never_gets_it(self):
        """Without an invoice address nor a flagged contact: the customer
        itself, not "Sales desk"; a contact of another customer flagged for
        reminders changes nothing."""
        self.invoice_contact.type = "other"
        other = self._customer("Other SA")
        elsewhere = self.env["res.partner"].create(
            {"name": "Elsewhere", "parent_id": other.id, "credit_dunning_contact": True}
        )
        self.customer.phone = "+33699999999"
        self.assertEqual(
            (self.customer | other)._credit_dunning_recipients(),
            {self.customer: self.customer, other: elsewhere},
        )
        self._send_run(10)
        self.assertEqual(self._emailed(), ['"Send SA" <info@send.example.com>'])
        self.assertNotIn("sales@send.example.com", str(self._mails))

    def test_recipient_without_email_fails_the_reminder(self):
        self._flagged("Treasurer", email=False)
        run = self._send_run(10)
        self.assertRecordValues(
            run.communication_ids,
            [
                {
                    "state": "failed",
                    "error": "Send SA, Treasurer receives the reminders but has no e-mail address.",
                }
            ],
        )

    def test_email_in_each_recipients_language(self):
        """The customer and its treasurer read French, its controller
        English: one e-mail in each language, each to its reader."""
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.level["reminder"].mail_template_id
        template.with_context(lang="fr_FR").subject = "Relance de paiement"
        self.customer.lang = "fr_FR"
        treasurer = self._flagged("Treasurer", lang="fr_FR")
        controller = self._flagged("Controller", lang="en_US")
        self._send_run(10)
        subjects = {
            mail.recipient_ids: mail.subject
            for mail in self._new_mails
            if mail.recipient_ids & (treasurer | controller)
        }
        self.assertEqual(
            subjects,
            {
                treasurer: "Relance de paiement",
                controller: f"{self.company.name}: overdue invoices",
            },
        )


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningCron(DunningSendCommon):
    """Five more customers, each with an invoice due on 2025-06-01: on day
    10, six reminders at the reminder level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.customer
        for index in range(5):
            customer = cls._customer(f"Cron {index}", email=f"cron{index}@example.com")
            cls._invoice(customer, 100.0, DUE)
            cls.customers |= customer
        cls.level["reminder"].channel_sms = False

    def _cron(self, budgets=None):
        """Run the scheduled action on day 10 with sending batches of 2;
        ``_commit_progress`` (which commits) records its calls and returns
        the next of ``budgets`` as the seconds left (plenty by default)."""
        calls = []
        budgets = list(budgets or [])

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            calls.append((processed, remaining))
            return budgets.pop(0) if budgets and processed else 3600.0

        with (
            freeze_time(day(10)),
            patch.object(IrCron, "_commit_progress", commit_progress),
            patch.object(credit_dunning_run, "SEND_BATCH_SIZE", 2),
            self.mock_mail_gateway(),
        ):
            self.Run._cron_dunning()
        return [call for call in calls if call[0]]

    def _runs(self):
        return self.Run.search([("company_id", "=", self.company.id)])

    def _mine(self):
        return self._runs().communication_ids.filtered(lambda c: c.partner_id in self.customers)

    def test_cron_data(self):
        cron = self.env.ref("credit_management.ir_cron_credit_dunning")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertEqual(cron.code, "model._cron_dunning()")

    def test_runs_once_a_day_and_sends_in_batches(self):
        batches = self._cron()
        self.assertEqual(len(self._runs()), 1)
        self.assertEqual(self._mine().mapped("state"), ["sent"] * 6)
        self.assertEqual(
            sum(processed for processed, _remaining in batches), len(self._runs().communication_ids)
        )
        self.assertTrue(all(processed <= 2 for processed, _remaining in batches))
        self.assertEqual(batches[-1][1], 0)
        self._cron()
        self.assertEqual(len(self._runs()), 1, "the second call of the day creates no run")

    def test_interrupted_run_resumes_without_sending_twice(self):
        """The time budget ends after the first batch: two reminders sent,
        the others ready; the next call sends them, each customer gets one
        e-mail."""
        batches = self._cron(budgets=[0])
        self.assertEqual(batches, [(2, len(self._runs().communication_ids) - 2)])
        sent = self._runs().communication_ids.filtered(lambda c: c.state == "sent")
        self.assertEqual(len(sent), 2)
        self._cron()
        self.assertEqual(len(self._runs()), 1)
        self.assertEqual(self._mine().mapped("state"), ["sent"] * 6)
        for customer in self.customers:
            self.assertEqual(len(self._customer_messages(customer)), 1, customer.name)

    def test_killed_anywhere_resumes_exactly_once(self):
        """The process is killed once its run is created (before anything
        is committed), then, in turn, after each batch of reminders it sends
        (until it has sent one, two... six of them): its
        work since its last commit is lost.  Called again, the scheduled
        action finishes the day: one run, the six reminders sent, one e-mail
        per customer."""
        for killed_after in range(7):
            with self.subTest(killed_after=killed_after), closing(self.env.cr.savepoint()):
                self._cron_killed(killed_after)
                self._cron()
                self.assertEqual(len(self._runs()), 1)
                self.assertEqual(self._mine().mapped("state"), ["sent"] * 6)
                for customer in self.customers:
                    self.assertEqual(len(self._customer_messages(customer)), 1, customer.name)
                self.env.invalidate_all()

    def _cron_killed(self, killed_after):
        """Run the scheduled action on day 10, sending in batches of 2, as a
        process killed after the batch that sends its ``killed_after``-th
        reminder (0: once the run is created): the transaction goes back to its last commit (a
        savepoint here) and the ORM forgets what it held."""
        commits = []
        sent = []

        def commit():
            # named here: under freezegun, Odoo's uuid1 savepoint names repeat
            commits.append(f"killed_process_commit_{len(commits)}")
            self.env.cr.execute(SQL("SAVEPOINT %s", SQL.identifier(commits[-1])))

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            self.env.flush_all()
            commit()
            return 3600.0

        def create_run(run, company, run_date):
            created = create_run.original(run, company, run_date)
            if not killed_after:
                raise ProcessKilled
            return created

        def send_together(communications):
            result = send_together.original(communications)
            sent.extend(communications)
            if len(sent) >= killed_after:
                raise ProcessKilled
            return result

        commit()
        Run, Communication = type(self.Run), type(self.env["credit.dunning.communication"])
        create_run.original = Run._create_run
        send_together.original = Communication._send_together
        killed = False
        with (
            freeze_time(day(10)),
            patch.object(IrCron, "_commit_progress", commit_progress),
            patch.object(credit_dunning_run, "SEND_BATCH_SIZE", 2),
            patch.object(Run, "_create_run", create_run),
            patch.object(Communication, "_send_together", send_together),
            self.mock_mail_gateway(),
        ):
            # not assertRaises: Odoo's opens a savepoint around its block
            try:
                self.Run._cron_dunning()
            except ProcessKilled:
                killed = True
        self.assertTrue(killed)
        self.env.cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(commits[-1])))
        self.env.clear()

    def test_locked_reminders_are_skipped(self):
        """A reminder another server is sending (row locked by its
        transaction) is skipped, not waited for; once that transaction ends,
        it is taken.  Real cursors need committed data: one reminder is
        committed and removed afterwards."""
        with closing(db_connect(self.env.cr.dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run = env["credit.dunning.run"].create({"company_id": env.company.id})
            partner = env["res.partner"].create({"name": "Locked SA"})
            communication = env["credit.dunning.communication"].create(
                {
                    "run_id": run.id,
                    "company_id": env.company.id,
                    "partner_id": partner.id,
                    "currency_id": env.company.currency_id.id,
                    "scenario_id": self.scenario.id,
                    "level_id": self.level["friendly"].id,
                }
            )
            cr.commit()  # pylint: disable=invalid-commit
            ids = (run.id, partner.id, communication.id, env.company.id)
        self.addCleanup(self._remove_committed, *ids[:2])
        first, second = (db_connect(self.env.cr.dbname).cursor() for _ in range(2))
        self.addCleanup(second.close)
        with closing(first):
            Ready = api.Environment(first, SUPERUSER_ID, {})["credit.dunning.communication"]
            company = Ready.env["res.company"].browse(ids[3])
            self.assertIn(ids[2], Ready._lock_ready(company, 10_000).ids)
            Other = api.Environment(second, SUPERUSER_ID, {})["credit.dunning.communication"]
            self.assertNotIn(ids[2], Other._lock_ready(company, 10_000).ids)
            first.rollback()
        self.assertIn(ids[2], Other._lock_ready(company.with_env(Other.env), 10_000).ids)
        second.rollback()

    def _remove_committed(self, run_id, partner_id):
        with closing(db_connect(self.env.cr.dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["credit.dunning.run"].browse(run_id).unlink()
            env["res.partner"].browse(partner_id).unlink()
            cr.commit()  # pylint: disable=invalid-commit


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningDisplay(DunningSendCommon):
    def test_invoice_and_customer_levels(self):
        """Day 10: the reminder level sent on 2025-06-11.  Day 20: the run
        changes nothing until its reminder is sent (invoice 1 at the firm
        level, invoice 2, paused, still at the reminder level).  The
        customer shows the highest level of its open invoices; once the
        firm invoice is paid, the reminder level of the other one."""
        self.scenario.min_interval_days = 0
        self._send_run(10)
        self.assertRecordValues(
            self.invoice_1,
            [
                {
                    "credit_dunning_level_id": self.level["reminder"].id,
                    "credit_dunning_last_date": day(10),
                }
            ],
        )
        self.invoice_2._credit_pause_dunning(day(30), "Promise to pay")
        run = self._run(20)
        self.assertEqual(self.invoice_1.credit_dunning_level_id, self.level["reminder"])
        self._send_run(20, run)
        (self.invoice_1 | self.invoice_2).invalidate_recordset(["credit_dunning_last_date"])
        self.assertRecordValues(
            self.invoice_1 | self.invoice_2,
            [
                {
                    "credit_dunning_level_id": self.level["firm"].id,
                    "credit_dunning_last_date": day(20),
                },
                {
                    "credit_dunning_level_id": self.level["reminder"].id,
                    "credit_dunning_last_date": day(10),
                },
            ],
        )
        self.assertEqual(self.customer.credit_dunning_level_id, self.level["firm"])
        self.assertEqual(self.invoice_contact.credit_dunning_level_id, self.level["firm"])
        self._pay(self.invoice_1, 1000.0, day(20))
        self.customer.invalidate_recordset(["credit_dunning_level_id"])
        self.assertEqual(self.customer.credit_dunning_level_id, self.level["reminder"])
        self.assertFalse(self._customer("New SA").credit_dunning_level_id)

    def test_lists_filter_and_group_by_level(self):
        """Day 20: both invoices at the firm level, the customer found by
        its level, a new customer by "no level"."""
        self._send_run(20)
        Move = self.env["account.move"]
        groups = Move._read_group(
            [("id", "in", (self.invoice_1 | self.invoice_2).ids)],
            ["credit_dunning_level_id"],
            ["__count"],
        )
        self.assertEqual(groups, [(self.level["firm"], 2)])
        Partner = self.env["res.partner"]
        newcomer = self._customer("New SA")
        candidates = [("id", "in", (self.customer | newcomer).ids)]
        firm = [("credit_dunning_level_id", "=", self.level["firm"].id)]
        self.assertEqual(Partner.search(candidates + firm), self.customer)
        none = [("credit_dunning_level_id", "=", False)]
        self.assertEqual(Partner.search(candidates + none), newcomer)
        in_dunning = [("credit_dunning_level_id", "!=", False)]
        self.assertEqual(Partner.search(candidates + in_dunning), self.customer)

    def test_next_planned_date(self):
        """Due 2025-06-01.  Seen on day -10: the pre-due notice on day -7.
        Reminder level sent on day 10: the firm level on day 15, or day 17
        when the customer may only be written to a week after day 10.  An
        invoice paused until day 30: day 31.  Disputed: none."""
        invoices = self.invoice_1 | self.invoice_2
        with freeze_time(day(-10)):
            self.assertEqual(invoices.mapped("credit_dunning_next_date"), [day(-7)] * 2)
        self.scenario.min_interval_days = 0
        self._send_run(10)
        with freeze_time(day(10)):
            invoices.invalidate_recordset(["credit_dunning_next_date"])
            self.assertEqual(invoices.mapped("credit_dunning_next_date"), [day(15)] * 2)
            self.scenario.min_interval_days = 7
            invoices.invalidate_recordset(["credit_dunning_next_date"])
            self.assertEqual(self.invoice_1.credit_dunning_next_date, day(17))
            self.invoice_2._credit_pause_dunning(day(30), "Promise to pay")
            self.assertEqual(self.invoice_2.credit_dunning_next_date, day(31))
            self.env["credit.dispute"].create(
                {
                    "move_id": self.invoice_1.id,
                    "reason_id": self.env.ref("credit_management.dispute_reason_price").id,
                    "amount": 100.0,
                }
            )
            invoices.invalidate_recordset(["credit_dunning_next_date"])
            self.assertFalse(self.invoice_1.credit_dunning_next_date)

    def test_dashboard_reminders_sent_this_month(self):
        """May 25 (day -7): pre-due notices to Send SA and May SA, not
        counted in June.  June 11 (day 10): Send SA's friendly reminder (one
        level per run; 1,000 + 250), and the firm level of Firm SA (300)
        and Other SA (100), both 20 days late.  Friendly: 1 reminder, 1,250;
        firm: 2, 400."""
        may = self._customer("May SA", email="may@example.com")
        self._invoice(may, 400.0, DUE)
        self._send_run(-7)
        firm = self._customer("Firm SA", email="firm@example.com")
        self._invoice(firm, 300.0, day(-10))
        other = self._customer("Other SA", email="other@example.com", phone="+33611111111")
        self._invoice(other, 100.0, day(-10))
        may.credit_no_dunning = True
        may.credit_no_dunning_reason = "Test"
        self._send_run(10)
        with freeze_time(day(10)):
            figures = self.env["credit.dashboard"].with_company(self.company).get_figures()
        lines = [line for line in figures["lines"] if line["kind"] == "reminder"]
        self.assertEqual(
            [(line["name"], line["count"], line["amount"]) for line in lines],
            [("Friendly reminder", 1, 1250.0), ("Firm reminder", 2, 400.0)],
        )
        self.assertEqual(lines[0]["date_from"], day(10).replace(day=1))
        with freeze_time(day(10)):
            action = self.env["credit.dashboard"].with_company(self.company).action_open_dashboard()
        dashboard = self.env["credit.dashboard"].browse(action["res_id"])
        line = dashboard.reminder_line_ids.filtered(lambda l: l.level_id == self.level["firm"])
        reminders = self.env["credit.dunning.communication"].search(line.action_open()["domain"])
        self.assertEqual(reminders.partner_id, firm | other)
