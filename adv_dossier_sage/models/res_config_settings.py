from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    adv_sage_account_digits = fields.Integer(
        related="company_id.adv_sage_account_digits", readonly=False
    )
    adv_sage_payment_method = fields.Integer(
        related="company_id.adv_sage_payment_method", readonly=False
    )
