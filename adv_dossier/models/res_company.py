from odoo import fields
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    adv_dossier_sequence_id = fields.Many2one("ir.sequence", string="Dossier Numbering", copy=False)
    adv_dossier_alias_id = fields.Many2one(
        "mail.alias", string="Dossier E-mail Alias", copy=False, ondelete="set null"
    )

    def _adv_dossier_sequence(self):
        """The company's own dossier sequence, created the first time it is needed."""
        self.ensure_one()
        if not self.adv_dossier_sequence_id:
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Dossiers (%s)", self.name),
                        "code": "adv.dossier",
                        "prefix": "DOS/%(range_year)s/",
                        "padding": 5,
                        "use_date_range": True,
                        "company_id": self.id,
                    }
                )
            )
            self.sudo().adv_dossier_sequence_id = sequence
        return self.adv_dossier_sequence_id.sudo()

    def _adv_set_dossier_alias(self, alias_name):
        """Create, rename or remove the e-mail alias that opens dossiers."""
        self.ensure_one()
        alias = self.sudo().adv_dossier_alias_id
        if not alias_name:
            if alias:
                self.sudo().adv_dossier_alias_id = False
                alias.unlink()
            return
        values = {"alias_name": alias_name, "alias_domain_id": self.alias_domain_id.id}
        if alias:
            alias.write(values)
            return
        alias = (
            self.env["mail.alias"]
            .sudo()
            .create(
                {
                    **values,
                    "alias_model_id": self.env["ir.model"]._get_id("adv.dossier"),
                    "alias_defaults": repr({"company_id": self.id}),
                    "alias_contact": "everyone",
                }
            )
        )
        self.sudo().adv_dossier_alias_id = alias
