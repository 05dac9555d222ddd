import re

from odoo import api, fields, models

# Code de la commande publique L2192-10, R2192-10 and R2192-11: maximum payment terms
PUBLIC_BUYER_MAX_DAYS = {"authority": 30, "hospital": 50, "undertaking": 60}

# words of a public hospital's name (SIREN 26... are public health establishments)
HOSPITAL_WORDS = ("centre hospitalier", "chu ", "chr ", "hôpital", "hopital", "ehpad public")


# the legal mentions, apart from the customer file and the reminders of the same model
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    _inherit = "res.partner"

    adv_public_buyer = fields.Selection(
        [
            ("authority", "State or local authority (30 days)"),
            ("hospital", "Public hospital (50 days)"),
            ("undertaking", "Public undertaking (60 days)"),
        ],
        string="Public Buyer",
        compute="_compute_adv_public_buyer",
        store=True,
        readonly=False,
        help="A public buyer (acheteur public) pays within 30 days (50 for public hospitals, "
        "60 for public undertakings), owes late interest at the ECB rate + 8 points and €40 "
        "per late invoice (Code de la commande publique L2192-10, R2192-31, D2192-35), and "
        "receives its invoices through Chorus Pro. Proposed from the SIREN: public-law "
        "entities' numbers start with 1 or 2.",
    )
    adv_chorus_service_code = fields.Char(
        string="Chorus Pro Service Code",
        help="The public buyer's service (code service) that receives its invoices in Chorus "
        "Pro, proposed on its invoices.",
    )

    @api.depends("company_registry", "vat", "is_company", "name")
    def _compute_adv_public_buyer(self):
        for partner in self:
            if partner.adv_public_buyer or not partner.is_company:
                continue
            siren = partner._adv_siren()
            if not siren or siren[0] not in "12":
                continue
            name = f"{(partner.name or '').lower()} "
            if siren.startswith("26") or any(word in name for word in HOSPITAL_WORDS):
                partner.adv_public_buyer = "hospital"
            else:
                partner.adv_public_buyer = "authority"

    def _adv_siren(self):
        """The 9-digit SIREN of a French company: from its SIRET or SIREN (company registry),
        else from its French VAT number (FR + 2 check digits + SIREN). Empty if none."""
        self.ensure_one()
        partner = self.commercial_partner_id
        digits = re.sub(r"\s", "", partner.company_registry or "")
        if digits.isdigit() and len(digits) in (9, 14):
            return digits[:9]
        vat = re.sub(r"\s", "", partner.vat or "").upper()
        if vat.startswith("FR") and len(vat) == 13 and vat[4:].isdigit():
            return vat[4:]
        return ""

    def _adv_siret(self):
        """The 14-digit SIRET of the company registry, empty if it holds none."""
        self.ensure_one()
        digits = re.sub(r"\s", "", self.commercial_partner_id.company_registry or "")
        return digits if digits.isdigit() and len(digits) == 14 else ""

    def _adv_max_payment_days(self):
        """The legal maximum payment term of a public buyer in days, else False."""
        self.ensure_one()
        return PUBLIC_BUYER_MAX_DAYS.get(self.commercial_partner_id.adv_public_buyer, False)
