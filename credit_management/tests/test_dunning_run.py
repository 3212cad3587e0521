import threading
from datetime import date, timedelta

from psycopg2 import IntegrityError
from psycopg2.errors import LockNotAvailable

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools.dunning import next_level
from .common import CreditTestCommon

LEVELS = ("pre_due", "friendly", "reminder", "firm", "formal_notice", "litigation")
DUE = date(2025, 6, 1)


def day(offset):
    """The date ``offset`` days after ``DUE`` (2025-06-01)."""
    return DUE + timedelta(days=offset)


class DunningRunCommon(CreditTestCommon):
    """The shipped "Standard" ladder, rank: level (day after due date):
    0 pre-due notice (-7), 1 friendly (1), 2 reminder (8), 3 firm (15),
    4 formal notice (30, review), 5 litigation (45, review, ends amicable).
    Invoices are due on 2025-06-01 unless said otherwise; ``day(n)`` is
    the date n days after that."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario = cls.env.ref("credit_management.dunning_scenario_default")
        cls.company.credit_dunning_scenario_id = cls.scenario
        cls.level = {
            name: cls.env.ref(f"credit_management.dunning_level_{name}") for name in LEVELS
        }
        cls.offsets = tuple(cls.level[name].day_offset for name in LEVELS)
        cls.Run = cls.env["credit.dunning.run"]

    def _run(self, offset, company=None):
        return self.Run._create_run(company or self.company, day(offset))

    def _levels(self, run):
        """``{invoice: level}`` of the run's lines."""
        return {line.move_id: line.level_id for line in run.line_ids}

    def _send(self, run, offset):
        """Approve and send every reminder of ``run`` on ``day(offset)``."""
        with freeze_time(day(offset)):
            run.communication_ids.filtered(lambda c: c.state == "to_review").action_approve()
            run.communication_ids._mark_sent()


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningLadder(DunningRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Ladder SA")
        cls.invoice = cls._invoice(cls.customer, 1000.0, DUE, invoice_date="2025-04-01")

    def test_time_travel_through_the_ladder(self):
        """A run every day from day -12 to day 60, reminders sent at once and
        no interval between reminders: the invoice gets each level on the
        day it reaches it, as ``tools.dunning.next_level`` says."""
        self.scenario.min_interval_days = 0
        got, last = [], None
        for offset in range(-12, 61):
            run = self._run(offset)
            expected = next_level(offset, last, self.offsets)
            level = self._levels(run).get(self.invoice)
            with self.subTest(day=offset):
                self.assertEqual(
                    level, self.level[LEVELS[expected]] if expected is not None else None
                )
            if level:
                got.append((offset, level))
                last = expected
                self._send(run, offset)
        self.assertEqual(
            got,
            [(offset, self.level[name]) for offset, name in zip(self.offsets, LEVELS, strict=True)],
        )

    def test_pre_due_notice(self):
        """Day -8: nothing; day -7: the pre-due notice, listing the invoice
        due in 7 days."""
        self.assertFalse(self._run(-8).line_ids)
        run = self._run(-7)
        self.assertRecordValues(
            run.line_ids,
            [
                {
                    "move_id": self.invoice.id,
                    "level_id": self.level["pre_due"].id,
                    "days_late": -7,
                    "date_due": DUE,
                    "amount_residual": 1000.0,
                    "reason": "due in 7 days: reached Pre-due notice (day -7)",
                    "state": "draft",
                }
            ],
        )

    def test_catch_up_gives_the_level_reached_only(self):
        """First seen 20 days late: the firm reminder (day 15), not the whole
        ladder; the formal notice waits for day 30; 60 days late on first
        sight: litigation alone."""
        run = self._run(20)
        self.assertEqual(self._levels(run), {self.invoice: self.level["firm"]})
        self.assertEqual(run.line_ids.reason, "20 days late: reached Firm reminder (day 15)")
        self._send(run, 20)
        self.assertFalse(self._run(29).line_ids)
        run = self._run(30)
        self.assertEqual(self._levels(run), {self.invoice: self.level["formal_notice"]})
        self.assertEqual(
            run.line_ids.reason,
            "30 days late: reached Formal notice (day 30) after Firm reminder",
        )
        late = self._invoice(self._customer("Late SA"), 500.0, day(-60))
        self.assertEqual(self._levels(self._run(0)), {late: self.level["litigation"]})

    def test_one_level_per_run(self):
        """Friendly on day 1, next run on day 40: the reminder (day 8), not
        the formal notice its age reached; then the firm one, then the formal
        notice, one per run."""
        self._send(self._run(1), 1)
        for offset, name in ((40, "reminder"), (48, "firm"), (56, "formal_notice")):
            run = self._run(offset)
            with self.subTest(day=offset):
                self.assertEqual(self._levels(run), {self.invoice: self.level[name]})
            self._send(run, offset)

    def test_nothing_after_litigation(self):
        self._send(self._run(50), 50)
        self.assertFalse(self._run(200).line_ids)

    def test_unsent_reminder_counts_as_given(self):
        """A reminder not sent yet (ready or to review) still holds its level:
        the next run does not give it again."""
        self.assertEqual(self._levels(self._run(1)), {self.invoice: self.level["friendly"]})
        self.assertFalse(self._run(2).line_ids)

    def test_cancelled_reminder_gives_its_level_again(self):
        run = self._run(1)
        run.communication_ids.action_cancel()
        self.assertEqual(run.line_ids.state, "cancelled")
        self.assertEqual(self._levels(self._run(2)), {self.invoice: self.level["friendly"]})

    def test_minimum_interval(self):
        """Days between reminders 7: sent on day 1, the reminder level (day 8)
        of the invoice waits until day 8; a second invoice reaching a level
        on day 4 waits too.  Reminders not sent do not count."""
        self.scenario.min_interval_days = 7
        self._send(self._run(1), 1)
        other = self._invoice(self.customer, 300.0, day(3))
        self.assertFalse(self._run(4).line_ids)
        self.assertFalse(self._run(7).line_ids)
        self.assertEqual(
            self._levels(self._run(8)),
            {self.invoice: self.level["reminder"], other: self.level["friendly"]},
        )
        # the day-8 reminders are not sent: no interval applies on day 15
        self.assertEqual(
            self._levels(self._run(15)),
            {self.invoice: self.level["firm"], other: self.level["reminder"]},
        )


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningRunPauses(DunningRunCommon):
    """Every invoice 10 days late on day 10 would get the reminder level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Pause SA")

    def _invoice_selected(self, invoice, offset=10):
        return invoice in self._levels(self._run(offset))

    def test_open_invoice_is_selected(self):
        self.assertTrue(self._invoice_selected(self._invoice(self.customer, 100.0, DUE)))

    def test_disputed(self):
        invoice = self._invoice(self.customer, 100.0, DUE)
        dispute = self.env["credit.dispute"].create(
            {
                "move_id": invoice.id,
                "reason_id": self.env.ref("credit_management.dispute_reason_price").id,
                "amount": 100.0,
            }
        )
        self.assertFalse(self._invoice_selected(invoice))
        dispute.action_resolve()
        self.assertTrue(self._invoice_selected(invoice, 11))

    def test_paused_until(self):
        """Paused until day 10 included: nothing on day 10, due on day 11."""
        invoice = self._invoice(self.customer, 100.0, DUE)
        invoice._credit_pause_dunning(day(10), "Promise to pay")
        self.assertFalse(self._invoice_selected(invoice, 10))
        self.assertTrue(self._invoice_selected(invoice, 11))

    def test_no_followup(self):
        invoice = self._invoice(self.customer, 100.0, DUE)
        invoice.no_followup = True
        self.assertFalse(self._invoice_selected(invoice))

    def test_do_not_dun_customer_in_this_company_only(self):
        invoice = self._invoice(self.customer, 100.0, DUE)
        company_2 = self.setup_other_company(name="Dun Co 2")["company"]
        self.customer.with_company(company_2).credit_no_dunning = True
        self.assertTrue(self._invoice_selected(invoice))
        self.customer.with_company(self.company).credit_no_dunning = True
        self.assertFalse(self._invoice_selected(invoice, 11))

    def test_do_not_dun_applies_to_contacts_invoices(self):
        contact = self.env["res.partner"].create(
            {"name": "Accounts payable", "parent_id": self.customer.id}
        )
        invoice = self._invoice(contact, 100.0, DUE)
        self.customer.credit_no_dunning = True
        self.assertFalse(self._invoice_selected(invoice))

    def test_paid_invoice_is_not_dunned(self):
        invoice = self._invoice(self.customer, 100.0, DUE)
        self._pay(invoice, 100.0, "2025-06-05")
        self.assertFalse(self._invoice_selected(invoice))

    def test_partly_paid_invoice_is_dunned_for_its_residual(self):
        invoice = self._invoice(self.customer, 100.0, DUE)
        self._pay(invoice, 40.0, "2025-06-05")
        run = self._run(10)
        self.assertRecordValues(
            run.line_ids, [{"move_id": invoice.id, "amount_residual": 60.0, "days_late": 10}]
        )

    def test_draft_and_refunds_are_not_dunned(self):
        draft = self._invoice(self.customer, 100.0, DUE, post=False)
        refund = self._invoice(self.customer, 100.0, DUE, move_type="out_refund")
        self.assertFalse(self._levels(self._run(10)).keys() & {draft, refund})

    def test_customer_scenario_wins_over_the_company_default(self):
        """The customer's own ladder, a copy whose friendly level waits for
        day 5: day 4 gives its pre-due notice (not the company's friendly
        level), day 5 its friendly level."""
        invoice = self._invoice(self.customer, 100.0, DUE)
        own = self.scenario.copy({"min_interval_days": 0})
        friendly = own.level_ids.filtered(lambda level: level.day_offset == 1)
        friendly.day_offset = 5
        self.customer.credit_dunning_scenario_id = own
        run = self._run(4)
        self.assertEqual(run.communication_ids.scenario_id, own)
        self.assertEqual(self._levels(run), {invoice: own.level_ids.sorted("sequence")[0]})
        self.assertEqual(self._levels(self._run(5)), {invoice: friendly})


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningRunGrouping(DunningRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Group SA")

    def test_one_reminder_per_customer_and_currency(self):
        """Day 10: INV-A 100 (10 days late: reminder) and
        INV-B 200 due on day -25 (35 days late, formal notice) in company
        currency, INV-C 1,000 in foreign currency: two reminders; the first
        has the formal notice level and waits for review."""
        inv_a = self._invoice(self.customer, 100.0, DUE)
        inv_b = self._invoice(self.customer, 200.0, day(-25))
        inv_c = self._invoice(self.customer, 1000.0, DUE, currency_id=self.foreign.id)
        run = self._run(10)
        self.assertRecordValues(
            run.communication_ids.sorted(lambda c: c.currency_id != self.currency),
            [
                {
                    "partner_id": self.customer.id,
                    "currency_id": self.currency.id,
                    "level_id": self.level["formal_notice"].id,
                    "amount_residual": 300.0,
                    "line_count": 2,
                    "state": "to_review",
                },
                {
                    "partner_id": self.customer.id,
                    "currency_id": self.foreign.id,
                    "level_id": self.level["reminder"].id,
                    "amount_residual": 1000.0,
                    "line_count": 1,
                    "state": "draft",
                },
            ],
        )
        self.assertEqual(
            self._levels(run),
            {
                inv_a: self.level["reminder"],
                inv_b: self.level["formal_notice"],
                inv_c: self.level["reminder"],
            },
        )
        self.assertEqual(sorted(run.line_ids.mapped("state")), ["draft", "to_review", "to_review"])
        self.assertRecordValues(
            run,
            [{"state": "draft", "communication_count": 2, "to_review_count": 1, "line_count": 3}],
        )

    def test_contacts_invoices_go_to_the_commercial_partner(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        self._invoice(contact, 100.0, DUE)
        self._invoice(self.customer, 100.0, DUE)
        run = self._run(10)
        self.assertEqual(run.communication_ids.partner_id, self.customer)
        self.assertEqual(run.communication_ids.line_count, 2)

    def test_minimum_amount_per_currency(self):
        """Minimums 500 in company currency, 2,000 in foreign currency: 200 +
        250 in company currency is below it, 300 + 250 is not; 1,000 foreign is
        below its own minimum whatever the company-currency total."""
        self.scenario.minimum_ids = [
            Command.create({"currency_id": self.currency.id, "amount": 500.0}),
            Command.create({"currency_id": self.foreign.id, "amount": 2000.0}),
        ]
        small = self._customer("Small SA")
        self._invoice(small, 200.0, DUE)
        self._invoice(small, 250.0, DUE)
        self._invoice(self.customer, 300.0, DUE)
        self._invoice(self.customer, 250.0, DUE)
        self._invoice(self.customer, 1000.0, DUE, currency_id=self.foreign.id)
        run = self._run(10)
        self.assertRecordValues(
            run.communication_ids,
            [
                {
                    "partner_id": self.customer.id,
                    "currency_id": self.currency.id,
                    "amount_residual": 550.0,
                }
            ],
        )

    def test_run_now_runs_today_for_the_current_company(self):
        self._invoice(self.customer, 100.0, "2025-04-20")
        action = self.Run.with_company(self.company).action_run_now()
        run = self.Run.browse(action["res_id"])
        self.assertRecordValues(
            run, [{"company_id": self.company.id, "run_date": date(2025, 5, 1)}]
        )
        self.assertEqual(run.line_ids.level_id, self.level["reminder"])
        self.assertEqual(run.display_name, "Dunning run of 2025-05-01")


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningRunStates(DunningRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("State SA")
        cls.other = cls._customer("Formal SA")
        cls._invoice(cls.customer, 100.0, DUE)
        cls._invoice(cls.other, 100.0, day(-30))
        cls.controller = new_test_user(
            cls.env,
            login="dunning_reviewer",
            groups="credit_management.group_credit_controller",
            company_id=cls.company.id,
        )

    def setUp(self):
        super().setUp()
        run = self._run(1)
        self.ready = run.communication_ids.filtered(lambda c: c.state == "draft")
        self.review = run.communication_ids.filtered(lambda c: c.state == "to_review")
        self.assertEqual(self.ready.partner_id, self.customer)
        self.assertEqual(self.review.partner_id, self.other)

    def test_reviewer_approves_and_cancels(self):
        self.review.with_user(self.controller).action_approve()
        self.assertEqual(self.review.state, "draft")
        self.assertEqual(self.review.line_ids.state, "draft")
        self.review.with_user(self.controller).action_cancel()
        self.assertEqual(self.review.line_ids.state, "cancelled")
        self.assertEqual(self.review.run_id.state, "draft")
        self.ready.with_user(self.controller).action_cancel()
        self.assertEqual(self.ready.run_id.state, "done")

    def test_only_reminders_to_review_are_approved(self):
        with self.assertRaisesRegex(UserError, "Only reminders waiting for review"):
            self.ready.action_approve()

    def test_sent_reminder_cannot_be_cancelled(self):
        self.ready._mark_sent()
        self.assertRecordValues(self.ready, [{"state": "sent", "sent_date": date(2025, 5, 1)}])
        self.assertEqual(self.ready.line_ids.state, "sent")
        with self.assertRaisesRegex(UserError, "Only reminders not sent yet can be cancelled"):
            self.ready.action_cancel()

    def test_reminder_to_review_is_not_sent(self):
        with self.assertRaisesRegex(UserError, "Only reminders ready to send can be marked"):
            self.review._mark_sent()
        with self.assertRaisesRegex(UserError, "Only reminders ready to send can fail"):
            self.review._mark_failed("No e-mail address")

    def test_failed_reminder_is_retried(self):
        with self.assertRaisesRegex(UserError, "Only reminders whose sending failed"):
            self.ready.action_retry()
        self.ready._mark_failed("No e-mail address")
        self.assertRecordValues(self.ready, [{"state": "failed", "error": "No e-mail address"}])
        self.ready.action_retry()
        self.assertRecordValues(self.ready, [{"state": "draft", "error": False}])


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningRunExactlyOnce(DunningRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls._customer("Once SA"), 100.0, DUE)

    def test_an_invoice_gets_a_level_once(self):
        """The partial unique index refuses a second active line for the same
        invoice and level, whoever creates it; a cancelled one does not count."""
        line = self._run(1).line_ids
        duplicate = {
            "communication_id": line.communication_id.id,
            "move_id": self.invoice.id,
            "level_id": line.level_id.id,
            "date_due": DUE,
        }
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["credit.dunning.line"].create(duplicate)
            self.env.flush_all()
        line.communication_id.action_cancel()
        self.env.flush_all()
        self.env["credit.dunning.line"].create(duplicate)
        self.env.flush_all()

    def test_preview_writes_nothing(self):
        """The preview shows the reminder day 10 would send and creates no
        run, reminder or line."""
        models = ("credit.dunning.run", "credit.dunning.communication", "credit.dunning.line")
        before = {model: self.env[model].search_count([]) for model in models}
        wizard = self.env["credit.dunning.preview.wizard"].create({"run_date": day(10)})
        self.assertEqual(wizard.company_id, self.company)
        wizard.action_preview()
        self.assertRecordValues(
            wizard.line_ids,
            [
                {
                    "partner_id": self.invoice.partner_id.id,
                    "level_id": self.level["reminder"].id,
                    "invoice_count": 1,
                    "amount_residual": 100.0,
                    "review_required": False,
                }
            ],
        )
        self.assertEqual(wizard.line_ids.move_ids, self.invoice)
        wizard.action_preview()  # previewing again replaces the lines
        self.assertEqual(len(wizard.line_ids), 1)
        self.assertEqual({model: self.env[model].search_count([]) for model in models}, before)
        # the wizard's "Run" creates what it showed
        run = self.Run.browse(wizard.action_run()["res_id"])
        self.assertEqual(self._levels(run), {self.invoice: self.level["reminder"]})


@freeze_time("2025-05-01")
@tagged("post_install", "-at_install")
class TestDunningRunMultiCompany(DunningRunCommon):
    """The same customer owes 100 in each company; each run sees its own
    company's invoice, each user its own company's runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data_2 = cls.setup_other_company(name="Dunning Co 2")
        cls.company_2 = data_2["company"]
        cls.company_2.credit_dunning_scenario_id = cls.scenario
        cls.env.user.company_ids = [Command.link(cls.company_2.id)]
        cls.customer = cls._customer("Shared SA")
        cls.invoice_1 = cls._invoice(cls.customer, 100.0, DUE)
        cls.invoice_2 = cls._invoice(
            cls.customer,
            100.0,
            day(-20),
            company_id=cls.company_2.id,
            journal_id=data_2["default_journal_sale"].id,
        )

    def test_each_company_runs_its_own_invoices(self):
        run_1 = self._run(10)
        run_2 = self._run(10, self.company_2)
        self.assertEqual(self._levels(run_1), {self.invoice_1: self.level["reminder"]})
        self.assertEqual(self._levels(run_2), {self.invoice_2: self.level["formal_notice"]})
        self.assertEqual(run_2.communication_ids.company_id, self.company_2)
        self.assertEqual(run_2.line_ids.company_id, self.company_2)
        user_2 = new_test_user(
            self.env,
            login="dunning_controller_2",
            groups="credit_management.group_credit_controller",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.company_2.ids)],
        )
        for model in ("credit.dunning.run", "credit.dunning.communication", "credit.dunning.line"):
            with self.subTest(model=model):
                records = self.env[model].with_user(user_2).search([])
                self.assertEqual(records.company_id, self.company_2)

    def test_sent_reminder_in_one_company_does_not_delay_the_other(self):
        self.scenario.min_interval_days = 7
        self._send(self._run(10, self.company_2), 10)
        self.assertEqual(self._levels(self._run(11)), {self.invoice_1: self.level["reminder"]})


@tagged("post_install", "-at_install")
class TestDunningRunLock(TransactionCase):
    """Two runs of the same company at once: the second waits for the first
    (here it gives up after lock_timeout) instead of selecting the same
    invoices.  Real, independent cursors; nothing is committed."""

    def _env(self):
        cr = db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cr.close)
        self.addCleanup(cr.rollback)
        return api.Environment(cr, SUPERUSER_ID, {})

    def test_second_run_of_the_company_waits(self):
        env_a, env_b = self._env(), self._env()
        company = env_a.ref("base.main_company")
        today = fields.Date.today()
        env_a["credit.dunning.run"]._create_run(company, today)  # holds the lock
        env_b.cr.execute("SET LOCAL lock_timeout = '200ms'")
        with mute_logger("odoo.sql_db"), self.assertRaises(LockNotAvailable):
            env_b["credit.dunning.run"]._create_run(env_b["res.company"].browse(company.id), today)

    def test_second_run_proceeds_once_the_first_ends(self):
        env_a, env_b = self._env(), self._env()
        company_id = env_a.ref("base.main_company").id
        today = fields.Date.today()
        env_a["credit.dunning.run"]._create_run(env_a["res.company"].browse(company_id), today)
        runs = []
        worker = threading.Thread(
            target=lambda: runs.append(
                env_b["credit.dunning.run"]._create_run(
                    env_b["res.company"].browse(company_id), today
                )
            )
        )
        worker.start()
        worker.join(0.5)
        self.assertTrue(worker.is_alive(), "the second run should wait for the first")
        env_a.cr.rollback()
        worker.join(10)
        self.assertFalse(worker.is_alive())
        self.assertEqual(len(runs), 1)
