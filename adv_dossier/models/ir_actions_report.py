from collections import OrderedDict

from odoo import models
from odoo.addons.base.models.ir_actions_report import _wkhtml

COVER_SHEET = "adv_dossier.report_adv_dossier_cover"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        if (
            res_ids
            and self._is_sale_order_report(report_ref)
            and not self.env.context.get("mark_so_as_sent")
        ):
            # a quote printed (or downloaded) for the customer is a version the customer has
            ids = [res_ids] if isinstance(res_ids, int) else res_ids
            self.env["sale.order"].browse(ids).sudo()._adv_mark_printed()
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Print the cover sheets of several dossiers one by one.

        Debian's wkhtmltopdf (unpatched Qt) cannot render several documents in one
        call; each cover sheet is rendered alone and Odoo merges the PDFs, so that
        printing from the list works with the wkhtmltopdf every distribution ships.
        """
        report = self._get_report(report_ref)
        if (
            res_ids
            and self._is_sale_order_report(report_ref)
            and not self.env.context.get("mark_so_as_sent")
        ):
            # a quote printed (or downloaded) for the customer is a version the customer has
            self.env["sale.order"].browse(res_ids).sudo()._adv_mark_printed()
        if (
            report.report_name == COVER_SHEET
            and res_ids
            and len(set(res_ids)) > 1
            and not _wkhtml().is_patched_qt
        ):
            streams = OrderedDict()
            for res_id in dict.fromkeys(res_ids):
                streams.update(
                    super()._render_qweb_pdf_prepare_streams(report_ref, dict(data or {}), [res_id])
                )
            return streams
        return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
