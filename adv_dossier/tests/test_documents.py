import base64

from odoo.tests import tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestDocuments(AdvDossierCommon):
    def _attach(self, record, name, mimetype="application/pdf"):
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(b"%PDF-1.4 test"),
                "res_model": record._name,
                "res_id": record.id,
                "mimetype": mimetype,
            }
        )

    def test_documents_of_dossier_quotes_orders_invoices(self):
        """Every attachment of the dossier and of its quotes, orders and invoices is listed, typed."""
        dossier = self._create_dossier()
        other_dossier = self._create_dossier(title="Autre", customer_ref="X")
        self.assertFalse(dossier.has_costing or dossier.has_customer_po or dossier.has_quote_sent)

        costing = self._attach(dossier, "Chiffrage_siege_v2.xlsx", "application/vnd.ms-excel")
        mail = self._attach(dossier, "demande.eml", "message/rfc822")
        misc = self._attach(dossier, "plan.png", "image/png")
        quote = self._create_quote(dossier)
        quote_pdf = self._attach(quote, "Devis S00042.pdf")
        quote.action_confirm()
        po = self._attach(quote, "Bon de commande client 4512.pdf")
        confirmation = self._attach(quote, "Commande S00042.pdf")
        quote.order_line.qty_delivered = 2
        invoice = quote._create_invoices()
        invoice_pdf = self._attach(invoice, "Facture brouillon.pdf")
        self._attach(other_dossier, "Chiffrage autre.xlsx")

        dossier.invalidate_recordset()
        self.assertEqual(
            dossier.document_ids,
            costing | mail | misc | quote_pdf | po | confirmation | invoice_pdf,
        )
        self.assertEqual(dossier.document_count, 7)
        self.assertEqual(
            [
                costing.adv_document_type,
                mail.adv_document_type,
                misc.adv_document_type,
                quote_pdf.adv_document_type,
                po.adv_document_type,
                confirmation.adv_document_type,
                invoice_pdf.adv_document_type,
            ],
            [
                "costing",
                "customer_email",
                "other",
                "quote",
                False,  # a file name is no purchase order: a user confirms it
                "order_confirmation",
                "invoice",
            ],
        )
        self.assertEqual(po.adv_document_type_guess, "customer_po")
        self.assertTrue(dossier.has_costing)
        self.assertFalse(dossier.has_customer_po)
        po.action_adv_confirm_document_type()
        dossier.invalidate_recordset()
        self.assertEqual(po.adv_document_type, "customer_po")
        self.assertTrue(dossier.has_customer_po)
        self.assertTrue(dossier.has_quote_sent)
        self.assertTrue(dossier.has_order_confirmed)

        # the type can be corrected by hand, and is kept
        misc.adv_document_type = "costing"
        misc.name = "plan-v2.png"
        self.assertEqual(misc.adv_document_type, "costing")

        # the Documents button lists the same files
        action = dossier.action_view_documents()
        self.assertEqual(self.env["ir.attachment"].search(action["domain"]), dossier.document_ids)

    def test_sent_quote_ticks_the_checklist(self):
        """Sending a quote ticks "quote sent" on the dossier's checklist."""
        dossier = self._create_dossier()
        quote = self._create_quote(dossier)
        self.assertFalse(dossier.has_quote_sent)
        quote.action_quotation_sent()
        self.assertTrue(dossier.has_quote_sent)
        self.assertFalse(dossier.has_order_confirmed)
