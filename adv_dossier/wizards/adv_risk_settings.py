from odoo import api, fields, models
from odoo.exceptions import AccessError

RISK_SETTINGS = (
    "adv_risk_watch_days",
    "adv_risk_high_days",
    "adv_risk_blocked_days",
    "adv_risk_blocked_ratio",
    "adv_risk_gate",
    "adv_risk_gate_invoice",
    "adv_risk_user_id",
)


class AdvRiskSettings(models.TransientModel):
    """The customer risk thresholds of a company, for risk managers who are not administrators."""

    _name = "adv.risk.settings"
    _description = "Customer Risk Settings"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    adv_risk_watch_days = fields.Integer(string="Watch From (days overdue)")
    adv_risk_high_days = fields.Integer(string="High From (days overdue)")
    adv_risk_blocked_days = fields.Integer(string="Blocked From (days overdue)")
    adv_risk_blocked_ratio = fields.Float(string="Blocked Above (% of the credit limit)")
    adv_risk_gate = fields.Selection(
        [("none", "Nothing"), ("warn", "Warn"), ("block", "Block")],
        string="Customer Risk at Order Confirmation",
        required=True,
        default="warn",
    )
    adv_risk_gate_invoice = fields.Boolean(string="Also at Invoice Posting")
    adv_risk_user_id = fields.Many2one(
        "res.users",
        string="Risk Manager to Ask",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Who gets the activity when an order signed or paid online waits for the customer "
        "risk (the salesperson when empty).",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        company._adv_check_user_company()
        settings = company.sudo()
        for fname in RISK_SETTINGS:
            if fname in fields_list:
                value = settings[fname]
                values[fname] = value.id if isinstance(value, models.BaseModel) else value
        return values

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("adv_dossier.group_adv_risk_manager"):
            raise AccessError(self.env._("Only a risk manager changes the customer risk settings."))
        self.company_id._adv_check_user_company()
        # risk managers are not administrators: the checked values are written for them
        values = {fname: self[fname] for fname in RISK_SETTINGS}
        values["adv_risk_user_id"] = self.adv_risk_user_id.id
        self.company_id.sudo().write(values)
        return {"type": "ir.actions.act_window_close"}
