from odoo import models

# the French invoicing frameworks (cadres de facturation) of the e-invoicing reform, given as
# the business process (BT-23): goods, services, both
BUSINESS_PROCESS = {"goods": "B1", "services": "S1", "both": "M1"}


class AccountEdiXmlCii(models.AbstractModel):
    _inherit = "account.edi.xml.cii"

    def _export_invoice_vals(self, invoice):
        vals = super()._export_invoice_vals(invoice)
        if invoice.company_id.country_id.code != "FR":
            return vals
        customer = invoice.commercial_partner_id
        # scheme 0002 is the 9-digit SIREN (Odoo writes the company registry, a 14-digit
        # SIRET in France); the SIRET goes under 0009 (adv_dossier_facturx's template)
        vals["seller_specified_legal_organization"] = (
            invoice.company_id.partner_id._adv_siren()
            or vals.get("seller_specified_legal_organization")
        )
        vals["seller_adv_siret"] = invoice.company_id.partner_id._adv_siret()
        if customer.country_id.code in (False, "FR") and customer._adv_siren():
            vals["buyer_specified_legal_organization"] = customer._adv_siren()
            vals["buyer_adv_siret"] = customer._adv_siret()
        vals["adv_business_process"] = BUSINESS_PROCESS.get(invoice.adv_operation_nature)
        if customer.adv_public_buyer:
            if invoice.adv_chorus_service_code:
                vals["buyer_reference"] = invoice.adv_chorus_service_code
            if invoice._adv_chorus_commitment():
                vals["purchase_order_reference"] = invoice._adv_chorus_commitment()
        return vals

    def _get_exchanged_document_vals(self, invoice):
        vals = super()._get_exchanged_document_vals(invoice)
        if (
            invoice.company_id.country_id.code == "FR"
            and invoice.move_type == "out_invoice"
            and invoice.commercial_partner_id.is_company
        ):
            vals["included_note_list"] = vals["included_note_list"] + [
                {"subject_code": code, "content": content}
                for code, content in invoice._adv_facturx_payment_notes()
            ]
        return vals
