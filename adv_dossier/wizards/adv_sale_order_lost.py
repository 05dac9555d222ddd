from odoo import fields, models


class AdvSaleOrderLost(models.TransientModel):
    _name = "adv.sale.order.lost"
    _description = "Mark Quotes as Lost"

    order_ids = fields.Many2many("sale.order", string="Quotes", required=True)
    lost_reason_id = fields.Many2one("adv.lost.reason", string="Reason", required=True)
    comment = fields.Text(help="What the customer said, the competitor chosen...")

    def action_mark_lost(self):
        self.ensure_one()
        self.order_ids._adv_mark_lost(self.lost_reason_id, self.comment)
        return {"type": "ir.actions.act_window_close"}
