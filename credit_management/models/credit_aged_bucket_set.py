from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.ageing import DEFAULT_BOUNDS, bucket_labels, format_bounds, parse_bounds

# The aged balance has one column per bucket: "Not due", up to this many
# bounded buckets, and the open-ended last one.
MAX_BOUNDS = 6


class CreditAgedBucketSet(models.Model):
    """A named set of ageing buckets, given by the upper bounds (in days
    past due) of its overdue buckets: "30, 60, 90, 120" gives Not due,
    1–30, 31–60, 61–90, 91–120 and >120."""

    _name = "credit.aged.bucket.set"
    _description = "Ageing Buckets"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to offer these buckets to every company."
    )
    bounds = fields.Char(
        string="Bucket Limits (days)",
        required=True,
        default=format_bounds(DEFAULT_BOUNDS),
        help="The last day of each overdue bucket, in increasing order and separated by"
        ' commas; an open-ended bucket follows the last one. "30, 60" gives Not due,'
        " 1-30, 31-60 and >60.",
    )
    labels = fields.Char(string="Buckets", compute="_compute_labels")

    @api.depends("bounds")
    def _compute_labels(self):
        for bucket_set in self:
            bounds, errors = parse_bounds(bucket_set.bounds)
            bucket_set.labels = "" if errors else " | ".join(bucket_set._labels(bounds))

    @api.constrains("bounds")
    def _check_bounds(self):
        for bucket_set in self:
            bounds, errors = parse_bounds(bucket_set.bounds)
            messages = [self._bounds_error(error) for error in errors]
            if len(bounds) > MAX_BOUNDS:
                messages.append(
                    self.env._("An aged balance has at most %s bucket limits.", MAX_BOUNDS)
                )
            if messages:
                raise ValidationError(
                    self.env._(
                        "The bucket limits “%(bounds)s” of %(name)s are not valid:\n%(errors)s",
                        bounds=bucket_set.bounds or "",
                        name=bucket_set.name,
                        errors="\n".join(messages),
                    )
                )

    def _bounds_error(self, code):
        return {
            "empty": self.env._("Give at least one limit."),
            "not_integer": self.env._("Each limit is a whole number of days."),
            "not_positive": self.env._("Each limit is a number of days greater than 0."),
            "not_increasing": self.env._("Each limit is greater than the one before it."),
        }[code]

    def _bounds(self):
        """The bounds as a tuple of integers (the set is valid: constrained)."""
        self.ensure_one()
        return parse_bounds(self.bounds)[0]

    @api.model
    def _labels(self, bounds):
        """The translated label of each bucket of ``bounds``, in order."""
        _not_due, *others = bucket_labels(bounds)
        return (self.env._("Not due"), *others)
