from odoo import http
from odoo.http import content_disposition, request


class AgedBalanceController(http.Controller):
    @http.route(
        "/credit_management/aged_balance/<int:wizard_id>/xlsx",
        type="http",
        auth="user",
        readonly=True,
    )
    def aged_balance_xlsx(self, wizard_id):
        """The XLSX export of the aged balance options ``wizard_id``, which
        only the user who set them may download.  It only reads, so it runs
        on a read-only cursor, on a replica when there is one."""
        wizard = request.env["credit.aged.balance.wizard"].browse(wizard_id).exists()
        if not wizard or wizard.create_uid != request.env.user:
            raise request.not_found()
        content = request.env["report.credit_management.aged_balance_xlsx"]._render(
            wizard._report_data()
        )
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                ("Content-Disposition", content_disposition(wizard._xlsx_filename())),
            ],
        )
