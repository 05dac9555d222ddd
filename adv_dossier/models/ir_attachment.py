import re

from odoo import api, fields, models

DOCUMENT_TYPES = [
    ("customer_email", "Customer E-mail"),
    ("customer_attachment", "Customer Attachment"),
    ("costing", "Internal Costing"),
    ("quote", "Quote"),
    ("customer_po", "Customer Purchase Order"),
    ("order_confirmation", "Order Confirmation"),
    ("invoice", "Invoice"),
    ("other", "Other"),
]
# file names that tell what a document is, in French and in English
_NAME_HINTS = [
    (
        "customer_po",
        re.compile(r"\b(bon[ _-]?de[ _-]?commande|bdc|purchase[ _-]?order|po)\b", re.I),
    ),
    ("costing", re.compile(r"\b(chiffrage|costing|etude[ _-]?de[ _-]?prix|estimate)\b", re.I)),
]


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    adv_document_type = fields.Selection(
        DOCUMENT_TYPES,
        string="Dossier Document Type",
        compute="_compute_adv_document_type",
        store=True,
        precompute=True,
        readonly=False,
        help="What this document is in the customer's dossier.",
    )

    @api.depends("res_model", "res_id", "name", "mimetype")
    def _compute_adv_document_type(self):
        for attachment in self:
            if attachment.adv_document_type or attachment.res_model not in (
                "adv.dossier",
                "sale.order",
                "account.move",
            ):
                continue
            attachment.adv_document_type = attachment._adv_guess_document_type()

    def _adv_guess_document_type(self):
        self.ensure_one()
        name = (self.name or "").replace("_", " ")
        for doc_type, pattern in _NAME_HINTS:
            if pattern.search(name):
                return doc_type
        if self.res_model == "account.move":
            return "invoice"
        if self.res_model == "sale.order":
            order = self.env["sale.order"].browse(self.res_id).sudo().exists()
            return "order_confirmation" if order.state == "sale" else "quote"
        if self.mimetype == "message/rfc822" or name.lower().endswith(".eml"):
            return "customer_email"
        return "other"

    def action_adv_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.id}?download=true",
            "target": "download",
        }
