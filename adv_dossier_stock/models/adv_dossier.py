from odoo import models


class AdvDossier(models.Model):
    _inherit = "adv.dossier"

    def _adv_delivery_state(self):
        """Deliveries of the dossier's confirmed orders: none, pending, started or done."""
        self.ensure_one()
        pickings = self.order_ids.filtered(lambda o: o.state == "sale").picking_ids.filtered(
            lambda p: p.state != "cancel" and p.picking_type_code == "outgoing"
        )
        if not pickings:
            return "none"
        if all(picking.state == "done" for picking in pickings):
            return "done"
        if any(picking.state == "done" for picking in pickings):
            return "started"
        return "pending"
