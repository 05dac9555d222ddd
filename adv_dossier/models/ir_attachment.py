import re

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

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
# file names that tell what a document is, in French and in English (read with "_" as a
# space); the same patterns classify the existing attachments in SQL at install (\b is \y
# there), tried only on the names holding one of their words (a cheap LIKE first)
NAME_HINTS = [
    (
        "customer_po",
        r"\b(bon[ _-]?de[ _-]?commande|bdc|purchase[ _-]?order|po)\b",
        ("bon", "bdc", "purchase", "po"),
    ),
    (
        "costing",
        r"\b(chiffrage|costing|etude[ _-]?de[ _-]?prix|estimate)\b",
        ("chiffrage", "costing", "etude", "estimate"),
    ),
]
_NAME_HINTS = [(doc_type, re.compile(pattern, re.I)) for doc_type, pattern, _words in NAME_HINTS]


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

    def _auto_init(self):
        self._adv_init_document_type_columns()
        return super()._auto_init()

    @api.model
    def _adv_init_document_type_columns(self):
        """At install, the attachments already in the database (hundreds of thousands in an
        SME's) are classified by one SQL statement, not by the computation one by one: the
        columns are made before the ORM would compute them. True when they were made."""
        cr = self.env.cr
        if column_exists(cr, self._table, "adv_document_type"):
            return False
        create_column(cr, self._table, "adv_document_type", "varchar")
        create_column(cr, self._table, "adv_document_type_guess", "varchar")
        self._adv_init_document_types()
        return True

    @api.model
    def _adv_init_document_types(self):
        """Set the document type of the existing attachments of dossiers, quotes, orders and
        invoices as _compute_adv_document_type does, in one statement."""
        hints = SQL(" ").join(
            SQL(
                "WHEN lower(a.name) LIKE ANY(%s) AND replace(a.name, '_', ' ') ~* %s THEN %s",
                [f"%{word}%" for word in words],
                pattern.replace(r"\b", r"\y"),
                doc_type,
            )
            for doc_type, pattern, words in NAME_HINTS
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE ir_attachment a
                   SET adv_document_type_guess = g.guess,
                       adv_document_type = CASE WHEN g.guess IN %(confirmed)s THEN NULL
                                                ELSE g.guess END
                  FROM (
                    SELECT a.id,
                           CASE %(hints)s
                                WHEN a.res_model = 'account.move' THEN 'invoice'
                                WHEN a.res_model = 'sale.order' THEN
                                     CASE WHEN so.state = 'sale' THEN 'order_confirmation'
                                          ELSE 'quote' END
                                WHEN a.mimetype = 'message/rfc822'
                                  OR lower(replace(a.name, '_', ' ')) LIKE '%%.eml'
                                     THEN 'customer_email'
                                ELSE 'other'
                           END AS guess
                      FROM ir_attachment a
                 LEFT JOIN sale_order so ON a.res_model = 'sale.order' AND so.id = a.res_id
                     WHERE a.res_model IN %(models)s
                  ) g
                 WHERE a.id = g.id
                """,
                hints=hints,
                confirmed=CONFIRMED_TYPES,
                models=DOSSIER_MODELS,
            )
        )

    @api.depends("res_model", "res_id", "name", "mimetype")
    def _compute_adv_document_type(self):
        order_ids = [a.res_id for a in self if a.res_model == "sale.order" and a.res_id]
        confirmed_orders = set(
            self.env["sale.order"]
            .sudo()
            .search([("id", "in", order_ids), ("state", "=", "sale")])
            .ids
            if order_ids
            else ()
        )
        for attachment in self:
            if attachment.res_model not in DOSSIER_MODELS:
                attachment.adv_document_type_guess = False
                attachment.adv_document_type = attachment.adv_document_type
                continue
            guess = attachment._adv_guess_document_type(confirmed_orders)
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

    def _adv_guess_document_type(self, confirmed_orders=None):
        """What the name and the record of the attachment say it is; ``confirmed_orders``: ids
        of the confirmed orders among those of the attachments being computed."""
        self.ensure_one()
        name = (self.name or "").replace("_", " ")
        for doc_type, pattern in _NAME_HINTS:
            if pattern.search(name):
                return doc_type
        if self.res_model == "account.move":
            return "invoice"
        if self.res_model == "sale.order":
            if confirmed_orders is None:
                order = self.env["sale.order"].browse(self.res_id).sudo().exists()
                confirmed_orders = order.filtered(lambda o: o.state == "sale").ids
            return "order_confirmation" if self.res_id in confirmed_orders else "quote"
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
