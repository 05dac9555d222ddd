from odoo import fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    adv_sage_export_id = fields.Many2one(
        "adv.sage.export",
        string="Sage Export",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The export that sent this entry to Sage. It is exported once; cancelling that "
        "export makes it exportable again.",
    )

    def write(self, vals):
        if vals.get("state") == "draft":
            self._adv_check_not_exported()
        return super().write(vals)

    def _adv_check_not_exported(self):
        exported = self.filtered("adv_sage_export_id")
        if exported:
            raise UserError(
                self.env._(
                    "%(entries)s was sent to Sage by the export %(export)s: it cannot be reset "
                    "to draft. Cancel that export first (Invoicing > Sage and FEC > Sage Exports).",
                    entries=", ".join(exported.mapped("name")),
                    export=", ".join(exported.adv_sage_export_id.mapped("name")),
                )
            )
