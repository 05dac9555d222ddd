from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# the steps of the process, in order, that have a tray of their own (technical code); the
# intake tray "to_qualify" and the closed trays "won" and "lost" stand apart
PROCESS_STEPS = (
    "request",
    "awaiting_order",
    "order_to_do",
    "to_deliver",
    "to_invoice",
    "awaiting_payment",
    "reminder",
)


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
        readonly=True,
        help="Set by the add-on on the trays the process moves dossiers into by itself "
        "(e.g. awaiting_order); your own trays have none. Rename, reorder or fold these trays "
        "freely: the process finds them by this code.",
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

    @api.constrains("code", "is_won", "is_lost")
    def _check_process_outcome(self):
        for stage in self.filtered("code"):
            if (stage.code == "won") != stage.is_won or (stage.code == "lost") != stage.is_lost:
                raise ValidationError(
                    self.env._(
                        "%(tray)s is a tray of the process: whether it closes the dossiers "
                        "(won or lost) cannot change. Add a tray of your own instead.",
                        tray=stage.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("code") for vals in vals_list):
            self._check_code_change()
        return super().create(vals_list)

    def write(self, vals):
        if "code" in vals and any(
            (stage.code or False) != (vals["code"] or False) for stage in self
        ):
            self._check_code_change()
        return super().write(vals)

    def _check_code_change(self):
        """The technical codes are the add-on's: the process finds its trays by them."""
        if not self.env.su:
            raise UserError(
                self.env._(
                    "The technical code of a tray is set by the add-on: the process moves the "
                    "dossiers into its trays by this code. Rename or reorder the tray instead."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_last_closed_tray(self):
        others = self.search(
            [("id", "not in", self.ids), "|", ("is_won", "=", True), ("is_lost", "=", True)]
        )
        if self.filtered("is_won") and not others.filtered("is_won"):
            raise UserError(
                self.env._(
                    "Keep at least one closed won tray: the process closes the won dossiers there."
                )
            )
        if self.filtered("is_lost") and not others.filtered("is_lost"):
            raise UserError(
                self.env._(
                    "Keep at least one closed lost tray: the process files the lost dossiers there."
                )
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
        """The tray the process moves dossiers into for ``code`` (may be empty).

        A manager may delete a tray of the process: its dossiers then wait in the tray of the
        step before (a dossier to deliver stays in "Order to do"), and the closed ones go to
        any closed won / lost tray, as crm's won and lost flags do."""
        stage = self.search([("code", "=", code)], limit=1)
        if stage:
            return stage
        if code in ("won", "lost"):
            return self.search([(f"is_{code}", "=", True)], order="sequence, id", limit=1)
        if code not in PROCESS_STEPS:
            return stage
        earlier = PROCESS_STEPS[: PROCESS_STEPS.index(code)]
        stages = {s.code: s for s in self.search([("code", "in", earlier)])}
        return next((stages[c] for c in reversed(earlier) if c in stages), stage)
