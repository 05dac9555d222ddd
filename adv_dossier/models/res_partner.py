from datetime import timedelta

from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

RISK_LEVELS = [
    ("low", "Low"),
    ("watch", "To Watch"),
    ("high", "High"),
    ("blocked", "Blocked"),
]
RISK_ORDER = {level: index for index, (level, _label) in enumerate(RISK_LEVELS)}
RISK_FIELDS = (
    "adv_risk_due",
    "adv_risk_overdue",
    "adv_risk_oldest_overdue_days",
    "adv_risk_to_invoice",
    "adv_risk_draft_invoices",
    "adv_risk_exposure",
    "adv_risk_credit_limit",
    "adv_risk_limit_exceeded",
    "adv_risk_late_days_avg",
    "adv_risk_dso",
    "adv_risk_reminders",
    "adv_risk_formal_notices",
    "adv_risk_computed_level",
    "adv_risk_level",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    adv_dossier_ids = fields.One2many("adv.dossier", "commercial_partner_id", string="Dossiers")
    adv_dossier_count = fields.Integer(compute="_compute_adv_dossier_count", string="Dossier Count")
    adv_no_reminder = fields.Boolean(
        string="No Payment Reminder", help="Never send payment reminders to this customer."
    )
    adv_reminder_count = fields.Integer(
        compute="_compute_adv_reminder_count", string="Reminder Count"
    )
    adv_customer_state = fields.Selection(
        [("prospect", "Prospect"), ("customer", "Customer")],
        string="Customer Status",
        compute="_compute_adv_customer_state",
        search="_search_adv_customer_state",
        help="A partner is a prospect until its first confirmed order (or posted invoice).",
    )

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------
    def _compute_adv_dossier_count(self):
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["adv.dossier"]
            .with_context(active_test=False)
            ._read_group(
                [("commercial_partner_id", "in", commercial.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.adv_dossier_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_adv_reminder_count(self):
        counts = dict(
            self.env["adv.reminder"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids), ("state", "=", "sent")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.adv_reminder_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_adv_reminders(self):
        self.ensure_one()
        return self.env["adv.reminder"]._action_open(
            [("partner_id", "=", self.commercial_partner_id.id)]
        )

    def _adv_customer_ids(self, commercial_ids=None):
        """Commercial partners with at least one confirmed order or posted customer invoice
        (any company)."""
        order_domain = Domain("state", "=", "sale")
        invoice_domain = Domain("state", "=", "posted") & Domain(
            "move_type", "in", ("out_invoice", "out_refund")
        )
        if commercial_ids is not None:
            order_domain &= Domain("partner_id.commercial_partner_id", "in", commercial_ids)
            invoice_domain &= Domain("commercial_partner_id", "in", commercial_ids)
        orders = self.env["sale.order"].sudo()._read_group(order_domain, ["partner_id"])
        invoices = (
            self.env["account.move"].sudo()._read_group(invoice_domain, ["commercial_partner_id"])
        )
        return {partner.commercial_partner_id.id for (partner,) in orders} | {
            partner.id for (partner,) in invoices
        }

    @api.depends("commercial_partner_id")
    def _compute_adv_customer_state(self):
        customers = self._adv_customer_ids(self.commercial_partner_id.ids)
        for partner in self:
            partner.adv_customer_state = (
                "customer" if partner.commercial_partner_id.id in customers else "prospect"
            )

    def _search_adv_customer_state(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        customers = list(self._adv_customer_ids())
        in_customers = Domain("commercial_partner_id", "in", customers)
        wanted = set(value)
        if wanted >= {"customer", "prospect"}:
            result = Domain.TRUE
        elif "customer" in wanted:
            result = in_customers
        elif "prospect" in wanted:
            result = ~in_customers
        else:
            result = Domain.FALSE
        return result if operator == "in" else ~result

    # ------------------------------------------------------------------
    # Customer file
    # ------------------------------------------------------------------
    def _adv_is_french_company(self):
        self.ensure_one()
        return self.is_company and self.country_id.code == "FR"

    def _adv_customer_file_missing(self, company):
        """What the customer file still lacks before a first order (field names)."""
        self.ensure_one()
        partner = self.with_company(company)
        missing = []
        if partner._adv_is_french_company() and not partner.company_registry:
            missing.append("company_registry")
        if (
            partner.is_company
            and not partner.vat
            and partner.country_id.code in self._adv_eu_countries()
        ):
            missing.append("vat")
        if not (partner.street and partner.zip and partner.city and partner.country_id):
            missing.append("address")
        if not partner.property_payment_term_id:
            missing.append("property_payment_term_id")
        if not partner.property_inbound_payment_method_line_id and partner._adv_inbound_methods(
            company
        ):
            missing.append("property_inbound_payment_method_line_id")
        if not partner.ref:
            missing.append("ref")
        return missing

    @api.model
    def _adv_eu_countries(self):
        return set(self.env.ref("base.europe").country_ids.mapped("code"))

    @api.model
    def _adv_inbound_methods(self, company):
        return self.env["account.payment.method.line"].search(
            [
                ("payment_type", "=", "inbound"),
                ("journal_id.active", "=", True),
                ("company_id", "parent_of", company.id),
            ]
        )

    @api.model
    def _adv_check_siren_siret(self, number):
        """A French SIREN (9 digits) or SIRET (14 digits) with a valid checksum, compacted."""
        compact = (number or "").replace(" ", "").replace(".", "")
        if len(compact) == 14 and fr_siret.is_valid(compact):
            return compact
        if len(compact) == 9 and fr_siren.is_valid(compact):
            return compact
        raise ValidationError(
            self.env._(
                "%(number)s is not a valid SIREN (9 digits) or SIRET (14 digits): "
                "check the digits, their checksum is wrong.",
                number=number,
            )
        )

    @api.model
    def _adv_check_vat(self, vat, siren=None):
        """A VAT number of the right format; for France, its SIREN must match the company's."""
        compact = eu_vat.compact(vat or "")
        if not eu_vat.is_valid(compact):
            raise ValidationError(
                self.env._("%(vat)s is not a valid VAT number (e.g. FR 12 345678901).", vat=vat)
            )
        if siren and compact.startswith("FR") and compact[-9:] != siren[:9]:
            raise ValidationError(
                self.env._(
                    "The VAT number %(vat)s does not match the SIREN %(siren)s.",
                    vat=vat,
                    siren=siren[:9],
                )
            )
        return compact

    def _adv_next_customer_code(self, company):
        """A customer account code (C…) free in ``company``."""
        sequence = company._adv_customer_code_sequence()
        for _attempt in range(1000):
            code = sequence.next_by_id()
            if not self._adv_customer_code_taken(code, company):
                return code
        raise ValidationError(self.env._("No free customer account code: check the numbering."))

    def _adv_customer_code_taken(self, code, company):
        return bool(
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("ref", "=", code),
                    ("commercial_partner_id", "not in", self.commercial_partner_id.ids),
                    ("company_id", "in", [company.id, False]),
                ],
                limit=1,
            )
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_adv_dossiers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("adv_dossier.action_adv_dossier")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_contact_id": self.id if not self.is_company else False,
            "active_test": False,
        }
        return action

    # ------------------------------------------------------------------
    # Customer risk
    # ------------------------------------------------------------------
    adv_risk_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_adv_risk_currency_id",
        string="Currency of the Risk Figures",
    )
    adv_risk_due = fields.Monetary(
        string="Amount Due",
        compute="_compute_adv_risk",
        currency_field="adv_risk_currency_id",
        help="What the customer owes on posted invoices, credit notes and payments deducted.",
    )
    adv_risk_overdue = fields.Monetary(
        string="Amount Overdue", compute="_compute_adv_risk", currency_field="adv_risk_currency_id"
    )
    adv_risk_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)", compute="_compute_adv_risk"
    )
    adv_risk_to_invoice = fields.Monetary(
        string="Ordered, Not Invoiced",
        compute="_compute_adv_risk",
        currency_field="adv_risk_currency_id",
        help="Confirmed orders not invoiced yet, taxes included.",
    )
    adv_risk_draft_invoices = fields.Monetary(
        string="Draft Invoices", compute="_compute_adv_risk", currency_field="adv_risk_currency_id"
    )
    adv_risk_exposure = fields.Monetary(
        string="Total Exposure",
        compute="_compute_adv_risk",
        currency_field="adv_risk_currency_id",
        help="Amount due + ordered not invoiced + draft invoices (encours).",
    )
    adv_risk_credit_limit = fields.Monetary(
        string="Credit Limit Applied",
        compute="_compute_adv_risk",
        currency_field="adv_risk_currency_id",
        help="The customer's credit limit, or the company's default one (0: none).",
    )
    adv_risk_limit_exceeded = fields.Boolean(
        string="Credit Limit Exceeded", compute="_compute_adv_risk"
    )
    adv_risk_late_days_avg = fields.Float(
        string="Average Days Late (12 months)",
        compute="_compute_adv_risk",
        digits=(16, 1),
        help="Average delay of the payments of the last 12 months after their due date, weighted by amount.",
    )
    adv_risk_dso = fields.Float(
        string="DSO (12 months)",
        compute="_compute_adv_risk",
        digits=(16, 1),
        help="Days sales outstanding: amount due / sales of the last 12 months × 365.",
    )
    adv_risk_reminders = fields.Integer(string="Reminders (12 months)", compute="_compute_adv_risk")
    adv_risk_formal_notices = fields.Integer(
        string="Formal Notices (12 months)", compute="_compute_adv_risk"
    )
    adv_risk_computed_level = fields.Selection(
        RISK_LEVELS, string="Computed Risk Level", compute="_compute_adv_risk"
    )
    adv_risk_level = fields.Selection(
        RISK_LEVELS,
        string="Risk Level",
        compute="_compute_adv_risk",
        search="_search_adv_risk_level",
        help="From the company's thresholds, unless a risk manager set it by hand.",
    )
    adv_risk_override = fields.Selection(
        RISK_LEVELS,
        string="Risk Level Set by Hand",
        tracking=True,
        groups="adv_dossier.group_adv_risk_manager",
    )
    adv_risk_override_reason = fields.Char(
        string="Reason for the Risk Level", groups="adv_dossier.group_adv_risk_manager"
    )
    adv_risk_override_date = fields.Date(
        string="Risk Level Set On", readonly=True, groups="adv_dossier.group_adv_risk_manager"
    )
    adv_risk_override_user_id = fields.Many2one(
        "res.users",
        string="Risk Level Set By",
        readonly=True,
        groups="adv_dossier.group_adv_risk_manager",
    )

    @api.depends_context("company")
    def _compute_adv_risk_currency_id(self):
        self.adv_risk_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    def _compute_adv_risk(self):
        figures = self._adv_risk_figures(self.commercial_partner_id.ids)
        for partner in self:
            values = figures.get(partner.commercial_partner_id.id) or self._adv_risk_empty()
            for fname in RISK_FIELDS:
                partner[fname] = values[fname]

    def _search_adv_risk_level(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        candidates = self._adv_risk_candidate_ids()
        figures = self._adv_risk_figures(candidates)
        wanted = set(value)
        matching = [pid for pid, values in figures.items() if values["adv_risk_level"] in wanted]
        domain = Domain("commercial_partner_id", "in", matching)
        if "low" in wanted:
            # partners without any figure are low risk
            domain |= Domain("commercial_partner_id", "not in", list(figures))
        return domain if operator == "in" else ~domain

    # ------------------------------------------------------------------
    # Figures, for many customers at once
    # ------------------------------------------------------------------
    @api.model
    def _adv_risk_empty(self):
        return {
            "adv_risk_due": 0.0,
            "adv_risk_overdue": 0.0,
            "adv_risk_oldest_overdue_days": 0,
            "adv_risk_to_invoice": 0.0,
            "adv_risk_draft_invoices": 0.0,
            "adv_risk_exposure": 0.0,
            "adv_risk_credit_limit": 0.0,
            "adv_risk_limit_exceeded": False,
            "adv_risk_late_days_avg": 0.0,
            "adv_risk_dso": 0.0,
            "adv_risk_reminders": 0,
            "adv_risk_formal_notices": 0,
            "adv_risk_computed_level": "low",
            "adv_risk_level": "low",
        }

    @api.model
    def _adv_flush_accounting(self):
        """The risk queries read the database: write pending changes first."""
        for model in (
            "res.partner",
            "account.account",
            "account.move",
            "account.move.line",
            "account.partial.reconcile",
            "sale.order",
            "sale.order.line",
            "adv.reminder",
        ):
            self.env[model].flush_model()

    @api.model
    def _adv_risk_candidate_ids(self):
        """Commercial partners that may have a risk figure in the current company."""
        company = self.env.company
        self._adv_flush_accounting()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT p.commercial_partner_id
                  FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state IN ('posted', 'draft')
                   AND a.account_type = 'asset_receivable'
                 UNION
                SELECT p.commercial_partner_id
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.company_id = %(company)s AND so.state = 'sale'
                 UNION
                SELECT id FROM res_partner WHERE adv_risk_override IS NOT NULL
                """,
                company=company.id,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _adv_risk_figures(self, commercial_ids):
        """Every risk figure of ``commercial_ids`` in the current company, in 4 queries.

        :return: {commercial partner id: {field name: value}}
        """
        if not commercial_ids:
            return {}
        company = self.env.company
        today = fields.Date.context_today(self)
        year_ago = today - timedelta(days=365)
        ids = list(set(commercial_ids))
        result = {pid: self._adv_risk_empty() for pid in ids}
        self._adv_flush_accounting()

        # 1. receivables: due, overdue, oldest overdue, sales of the last 12 months
        for pid, due, overdue, oldest, sales in self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       COALESCE(SUM(aml.amount_residual), 0),
                       COALESCE(SUM(aml.amount_residual) FILTER (WHERE aml.date_maturity < %(today)s), 0),
                       MIN(aml.date_maturity) FILTER (WHERE aml.date_maturity < %(today)s
                                                       AND aml.amount_residual > 0),
                       COALESCE(SUM(aml.balance) FILTER (WHERE aml.date >= %(year_ago)s
                                                         AND m.move_type IN ('out_invoice', 'out_refund')), 0)
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN account_account a ON a.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                   AND p.commercial_partner_id = ANY(%(ids)s)
                   AND (aml.amount_residual != 0 OR aml.date >= %(year_ago)s)
              GROUP BY p.commercial_partner_id
                """,
                today=today,
                year_ago=year_ago,
                company=company.id,
                ids=ids,
            )
        ):
            values = result[pid]
            values["adv_risk_due"] = due
            values["adv_risk_overdue"] = max(overdue, 0.0)
            values["adv_risk_oldest_overdue_days"] = (today - oldest).days if oldest else 0
            values["adv_risk_dso"] = round(max(due, 0.0) / sales * 365, 1) if sales > 0 else 0.0

        # 2. payment behaviour: days late of the invoices paid in the last 12 months
        for pid, late_days in self.env.execute_query(
            SQL(
                """
                SELECT pid, SUM(late * amount) / NULLIF(SUM(amount), 0)
                  FROM (
                    SELECT p.commercial_partner_id AS pid,
                           aml.balance AS amount,
                           GREATEST(MAX(apr.max_date) - aml.date_maturity, 0) AS late
                      FROM account_move_line aml
                      JOIN res_partner p ON p.id = aml.partner_id
                      JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                     WHERE aml.company_id = %(company)s
                       AND aml.parent_state = 'posted'
                       AND aml.display_type = 'payment_term'
                       AND aml.reconciled
                       AND aml.balance > 0
                       AND p.commercial_partner_id = ANY(%(ids)s)
                  GROUP BY p.commercial_partner_id, aml.id
                    HAVING MAX(apr.max_date) >= %(year_ago)s
                  ) paid
              GROUP BY pid
                """,
                company=company.id,
                ids=ids,
                year_ago=year_ago,
            )
        ):
            result[pid]["adv_risk_late_days_avg"] = round(float(late_days or 0.0), 1)

        # 3. confirmed orders not invoiced yet (taxes included) and draft invoices
        for pid, to_invoice in self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       SUM(sol.price_total * (sol.product_uom_qty - sol.qty_invoiced) / sol.product_uom_qty
                           / COALESCE(NULLIF(so.currency_rate, 0), 1))
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.company_id = %(company)s
                   AND so.state = 'sale'
                   AND sol.product_uom_qty > 0
                   AND sol.qty_invoiced < sol.product_uom_qty
                   AND p.commercial_partner_id = ANY(%(ids)s)
              GROUP BY p.commercial_partner_id
                """,
                company=company.id,
                ids=ids,
            )
        ):
            result[pid]["adv_risk_to_invoice"] = company.currency_id.round(to_invoice or 0.0)
        for pid, draft in self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id, SUM(m.amount_total_signed)
                  FROM account_move m
                  JOIN res_partner p ON p.id = m.partner_id
                 WHERE m.company_id = %(company)s
                   AND m.state = 'draft'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND p.commercial_partner_id = ANY(%(ids)s)
              GROUP BY p.commercial_partner_id
                """,
                company=company.id,
                ids=ids,
            )
        ):
            result[pid]["adv_risk_draft_invoices"] = draft or 0.0

        # 4. reminders and formal notices of the last 12 months
        for pid, reminders, notices in self.env.execute_query(
            SQL(
                """
                SELECT r.partner_id, COUNT(*), COUNT(*) FILTER (WHERE l.formal_notice)
                  FROM adv_reminder r
                  JOIN adv_reminder_level l ON l.id = r.level_id
                 WHERE r.company_id = %(company)s AND r.state = 'sent' AND r.date >= %(year_ago)s
                   AND r.partner_id = ANY(%(ids)s)
              GROUP BY r.partner_id
                """,
                company=company.id,
                year_ago=year_ago,
                ids=ids,
            )
        ):
            result[pid]["adv_risk_reminders"] = reminders
            result[pid]["adv_risk_formal_notices"] = notices

        # 5. limits, levels and overrides
        partners = self.browse(ids).with_company(company).sudo()
        partners.fetch(["credit_limit", "adv_risk_override"])
        default_limit = partners._fields["credit_limit"].get_company_dependent_fallback(partners)
        use_limits = company.account_use_credit_limit
        # the thresholds are the risk managers' settings: read them for everybody
        thresholds = company.sudo()
        for partner in partners:
            values = result[partner.id]
            values["adv_risk_exposure"] = (
                values["adv_risk_due"]
                + values["adv_risk_to_invoice"]
                + values["adv_risk_draft_invoices"]
            )
            limit = (partner.credit_limit or default_limit or 0.0) if use_limits else 0.0
            values["adv_risk_credit_limit"] = limit
            values["adv_risk_limit_exceeded"] = bool(limit) and values["adv_risk_exposure"] > limit
            values["adv_risk_computed_level"] = thresholds._adv_risk_level(values)
            values["adv_risk_level"] = (
                partner.adv_risk_override or values["adv_risk_computed_level"]
            )
        return result

    def write(self, vals):
        if "adv_risk_override" in vals:
            vals = dict(
                vals,
                adv_risk_override_date=fields.Date.context_today(self)
                if vals["adv_risk_override"]
                else False,
                adv_risk_override_user_id=self.env.uid if vals["adv_risk_override"] else False,
            )
        return super().write(vals)

    def _adv_risk_message(self, extra_amount=0.0):
        """Why this customer is a risk for an order or invoice of ``extra_amount`` more (or False)."""
        self.ensure_one()
        figures = self._adv_risk_figures(self.ids)[self.id]
        currency = self.env.company.currency_id
        if figures["adv_risk_level"] == "blocked":
            return self.env._(
                "%(customer)s is blocked (risk level), exposure %(exposure)s.",
                customer=self.display_name,
                exposure=currency.format(figures["adv_risk_exposure"]),
            )
        limit = figures["adv_risk_credit_limit"]
        exposure = figures["adv_risk_exposure"] + extra_amount
        if limit and exposure > limit:
            return self.env._(
                "With this document, the exposure of %(customer)s reaches %(exposure)s, over its "
                "credit limit of %(limit)s.",
                customer=self.display_name,
                exposure=currency.format(exposure),
                limit=currency.format(limit),
            )
        return False
