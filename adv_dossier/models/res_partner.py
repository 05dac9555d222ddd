from odoo import fields
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    adv_dossier_ids = fields.One2many("adv.dossier", "commercial_partner_id", string="Dossiers")
    adv_dossier_count = fields.Integer(compute="_compute_adv_dossier_count", string="Dossier Count")

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
