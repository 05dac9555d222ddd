from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import formatLang

# the numbers of a quote line, printed in the user's number format with their precision
NUMBER_PRECISIONS = {
    "quantity": "Product Unit",
    "price_unit": "Product Price",
    "discount": "Discount",
}


# computed from the order, never taken from the caller
DECISION_FIELDS = (
    "partner_id",
    "has_changes",
    "last_version_id",
    "changes_html",
    "needs_customer_file",
    "is_french_company",
    "needs_payment_method",
    "risk_message",
    "risk_blocking",
)


class AdvOrderConfirm(models.TransientModel):
    """One confirmation step for an order: changes since the quote was sent, and the
    customer file a prospect's first order needs."""

    _name = "adv.order.confirm"
    _description = "Confirm an Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id")
    # what the step decides is computed from its order, never stored nor written: the actions
    # decide again from the order itself
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_partner_id")
    # changes since the version the customer received
    has_changes = fields.Boolean(compute="_compute_changes")
    last_version_id = fields.Many2one("adv.quote.version", compute="_compute_changes")
    changes_html = fields.Html(compute="_compute_changes", sanitize=False)
    accept_changes = fields.Boolean(string="The customer accepted these changes")
    # the customer file
    needs_customer_file = fields.Boolean(compute="_compute_needs_customer_file")
    is_french_company = fields.Boolean(compute="_compute_is_french_company")
    company_registry = fields.Char(
        compute="_compute_customer_file",
        store=True,
        readonly=False,
        help="A French company's 9-digit SIREN or 14-digit SIRET; another country's registry "
        "number as it is (BCE, HRB, Companies House...).",
    )
    vat = fields.Char(
        string="VAT Number", compute="_compute_customer_file", store=True, readonly=False
    )
    street = fields.Char(compute="_compute_customer_file", store=True, readonly=False)
    street2 = fields.Char(compute="_compute_customer_file", store=True, readonly=False)
    zip = fields.Char(compute="_compute_customer_file", store=True, readonly=False)
    city = fields.Char(compute="_compute_customer_file", store=True, readonly=False)
    country_id = fields.Many2one(
        "res.country", compute="_compute_customer_file", store=True, readonly=False
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        compute="_compute_customer_file",
        store=True,
        readonly=False,
    )
    payment_method_line_id = fields.Many2one(
        "account.payment.method.line",
        string="Payment Method",
        compute="_compute_customer_file",
        store=True,
        readonly=False,
        domain="[('payment_type', '=', 'inbound'), ('journal_id.active', '=', True), "
        "('company_id', 'parent_of', company_id)]",
    )
    needs_payment_method = fields.Boolean(compute="_compute_needs_customer_file")
    customer_code = fields.Char(
        string="Customer Account Code",
        compute="_compute_customer_file",
        store=True,
        readonly=False,
        help="The customer's account in the accounting (C…), written to its reference. "
        "Leave empty to take the next free code.",
    )
    payment_term_warning = fields.Char(compute="_compute_payment_term_warning")
    partner_shipping_id = fields.Many2one(
        related="order_id.partner_shipping_id",
        readonly=False,
        string="Delivery Address",
        help="Where the order is delivered or the works done; printed on the invoice when it "
        "is not the invoice address.",
    )
    # the customer risk
    risk_message = fields.Char(compute="_compute_risk")
    risk_blocking = fields.Boolean(compute="_compute_risk")
    force_reason = fields.Text(
        string="Reason to Confirm Anyway",
        help="A sales manager may confirm without a complete customer file or with unaccepted "
        "changes; the reason is logged on the order.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._without_decisions(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._without_decisions(vals))

    @api.model
    def _without_decisions(self, vals):
        """What the step decides comes from its order: a caller cannot write it."""
        return {key: value for key, value in vals.items() if key not in DECISION_FIELDS}

    @api.depends("order_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.order_id.partner_id.commercial_partner_id

    @api.depends("order_id")
    def _compute_changes(self):
        for wizard in self:
            order = wizard.order_id
            changes = (
                order._adv_changes_since_sent()
                if order and order.company_id.adv_confirm_checks
                else []
            )
            wizard.has_changes = bool(changes)
            wizard.last_version_id = order._adv_last_version() if order else False
            wizard.changes_html = wizard._changes_table(changes) if changes else False

    @api.depends("order_id")
    def _compute_needs_customer_file(self):
        for wizard in self:
            partner = wizard.partner_id
            wizard.needs_customer_file = bool(
                partner
                and wizard.company_id.adv_confirm_checks
                and partner._adv_customer_file_missing(wizard.company_id)
            )
            wizard.needs_payment_method = bool(
                partner and partner._adv_inbound_methods(wizard.company_id)
            )

    @api.depends("order_id", "country_id")
    def _compute_is_french_company(self):
        # the French rules (SIREN / SIRET, FR VAT number, payment terms) follow the country
        # of the invoice address being entered
        for wizard in self:
            partner = wizard.partner_id
            country = wizard.country_id or partner.country_id
            wizard.is_french_company = bool(partner.is_company) and country.code == "FR"

    @api.depends("order_id")
    def _compute_risk(self):
        for wizard in self:
            message = wizard.order_id._adv_risk_problem() if wizard.order_id else False
            wizard.risk_message = message
            wizard.risk_blocking = (
                bool(message) and wizard.company_id.sudo().adv_risk_gate == "block"
            )

    @api.depends("order_id")
    def _compute_customer_file(self):
        for wizard in self:
            partner = wizard.order_id.partner_id.commercial_partner_id.with_company(
                wizard.company_id
            )
            wizard.company_registry = partner.company_registry
            wizard.vat = partner.vat
            wizard.street = partner.street
            wizard.street2 = partner.street2
            wizard.zip = partner.zip
            wizard.city = partner.city
            wizard.country_id = partner.country_id
            wizard.payment_term_id = (
                partner.property_payment_term_id or wizard.company_id.adv_default_payment_term_id
            )
            wizard.payment_method_line_id = partner.property_inbound_payment_method_line_id
            wizard.customer_code = partner.ref

    @api.depends("payment_term_id", "is_french_company")
    def _compute_payment_term_warning(self):
        for wizard in self:
            term = wizard.payment_term_id
            wizard.payment_term_warning = (
                term._adv_legal_warning(wizard.order_id.partner_id)
                if term and wizard.is_french_company
                else False
            )

    # ------------------------------------------------------------------
    def _changes_table(self, changes):
        labels = {
            "product": self.env._("Product"),
            "description": self.env._("Description"),
            "quantity": self.env._("Quantity"),
            "uom": self.env._("Unit"),
            "price_unit": self.env._("Unit Price"),
            "discount": self.env._("Discount (%)"),
            "taxes": self.env._("Taxes"),
        }
        kinds = {
            "added": self.env._("Added"),
            "removed": self.env._("Removed"),
            "changed": self.env._("Changed"),
        }
        rows = Markup()
        for change in changes:
            line = change["line"]
            label = line.get("description") or line.get("product") or ""
            if change["change"] == "changed":
                details = Markup("<br/>").join(
                    self.env._(
                        "%(field)s: %(old)s → %(new)s",
                        field=labels.get(key, key),
                        old=self._number(key, old),
                        new=self._number(key, new),
                    )
                    for key, old, new in change["details"]
                )
            else:
                details = Markup("{} × {}").format(
                    self._number("quantity", line.get("quantity")),
                    self._number("price_unit", line.get("price_unit")),
                )
            rows += Markup(
                '<tr class="o_adv_change_{kind}"><td>{label}</td><td>{change}</td><td>{details}</td></tr>'
            ).format(
                kind=change["change"], label=label, change=kinds[change["change"]], details=details
            )
        return Markup(
            '<table class="table table-sm o_adv_changes"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "</tr></thead><tbody>{}</tbody></table>"
        ).format(self.env._("Line"), self.env._("Change"), self.env._("Details"), rows)

    def _number(self, key, value):
        if key in NUMBER_PRECISIONS and isinstance(value, int | float):
            return formatLang(self.env, value, dp=NUMBER_PRECISIONS[key])
        return value

    def _customer_file_values(self):
        """Check the customer file entered in the wizard; the values to write to the customer."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        missing = []
        values = {}
        french = self.partner_id.is_company and self.country_id.code == "FR"
        if french and not self.company_registry:
            missing.append(self.env._("SIREN / SIRET"))
        if self.company_registry:
            values["company_registry"] = Partner._adv_check_company_registry(
                self.company_registry, self.country_id
            )
        vat_required = self.partner_id.is_company and (
            self.country_id.code in Partner._adv_eu_countries()
        )
        if vat_required and not self.vat:
            missing.append(self.env._("VAT Number"))
        if self.vat:
            values["vat"] = Partner._adv_check_vat(
                self.vat,
                self.country_id,
                siren=values.get("company_registry") if french else None,
                partner_name=self.partner_id.name,
            )
        for fname in ("street", "zip", "city", "country_id"):
            if not self[fname]:
                missing.append(self._fields[fname].get_description(self.env)["string"])
        if not self.payment_term_id:
            missing.append(self.env._("Payment Term"))
        if self.needs_payment_method and not self.payment_method_line_id:
            missing.append(self.env._("Payment Method"))
        if missing:
            raise UserError(
                self.env._(
                    "Complete the customer file first: %(fields)s.", fields=", ".join(missing)
                )
            )
        code = (self.customer_code or "").strip()
        if code and self.partner_id._adv_customer_code_taken(code, self.company_id):
            raise ValidationError(
                self.env._(
                    "The customer account code %(code)s is already used by another customer.",
                    code=code,
                )
            )
        values.update(
            {
                "street": self.street,
                "street2": self.street2,
                "zip": self.zip,
                "city": self.city,
                "country_id": self.country_id.id,
                "property_payment_term_id": self.payment_term_id.id,
                "property_inbound_payment_method_line_id": self.payment_method_line_id.id,
                "ref": code or self.partner_id._adv_next_customer_code(self.company_id),
            }
        )
        return values

    def _log_accepted_changes(self, prefix):
        self.order_id.message_post(
            body=Markup("<p>{}</p>{}").format(prefix, self.changes_html or ""),
            subtype_xmlid="mail.mt_note",
        )

    def _check_order(self):
        """The step acts on its order, for a user who may change it, in his companies."""
        self.ensure_one()
        order = self.order_id
        order.check_access("write")
        if order.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot confirm an order of %(company)s.", company=order.company_id.name
                )
            )
        if order.state not in ("draft", "sent"):
            raise UserError(self.env._("This order is not a quote waiting for confirmation."))
        return order

    def _write_customer_file(self, order, values):
        """Write the checked customer file to the order's own customer, and only to it.

        Salesmen may not edit contacts in Odoo: the file is written for them, as narrowly as
        possible (the fields of the file that changed), once the customer is checked to be an
        outside customer of the order's company that the user can see."""
        partner = order.partner_id.commercial_partner_id
        partner.check_access("read")
        if partner.company_id and partner.company_id != order.company_id:
            raise AccessError(
                self.env._(
                    "%(customer)s belongs to another company: its customer file cannot be "
                    "completed from this order.",
                    customer=partner.display_name,
                )
            )
        partner_sudo = partner.sudo().with_company(order.company_id)
        companies = self.env["res.company"].sudo().search([])
        if partner in companies.partner_id or partner_sudo.user_ids.filtered(lambda u: not u.share):
            raise UserError(
                self.env._(
                    "%(customer)s is one of your companies or users, not a customer: its file "
                    "is not completed from an order.",
                    customer=partner.display_name,
                )
            )
        changed = {}
        for fname, value in values.items():
            current = partner_sudo[fname]
            current = current.id if isinstance(current, models.BaseModel) else current
            if current != value and (value or current):
                changed[fname] = value
        if changed:
            partner_sudo.write(changed)

    def action_confirm(self):
        self.ensure_one()
        order = self._check_order()
        problems = order._adv_gate_problems()
        if "risk" in problems:
            raise UserError(
                self.env._(
                    "%(message)s The order cannot be confirmed: a risk manager may confirm it "
                    "anyway, with a reason.",
                    message=problems["risk"],
                )
            )
        last = order._adv_last_version()
        if "changes" in problems and not self.accept_changes:
            raise UserError(
                self.env._(
                    "The quote was changed since the customer received %(version)s: send the new "
                    "version, or tick that the customer accepted these changes.",
                    version=last.display_name,
                )
            )
        if "customer_file" in problems:
            values = self._customer_file_values()
            self._write_customer_file(order, values)
            order.message_post(
                body=self.env._(
                    "Customer file completed for the first order (account code %(code)s).",
                    code=values["ref"],
                ),
                subtype_xmlid="mail.mt_note",
            )
        if "changes" in problems:
            self._log_accepted_changes(
                self.env._(
                    "The customer accepted these changes since %(version)s:",
                    version=last.display_name,
                )
            )
            # what the customer accepted is the version the order is confirmed on
            order._adv_new_versions("accepted", fields.Datetime.now())
        risk = order._adv_risk_problem()
        if risk:
            order.message_post(
                body=self.env._("Confirmed despite the customer risk: %(message)s", message=risk),
                subtype_xmlid="mail.mt_note",
            )
        return self._confirm_order(order)

    def action_force_confirm(self):
        self.ensure_one()
        order = self._check_order()
        problems = order._adv_gate_problems()
        order._adv_record_override(list(problems), self.force_reason)
        body = Markup("<p>{}</p><p>{}</p>").format(
            self.env._("Order confirmed anyway by %(user)s.", user=self.env.user.name),
            self.env._("Reason: %(reason)s", reason=self.force_reason),
        )
        for code, message in problems.items():
            if code == "changes":
                body += Markup("<p>{}</p>{}").format(message, self.changes_html or "")
            else:
                body += Markup("<p>{}</p>").format(message)
        order.message_post(body=body, subtype_xmlid="mail.mt_note")
        return self._confirm_order(order)

    def action_send_new_version(self):
        self.ensure_one()
        return self.order_id.action_quotation_send()

    def _confirm_order(self, order):
        order.action_confirm()
        return {"type": "ir.actions.act_window_close"}
