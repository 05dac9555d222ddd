from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    adv_dossier_alias_name = fields.Char(
        string="Dossier Alias",
        compute="_compute_adv_dossier_alias_name",
        readonly=False,
        store=True,
        help="An e-mail sent to this address opens a dossier, e.g. devis@your-company.fr.",
    )
    adv_dossier_alias_domain = fields.Char(related="company_id.alias_domain_id.name")
    adv_dossier_alias_contact = fields.Selection(
        [
            ("everyone", "Everyone"),
            ("partners", "Known contacts only"),
            ("followers", "Followers of a dossier only"),
        ],
        string="Accept Requests From",
        compute="_compute_adv_dossier_alias_name",
        readonly=False,
        store=True,
        help="Everyone; only senders who are already contacts; only contacts who follow a "
        "dossier of the company. Other senders get Odoo's bounce message.",
    )
    adv_followup_days = fields.Integer(related="company_id.adv_followup_days", readonly=False)
    adv_lost_after_days = fields.Integer(related="company_id.adv_lost_after_days", readonly=False)
    adv_default_payment_term_id = fields.Many2one(
        related="company_id.adv_default_payment_term_id", readonly=False
    )
    adv_order_numbering = fields.Boolean(related="company_id.adv_order_numbering", readonly=False)
    adv_quote_numbering = fields.Boolean(related="company_id.adv_quote_numbering", readonly=False)
    adv_confirm_checks = fields.Boolean(related="company_id.adv_confirm_checks", readonly=False)
    group_adv_risk_amounts_salesman = fields.Boolean(
        string="Salespeople See the Risk Amounts",
        implied_group="adv_dossier.group_adv_risk_amounts",
        group="sales_team.group_sale_salesman",
    )
    adv_ecb_rate = fields.Float(related="company_id.adv_ecb_rate", readonly=False)
    adv_ecb_rate_missing = fields.Char(related="company_id.adv_ecb_rate_missing")
    adv_vat_on_debits = fields.Boolean(related="company_id.adv_vat_on_debits", readonly=False)
    adv_reminder_auto_send = fields.Boolean(
        related="company_id.adv_reminder_auto_send", readonly=False
    )
    adv_late_penalty_points = fields.Float(
        related="company_id.adv_late_penalty_points", readonly=False
    )
    adv_company_partner_id = fields.Many2one(related="company_id.partner_id")
    adv_reminder_sender_id = fields.Many2one(
        related="company_id.adv_reminder_sender_id", readonly=False
    )
    adv_penalty_account_id = fields.Many2one(
        related="company_id.adv_penalty_account_id", readonly=False
    )
    adv_indemnity_per_instalment = fields.Boolean(
        related="company_id.adv_indemnity_per_instalment", readonly=False
    )
    adv_risk_watch_days = fields.Integer(
        related="company_id.adv_risk_watch_days",
        readonly=False,
        groups="adv_dossier.group_adv_risk_manager",
    )
    adv_risk_high_days = fields.Integer(
        related="company_id.adv_risk_high_days",
        readonly=False,
        groups="adv_dossier.group_adv_risk_manager",
    )
    adv_risk_blocked_days = fields.Integer(
        related="company_id.adv_risk_blocked_days",
        readonly=False,
        groups="adv_dossier.group_adv_risk_manager",
    )
    adv_risk_blocked_ratio = fields.Float(
        related="company_id.adv_risk_blocked_ratio",
        readonly=False,
        groups="adv_dossier.group_adv_risk_manager",
    )
    adv_risk_gate = fields.Selection(
        related="company_id.adv_risk_gate",
        readonly=False,
        groups="adv_dossier.group_adv_risk_manager",
    )
    adv_risk_gate_invoice = fields.Boolean(
        related="company_id.adv_risk_gate_invoice",
        readonly=False,
        groups="adv_dossier.group_adv_risk_manager",
    )
    adv_risk_user_id = fields.Many2one(
        related="company_id.adv_risk_user_id",
        readonly=False,
        groups="adv_dossier.group_adv_risk_manager",
    )

    @api.depends("company_id")
    def _compute_adv_dossier_alias_name(self):
        for settings in self:
            alias = settings.company_id.sudo().adv_dossier_alias_id
            settings.adv_dossier_alias_name = alias.alias_name
            settings.adv_dossier_alias_contact = alias.alias_contact or "everyone"

    def set_values(self):
        res = super().set_values()
        company = self.company_id
        if (company.sudo().adv_dossier_alias_id.alias_name or False) != (
            self.adv_dossier_alias_name or False
        ):
            company._adv_set_dossier_alias(self.adv_dossier_alias_name)
        alias = company.sudo().adv_dossier_alias_id
        if alias and alias.alias_contact != self.adv_dossier_alias_contact:
            alias.alias_contact = self.adv_dossier_alias_contact or "everyone"
        return res
