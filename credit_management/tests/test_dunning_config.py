from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CreditTestCommon


class DunningConfigCommon(CreditTestCommon):
    """The shipped ladder, and a customer with (today 2025-06-30):

    =============  ==========  ==========  =========  ======
    invoice        date        due         days late  due
    =============  ==========  ==========  =========  ======
    ``late``       2025-05-16  2025-06-15         15  1,200
    ``older``      2025-04-01  2025-05-31         30    800
    ``not_due``    2025-06-20  2025-07-20        -20    300
    ``paid``       2025-04-01  2025-05-01          —      0
    =============  ==========  ==========  =========  ======

    Overdue total: 1,200 + 800 = 2,000; open total with ``not_due``: 2,300.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.name = "Fournitures Lefebvre et Fils SARL"
        cls.scenario = cls.env.ref("credit_management.dunning_scenario_default")
        cls.customer = cls._customer("Dupont SA", email="compta@dupont.example", lang="en_US")
        cls.late = cls._invoice(cls.customer, 1200.0, "2025-06-15", invoice_date="2025-05-16")
        cls.older = cls._invoice(cls.customer, 800.0, "2025-05-31", invoice_date="2025-04-01")
        cls.not_due = cls._invoice(cls.customer, 300.0, "2025-07-20", invoice_date="2025-06-20")
        cls.paid = cls._invoice(cls.customer, 50.0, "2025-05-01", invoice_date="2025-04-01")
        cls._pay(cls.paid, 50.0, "2025-05-01")
        cls.mail_template = cls.env.ref("credit_management.mail_template_dunning_friendly")
        cls.other_company = cls.setup_other_company(name="Other Co")["company"]

    @classmethod
    def _scenario(cls, levels, **values):
        """A scenario of e-mail levels ``[(name, offset), ...]``, in that sequence."""
        return cls.env["credit.dunning.scenario"].create(
            {
                "name": "Test ladder",
                "level_ids": [
                    Command.create(cls._email_level(name, offset, sequence))
                    for sequence, (name, offset) in enumerate(levels, start=1)
                ],
                **values,
            }
        )

    @classmethod
    def _email_level(cls, name, offset, sequence=10, **values):
        return {
            "name": name,
            "day_offset": offset,
            "sequence": sequence,
            "channel_email": True,
            "mail_template_id": cls.mail_template.id,
            **values,
        }


@freeze_time("2025-06-30")
@tagged("post_install", "-at_install")
class TestDunningConfig(DunningConfigCommon):
    # ----------------------------------------------------------- shipped data

    def test_shipped_ladder(self):
        """DOMAIN.md's default ladder, in sequence order."""
        ref = self.env.ref
        self.assertRecordValues(
            self.scenario.level_ids.sorted("sequence"),
            [
                {
                    "name": "Pre-due notice",
                    "day_offset": -7,
                    "channel_email": True,
                    "mail_template_id": ref("credit_management.mail_template_dunning_pre_due").id,
                    "channel_sms": False,
                    "channel_letter": False,
                    "channel_activity": False,
                    "charge_penalties": False,
                    "ends_amicable": False,
                },
                {
                    "name": "Friendly reminder",
                    "day_offset": 1,
                    "channel_email": True,
                    "mail_template_id": self.mail_template.id,
                    "channel_sms": False,
                    "channel_letter": False,
                    "channel_activity": False,
                    "charge_penalties": False,
                    "ends_amicable": False,
                },
                {
                    "name": "Reminder",
                    "day_offset": 8,
                    "channel_email": True,
                    "mail_template_id": ref("credit_management.mail_template_dunning_reminder").id,
                    "channel_sms": True,
                    "channel_letter": False,
                    "channel_activity": False,
                    "charge_penalties": False,
                    "ends_amicable": False,
                },
                {
                    "name": "Firm reminder",
                    "day_offset": 15,
                    "channel_email": True,
                    "mail_template_id": ref("credit_management.mail_template_dunning_firm").id,
                    "channel_sms": False,
                    "channel_letter": False,
                    "channel_activity": True,
                    "charge_penalties": False,
                    "ends_amicable": False,
                },
                {
                    "name": "Formal notice",
                    "day_offset": 30,
                    "channel_email": True,
                    "mail_template_id": ref(
                        "credit_management.mail_template_dunning_formal_notice"
                    ).id,
                    "channel_sms": False,
                    "channel_letter": True,
                    "channel_activity": False,
                    "charge_penalties": True,
                    "ends_amicable": False,
                },
                {
                    "name": "Litigation",
                    "day_offset": 45,
                    "channel_email": False,
                    "mail_template_id": False,
                    "channel_sms": False,
                    "channel_letter": False,
                    "channel_activity": True,
                    "charge_penalties": False,
                    "ends_amicable": True,
                },
            ],
        )
        levels = self.scenario.level_ids.sorted("sequence")
        self.assertEqual(
            [level._channels() for level in levels],
            [["email"], ["email"], ["email", "sms"], ["email", "activity"], ["email", "letter"],
             ["activity"]],
        )  # fmt: skip
        self.assertEqual(levels[3].activity_type_id.name, "Collection call")
        self.assertEqual(levels[5].activity_type_id.name, "Litigation decision")
        self.assertEqual(self.scenario.min_interval_days, 7)
        self.assertFalse(self.scenario.company_id)

    def test_company_default(self):
        """Existing companies get the shipped scenario at install; new ones by default."""
        self.assertEqual(
            self.env.ref("base.main_company").credit_dunning_scenario_id, self.scenario
        )
        new_company = self.env["res.company"].create({"name": "New Co"})
        self.assertEqual(new_company.credit_dunning_scenario_id, self.scenario)

    def test_partner_scenario(self):
        """A customer's own scenario wins, in its company only; its contacts share it."""
        own = self._scenario([("Only", 10)])
        contact = self.env["res.partner"].create({"name": "Paul", "parent_id": self.customer.id})
        self.assertEqual(self.customer._credit_dunning_scenario(), self.scenario)
        self.customer.credit_dunning_scenario_id = own
        self.assertEqual(self.customer._credit_dunning_scenario(), own)
        self.assertEqual(contact._credit_dunning_scenario(), own)
        other = self.customer.with_company(self.other_company)
        self.assertFalse(other.credit_dunning_scenario_id)
        self.assertEqual(other._credit_dunning_scenario(), self.scenario)

    def test_settings(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.credit_dunning_scenario_id, self.scenario)
        own = self._scenario([("Only", 10)])
        settings.credit_dunning_scenario_id = own
        settings.execute()
        self.assertEqual(self.company.credit_dunning_scenario_id, own)

    def test_minimum_amount(self):
        scenario = self._scenario(
            [("Only", 10)],
            minimum_ids=[Command.create({"currency_id": self.currency.id, "amount": 50.0})],
        )
        self.assertEqual(scenario._minimum_amount(self.currency), 50.0)
        self.assertEqual(scenario._minimum_amount(self.foreign), 0.0)

    def test_form(self):
        """A manager builds a ladder in the form, levels entered out of order."""
        with Form(self.env["credit.dunning.scenario"]) as form:
            form.name = "Good payers"
            form.min_interval_days = 10
            for name, offset, sequence in (("Call", 20, 2), ("E-mail", 5, 1)):
                with form.level_ids.new() as level:
                    level.name = name
                    level.sequence = sequence
                    level.day_offset = offset
                    if name == "Call":
                        level.channel_activity = True
                        level.activity_type_id = self.env.ref(
                            "credit_management.mail_activity_type_collection_call"
                        )
                    else:
                        level.channel_email = True
                        level.mail_template_id = self.mail_template
            with form.minimum_ids.new() as minimum:
                minimum.currency_id = self.currency
                minimum.amount = 100.0
        scenario = form.record
        self.assertEqual(scenario.level_count, 2)
        self.assertEqual(scenario.level_ids.mapped("name"), ["E-mail", "Call"])
        self.assertEqual(scenario._minimum_amount(self.currency), 100.0)

    def test_copy(self):
        copy = self.scenario.copy()
        self.assertEqual(copy.name, "Standard (copy)")
        self.assertEqual(
            copy.level_ids.mapped("day_offset"), self.scenario.level_ids.mapped("day_offset")
        )

    # -------------------------------------------------------------- templates

    def test_invoices_listed(self):
        """Overdue open invoices, oldest due first; with not-due ones on request;
        or the ones the reminder run puts in the context."""
        self.assertEqual(self.customer._credit_dunning_invoices(), self.older + self.late)
        self.assertEqual(
            self.customer._credit_dunning_invoices(overdue_only=False),
            self.older + self.late + self.not_due,
        )
        given = self.customer.with_context(credit_dunning_invoice_ids=self.late.ids)
        self.assertEqual(given._credit_dunning_invoices(), self.late)
        self.late.no_followup = True
        self.assertEqual(self.customer._credit_dunning_invoices(), self.older)
        self.assertEqual(self.customer._credit_dunning_days_late(self.older), 30)
        self.assertEqual(
            self.customer._credit_dunning_totals(self.older + self.late), [(self.currency, 2000.0)]
        )

    def test_mail_template_renders(self):
        """The friendly reminder lists the two overdue invoices, their days
        late and the total (1,200 + 800), and links to the portal."""
        body = self.mail_template._render_field("body_html", self.customer.ids)[self.customer.id]
        for text in (
            "Dear Dupont SA",
            self.late.name,
            self.older.name,
            "06/15/2025",
            ">15<",
            ">30<",
            "1,200.00",
            "800.00",
            "2,000.00",
            "/my/invoices",
        ):
            self.assertIn(text, body)
        self.assertNotIn(self.not_due.name, body)
        self.assertNotIn(self.paid.name, body)
        subject = self.mail_template._render_field("subject", self.customer.ids)
        self.assertEqual(subject[self.customer.id], f"{self.company.name}: payment reminder")

    def test_all_mail_templates_render(self):
        """Every shipped e-mail renders for the customer; the pre-due notice
        also lists the invoice not yet due (total 2,300)."""
        for level in self.scenario.level_ids.filtered("channel_email"):
            body = level.mail_template_id._render_field("body_html", self.customer.ids)
            self.assertIn(self.late.name, body[self.customer.id], level.name)
        pre_due = self.env.ref("credit_management.mail_template_dunning_pre_due")
        body = pre_due._render_field("body_html", self.customer.ids)[self.customer.id]
        self.assertIn(self.not_due.name, body)
        self.assertIn("2,300.00", body)

    def test_sms_fits_one_segment(self):
        sms = self.env.ref("credit_management.sms_template_dunning_reminder")
        body = sms._render_field("body", self.customer.ids)[self.customer.id]
        self.assertTrue(body.startswith(f"{self.company.name}: invoices overdue."), body)
        self.assertLessEqual(len(body), 160, body)

    def test_letter_renders(self):
        report = self.env.ref("credit_management.action_report_credit_dunning_letter")
        html = report._render_qweb_html(report, self.customer.ids)[0].decode()
        for text in ("Formal notice to pay", "within 8 days", "€40", "L441-10", self.late.name):
            self.assertIn(text, html)
        self.assertIn("2,000.00", html)

    # ------------------------------------------------------------ validations

    def test_offsets_increase(self):
        """Save a ladder in any order: levels are checked once all are written."""
        scenario = self._scenario([("First", 1), ("Second", 8)])
        first, second = scenario.level_ids.sorted("sequence")
        scenario.write(
            {
                "level_ids": [
                    Command.update(first.id, {"day_offset": 10}),
                    Command.update(second.id, {"day_offset": 20}),
                ]
            }
        )
        self.assertEqual(scenario.level_ids.mapped("day_offset"), [10, 20])

    def test_duplicate_offset_refused(self):
        scenario = self._scenario([("First", 1), ("Second", 8)])
        with self.assertRaises(ValidationError) as caught:
            scenario.level_ids.filtered(lambda level: level.name == "Second").day_offset = 1
        self.assertEqual(
            caught.exception.args[0],
            "In the dunning scenario “Test ladder”, the level “Second” (day 1) must come later "
            "than the level before it, “First” (day 1): give each level more days after the "
            "due date than the one before it.",
        )

    def test_decreasing_offsets_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._scenario([("First", 8), ("Second", 1)])
        self.assertEqual(
            caught.exception.args[0],
            "In the dunning scenario “Test ladder”, the level “Second” (day 1) must come later "
            "than the level before it, “First” (day 8): give each level more days after the "
            "due date than the one before it.",
        )

    def test_level_after_litigation_refused(self):
        scenario = self._scenario([("Litigation", 45)])
        scenario.level_ids.ends_amicable = True
        with self.assertRaises(ValidationError) as caught:
            scenario.level_ids = [Command.create(self._email_level("Later", 60, 20))]
        self.assertEqual(
            caught.exception.args[0],
            "In the dunning scenario “Test ladder”, the level “Litigation” ends amicable "
            "dunning: no level can follow it (“Later”).",
        )

    def test_level_without_channel_refused(self):
        scenario = self._scenario([("Only", 10)])
        with self.assertRaises(ValidationError) as caught:
            scenario.level_ids.channel_email = False
        self.assertEqual(
            caught.exception.args[0],
            "The dunning level “Only” has no channel: choose at least one of e-mail, letter, "
            "SMS or activity.",
        )

    def test_channel_without_template_refused(self):
        level = self._scenario([("Only", 10)]).level_ids
        cases = {
            "channel_email": (
                {"mail_template_id": False},
                "The dunning level “Only” sends an e-mail: choose its e-mail template.",
            ),
            "channel_letter": (
                {},
                "The dunning level “Only” sends a letter: choose its letter report.",
            ),
            "channel_sms": ({}, "The dunning level “Only” sends an SMS: choose its SMS template."),
            "channel_activity": (
                {},
                "The dunning level “Only” schedules an activity: choose its activity type.",
            ),
        }
        for channel, (values, message) in cases.items():
            with self.subTest(channel=channel), self.assertRaises(ValidationError) as caught:
                level.write({channel: True, **values})
            self.assertEqual(caught.exception.args[0], message)

    def test_negative_interval_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._scenario([("Only", 10)], min_interval_days=-1)
        self.assertEqual(
            caught.exception.args[0],
            "The days between two reminders of the dunning scenario “Test ladder” cannot be "
            "negative (got -1).",
        )

    def test_negative_minimum_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._scenario(
                [("Only", 10)],
                minimum_ids=[Command.create({"currency_id": self.currency.id, "amount": -5.0})],
            )
        self.assertEqual(
            caught.exception.args[0],
            f"The minimum amount in {self.currency.name} of the dunning scenario “Test ladder” "
            "cannot be negative (got -5.0).",
        )

    def test_one_minimum_per_currency(self):
        scenario = self._scenario([("Only", 10)])
        line = {"currency_id": self.currency.id, "amount": 5.0}
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            scenario.minimum_ids = [Command.create(line), Command.create(line)]
            scenario.env.flush_all()

    def test_company_default_of_other_company_refused(self):
        other = self.other_company
        scenario = self._scenario([("Only", 10)], company_id=other.id)
        with self.assertRaises(ValidationError) as caught:
            self.company.credit_dunning_scenario_id = scenario
        self.assertEqual(
            caught.exception.args[0],
            f"The dunning scenario “Test ladder” belongs to {other.name}: it cannot be the "
            f"default scenario of {self.company.name}.",
        )

    def test_default_scenario_kept_shared(self):
        """Other companies use the shipped scenario: it cannot become this company's."""
        users = self.env["res.company"].search(
            [("credit_dunning_scenario_id", "=", self.scenario.id), ("id", "!=", self.company.id)]
        )
        self.assertIn(self.other_company, users)
        with self.assertRaises(ValidationError) as caught:
            self.scenario.company_id = self.company
        self.assertEqual(
            caught.exception.args[0],
            f"The dunning scenario “Standard” is the default scenario of "
            f"{', '.join(users.mapped('name'))}: it cannot belong to {self.company.name} only.",
        )

    # ----------------------------------------------------------------- access

    def test_access(self):
        """Controllers and auditors read the ladder; only managers change it;
        a company's scenarios are hidden from the others."""
        controller = new_test_user(
            self.env,
            "dunning_controller",
            groups="credit_management.group_credit_controller",
            company_id=self.company.id,
        )
        auditor = new_test_user(
            self.env,
            "dunning_auditor",
            groups="account.group_account_readonly",
            company_id=self.company.id,
        )
        other = self._scenario([("Only", 10)], company_id=self.other_company.id)
        for user in (controller, auditor):
            scenarios = self.env["credit.dunning.scenario"].with_user(user).search([])
            self.assertIn(self.scenario, scenarios)
            self.assertNotIn(other, scenarios)
            self.assertEqual(len(self.scenario.with_user(user).level_ids), 6)
            with self.assertRaises(AccessError):
                self.scenario.with_user(user).min_interval_days = 3
