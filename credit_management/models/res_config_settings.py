from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.penalty import below_french_floor
from ..tools.score import INPUTS as SCORE_INPUTS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_exposure_not_due = fields.Boolean(
        related="company_id.credit_exposure_not_due", readonly=False
    )
    credit_exposure_overdue = fields.Boolean(
        related="company_id.credit_exposure_overdue", readonly=False
    )
    credit_exposure_draft_invoices = fields.Boolean(
        related="company_id.credit_exposure_draft_invoices", readonly=False
    )
    credit_exposure_sale_orders = fields.Boolean(
        related="company_id.credit_exposure_sale_orders", readonly=False
    )
    credit_exposure_unapplied = fields.Boolean(
        related="company_id.credit_exposure_unapplied", readonly=False
    )
    credit_limit_tolerance = fields.Float(
        related="company_id.credit_limit_tolerance", readonly=False
    )
    credit_block_overdue_days = fields.Integer(
        related="company_id.credit_block_overdue_days", readonly=False
    )
    credit_block_invoice_on_hold = fields.Boolean(
        related="company_id.credit_block_invoice_on_hold", readonly=False
    )
    credit_dunning_scenario_id = fields.Many2one(
        related="company_id.credit_dunning_scenario_id", readonly=False
    )
    credit_statement_link_days = fields.Integer(
        related="company_id.credit_statement_link_days", readonly=False
    )

    credit_score_weight_days_late_12m = fields.Integer(
        related="company_id.credit_score_weight_days_late_12m", readonly=False
    )
    credit_score_weight_days_late_6m = fields.Integer(
        related="company_id.credit_score_weight_days_late_6m", readonly=False
    )
    credit_score_weight_days_late_trend = fields.Integer(
        related="company_id.credit_score_weight_days_late_trend", readonly=False
    )
    credit_score_weight_late_invoice_share = fields.Integer(
        related="company_id.credit_score_weight_late_invoice_share", readonly=False
    )
    credit_score_weight_late_amount_share = fields.Integer(
        related="company_id.credit_score_weight_late_amount_share", readonly=False
    )
    credit_score_weight_longest_delay = fields.Integer(
        related="company_id.credit_score_weight_longest_delay", readonly=False
    )
    credit_score_weight_over_30_share = fields.Integer(
        related="company_id.credit_score_weight_over_30_share", readonly=False
    )
    credit_score_weight_over_90_share = fields.Integer(
        related="company_id.credit_score_weight_over_90_share", readonly=False
    )
    credit_score_weight_dunning_level = fields.Integer(
        related="company_id.credit_score_weight_dunning_level", readonly=False
    )
    credit_score_weight_open_disputes = fields.Integer(
        related="company_id.credit_score_weight_open_disputes", readonly=False
    )
    credit_score_weight_limit_utilisation = fields.Integer(
        related="company_id.credit_score_weight_limit_utilisation", readonly=False
    )
    credit_score_weight_relationship_days = fields.Integer(
        related="company_id.credit_score_weight_relationship_days", readonly=False
    )
    credit_score_min_invoices = fields.Integer(
        related="company_id.credit_score_min_invoices", readonly=False
    )
    credit_score_external_weight = fields.Float(
        related="company_id.credit_score_external_weight", readonly=False
    )
    credit_score_tighten_hold = fields.Boolean(
        related="company_id.credit_score_tighten_hold", readonly=False
    )
    credit_score_tighten_term = fields.Boolean(
        related="company_id.credit_score_tighten_term", readonly=False
    )
    credit_manager_id = fields.Many2one(related="company_id.credit_manager_id", readonly=False)
    credit_score_preview = fields.Char(
        string="Segment Changes", compute="_compute_credit_score_preview"
    )

    @api.depends(
        *(f"credit_score_weight_{key}" for key in SCORE_INPUTS),
        "credit_score_min_invoices",
        "credit_score_external_weight",
    )
    def _compute_credit_score_preview(self):
        for settings in self:
            weights = {key: settings[f"credit_score_weight_{key}"] for key in SCORE_INPUTS}
            changes = self.env["credit.score"]._preview_changes(
                settings.company_id,
                weights,
                settings.credit_score_min_invoices,
                settings.credit_score_external_weight,
            )
            settings.credit_score_preview = self.env._(
                "With these settings, %s customers would change segment at the next scoring.",
                changes,
            )

    credit_penalty_rate_type = fields.Selection(
        related="company_id.credit_penalty_rate_type", readonly=False
    )
    credit_penalty_fixed_rate = fields.Float(
        related="company_id.credit_penalty_fixed_rate", readonly=False
    )
    credit_penalty_legal_rate = fields.Float(
        related="company_id.credit_penalty_legal_rate", readonly=False
    )
    credit_penalty_below_floor = fields.Boolean(compute="_compute_credit_penalty_below_floor")
    credit_penalty_indemnity = fields.Monetary(
        related="company_id.credit_penalty_indemnity", readonly=False
    )
    credit_penalty_fee_mode = fields.Selection(
        related="company_id.credit_penalty_fee_mode", readonly=False
    )
    credit_penalty_journal_id = fields.Many2one(
        related="company_id.credit_penalty_journal_id", readonly=False
    )
    credit_penalty_interest_product_id = fields.Many2one(
        related="company_id.credit_penalty_interest_product_id", readonly=False
    )
    credit_penalty_indemnity_product_id = fields.Many2one(
        related="company_id.credit_penalty_indemnity_product_id", readonly=False
    )
    credit_penalty_fee_product_id = fields.Many2one(
        related="company_id.credit_penalty_fee_product_id", readonly=False
    )
    credit_penalty_after_payment = fields.Boolean(
        related="company_id.credit_penalty_after_payment", readonly=False
    )
    credit_penalty_post = fields.Boolean(related="company_id.credit_penalty_post", readonly=False)

    @api.depends(
        "credit_penalty_rate_type", "credit_penalty_fixed_rate", "credit_penalty_legal_rate"
    )
    def _compute_credit_penalty_below_floor(self):
        for setting in self:
            # the values being edited, not the company's saved ones
            setting.credit_penalty_below_floor = (
                setting.credit_penalty_rate_type == "fixed"
                and below_french_floor(
                    setting.credit_penalty_fixed_rate, setting.credit_penalty_legal_rate
                )
            )

    def _inverse_account_default_credit_limit(self):
        for setting in self:
            if setting.account_default_credit_limit < 0:
                raise ValidationError(
                    self.env._(
                        "The default credit limit cannot be negative (got %s).",
                        setting.account_default_credit_limit,
                    )
                )
        return super()._inverse_account_default_credit_limit()
