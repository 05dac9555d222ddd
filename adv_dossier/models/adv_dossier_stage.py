from odoo import api, fields, models


class AdvDossierStage(models.Model):
    _name = "adv.dossier.stage"
    _description = "Dossier Tray"
    _order = "sequence, id"

    name = fields.Char(string="Tray", required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(
        string="Folded on the Board",
        help="This tray is folded on the board when it holds no dossier to show.",
    )
    is_won = fields.Boolean(
        string="Closed Won", help="Dossiers in this tray are closed: the project was won."
    )
    is_lost = fields.Boolean(
        string="Closed Lost", help="Dossiers in this tray are closed: the project was lost."
    )
    description = fields.Text(
        translate=True,
        help="What a dossier in this tray waits for; shown as a tooltip on the board.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail on Entering",
        domain=[("model", "=", "adv.dossier")],
        help="If set, this e-mail is sent to the customer contact when a dossier enters the tray.",
    )
    code = fields.Char(
        string="Technical Code",
        copy=False,
        help="Stable code of the trays the process moves dossiers into by itself "
        "(e.g. awaiting_order). Leave empty for your own trays.",
    )
    rotting_threshold_days = fields.Integer(
        string="Days to Go Stale",
        default=0,
        help="A dossier staying longer than this in the tray is highlighted as stale. "
        "0 disables it.",
    )
    dossier_count = fields.Integer(compute="_compute_dossier_count", string="Dossiers")

    _code_unique = models.UniqueIndex(
        "(code) WHERE code IS NOT NULL", "Two trays cannot have the same technical code."
    )
    _won_xor_lost = models.Constraint(
        "CHECK(NOT (is_won AND is_lost))", "A tray cannot be both closed won and closed lost."
    )

    @api.depends_context("uid")
    def _compute_dossier_count(self):
        counts = dict(
            self.env["adv.dossier"]._read_group(
                [("stage_id", "in", self.ids)], ["stage_id"], ["__count"]
            )
        )
        for stage in self:
            stage.dossier_count = counts.get(stage, 0)

    @api.model
    def _get_by_code(self, code):
        """The tray the process moves dossiers into for ``code`` (may be empty)."""
        return self.search([("code", "=", code)], limit=1)
