from odoo import api
from odoo import fields
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

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

    @api.onchange("dossier_id")
    def _onchange_dossier_id(self):
        dossier = self.dossier_id
        if dossier and not self.partner_id and dossier.partner_id:
            self.partner_id = dossier.partner_id
        if dossier and not self.client_order_ref and dossier.customer_ref:
            self.client_order_ref = dossier.customer_ref

    def action_open_adv_dossier(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "adv.dossier",
            "res_id": self.dossier_id.id,
            "view_mode": "form",
        }
