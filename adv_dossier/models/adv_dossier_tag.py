from random import randint

from odoo import fields, models


class AdvDossierTag(models.Model):
    _name = "adv.dossier.tag"
    _description = "Dossier Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: randint(1, 11))

    _name_unique = models.Constraint("UNIQUE(name)", "A tag with this name already exists.")
