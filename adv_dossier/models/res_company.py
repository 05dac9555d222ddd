from odoo import api, fields, models
from odoo.exceptions import AccessError


class ResCompany(models.Model):
    _inherit = "res.company"

    adv_followup_days = fields.Integer(
        string="Follow Up Quotes After (days)",
        default=15,
        help="Days after a quote was sent before a follow-up activity is scheduled. 0 disables it.",
    )
    adv_lost_after_days = fields.Integer(
        string="Mark Quotes Lost After (days)",
        default=30,
        help="Days after the validity date before an unanswered quote is marked lost "
        "(reason: no answer). 0 never marks them.",
    )
    adv_default_payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Default Customer Payment Term",
        default=lambda self: self.env.ref(
            "account.account_payment_term_45days", raise_if_not_found=False
        ),
        help="Proposed when a prospect's first order completes its customer file.",
    )
    adv_customer_code_sequence_id = fields.Many2one(
        "ir.sequence",
        string="Customer Account Codes",
        copy=False,
        help="Numbering of the customer account codes (C…) written to the customer's reference.",
    )
    adv_order_numbering = fields.Boolean(
        string="Own Order Numbers",
        compute="_compute_adv_order_numbering",
        store=True,
        readonly=False,
        help="At confirmation, the order gets its own number; the quote number stays on it.",
    )
    adv_order_sequence_id = fields.Many2one("ir.sequence", string="Order Numbering", copy=False)
    adv_quote_numbering = fields.Boolean(
        string="Own Quote Numbers",
        compute="_compute_adv_quote_numbering",
        store=True,
        readonly=False,
        help="Quotes are numbered DEV/<year>/00001 per company (instead of Odoo's S00001).",
    )
    adv_quote_sequence_id = fields.Many2one("ir.sequence", string="Quote Numbering", copy=False)
    adv_confirm_checks = fields.Boolean(
        string="Check Orders Before Confirmation",
        compute="_compute_adv_confirm_checks",
        store=True,
        readonly=False,
        help="An order is confirmed only once its customer file is complete (a prospect's "
        "first order) and the customer received the quote as it is (changes since it was sent "
        "accepted), whoever confirms it: a user, an online signature or payment, a program.",
    )

    adv_risk_watch_days = fields.Integer(
        groups="adv_dossier.group_adv_risk_manager",
        string="Watch From (days overdue)",
        default=1,
        help="A customer with an invoice overdue for at least this many days is to watch.",
    )
    adv_risk_high_days = fields.Integer(
        groups="adv_dossier.group_adv_risk_manager",
        string="High From (days overdue)",
        default=30,
        help="A customer with an invoice overdue for at least this many days is a high risk; "
        "so is one whose exposure exceeds its credit limit.",
    )
    adv_risk_blocked_days = fields.Integer(
        groups="adv_dossier.group_adv_risk_manager",
        string="Blocked From (days overdue)",
        default=60,
        help="A customer with an invoice overdue for at least this many days is blocked.",
    )
    adv_risk_blocked_ratio = fields.Float(
        groups="adv_dossier.group_adv_risk_manager",
        string="Blocked Above (% of the credit limit)",
        default=120.0,
        help="A customer whose exposure exceeds this share of its credit limit is blocked.",
    )
    adv_risk_gate = fields.Selection(
        [("none", "Nothing"), ("warn", "Warn"), ("block", "Block")],
        groups="adv_dossier.group_adv_risk_manager",
        string="Customer Risk at Order Confirmation",
        default="warn",
        required=True,
        help="When the exposure with the order exceeds the credit limit, or the customer is "
        "blocked: confirm silently, warn, or block (a risk manager may confirm with a reason).",
    )
    adv_risk_user_id = fields.Many2one(
        "res.users",
        groups="adv_dossier.group_adv_risk_manager",
        string="Risk Manager to Ask",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Who gets the activity when an order signed or paid online waits for the customer "
        "risk (the salesperson when empty).",
    )
    adv_risk_gate_invoice = fields.Boolean(
        groups="adv_dossier.group_adv_risk_manager",
        string="Also at Invoice Posting",
        help="Apply the same check when a customer invoice is posted.",
    )
    adv_reminder_auto_send = fields.Boolean(
        string="Send Reminders Automatically",
        default=True,
        help="The daily scheduled action sends the reminders it prepares; otherwise they wait "
        "in Reminders to Send for an accountant.",
    )
    adv_ecb_rate = fields.Float(
        string="ECB Refinancing Rate (%)",
        default=2.15,
        digits=(5, 2),
        help="The European Central Bank's main refinancing rate of the current half-year.",
    )
    adv_late_penalty_points = fields.Float(
        string="Late Penalty Points",
        default=10.0,
        digits=(5, 2),
        help="Points added to the ECB rate for the late-payment penalties (at least 10 by "
        "default, Code de commerce L441-10).",
    )
    adv_late_penalty_rate = fields.Float(
        string="Late Penalty Rate (%)",
        compute="_compute_adv_late_penalty_rate",
        digits=(5, 2),
    )
    adv_reminder_sender_id = fields.Many2one(
        "res.partner",
        string="Reminders Sent As",
        help="The author of the reminder e-mails, whose address they come from (e.g. the "
        "accounting department's contact); the company itself when empty. Answers come back "
        "into the reminder through the company's e-mail domain.",
    )
    adv_penalty_account_id = fields.Many2one(
        "account.account",
        string="Late Penalty Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="The income account of penalty invoices: 7638 (Revenus des créances diverses) "
        "in the French chart when empty, else the sales journal's income account.",
    )
    adv_indemnity_per_instalment = fields.Boolean(
        string="One Indemnity per Late Instalment",
        help="Bill the EUR 40 fixed recovery indemnity for each late instalment of an invoice "
        "paid in instalments (EU Court of Justice, C-78/22), instead of once per late invoice.",
    )

    adv_dossier_sequence_id = fields.Many2one("ir.sequence", string="Dossier Numbering", copy=False)
    adv_dossier_alias_id = fields.Many2one(
        "mail.alias", string="Dossier E-mail Alias", copy=False, ondelete="set null"
    )

    @api.depends("country_id")
    def _compute_adv_order_numbering(self):
        for company in self:
            if not company.adv_order_numbering:
                company.adv_order_numbering = company.country_id.code == "FR"

    @api.depends("country_id")
    def _compute_adv_quote_numbering(self):
        for company in self:
            if not company.adv_quote_numbering:
                company.adv_quote_numbering = company.country_id.code == "FR"

    @api.depends("country_id")
    def _compute_adv_confirm_checks(self):
        # on by default for French companies: the customer file is French practice
        for company in self:
            if not company.adv_confirm_checks:
                company.adv_confirm_checks = company.country_id.code == "FR"

    @api.depends("adv_ecb_rate", "adv_late_penalty_points")
    def _compute_adv_late_penalty_rate(self):
        for company in self:
            company.adv_late_penalty_rate = company.adv_ecb_rate + company.adv_late_penalty_points

    def _adv_late_penalty_rate(self, partner, due_date):
        """The annual late-payment penalty rate (a percentage) applicable to a due line of
        ``partner`` falling due on ``due_date``. Every penalty of reminders and penalty
        invoices is computed through this method."""
        self.ensure_one()
        return self.adv_late_penalty_rate

    def _adv_reminder_sender(self):
        """The partner reminders are sent as: the setting, or the company."""
        self.ensure_one()
        return self.sudo().adv_reminder_sender_id or self.partner_id

    def _adv_penalty_account(self, journal):
        """The income account of penalty invoices (see ``adv_penalty_account_id``)."""
        self.ensure_one()
        account = self.sudo().adv_penalty_account_id
        if not account:
            account = (
                self.env["account.account"]
                .sudo()
                .search(
                    [
                        ("code", "=like", "7638%"),
                        ("account_type", "in", ("income", "income_other")),
                        *self.env["account.account"]._check_company_domain(self),
                    ],
                    limit=1,
                )
            )
        return account or journal.default_account_id

    def _adv_check_user_company(self):
        """Refuse the companies the current user does not work for: the wizards and reports
        that take a company as input read and write it for him."""
        if self.env.su:
            return
        forbidden = self - self.env.user.company_ids
        if forbidden:
            raise AccessError(
                self.env._(
                    "You do not work for %(companies)s.",
                    companies=", ".join(forbidden.sudo().mapped("name")),
                )
            )

    def _adv_risk_level(self, figures):
        """The risk level of a customer's figures (see _adv_risk_figures) for this company."""
        self.ensure_one()
        days = figures["adv_risk_oldest_overdue_days"] if figures["adv_risk_overdue"] > 0 else 0
        limit = figures["adv_risk_credit_limit"]
        exposure = figures["adv_risk_exposure"]
        if (self.adv_risk_blocked_days and days >= self.adv_risk_blocked_days) or (
            limit
            and self.adv_risk_blocked_ratio
            and exposure > limit * self.adv_risk_blocked_ratio / 100
        ):
            return "blocked"
        if (self.adv_risk_high_days and days >= self.adv_risk_high_days) or (
            limit and exposure > limit
        ):
            return "high"
        if self.adv_risk_watch_days and days >= self.adv_risk_watch_days:
            return "watch"
        return "low"

    def _adv_dossier_sequence(self):
        """The company's own dossier sequence, created the first time it is needed."""
        return self._adv_sequence(
            "adv_dossier_sequence_id",
            self.env._("Dossiers"),
            "adv.dossier",
            "DOS/%(range_year)s/",
            5,
            True,
        )

    def _adv_sequence(self, field_name, name, code, prefix, padding, use_date_range):
        self.ensure_one()
        if not self[field_name]:
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": f"{name} ({self.name})",
                        "code": code,
                        "prefix": prefix,
                        "padding": padding,
                        "use_date_range": use_date_range,
                        "company_id": self.id,
                    }
                )
            )
            self.sudo()[field_name] = sequence
        return self[field_name].sudo()

    def _adv_order_sequence(self):
        return self._adv_sequence(
            "adv_order_sequence_id",
            self.env._("Sales Orders"),
            "adv.sale.order",
            "CMD/%(range_year)s/",
            5,
            True,
        )

    def _adv_quote_sequence(self):
        return self._adv_sequence(
            "adv_quote_sequence_id",
            self.env._("Quotes"),
            "adv.sale.quote",
            "DEV/%(range_year)s/",
            5,
            True,
        )

    def _adv_customer_code_sequence(self):
        return self._adv_sequence(
            "adv_customer_code_sequence_id",
            self.env._("Customer Account Codes"),
            "adv.customer.code",
            "C",
            5,
            False,
        )

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
