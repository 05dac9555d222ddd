from odoo import api, fields, models
from odoo.addons.base.models.ir_actions_report import _wkhtml
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_amount, formatLang

from .adv_ecb_rate import PUBLIC_BUYER_POINTS, half_year_start


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
        compute="_compute_adv_ecb_rate",
        inverse="_inverse_adv_ecb_rate",
        digits=(5, 2),
        help="The European Central Bank's main refinancing rate of the current half-year, "
        "from the table of half-year rates (Invoicing > Configuration > ECB Rates).",
    )
    adv_ecb_rate_missing = fields.Char(
        string="Half-Year Without ECB Rate",
        compute="_compute_adv_ecb_rate",
        help="The current half-year, when the table of ECB rates has no rate for it.",
    )
    adv_late_penalty_points = fields.Float(
        string="Late Penalty Points",
        default=10.0,
        digits=(5, 2),
        help="Points added to the ECB rate for the late-payment penalties (10 by default, "
        "Code de commerce L441-10; the rate may not be below three times the legal interest "
        "rate). Public buyers owe the ECB rate + 8 points (Code de la commande publique "
        "R2192-31), whatever this setting.",
    )
    adv_late_penalty_rate = fields.Float(
        string="Late Penalty Rate (%)",
        compute="_compute_adv_ecb_rate",
        digits=(5, 2),
        help="ECB rate of the current half-year + the company's points.",
    )
    adv_vat_on_debits = fields.Boolean(
        string="VAT on Debits",
        help="The company opted to pay VAT on services when invoiced (d'après les débits) "
        "instead of when paid: its invoices say so (CGI annex II, art. 242 nonies A).",
    )
    adv_legal_form = fields.Char(
        string="Legal Form",
        help="Printed with the company's identity, e.g. SAS, SARL, EURL.",
    )
    adv_share_capital = fields.Monetary(
        string="Share Capital",
        currency_field="currency_id",
        help="Printed with the legal form (e.g. SAS au capital de 50 000 €); empty for a sole "
        "trader.",
    )
    adv_rcs_city = fields.Char(
        string="RCS City",
        help="The city of the trade register (RCS) where the company is registered, printed "
        "as 'RCS Angers 389 770 157'. Empty when not registered with the RCS (e.g. craftsmen "
        "register with the RM).",
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

    @api.depends("adv_late_penalty_points")
    @api.depends_context("date", "lang")
    def _compute_adv_ecb_rate(self):
        Rate = self.env["adv.ecb.rate"]
        today = fields.Date.context_today(self)
        rate = Rate._adv_rate_for(today)
        missing = Rate._adv_missing_half_year(today)
        for company in self:
            company.adv_ecb_rate = rate.rate
            company.adv_ecb_rate_missing = Rate._adv_half_year_label(missing) if missing else False
            company.adv_late_penalty_rate = rate.rate + company.adv_late_penalty_points

    def _inverse_adv_ecb_rate(self):
        """The rate entered in the settings is the current half-year's, for every company.
        Saving the settings unchanged while the half-year has no rate (the field then shows
        the latest known one) creates none: the warning stays until a rate is entered."""
        today = fields.Date.context_today(self)
        start = half_year_start(today)
        Rate = self.env["adv.ecb.rate"].sudo()
        for company in self:
            row = Rate.search([("date_from", "=", start)], limit=1)
            if row:
                if row.rate != company.adv_ecb_rate:
                    row.rate = company.adv_ecb_rate
            elif company.adv_ecb_rate != Rate._adv_rate_for(today).rate:
                Rate.create({"date_from": start, "rate": company.adv_ecb_rate})

    @api.constrains("adv_late_penalty_points")
    def _check_adv_late_penalty_points(self):
        today = fields.Date.context_today(self)
        rate = self.env["adv.ecb.rate"]._adv_rate_for(today)
        for company in self:
            if company.adv_late_penalty_points < 0:
                raise ValidationError(self.env._("Late penalty points cannot be negative."))
            floor = 3 * rate.legal_rate
            if rate.legal_rate and rate.rate + company.adv_late_penalty_points < floor:
                raise ValidationError(
                    self.env._(
                        "The late-penalty rate (%(rate)s %% = ECB %(ecb)s %% + %(points)s points) "
                        "may not be below three times the legal interest rate of %(half_year)s "
                        "(3 × %(legal)s %% = %(floor)s %%, Code de commerce L441-10).",
                        rate=formatLang(self.env, rate.rate + company.adv_late_penalty_points),
                        ecb=formatLang(self.env, rate.rate),
                        points=f"{company.adv_late_penalty_points:g}",
                        half_year=rate.name,
                        legal=formatLang(self.env, rate.legal_rate),
                        floor=formatLang(self.env, floor),
                    )
                )

    def _adv_late_penalty_points(self, partner):
        """The points added to the ECB rate for ``partner``: 8 for a public buyer (Code de la
        commande publique R2192-31), the company's points otherwise."""
        self.ensure_one()
        if partner and partner.commercial_partner_id.adv_public_buyer:
            return PUBLIC_BUYER_POINTS
        return self.adv_late_penalty_points

    def _adv_late_penalty_rate(self, partner, due_date):
        """The annual late-penalty rate (percentage) of a line of ``partner`` due on
        ``due_date``: the ECB rate of the due date's half-year (1 January or 1 July) plus the
        points of ``_adv_late_penalty_points``. Every penalty of reminders, the ledger and
        penalty invoices is computed through this method."""
        self.ensure_one()
        rate = self.env["adv.ecb.rate"]._adv_rate_for(due_date)
        return rate.rate + self._adv_late_penalty_points(partner)

    def _adv_legal_mentions(self):
        """The company's legal identity as printed on its documents, in the context's
        language: legal form and share capital, SIREN, RCS and city, VAT number."""
        self.ensure_one()
        mentions = []
        if self.adv_legal_form and self.adv_share_capital:
            mentions.append(
                self.env._(
                    "%(form)s with a share capital of %(capital)s",
                    form=self.adv_legal_form,
                    capital=format_amount(self.env, self.adv_share_capital, self.currency_id),
                )
            )
        elif self.adv_legal_form:
            mentions.append(self.adv_legal_form)
        siren = self.partner_id._adv_siren()
        if siren:
            spaced = " ".join((siren[:3], siren[3:6], siren[6:]))
            mentions.append(self.env._("SIREN %(siren)s", siren=spaced))
            if self.adv_rcs_city:
                mentions.append(
                    self.env._("RCS %(city)s %(siren)s", city=self.adv_rcs_city, siren=spaced)
                )
        if self.vat:
            mentions.append(self.env._("VAT number %(vat)s", vat=self.vat))
        return mentions

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

    def _adv_identity_in_body(self):
        """Whether documents print the seller's identity in the page body: Odoo's header and
        footer, which hold it, need a wkhtmltopdf with patched Qt."""
        return not _wkhtml().is_patched_qt

    @api.model
    def _adv_demo_set_taxes(self, tax_by_product):
        """The classroom case: each product's sale tax of the main company's French chart
        (``{product xmlid: tax template id}``); nothing with another chart of accounts."""
        company = self.env.ref("base.main_company")
        for product_xmlid, tax_code in tax_by_product.items():
            tax = self.env.ref(f"account.{company.id}_{tax_code}", raise_if_not_found=False)
            if tax:
                tax.active = True  # the chart's 10 % taxes are archived until a company uses them
                self.env.ref(product_xmlid).taxes_id = tax
