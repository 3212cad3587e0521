from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditDunningScenario(models.Model):
    """A dunning ladder: levels in sequence order, each reached a number of
    days after the due date.  A company has a default scenario; a customer
    may have its own (``res.partner.credit_dunning_scenario_id``)."""

    _name = "credit.dunning.scenario"
    _description = "Dunning Scenario"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to offer this scenario to every company."
    )
    level_ids = fields.One2many("credit.dunning.level", "scenario_id", string="Levels", copy=True)
    level_count = fields.Integer(string="Levels Count", compute="_compute_level_count")
    minimum_ids = fields.One2many(
        "credit.dunning.scenario.minimum",
        "scenario_id",
        string="Minimum Amounts",
        copy=True,
        help="A customer whose overdue amount in a currency is below its minimum "
        "gets no reminder for that currency. No line: no minimum.",
    )
    min_interval_days = fields.Integer(
        string="Days Between Reminders",
        default=7,
        help="Minimum number of days between two reminders to the same customer, "
        "whatever their level.",
    )
    note = fields.Text(translate=True)

    @api.depends("level_ids")
    def _compute_level_count(self):
        for scenario in self:
            scenario.level_count = len(scenario.level_ids)

    @api.model_create_multi
    def create(self, vals_list):
        # Levels are checked together once they are all written, not one by one.
        scenarios = super(
            CreditDunningScenario, self.with_context(credit_dunning_check_later=True)
        ).create(vals_list)
        return scenarios.with_env(self.env)

    def write(self, vals):
        if "level_ids" in vals:
            deferred = self.with_context(credit_dunning_check_later=True)
            return super(CreditDunningScenario, deferred).write(vals)
        return super().write(vals)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if "name" not in (default or {}):
            for scenario, vals in zip(self, vals_list, strict=True):
                vals["name"] = self.env._("%s (copy)", scenario.name)
        return vals_list

    @api.constrains("company_id")
    def _check_company_defaults(self):
        for scenario in self.filtered("company_id"):
            others = (
                self.env["res.company"]
                .sudo()
                .search(
                    [
                        ("credit_dunning_scenario_id", "=", scenario.id),
                        ("id", "!=", scenario.company_id.id),
                    ]
                )
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "The dunning scenario “%(scenario)s” is the default scenario of "
                        "%(companies)s: it cannot belong to %(company)s only.",
                        scenario=scenario.name,
                        companies=", ".join(others.mapped("name")),
                        company=scenario.company_id.name,
                    )
                )

    @api.constrains("min_interval_days")
    def _check_min_interval_days(self):
        for scenario in self:
            if scenario.min_interval_days < 0:
                raise ValidationError(
                    self.env._(
                        "The days between two reminders of the dunning scenario “%(scenario)s” "
                        "cannot be negative (got %(days)s).",
                        scenario=scenario.name,
                        days=scenario.min_interval_days,
                    )
                )

    @api.constrains("level_ids")
    def _check_levels(self):
        """Offsets strictly increase in sequence order, and nothing follows a
        level that ends amicable dunning."""
        for scenario in self:
            levels = scenario._ranked_levels()
            for previous, level in pairwise(levels):
                if level.day_offset <= previous.day_offset:
                    raise ValidationError(
                        self.env._(
                            "In the dunning scenario “%(scenario)s”, the level “%(level)s” "
                            "(day %(offset)s) must come later than the level before it, "
                            "“%(previous)s” (day %(previous_offset)s): give each level more "
                            "days after the due date than the one before it.",
                            scenario=scenario.name,
                            level=level.name,
                            offset=level.day_offset,
                            previous=previous.name,
                            previous_offset=previous.day_offset,
                        )
                    )
                if previous.ends_amicable:
                    raise ValidationError(
                        self.env._(
                            "In the dunning scenario “%(scenario)s”, the level “%(previous)s” "
                            "ends amicable dunning: no level can follow it (“%(level)s”).",
                            scenario=scenario.name,
                            previous=previous.name,
                            level=level.name,
                        )
                    )

    def _ranked_levels(self):
        """The levels in ladder order, as the dunning selection ranks them."""
        self.ensure_one()
        return self.level_ids.sorted(lambda level: (level.sequence, level.day_offset, level.id))

    def _minimum_amount(self, currency):
        """The amount below which a customer is not dunned in ``currency`` (0: none)."""
        self.ensure_one()
        return sum(self.minimum_ids.filtered(lambda m: m.currency_id == currency).mapped("amount"))
