from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CreditLimitReview(models.Model):
    """A proposal to loosen a customer's credit after it moved up to a safer
    segment: its current and proposed limit and payment term, with the
    reason.  Nothing loosens until a credit manager accepts it; proposals
    are accepted or rejected in batch from their list."""

    _name = "credit.limit.review"
    _description = "Credit Limit Review"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    old_segment_id = fields.Many2one("credit.segment", string="From Segment")
    new_segment_id = fields.Many2one("credit.segment", string="To Segment")
    current_limit = fields.Monetary()
    proposed_limit = fields.Monetary()
    current_term_id = fields.Many2one("account.payment.term")
    proposed_term_id = fields.Many2one("account.payment.term")
    reason = fields.Char(required=True)
    state = fields.Selection(
        [("proposed", "Proposed"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        default="proposed",
        required=True,
        tracking=True,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_on = fields.Date(readonly=True)

    @api.model
    def _propose(self, partner, old, new, sales_12m):
        """Propose ``new``'s policy to ``partner`` (moved up from ``old``);
        an open proposal of the customer is replaced."""
        company = self.env.company
        partner = partner.with_company(company)
        self.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("state", "=", "proposed"),
            ]
        ).unlink()
        limits = partner._credit_limits(company)
        proposed = new._limit_for(sales_12m)
        return self.create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "old_segment_id": old.id,
                "new_segment_id": new.id,
                "current_limit": limits[partner.id][0],
                "proposed_limit": proposed if proposed is not None else limits[partner.id][0],
                "current_term_id": partner.property_payment_term_id.id,
                "proposed_term_id": (new.payment_term_id or partner.property_payment_term_id).id,
                "reason": self.env._(
                    "Score %(score)s: moved up from %(old)s to %(new)s",
                    score=partner.credit_score,
                    old=old.name,
                    new=new.name,
                ),
            }
        )

    def _check_open(self):
        if self.filtered(lambda review: review.state != "proposed"):
            raise UserError(
                self.env._("Only proposals not yet decided can be accepted or rejected.")
            )

    def action_accept(self):
        """Give each customer its proposed limit (as its segment's limit: its
        own limit, if any, still wins) and payment term."""
        self._check_open()
        for review in self:
            partner = review.partner_id.with_company(review.company_id).sudo()
            values = {"credit_segment_limit": review.proposed_limit}
            if review.proposed_term_id != review.current_term_id:
                values["property_payment_term_id"] = review.proposed_term_id.id
            partner.write(values)
        self._decide("accepted")
        return True

    def action_reject(self):
        self._check_open()
        self._decide("rejected")
        return True

    def _decide(self, state):
        """Record the decision; the customer's next review is one period of
        its new segment away."""
        today = fields.Date.context_today(self)
        for review in self.filtered(lambda review: review.new_segment_id.review_months):
            review.partner_id.with_company(review.company_id).sudo().credit_review_date = (
                today + relativedelta(months=review.new_segment_id.review_months)
            )
        self.write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "decided_on": fields.Date.context_today(self),
            }
        )
