from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva
from stdnum.util import get_cc_module

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    adv_dossier_ids = fields.One2many("adv.dossier", "commercial_partner_id", string="Dossiers")
    adv_dossier_count = fields.Integer(compute="_compute_adv_dossier_count", string="Dossier Count")
    adv_no_reminder = fields.Boolean(
        string="No Payment Reminder", help="Never send payment reminders to this customer."
    )
    adv_reminder_count = fields.Integer(
        compute="_compute_adv_reminder_count", string="Reminder Count"
    )
    adv_customer_state = fields.Selection(
        [("prospect", "Prospect"), ("customer", "Customer")],
        string="Customer Status",
        compute="_compute_adv_customer_state",
        search="_search_adv_customer_state",
        help="A partner is a prospect until its first confirmed order (or posted invoice).",
    )

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------
    def _compute_adv_dossier_count(self):
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["adv.dossier"]
            .with_context(active_test=False)
            ._read_group(
                [("commercial_partner_id", "in", commercial.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.adv_dossier_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_adv_reminder_count(self):
        counts = dict(
            self.env["adv.reminder"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "in", ("queued", "sent", "to_print")),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.adv_reminder_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_adv_reminders(self):
        self.ensure_one()
        return self.env["adv.reminder"]._action_open(
            [("partner_id", "=", self.commercial_partner_id.id)]
        )

    def action_adv_invoice_penalties(self):
        """Invoice the customer's late-payment penalties not billed yet: its invoices overdue
        now and those reminded and paid late (see adv.late.penalty)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        company = self.env.company
        moves = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                "|",
                ("payment_state", "in", ("not_paid", "partial")),
                ("adv_reminder_line_ids", "!=", False),
            ]
        )
        invoices = self.env["adv.late.penalty"]._invoice_penalties(partner, company, moves)
        return invoices._get_records_action()

    def _adv_customer_ids(self, commercial_ids):
        """Those of ``commercial_ids`` with at least one confirmed order or posted customer
        invoice (any company)."""
        order_domain = Domain("state", "=", "sale") & Domain(
            "partner_id.commercial_partner_id", "in", commercial_ids
        )
        invoice_domain = (
            Domain("state", "=", "posted")
            & Domain("move_type", "in", ("out_invoice", "out_refund"))
            & Domain("commercial_partner_id", "in", commercial_ids)
        )
        orders = self.env["sale.order"].sudo()._read_group(order_domain, ["partner_id"])
        invoices = (
            self.env["account.move"].sudo()._read_group(invoice_domain, ["commercial_partner_id"])
        )
        return {partner.commercial_partner_id.id for (partner,) in orders} | {
            partner.id for (partner,) in invoices
        }

    @api.depends("commercial_partner_id")
    def _compute_adv_customer_state(self):
        customers = self._adv_customer_ids(self.commercial_partner_id.ids)
        for partner in self:
            partner.adv_customer_state = (
                "customer" if partner.commercial_partner_id.id in customers else "prospect"
            )

    def _search_adv_customer_state(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        wanted = set(value) & {"customer", "prospect"}
        if operator == "not in":
            wanted = {"customer", "prospect"} - wanted
        if not wanted:
            return Domain.FALSE
        if len(wanted) == 2:
            return Domain.TRUE
        # the probes read the database
        self.env["sale.order"].flush_model(["state", "partner_id"])
        self.env["account.move"].flush_model(["state", "move_type", "commercial_partner_id"])
        self.flush_model(["commercial_partner_id"])
        return self._adv_customer_domain(customer="customer" in wanted)

    @api.model
    def _adv_customer_domain(self, customer=True):
        """The partners whose company has (``customer``) or has not a confirmed order or a
        posted customer invoice, by the indexes of the confirmed orders and posted invoices by
        customer (index-only scans), instead of listing every customer that ever ordered.

        A prospect is two NOT EXISTS probes (anti-joins); a customer, a semi-join on the
        customers of the confirmed orders and posted invoices."""
        orders = SQL(
            """SELECT adv_c.commercial_partner_id
                 FROM sale_order adv_so
                 JOIN res_partner adv_c ON adv_c.id = adv_so.partner_id
                WHERE adv_so.state = 'sale'"""
        )
        invoices = SQL(
            """SELECT adv_m.commercial_partner_id
                 FROM account_move adv_m
                WHERE adv_m.state = 'posted'
                  AND adv_m.move_type IN ('out_invoice', 'out_refund')"""
        )

        def to_sql(model, alias, query):
            commercial = model._field_to_sql(alias, "commercial_partner_id", query)
            if customer:
                return SQL("%s IN (%s UNION ALL %s)", commercial, orders, invoices)
            return SQL(
                """NOT EXISTS (SELECT 1
                                 FROM res_partner adv_c
                                 JOIN sale_order adv_so ON adv_so.partner_id = adv_c.id
                                WHERE adv_c.commercial_partner_id = %(commercial)s
                                  AND adv_so.state = 'sale')
               AND NOT EXISTS (SELECT 1
                                 FROM account_move adv_m
                                WHERE adv_m.commercial_partner_id = %(commercial)s
                                  AND adv_m.state = 'posted'
                                  AND adv_m.move_type IN ('out_invoice', 'out_refund'))""",
                commercial=commercial,
            )

        def predicate(partner):
            found = partner.commercial_partner_id.id in self._adv_customer_ids(
                partner.commercial_partner_id.ids
            )
            return found if customer else not found

        return Domain.custom(to_sql=to_sql, predicate=predicate)

    # ------------------------------------------------------------------
    # Customer file
    # ------------------------------------------------------------------
    def _adv_is_french_company(self):
        self.ensure_one()
        return self.is_company and self.country_id.code == "FR"

    def _adv_customer_file_missing(self, company):
        """What the customer file still lacks before a first order (field names)."""
        self.ensure_one()
        partner = self.with_company(company)
        missing = []
        if partner._adv_is_french_company() and not partner.company_registry:
            missing.append("company_registry")
        if (
            partner.is_company
            and not partner.vat
            and partner.country_id.code in self._adv_eu_countries()
        ):
            missing.append("vat")
        if not (partner.street and partner.zip and partner.city and partner.country_id):
            missing.append("address")
        if not partner.property_payment_term_id:
            missing.append("property_payment_term_id")
        if not partner.property_inbound_payment_method_line_id and partner._adv_inbound_methods(
            company
        ):
            missing.append("property_inbound_payment_method_line_id")
        if not partner.ref:
            missing.append("ref")
        return missing

    def _adv_customer_file_labels(self, missing):
        """The labels of the missing parts of the customer file (see _adv_customer_file_missing)."""
        labels = {
            "company_registry": self.env._("SIREN / SIRET"),
            "vat": self.env._("VAT Number"),
            "address": self.env._("Address"),
            "property_payment_term_id": self.env._("Payment Term"),
            "property_inbound_payment_method_line_id": self.env._("Payment Method"),
            "ref": self.env._("Customer Account Code"),
        }
        return [labels.get(code, code) for code in missing]

    @api.model
    def _adv_eu_countries(self):
        return set(self.env.ref("base.europe").country_ids.mapped("code"))

    @api.model
    def _adv_inbound_methods(self, company):
        return self.env["account.payment.method.line"].search(
            [
                ("payment_type", "=", "inbound"),
                ("journal_id.active", "=", True),
                ("company_id", "parent_of", company.id),
            ]
        )

    @api.model
    def _adv_check_siren_siret(self, number):
        """A French SIREN (9 digits) or SIRET (14 digits) with a valid checksum, compacted."""
        compact = (number or "").replace(" ", "").replace(".", "")
        if len(compact) == 14 and fr_siret.is_valid(compact):
            return compact
        if len(compact) == 9 and fr_siren.is_valid(compact):
            return compact
        raise ValidationError(
            self.env._(
                "%(number)s is not a valid SIREN (9 digits) or SIRET (14 digits): "
                "check the digits, their checksum is wrong.",
                number=number,
            )
        )

    @api.model
    def _adv_check_company_registry(self, number, country):
        """The registry number of a customer company: a French one's SIREN or SIRET, checked
        and compacted; another country's number (BCE, HRB, Companies House...) as entered."""
        if country.code == "FR":
            return self._adv_check_siren_siret(number)
        return (number or "").strip()

    @api.model
    def _adv_check_vat(self, vat, country, siren=None, partner_name=""):
        """A VAT number checked by the rules of ``country``: for France, the FR number of the
        company's SIREN; elsewhere Odoo's own check (base_vat) when installed, else the
        country's python-stdnum module (a country without one, e.g. the United States, keeps
        the number as entered)."""
        vat = (vat or "").strip()
        if not vat:
            return vat
        if country.code == "FR":
            return self._adv_check_french_vat(vat, siren)
        if hasattr(self, "_check_vat_number"):
            # base_vat: the check (and the format) Odoo applies to every VAT number it saves
            return self._run_vat_checks(country, vat, partner_name=partner_name)[0]
        compact = vat
        if vat[:2].upper() in self._adv_eu_vat_prefixes():
            valid = eu_vat.is_valid(vat)
            compact = eu_vat.compact(vat) if valid else vat
        else:
            module = get_cc_module(country.code.lower(), "vat") if country.code else None
            valid = module.is_valid(vat) if module else True
        if not valid:
            raise ValidationError(
                self.env._(
                    "%(vat)s is not a valid VAT number for %(country)s.",
                    vat=vat,
                    country=country.name,
                )
            )
        return compact

    @api.model
    def _adv_eu_vat_prefixes(self):
        # Greece numbers its VAT EL, Northern Ireland XI
        return (self._adv_eu_countries() - {"GR"}) | {"EL", "XI"}

    @api.model
    def _adv_check_french_vat(self, vat, siren=None):
        """A French VAT number (FR + key + SIREN) whose SIREN is the company's."""
        compact = "FR" + fr_tva.compact(vat)
        if not fr_tva.is_valid(compact):
            raise ValidationError(
                self.env._("%(vat)s is not a valid VAT number (e.g. FR 12 345678901).", vat=vat)
            )
        if siren and compact[-9:] != siren[:9]:
            raise ValidationError(
                self.env._(
                    "The VAT number %(vat)s does not match the SIREN %(siren)s.",
                    vat=vat,
                    siren=siren[:9],
                )
            )
        return compact

    def _adv_next_customer_code(self, company):
        """A customer account code (C…) free in ``company``."""
        sequence = company._adv_customer_code_sequence()
        for _attempt in range(1000):
            code = sequence.next_by_id()
            if not self._adv_customer_code_taken(code, company):
                return code
        raise ValidationError(self.env._("No free customer account code: check the numbering."))

    def _adv_customer_code_taken(self, code, company):
        return bool(
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("ref", "=", code),
                    ("commercial_partner_id", "not in", self.commercial_partner_id.ids),
                    ("company_id", "in", [company.id, False]),
                ],
                limit=1,
            )
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_adv_dossiers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("adv_dossier.action_adv_dossier")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_contact_id": self.id if not self.is_company else False,
            "active_test": False,
        }
        return action
