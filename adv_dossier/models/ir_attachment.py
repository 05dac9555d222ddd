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
DOSSIER_MODELS = ("adv.dossier", "sale.order", "account.move")
# types that only a user sets: the checklist of the dossier ticks them
CONFIRMED_TYPES = ("customer_po",)
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
        help="What this document is in the customer's dossier. A customer purchase order is "
        "one only once a user said so.",
    )
    adv_document_type_guess = fields.Selection(
        DOCUMENT_TYPES,
        string="Suggested Type",
        compute="_compute_adv_document_type",
        store=True,
        precompute=True,
        help="What the name of the document suggests it is.",
    )

    @api.depends("res_model", "res_id", "name", "mimetype")
    def _compute_adv_document_type(self):
        for attachment in self:
            if attachment.res_model not in DOSSIER_MODELS:
                attachment.adv_document_type_guess = False
                attachment.adv_document_type = attachment.adv_document_type
                continue
            guess = attachment._adv_guess_document_type()
            attachment.adv_document_type_guess = guess
            # a name is no proof: a purchase order waits for a user to confirm it
            attachment.adv_document_type = attachment.adv_document_type or (
                guess if guess not in CONFIRMED_TYPES else False
            )

    def action_adv_confirm_document_type(self):
        """The user confirms the suggested type (e.g. this is the customer's purchase order)."""
        for attachment in self.filtered("adv_document_type_guess"):
            attachment.adv_document_type = attachment.adv_document_type_guess
        return True

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
