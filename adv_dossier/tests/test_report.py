import io

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfReader

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestCoverSheet(AdvDossierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dossier = cls._create_dossier(
            internal_ref="CHF-0007",
            description="<p>Accès chantier par la rue arrière</p>",
            user_id=cls.salesman.id,
        )
        cls.quote = cls._create_quote(cls.dossier, qty=3, price=100.0)
        cls.report = cls.env.ref("adv_dossier.action_report_adv_dossier_cover")

    def test_cover_sheet_html(self):
        """The cover sheet shows the number, QR code, customer, contact, references and documents."""
        html = self.report._render_qweb_html(self.report.report_name, self.dossier.ids)[0].decode()
        for expected in (
            self.dossier.name,
            "Aménagement du siège",
            "Jardins du Rhône SARL",
            "Claire Martin",
            "+33 4 72 00 00 00",
            "claire.martin@jardins-rhone.example",
            "JR-2026-014",
            "CHF-0007",
            "Sam Vendeur",
            "Request and costing",
            self.quote.name,
            "300.00",
            "Accès chantier par la rue arrière",
            "data:image/png;base64,",
            "Customer Purchase Order",
        ):
            self.assertTrue(expected in html, f"{expected!r} missing from the cover sheet")
        self.assertIn(f"/odoo/adv.dossier/{self.dossier.id}", self.dossier._cover_url())

    def test_cover_sheet_in_french(self):
        """A French responsible gets the cover sheet in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env.ref("base.module_adv_dossier")._update_translations(["fr_FR"])
        self.salesman.lang = "fr_FR"
        html = self.report._render_qweb_html(self.report.report_name, self.dossier.ids)[0].decode()
        for expected in ("Raison sociale", "Bon de commande client", "Demande – chiffrage"):
            self.assertTrue(expected in html, f"{expected!r} missing from the French cover sheet")


@tagged("post_install", "-at_install")
class TestCoverSheetPdf(AdvDossierCommon, HttpCase):
    """wkhtmltopdf fetches the report's assets from Odoo's HTTP server: an HttpCase serves
    them from the test transaction."""

    def test_cover_sheet_pdf_for_several_dossiers(self):
        """The cover sheets of several dossiers print as one PDF (wkhtmltopdf), one page each."""
        report = self.env.ref("adv_dossier.action_report_adv_dossier_cover")
        dossier = self._create_dossier(internal_ref="CHF-0007")
        other = self._create_dossier(title="Entretien", customer_ref="JR-2")
        pdf, report_type = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, (dossier | other).ids
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(len(PdfReader(io.BytesIO(pdf)).pages), 2, "one A4 page per dossier")
