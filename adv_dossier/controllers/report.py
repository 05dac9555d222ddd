from odoo import http
from odoo.addons.web.controllers.report import ReportController
from odoo.http import request


def _prints_a_quote(reportname, docids, converter):
    """Whether this report request is a quote printed as a PDF by an internal user."""
    if converter != "pdf" or not docids or not request.env.user._is_internal():
        return False
    Report = request.env["ir.actions.report"]
    report = Report._get_report_from_name(reportname)
    return report.model == "sale.order" and Report._is_sale_order_report(report)


class AdvReportController(ReportController):
    # a printed quote is recorded (a write): read/write for those, read-only for the others
    @http.route(
        readonly=lambda self, rule, args: (
            not _prints_a_quote(args.get("reportname"), args.get("docids"), args.get("converter"))
        )
    )
    def report_routes(self, reportname, docids=None, converter=None, **data):
        """A quote printed by an internal user from the web client (the Print menu, or the
        report's URL) is a version the customer has: the quote now awaits the order.

        Only here: the renders Odoo makes for the portal, an online signature or payment, or
        an e-mail attachment are no print for the customer."""
        if _prints_a_quote(reportname, docids, converter):
            ids = [int(i) for i in docids.split(",") if i.isdigit()]
            request.env["sale.order"].browse(ids)._adv_mark_printed()
        return super().report_routes(reportname, docids=docids, converter=converter, **data)
