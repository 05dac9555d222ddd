from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    adv_sage_account_digits = fields.Integer(
        string="Sage Account Length",
        default=0,
        help="Length of the general accounts in Sage: Odoo's account codes are completed with "
        "zeros on the right (411100 -> 41110000 with 8). 0: written as in Odoo.",
    )
    adv_sage_payment_method = fields.Integer(
        string="Sage Payment Method",
        default=1,
        help="Position of the customers' payment method in Sage's table of payment methods "
        "(1 = the first one, often bank transfer): written with the payment terms of the "
        "customers and on the due lines of the entries.",
    )
