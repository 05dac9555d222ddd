from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        self.sale_id.dossier_id._adv_sync_follow_up()
        return res
