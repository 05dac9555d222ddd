import ast
import base64
import difflib
import re
import unicodedata

from odoo import api, fields, models, tools
from odoo.addons.mail.tools.alias_error import AliasError
from odoo.exceptions import UserError
from odoo.fields import Domain

PRIORITIES = [
    ("0", "Normal"),
    ("1", "Important"),
    ("2", "Very Important"),
    ("3", "Urgent"),
]
REQUEST_CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("visit", "Visit"),
    ("other", "Other"),
]
# two open dossiers of one customer whose titles are this similar are reported
TITLE_SIMILARITY = 0.8
# the tray of the requests that came in by e-mail, until a user qualified them
QUALIFY_CODE = "to_qualify"


def _normalize_title(title):
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


class AdvDossier(models.Model):
    _name = "adv.dossier"
    _description = "Dossier"
    _inherit = ["mail.activity.mixin", "mail.tracking.duration.mixin"]
    _order = "priority desc, id desc"
    _rec_name = "title"
    _rec_names_search = ["name", "title", "customer_ref", "internal_ref", "partner_id.name"]
    _track_duration_field = "stage_id"
    _mail_post_access = "read"
    _primary_email = "email_from"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    title = fields.Char(string="Project", required=True, tracking=True, index="trigram")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        tracking=True,
        index=True,
        check_company=True,
        help="The customer company (its company name, raison sociale).",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Customer Entity"
    )
    risk_level = fields.Selection(
        related="commercial_partner_id.adv_risk_level", string="Customer Risk"
    )
    contact_id = fields.Many2one(
        "res.partner",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), ('is_company', '=', False)]",
        help="The person who speaks for the customer in this project.",
    )
    partner_shipping_id = fields.Many2one(
        "res.partner",
        string="Delivery Address",
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        tracking=True,
        help="Where the plants are delivered or the works done, when it is not the customer's "
        "address (a site, another establishment): given to the dossier's quotes and printed on "
        "their invoices.",
    )
    contact_phone = fields.Char(related="contact_id.phone", string="Contact Phone", tracking=False)
    contact_email = fields.Char(related="contact_id.email", string="Contact E-mail", tracking=False)
    email_from = fields.Char(
        string="E-mail",
        compute="_compute_email_from",
        store=True,
        readonly=False,
        help="Address the request came from.",
    )
    request_email = fields.Char(
        string="Sender Address",
        readonly=True,
        copy=False,
        help="The address an e-mail request came from, as written in it: anyone can write any "
        "address.",
    )
    email_name = fields.Char(
        string="Sender Name",
        readonly=True,
        copy=False,
        help="The name an e-mail request came from, for a sender who is not a contact yet.",
    )
    customer_ref = fields.Char(
        string="Customer Reference",
        tracking=True,
        index="trigram",
        copy=False,
        help="The customer's own reference for this project.",
    )
    internal_ref = fields.Char(
        string="Internal Reference",
        tracking=True,
        copy=False,
        help="Our internal reference(s) for this project, e.g. the costing number.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    request_channel = fields.Selection(REQUEST_CHANNELS, default="phone", required=True)
    request_date = fields.Datetime(
        string="Requested On", default=fields.Datetime.now, required=True, copy=False
    )
    description = fields.Html(string="Notes")
    tag_ids = fields.Many2many("adv.dossier.tag", string="Tags")
    priority = fields.Selection(PRIORITIES, default="0", index=True)
    color = fields.Integer(string="Color Index")
    stage_id = fields.Many2one(
        "adv.dossier.stage",
        string="Tray",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage(),
    )
    date_last_stage_update = fields.Datetime(
        string="In Tray Since",
        readonly=True,
        copy=False,
        default=lambda self: self.env.cr.now(),
        index=True,
    )
    stage_code = fields.Char(related="stage_id.code", string="Tray Code")
    state = fields.Selection(
        [("open", "Open"), ("won", "Closed Won"), ("lost", "Closed Lost")],
        string="Outcome",
        compute="_compute_state",
        store=True,
        index=True,
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)

    order_ids = fields.One2many("sale.order", "dossier_id", string="Quotes and Orders")
    quote_version_ids = fields.One2many("adv.quote.version", "dossier_id", string="Versions Sent")
    quotation_count = fields.Integer(compute="_compute_sale_counts", string="Quotes")
    order_count = fields.Integer(compute="_compute_sale_counts", string="Orders")
    invoice_ids = fields.Many2many(
        "account.move", compute="_compute_invoice_ids", string="Invoices"
    )
    invoice_count = fields.Integer(compute="_compute_invoice_ids")
    reminder_count = fields.Integer(compute="_compute_reminder_count")
    amount_untaxed = fields.Monetary(
        string="Amount Excl. Tax",
        compute="_compute_amount_untaxed",
        store=True,
        help="Untaxed amount of the dossier's quotes and orders that are not cancelled, "
        "in the company's currency.",
    )
    document_ids = fields.Many2many(
        "ir.attachment", compute="_compute_document_ids", string="Documents"
    )
    document_count = fields.Integer(compute="_compute_document_ids")
    has_costing = fields.Boolean(compute="_compute_checklist", string="Costing")
    has_quote_sent = fields.Boolean(compute="_compute_checklist", string="Quote Sent")
    has_customer_po = fields.Boolean(compute="_compute_checklist", string="Customer Purchase Order")
    has_order_confirmed = fields.Boolean(compute="_compute_checklist", string="Order Confirmed")
    duplicate_dossier_ids = fields.Many2many(
        "adv.dossier",
        compute="_compute_duplicate_dossier_ids",
        string="Similar Open Dossiers",
    )

    _name_company_unique = models.UniqueIndex(
        "(company_id, name) WHERE name != '/'",
        "A dossier with this number already exists in this company.",
    )

    # ------------------------------------------------------------------
    # Defaults and compute
    # ------------------------------------------------------------------
    def _default_stage(self):
        # "To qualify" holds the requests that came in by e-mail only
        return self.env["adv.dossier.stage"].search(
            [("is_won", "=", False), ("is_lost", "=", False), ("code", "!=", QUALIFY_CODE)],
            limit=1,
        )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # every tray is shown on the board, empty ones included
        return stages.search([])

    @api.depends("contact_id.email", "partner_id.email")
    def _compute_email_from(self):
        for dossier in self:
            dossier.email_from = (
                dossier.contact_id.email or dossier.partner_id.email or dossier.email_from
            )

    @api.depends("stage_id.is_won", "stage_id.is_lost")
    def _compute_state(self):
        for dossier in self:
            if dossier.stage_id.is_won:
                dossier.state = "won"
            elif dossier.stage_id.is_lost:
                dossier.state = "lost"
            else:
                dossier.state = "open"

    @api.depends("order_ids.state")
    def _compute_sale_counts(self):
        data = self.env["sale.order"]._read_group(
            [("dossier_id", "in", self.ids)], ["dossier_id", "state"], ["__count"]
        )
        quotes, orders = {}, {}
        for dossier, state, count in data:
            target = orders if state == "sale" else quotes
            target[dossier] = target.get(dossier, 0) + count
        for dossier in self:
            dossier.quotation_count = quotes.get(dossier, 0)
            dossier.order_count = orders.get(dossier, 0)

    @api.depends("order_ids.invoice_ids")
    def _compute_invoice_ids(self):
        for dossier in self:
            invoices = dossier.order_ids.invoice_ids
            dossier.invoice_ids = invoices
            dossier.invoice_count = len(invoices)

    def _compute_reminder_count(self):
        lines = self.env["adv.reminder.line"].search_fetch(
            [
                ("move_id", "in", self.invoice_ids.ids),
                ("reminder_id.state", "in", ("queued", "sent", "to_print")),
            ],
            ["move_id", "reminder_id"],
        )
        for dossier in self:
            dossier.reminder_count = len(
                lines.filtered(lambda line, d=dossier: line.move_id in d.invoice_ids).reminder_id
            )

    @api.depends(
        "order_ids.amount_untaxed",
        "order_ids.state",
        "order_ids.currency_id",
        "order_ids.date_order",
    )
    def _compute_amount_untaxed(self):
        for dossier in self:
            total = 0.0
            for order in dossier.order_ids.filtered(lambda o: o.state != "cancel"):
                total += order.currency_id._convert(
                    order.amount_untaxed,
                    dossier.company_id.currency_id,
                    dossier.company_id,
                    order.date_order or fields.Date.context_today(dossier),
                )
            dossier.amount_untaxed = total

    def _documents_domain(self):
        """Attachments of the dossiers and of their quotes, orders and invoices."""
        return Domain.OR(
            Domain("res_model", "=", model) & Domain("res_id", "in", ids)
            for model, ids in [
                (self._name, self.ids),
                ("sale.order", self.order_ids.ids),
                ("account.move", self.order_ids.invoice_ids.ids),
            ]
            if ids
        )

    def _compute_document_ids(self):
        attachments = self.env["ir.attachment"]
        if self.ids:
            attachments = attachments.search(self._documents_domain())
        by_record = {}
        for attachment in attachments:
            by_record.setdefault((attachment.res_model, attachment.res_id), []).append(
                attachment.id
            )
        for dossier in self:
            ids = list(by_record.get((self._name, dossier.id), []))
            for order in dossier.order_ids:
                ids += by_record.get(("sale.order", order.id), [])
            for invoice in dossier.order_ids.invoice_ids:
                ids += by_record.get(("account.move", invoice.id), [])
            dossier.document_ids = [fields.Command.set(ids)]
            dossier.document_count = len(ids)

    @api.depends("order_ids.state", "document_ids")
    def _compute_checklist(self):
        for dossier in self:
            types = set(dossier.document_ids.mapped("adv_document_type"))
            states = set(dossier.order_ids.mapped("state"))
            dossier.has_costing = "costing" in types
            dossier.has_quote_sent = bool(states & {"sent", "sale"}) or "quote" in types
            dossier.has_customer_po = "customer_po" in types
            dossier.has_order_confirmed = "sale" in states

    @api.depends("partner_id", "customer_ref", "title", "company_id")
    def _compute_duplicate_dossier_ids(self):
        partners = self.commercial_partner_id
        candidates = self.env["adv.dossier"]
        if partners:
            candidates = self.search(
                [("commercial_partner_id", "in", partners.ids), ("state", "=", "open")]
            )
        for dossier in self:
            dossier.duplicate_dossier_ids = candidates.filtered(
                lambda other, d=dossier: other.id != d._origin.id and d._looks_like(other)
            )

    def _looks_like(self, other):
        self.ensure_one()
        if self.commercial_partner_id != other.commercial_partner_id:
            return False
        if (
            self.customer_ref
            and other.customer_ref
            and self.customer_ref.strip().lower() == other.customer_ref.strip().lower()
        ):
            return True
        mine, theirs = _normalize_title(self.title), _normalize_title(other.title)
        if not mine or not theirs:
            return False
        return difflib.SequenceMatcher(None, mine, theirs).ratio() >= TITLE_SIMILARITY

    @api.depends("name", "title")
    def _compute_display_name(self):
        for dossier in self:
            if dossier.name and dossier.name != "/":
                dossier.display_name = f"{dossier.name} - {dossier.title or ''}".strip(" -")
            else:
                dossier.display_name = dossier.title or self.env._("New Dossier")

    # ------------------------------------------------------------------
    # Onchange
    # ------------------------------------------------------------------
    @api.onchange("contact_id")
    def _onchange_contact_id(self):
        if self.contact_id and not self.partner_id:
            self.partner_id = self.contact_id.commercial_partner_id

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if (
            self.contact_id
            and self.contact_id.commercial_partner_id != self.partner_id.commercial_partner_id
        ):
            self.contact_id = False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = company._adv_dossier_sequence().next_by_id(
                    sequence_date=fields.Date.context_today(self)
                )
            if vals.get("contact_id") and not vals.get("partner_id"):
                contact = self.env["res.partner"].browse(vals["contact_id"])
                vals["partner_id"] = contact.commercial_partner_id.id
        dossiers = super().create(vals_list)
        dossiers.filtered(lambda d: d.state != "open").date_closed = self.env.cr.now()
        return dossiers

    def write(self, vals):
        if "stage_id" in vals:
            now = self.env.cr.now()
            vals["date_last_stage_update"] = now
            stage = self.env["adv.dossier.stage"].browse(vals["stage_id"])
            if stage.is_won or stage.is_lost:
                vals.setdefault("date_closed", now)
            else:
                vals["date_closed"] = False
        return super().write(vals)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for dossier, vals in zip(self, vals_list, strict=True):
            vals.setdefault("title", self.env._("%s (copy)", dossier.title))
        return vals_list

    # ------------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------------
    def _track_template(self, changes):
        res = super()._track_template(changes)
        dossier = self[0]
        if "stage_id" in changes and dossier.stage_id.mail_template_id:
            res["stage_id"] = (
                dossier.stage_id.mail_template_id,
                {
                    "auto_delete_keep_log": False,
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                    "email_layout_xmlid": "mail.mail_notification_light",
                },
            )
        return res

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self.env.ref("adv_dossier.mt_dossier_stage")
        return super()._track_subtype(init_values)

    def _mail_get_partner_fields(self, introspect_fields=False):
        return ["contact_id", "partner_id"]

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An e-mail to the company's dossier alias opens a dossier, in the tray "To qualify".

        Anyone can write any ``From:``: nothing in the request is trusted until a user
        qualifies it. A sender who is a known contact is proposed as the dossier's contact
        (and customer), but does not follow the dossier; an unknown sender creates no
        partner, the address and name are kept for the prospect a user may create."""
        values = dict(custom_values or {})
        # the gateway user must not become the responsible
        self = self.with_context(default_user_id=False)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        name, email = tools.parse_contact_from_email(msg_dict.get("email_from") or "")
        contact = self._adv_contact_of_email(email, company)
        values.setdefault("title", msg_dict.get("subject") or self.env._("Request by e-mail"))
        values.setdefault("request_channel", "email")
        values.setdefault("company_id", company.id)
        values.setdefault("request_email", tools.email_normalize(email) or email or False)
        values.setdefault("email_name", name or False)
        stage = self.env["adv.dossier.stage"]._get_by_code(QUALIFY_CODE)
        if stage:
            values.setdefault("stage_id", stage.id)
        if contact:
            values.setdefault("contact_id", contact.id if not contact.is_company else False)
            values.setdefault("partner_id", contact.commercial_partner_id.id)
        if msg_dict.get("date"):
            values.setdefault("request_date", msg_dict["date"])
        return super().message_new(msg_dict, custom_values=values)

    @api.model
    def _adv_contact_of_email(self, email, company):
        """The one contact of ``company`` (or shared) whose address is exactly ``email``."""
        if not email:
            return self.env["res.partner"]
        partners = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("email_normalized", "=", tools.email_normalize(email)),
                    ("company_id", "in", [company.id, False]),
                ],
                limit=2,
            )
        )
        # two contacts on one address: the user chooses
        return partners if len(partners) == 1 else self.env["res.partner"]

    def _alias_get_error(self, message, message_dict, alias):
        """ "Followers only" for new requests: senders who already follow a dossier of the
        alias' company (customers in touch with the sales administration)."""
        if alias.alias_contact == "followers" and not self.ids:
            author = self.env["res.partner"].browse(message_dict.get("author_id"))
            company_id = ast.literal_eval(alias.sudo().alias_defaults or "{}").get("company_id")
            followed = author and self.sudo().search_count(
                [
                    ("message_partner_ids", "in", author.ids),
                    ("company_id", "=", company_id),
                ],
                limit=1,
            )
            if not followed:
                return AliasError(
                    "error_follower_not_following", self.env._("restricted to followers")
                )
            return False
        return super()._alias_get_error(message, message_dict, alias)

    def action_adv_qualify(self):
        """A user checked the request: the dossier leaves "To qualify". Its customer is the
        known contact, or a prospect created from the sender; the contact follows the dossier
        (our answers reach him) only when its address is the one the request came from."""
        for dossier in self:
            sender = dossier.request_email
            if not dossier.partner_id:
                if not sender:
                    raise UserError(
                        self.env._(
                            "Choose the customer of %(dossier)s first.",
                            dossier=dossier.display_name,
                        )
                    )
                # qualifying requests is the sales administration's job, also for users
                # who may not create contacts: the prospect is created for them, with the
                # sender's name and address only
                dossier.check_access("write")
                prospect = (
                    self.env["res.partner"]
                    .sudo()
                    .create(
                        {
                            "name": dossier.email_name or sender,
                            "email": sender,
                            "company_id": dossier.company_id.id,
                        }
                    )
                    .sudo(False)
                )
                dossier.write({"contact_id": prospect.id, "partner_id": prospect.id})
                dossier.message_post(
                    body=self.env._(
                        "Prospect %(prospect)s created from the sender of the request.",
                        prospect=prospect.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            contact = dossier.contact_id or dossier.partner_id
            if sender and contact.email_normalized == sender:
                dossier.message_subscribe(partner_ids=contact.ids)
            if dossier.stage_id.code == QUALIFY_CODE:
                dossier.stage_id = self.env["adv.dossier.stage"]._get_by_code("request") or (
                    self._default_stage()
                )
        return True

    def _message_post_after_hook(self, message, msg_vals):
        # what a customer sends by e-mail is filed as a customer document
        if (
            message.message_type == "email"
            and message.attachment_ids
            and not message.author_id.user_ids
        ):
            message.attachment_ids.filtered(
                lambda a: a.adv_document_type in (False, "other")
            ).adv_document_type = "customer_attachment"
        return super()._message_post_after_hook(message, msg_vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_new_quotation(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.action_quotations_with_onboarding"
        )
        action.update(
            {
                "views": [(False, "form")],
                "view_mode": "form",
                "target": "current",
                "context": {
                    "default_dossier_id": self.id,
                    # addressed to the person who asked, invoiced to the company
                    "default_partner_id": (self.contact_id or self.partner_id).id,
                    "default_client_order_ref": self.customer_ref,
                    "default_user_id": self.user_id.id or self.env.uid,
                    "default_company_id": self.company_id.id,
                },
            }
        )
        return action

    def _action_orders(self, domain, name):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.action_quotations_with_onboarding"
        )
        action.update(
            {
                "name": name,
                "domain": Domain("dossier_id", "in", self.ids) & Domain(domain),
                "context": {
                    "default_dossier_id": self.id if len(self) == 1 else False,
                    "default_partner_id": self.partner_id.id if len(self) == 1 else False,
                    "default_client_order_ref": self.customer_ref if len(self) == 1 else False,
                },
            }
        )
        return action

    def action_view_quotations(self):
        return self._action_orders([("state", "!=", "sale")], self.env._("Quotes"))

    def action_view_orders(self):
        return self._action_orders([("state", "=", "sale")], self.env._("Orders"))

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            {
                "domain": [("id", "in", self.invoice_ids.ids)],
                "context": {"create": False, "default_move_type": "out_invoice"},
            }
        )
        return action

    def action_view_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "adv_dossier.action_adv_dossier_documents"
        )
        action["domain"] = self._documents_domain()
        action["context"] = {
            "default_res_model": self._name,
            "default_res_id": self.id,
        }
        return action

    def action_view_reminders(self):
        self.ensure_one()
        return self.env["adv.reminder"]._action_open(
            [("line_ids.move_id", "in", self.invoice_ids.ids)]
        )

    def action_view_duplicates(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Similar Open Dossiers"),
            "res_model": "adv.dossier",
            "view_mode": "list,form",
            "domain": [("id", "in", self.duplicate_dossier_ids.ids)],
        }

    # ------------------------------------------------------------------
    # Cover sheet
    # ------------------------------------------------------------------
    def _cover_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/odoo/{self._name}/{self.id}"

    def _cover_qr_code(self):
        """The QR code of the cover sheet, opening the dossier in Odoo, as a data URI."""
        self.ensure_one()
        png = self.env["ir.actions.report"].barcode(
            "QR", self._cover_url(), width=240, height=240, barBorder=0
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    def _cover_checklist(self):
        self.ensure_one()
        return [
            (self._fields[fname].get_description(self.env)["string"], self[fname])
            for fname in ("has_costing", "has_quote_sent", "has_customer_po", "has_order_confirmed")
        ]

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _adv_delivery_state(self):
        """Where the deliveries of the dossier's orders are: none (nothing to deliver),
        pending, started or done. Without stock nothing is delivered by Odoo: see
        adv_dossier_stock for the real deliveries."""
        self.ensure_one()
        return "none"

    def _adv_follow_up_code(self):
        """The tray the orders, deliveries, invoices and payments of the dossier have reached."""
        self.ensure_one()
        orders = self.order_ids.filtered(lambda o: o.state == "sale")
        if not orders:
            return False
        invoices = orders.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )
        to_invoice = any(order.invoice_status == "to invoice" for order in orders)
        nothing_left = all(order.invoice_status in ("invoiced", "no") for order in orders)
        delivery = self._adv_delivery_state()
        if (
            invoices
            and nothing_left
            and all(inv.payment_state in ("paid", "in_payment", "reversed") for inv in invoices)
        ):
            return "won"
        if invoices and not to_invoice:
            return "awaiting_payment"
        if to_invoice and delivery in ("none", "done"):
            return "to_invoice"
        if delivery == "started":
            return "to_deliver"
        return "order_to_do"

    def _adv_sync_follow_up(self):
        """Move the dossiers forward to the tray their documents have reached.

        The process does it for whoever triggered it (an accountant posting an invoice or
        sending a reminder, a storekeeper validating a delivery), who may not see the dossier:
        the dossiers are read and moved as superuser, the move logged in the user's name."""
        for dossier in self.sudo().filtered(lambda d: d.state == "open"):
            code = dossier._adv_follow_up_code()
            if code:
                dossier._move_to_stage_code(code)

    def _move_to_stage_code(self, code):
        """Move the dossiers into the tray of technical code ``code``.

        Used by the process (quote sent, order confirmed...). A dossier is never
        moved back behind a tray it has already reached by a later choice: only
        dossiers in a tray of lower sequence are moved, and closed ones stay.
        """
        if not self:
            return self
        stage = self.env["adv.dossier.stage"].sudo()._get_by_code(code)
        if not stage:
            return self.browse()
        # as superuser, for the same reason as _adv_sync_follow_up
        movable = self.sudo().filtered(
            lambda d: (
                d.stage_id != stage
                and d.state == "open"
                and (
                    not d.stage_id
                    or (d.stage_id.sequence, d.stage_id.id) < (stage.sequence, stage.id)
                )
            )
        )
        if movable:
            movable.stage_id = stage
        return movable.sudo(self.env.su)
