from collections import OrderedDict

from odoo import models
from odoo.addons.base.models.ir_actions_report import _wkhtml

COVER_SHEET = "adv_dossier.report_adv_dossier_cover"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Print the cover sheets of several dossiers one by one.

        Debian's wkhtmltopdf (unpatched Qt) cannot render several documents in one
        call; each cover sheet is rendered alone and Odoo merges the PDFs, so that
        printing from the list works with the wkhtmltopdf every distribution ships.
        """
        report = self._get_report(report_ref)
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
