from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    adv_sage_export_move_ids = fields.One2many(
        "adv.sage.export.move", "move_id", string="Sage Exports of the Entry", readonly=True
    )
    adv_sage_export_id = fields.Many2one(
        "adv.sage.export",
        string="Sage Export",
        compute="_compute_adv_sage_export_id",
        search="_search_adv_sage_export_id",
        help="The export that sent this entry to Sage. It is exported once; cancelling that "
        "export makes it exportable again.",
    )

    @api.depends("adv_sage_export_move_ids.current")
    def _compute_adv_sage_export_id(self):
        for move in self:
            current = move.sudo().adv_sage_export_move_ids.filtered("current")
            move.adv_sage_export_id = current.export_id[:1]

    def _search_adv_sage_export_id(self, operator, value):
        return [
            (
                "adv_sage_export_move_ids",
                "any",
                [("current", "=", True), ("export_id", operator, value)],
            )
        ]

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
                    export=", ".join(exported.sudo().adv_sage_export_id.mapped("name")),
                )
            )
