from odoo import fields, models


class AdvLostReason(models.Model):
    _name = "adv.lost.reason"
    _description = "Quote Lost Reason"
    _order = "sequence, id"

    name = fields.Char(string="Reason", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    code = fields.Char(
        string="Technical Code", copy=False, help="Used by the process, e.g. no_answer."
    )
