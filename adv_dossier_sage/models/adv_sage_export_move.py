from odoo import fields, models


class AdvSageExportMove(models.Model):
    """An entry sent to Sage by an export. The link stays when the export is cancelled (the
    export keeps what it held), but is no longer current: an entry has at most one current
    export, which the database enforces."""

    _name = "adv.sage.export.move"
    _description = "Entry of an Export to Sage"
    _log_access = False

    export_id = fields.Many2one(
        "adv.sage.export", required=True, ondelete="cascade", index=True, readonly=True
    )
    move_id = fields.Many2one(
        "account.move",
        string="Entry",
        required=True,
        ondelete="restrict",
        index=True,
        readonly=True,
    )
    current = fields.Boolean(default=True, readonly=True)
    company_id = fields.Many2one(related="export_id.company_id")

    _move_once = models.UniqueIndex(
        "(move_id) WHERE current", "An entry is sent to Sage by one export only."
    )
