from collections import defaultdict

from odoo import api, fields, models


class CreditStatementPdf(models.AbstractModel):
    """The customer statement as a PDF, for one or many customers: the
    ``outstanding`` variant lists the open items and the aged summary, the
    ``activity`` variant the movements from ``date_from`` to ``date_to``
    with the running balance.  ``data`` may name the variant, the dates and
    the company (default: the current one)."""

    _name = "report.credit_management.report_credit_statement"
    _description = "Customer Statement PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        company = self.env["res.company"].browse(data.get("company_id")) or self.env.company
        variant = "activity" if data.get("variant") == "activity" else "outstanding"
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(data.get("date_to")) or today
        date_from = fields.Date.to_date(data.get("date_from")) or date_to.replace(day=1)
        statements = {}
        # labels and dunning levels in each customer's language, one batch per language
        for lang, group in partners.grouped(lambda partner: partner.lang or "en_US").items():
            Statement = self.env["credit.statement"].sudo().with_context(lang=lang)
            summary = Statement._summary(group, company)
            items = defaultdict(list)
            activity = {}
            if variant == "outstanding":
                for item in Statement._open_items(group, company):
                    items[item["partner_id"]].append(item)
            else:
                activity = Statement._activity(group, company, date_from, date_to)
            for partner in group:
                statements[partner.id] = {
                    "summary": summary.get(partner.id, []),
                    "items": items.get(partner.id, []),
                    "activity": activity.get(partner.id, []),
                }
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "variant": variant,
            "date_from": date_from,
            "date_to": date_to,
            "today": today,
            "statements": statements,
        }
