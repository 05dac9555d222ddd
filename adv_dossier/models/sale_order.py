from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round
from odoo.tools.sql import column_exists

from .adv_quote_version import TOTAL_KEYS
from .cron_progress import in_batches

QUOTE_STATES = [
    ("draft", "Draft"),
    ("awaiting", "Awaiting Order"),
    ("to_confirm", "To Confirm"),
    ("won", "Closed Won"),
    ("lost", "Closed Lost"),
    ("cancel", "Cancelled"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    dossier_id = fields.Many2one(
        "adv.dossier",
        index="btree_not_null",
        tracking=True,
        copy=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The customer project this quote belongs to.",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")
    adv_quote_state = fields.Selection(
        QUOTE_STATES,
        string="Quote State",
        compute="_compute_adv_quote_state",
        store=True,
        index=True,
        help="Draft; awaiting order once sent or printed for the customer; to confirm when the "
        "customer signed or paid online and the order waits for the sales administration; "
        "closed won once confirmed; closed lost when the customer did not follow up.",
    )
    adv_lost_reason_id = fields.Many2one(
        "adv.lost.reason",
        string="Lost Reason",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    adv_lost_comment = fields.Text(string="Lost Comment", readonly=True, copy=False)
    adv_sent_date = fields.Datetime(
        string="Sent On",
        readonly=True,
        copy=False,
        help="When the last version of the quote was sent or printed for the customer.",
    )
    adv_followup_done = fields.Boolean(
        string="Follow-up Scheduled",
        readonly=True,
        copy=False,
        help="The follow-up activity of the last version sent was scheduled.",
    )
    adv_quote_number = fields.Char(
        string="Quote Number",
        readonly=True,
        copy=False,
        index="trigram",
        help="The number the quote had before it became an order with its own number.",
    )
    adv_version_ids = fields.One2many("adv.quote.version", "order_id", string="Versions Sent")
    adv_risk_level = fields.Selection(
        related="partner_id.commercial_partner_id.adv_risk_level", string="Customer Risk"
    )
    adv_version_count = fields.Integer(compute="_compute_adv_version_count", string="Version Count")

    # the customers of the confirmed orders by invoice status: the Customers and Prospects
    # filters (every confirmed order) read it without reading the orders
    _adv_confirmed_partner_idx = models.Index("(invoice_status, partner_id) WHERE state = 'sale'")

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------
    @property
    def _rec_names_search(self):
        return [*super()._rec_names_search, "adv_quote_number"]

    @api.depends("state", "adv_lost_reason_id", "adv_hold_date")
    def _compute_adv_quote_state(self):
        for order in self:
            if order.adv_hold_date and order.state in ("draft", "sent"):
                order.adv_quote_state = "to_confirm"
            elif order.state == "sale":
                order.adv_quote_state = "won"
            elif order.state == "cancel":
                order.adv_quote_state = "lost" if order.adv_lost_reason_id else "cancel"
            elif order.state == "sent":
                order.adv_quote_state = "awaiting"
            else:
                order.adv_quote_state = "draft"

    @api.depends("adv_version_ids")
    def _compute_adv_version_count(self):
        for order in self:
            order.adv_version_count = len(order.adv_version_ids)

    def _auto_init(self):
        self._adv_init_quote_state_column()
        return super()._auto_init()

    @api.model
    def _adv_init_quote_state_column(self):
        """At install, the quote state of the orders already in the database is set by one SQL
        statement, as _compute_adv_quote_state sets it (none is on hold or lost yet), not by
        the computation order by order. True when the column was made."""
        cr = self.env.cr
        if column_exists(cr, self._table, "adv_quote_state"):
            return False
        # most orders of an SME are confirmed: the column is added with their state as its
        # default (PostgreSQL writes no row for it), and only the others are updated
        cr.execute(SQL("ALTER TABLE sale_order ADD COLUMN adv_quote_state varchar DEFAULT 'won'"))
        cr.execute(SQL("ALTER TABLE sale_order ALTER COLUMN adv_quote_state DROP DEFAULT"))
        cr.execute(
            SQL(
                """
                UPDATE sale_order
                   SET adv_quote_state = CASE state WHEN 'cancel' THEN 'cancel'
                                                    WHEN 'sent' THEN 'awaiting'
                                                    ELSE 'draft' END
                 WHERE state IS DISTINCT FROM 'sale'
                """
            )
        )
        return True

    @api.depends("dossier_id")
    def _compute_partner_invoice_id(self):
        """A quote addressed to the dossier's contact is invoiced to the company."""
        res = super()._compute_partner_invoice_id()
        for order in self:
            partner = order.partner_id
            if order.dossier_id and partner.parent_id and partner.type == "contact":
                commercial = partner.commercial_partner_id
                if order.partner_invoice_id in (partner, partner.parent_id):
                    order.partner_invoice_id = commercial.address_get(["invoice"])["invoice"]
        return res

    @api.depends("dossier_id")
    def _compute_partner_shipping_id(self):
        """The dossier's delivery address, else the company's (not the contact's). Taken
        when the quote gets its dossier: a later change on the dossier does not move the
        deliveries of orders already made."""
        res = super()._compute_partner_shipping_id()
        for order in self:
            partner = order.partner_id
            dossier = order.dossier_id
            if not dossier:
                continue
            if dossier.partner_shipping_id:
                order.partner_shipping_id = dossier.partner_shipping_id
            elif partner.parent_id and partner.type == "contact":
                commercial = partner.commercial_partner_id
                order.partner_shipping_id = commercial.address_get(["delivery"])["delivery"]
        return res

    # ------------------------------------------------------------------
    # Onchange
    # ------------------------------------------------------------------
    @api.onchange("dossier_id")
    def _onchange_dossier_id(self):
        dossier = self.dossier_id
        if dossier and not self.partner_id and dossier.partner_id:
            # addressed to the person who asked, invoiced to the company
            self.partner_id = dossier.contact_id or dossier.partner_id
        if dossier and not self.client_order_ref and dossier.customer_ref:
            self.client_order_ref = dossier.customer_ref

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """French practice: quotes numbered DEV/<year>/00001 per company when it wants it
        (the order gets its own number at confirmation, the quote number stays on it)."""
        new = self.env._("New")
        for vals in vals_list:
            if vals.get("name", new) != new:
                continue
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            if not company.adv_quote_numbering:
                continue
            date = (
                fields.Datetime.context_timestamp(
                    self, fields.Datetime.to_datetime(vals["date_order"])
                )
                if vals.get("date_order")
                else fields.Date.context_today(self)
            )
            vals["name"] = company._adv_quote_sequence().next_by_id(sequence_date=date)
        return super().create(vals_list)

    def action_open_adv_dossier(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "adv.dossier",
            "res_id": self.dossier_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Versions sent to the customer
    # ------------------------------------------------------------------
    def _adv_snapshot(self):
        """What the customer sees of the quote: its lines and totals."""
        self.ensure_one()
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        lines = []
        for line in self.order_line.sorted(lambda sol: (sol.sequence, sol.id)):
            lines.append(
                {
                    "key": line.id,
                    "display_type": line.display_type or "",
                    "product": line.product_id.display_name or "",
                    "description": line.name or "",
                    "quantity": float_round(line.product_uom_qty, precision_digits=6),
                    "uom": line.product_uom_id.name or "",
                    "product_id": line.product_id.id,
                    "uom_id": line.product_uom_id.id,
                    "tax_ids": sorted(line.tax_ids.ids),
                    "price_unit": float_round(line.price_unit, precision_digits=price_digits),
                    "discount": float_round(line.discount, precision_digits=6),
                    "taxes": ", ".join(sorted(line.tax_ids.mapped("name"))),
                }
            )
        snapshot = {"lines": lines}
        for key in TOTAL_KEYS:
            snapshot[key] = self.currency_id.round(self[key])
        return snapshot

    def _adv_last_version(self):
        self.ensure_one()
        return self.adv_version_ids.sorted("version", reverse=True)[:1]

    def _adv_changes_since_sent(self):
        """Line by line differences between the quote and the last version the customer received."""
        self.ensure_one()
        last = self._adv_last_version()
        if not last:
            return []
        return last._diff(self._adv_snapshot())

    def _adv_record_version(self, channel):
        """Keep the version of the quotes sent or printed for the customer (v1, v2...).

        A version identical to the last one is not kept twice. Only an internal user sends
        or prints a quote for the customer: the renders of the portal, of an online
        signature or payment, of an attachment change nothing.
        """
        if not self.env.user._is_internal():
            return self.browse()
        now = fields.Datetime.now()
        recorded = self._adv_new_versions(channel, now)
        recorded.sudo().write({"adv_sent_date": now, "adv_followup_done": False})
        self.dossier_id._move_to_stage_code("awaiting_order")
        return recorded

    def _adv_new_versions(self, channel, date):
        """Record the current content of the quotes as their next version, unless unchanged;
        the quotes that got one."""
        Version = self.env["adv.quote.version"].sudo()
        recorded = self.browse()
        for order in self.filtered(lambda o: o.state in ("draft", "sent")):
            snapshot = order._adv_snapshot()
            last = order._adv_last_version()
            if last and last._same_as(snapshot):
                continue
            Version.create(
                {
                    "order_id": order.id,
                    "version": (last.version or 0) + 1,
                    "date": date,
                    "channel": channel,
                    "currency_id": order.currency_id.id,
                    "amount_untaxed": snapshot["amount_untaxed"],
                    "amount_tax": snapshot["amount_tax"],
                    "amount_total": snapshot["amount_total"],
                    "content": snapshot,
                }
            )
            recorded |= order
        return recorded

    def action_quotation_sent(self):
        res = super().action_quotation_sent()
        self._adv_record_version("manual")
        return res

    def message_post(self, **kwargs):
        if self.env.context.get("mark_so_as_sent"):
            self._adv_record_version("email")
        return super().message_post(**kwargs)

    def _adv_mark_printed(self):
        """An internal user printed the quote for the customer: it now awaits the order."""
        if not self.env.user._is_internal():
            return
        self.check_access("read")
        drafts = self.filtered(lambda o: o.state == "draft")
        if drafts:
            drafts.sudo().write({"state": "sent"})
        self._adv_record_version("print")

    # ------------------------------------------------------------------
    # Lost quotes
    # ------------------------------------------------------------------
    def _adv_mark_lost(self, reason, comment=False):
        """Cancel the quotes as lost for ``reason``; close the dossiers whose quotes are all lost.

        The notes are written in the language of the user who marks the quotes (his own, the
        scheduler's for the daily action), reason included. Closing and filing the dossier is
        the process's work, done for a salesman who may not see the dossier or a colleague's
        quote in it, and logged in his name."""
        quotes = self.filtered(lambda o: o.state in ("draft", "sent"))
        if quotes != self:
            raise UserError(self.env._("Only quotes that are not confirmed can be marked as lost."))
        lang = self.env.context.get("lang") or self.env.user.lang
        quotes = quotes.with_context(lang=lang)
        reason = reason.with_context(lang=lang)
        quotes._action_cancel()
        quotes.write({"adv_lost_reason_id": reason.id, "adv_lost_comment": comment or False})
        for quote in quotes:
            body = quotes.env._("Quote marked as lost: %(reason)s", reason=reason.name)
            quote.message_post(
                body=body + (f"\n{comment}" if comment else ""), subtype_xmlid="mail.mt_note"
            )
        for dossier in quotes.sudo().dossier_id:
            states = set(dossier.order_ids.mapped("adv_quote_state")) - {"cancel"}
            if states == {"lost"}:
                dossier._move_to_stage_code("lost")
                dossier.message_post(
                    body=quotes.env._(
                        "Every quote of the dossier is lost: the dossier is closed and filed."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                dossier.action_archive()
        return True

    def action_adv_mark_lost(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark as Lost"),
            "res_model": "adv.sale.order.lost",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    BATCH_SIZE = 100

    @api.model
    def _adv_cron_quote_follow_up(self):
        """Daily, per company: a follow-up activity N days after a quote was sent; the quote
        marked lost ("no answer") M days after its validity date.

        Batches are committed as they are done when run by the scheduler; every record is
        locked and checked again before it is changed, so a rerun, a crash or a manual run
        at the same time never schedules an activity twice.
        """
        # the notes and activities in the language of the user the action runs as
        sale_orders = self.with_context(lang=self.env.context.get("lang") or self.env.user.lang)
        for company in self.env["res.company"].search([]):
            orders = sale_orders.with_company(company)
            if not orders._adv_follow_up_sent_quotes(company):
                return
            if not orders._adv_lose_unanswered_quotes(company):
                return

    def _adv_follow_up_sent_quotes(self, company):
        if not company.adv_followup_days:
            return True
        activity_type = self.env.ref("adv_dossier.mail_activity_type_quote_follow_up")
        today = fields.Date.context_today(self)
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "sent"),
            ("adv_followup_done", "=", False),
            (
                "adv_sent_date",
                "<=",
                fields.Datetime.now() - timedelta(days=company.adv_followup_days),
            ),
        ]

        def follow_up(batch):
            for quote in batch:
                user = quote.user_id or quote.sudo().dossier_id.user_id or self.env.user
                quote.activity_schedule(
                    activity_type_id=activity_type.id,
                    # for the salesperson who follows it up, in his language
                    summary=self.with_context(lang=user.lang).env._("Follow up the quote"),
                    user_id=user.id,
                    date_deadline=today,
                )
            batch.adv_followup_done = True

        return in_batches(self.search(domain), self.BATCH_SIZE, follow_up, domain)

    def _adv_lose_unanswered_quotes(self, company):
        reason = self.env.ref("adv_dossier.lost_reason_no_answer", raise_if_not_found=False)
        if not company.adv_lost_after_days or not reason:
            return True
        today = fields.Date.context_today(self)
        # only the quotes the customer received (sent or printed) can wait for his answer; a
        # quote he signed or paid online waits for the sales administration, not for him
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "sent"),
            ("adv_hold_date", "=", False),
            ("validity_date", "!=", False),
            ("validity_date", "<", today - timedelta(days=company.adv_lost_after_days)),
        ]
        comment = self.env._("No answer from the customer after the validity date.")
        return in_batches(
            self.search(domain),
            self.BATCH_SIZE,
            lambda batch: batch._adv_mark_lost(reason, comment),
            domain,
        )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # the lines of the confirmed orders not fully invoiced: what the customer risk counts as
    # left to invoice, read without the lines invoiced (most of them, after a few years)
    _adv_to_invoice_idx = models.Index(
        "(order_partner_id) WHERE state = 'sale' AND qty_invoiced < product_uom_qty"
    )
