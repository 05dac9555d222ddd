from odoo import api, fields, models
from odoo.tools import formatLang

ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")


# the legal mentions, apart from the customer file and the reminders of the same model
# pylint: disable=consider-merging-classes-inherited
class AccountMove(models.Model):
    """The mentions of a French invoice that Odoo does not print: the nature of the operation
    and the delivery address (CGI annex II art. 242 nonies A, decree 2022-1299), the public
    buyer's Chorus Pro references, the late-penalty rate of the due date's half-year."""

    _inherit = "account.move"

    adv_operation_nature = fields.Selection(
        [
            ("goods", "Delivery of goods"),
            ("services", "Provision of services"),
            ("both", "Delivery of goods and provision of services"),
        ],
        string="Nature of the Operation",
        compute="_compute_adv_operation_nature",
        help="From the invoiced products: goods, services or both (printed on French invoices "
        "and written in the Factur-X file).",
    )
    adv_public_buyer = fields.Selection(related="commercial_partner_id.adv_public_buyer")
    adv_chorus_service_code = fields.Char(
        string="Chorus Pro Service Code",
        compute="_compute_adv_chorus_service_code",
        store=True,
        readonly=False,
        copy=False,
        help="The public buyer's service that receives the invoice in Chorus Pro (code service).",
    )
    adv_chorus_commitment = fields.Char(
        string="Commitment Number",
        copy=False,
        help="The public buyer's legal commitment number (numéro d'engagement juridique, "
        "purchase order) that Chorus Pro asks for; the customer reference when empty.",
    )

    @api.depends("invoice_line_ids.product_id.type", "invoice_line_ids.display_type")
    def _compute_adv_operation_nature(self):
        for move in self:
            types = {
                "services" if line.product_id.type == "service" else "goods"
                for line in move.invoice_line_ids
                if line.display_type == "product" and line.product_id
            }
            move.adv_operation_nature = (
                "both" if len(types) == 2 else (types.pop() if types else False)
            )

    @api.depends("partner_id")
    def _compute_adv_chorus_service_code(self):
        for move in self:
            if not move.adv_chorus_service_code:
                move.adv_chorus_service_code = move.commercial_partner_id.adv_chorus_service_code

    def _adv_is_french(self):
        self.ensure_one()
        return self.company_id.country_id.code == "FR"

    def _adv_delivery_address_differs(self):
        """Whether the goods or services go to another address than the billing one."""
        self.ensure_one()
        shipping = self.partner_shipping_id
        return bool(shipping) and any(
            shipping[name] != self.partner_id[name] for name in ADDRESS_FIELDS
        )

    def _adv_late_penalty_rate(self):
        """The late-penalty rate of this invoice: the ECB rate of its due date's half-year
        plus the company's points (8 for a public buyer)."""
        self.ensure_one()
        return self.company_id._adv_late_penalty_rate(
            self.commercial_partner_id, self.invoice_date_due or self.invoice_date
        )

    def _adv_chorus_commitment(self):
        self.ensure_one()
        return self.adv_chorus_commitment or self.ref or False

    def _adv_facturx_payment_notes(self):
        """The notes of a French B2B invoice for its Factur-X file, as (subject code, text):
        late penalties (PMD), the €40 fixed indemnity (PMT), the early-payment discount (AAB)
        and the option for VAT on debits (TXD), in the context's language."""
        self.ensure_one()
        company = self.company_id
        rate = formatLang(self.env, self._adv_late_penalty_rate(), digits=2)
        if self.commercial_partner_id.adv_public_buyer:
            penalties = self.env._(
                "Late-payment interest: %(rate)s %% per year (ECB refinancing rate + 8 points), "
                "due from the day after the due date (Code de la commande publique, article "
                "R2192-31).",
                rate=rate,
            )
            indemnity = self.env._(
                "Fixed indemnity for recovery costs in case of late payment: €40 (Code de la "
                "commande publique, article D2192-35)."
            )
        else:
            penalties = self.env._(
                "Late-payment penalties: %(rate)s %% per year (ECB refinancing rate + %(points)s "
                "points), due from the day after the due date without a reminder being "
                "necessary.",
                rate=rate,
                points=f"{company.adv_late_penalty_points:g}",
            )
            indemnity = self.env._(
                "Fixed indemnity for recovery costs in case of late payment: €40 (Code de "
                "commerce, articles L441-10 and D441-5)."
            )
        term = self.invoice_payment_term_id
        discount = (
            self.env._(
                "Discount for early payment: %(percent)s %% if paid within %(days)s days.",
                percent=formatLang(self.env, term.discount_percentage, digits=2),
                days=term.discount_days,
            )
            if term.early_discount
            else self.env._("No discount for early payment.")
        )
        notes = [("PMD", penalties), ("PMT", indemnity), ("AAB", discount)]
        if company.adv_vat_on_debits:
            notes.append(("TXD", self.env._("Option for paying the tax on debits")))
        return notes
