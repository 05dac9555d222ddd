from datetime import timedelta

from odoo import api, fields, models
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
)
LEVEL_FIELDS = ("adv_risk_computed_level", "adv_risk_level")


# who reads the amounts of the risk (receivables): accounting, risk and sales managers,
# and the salespeople when the company lets them (Sales settings)
AMOUNTS_GROUP = "adv_dossier.group_adv_risk_amounts"


# the risk figures have a file of their own, beside the customer file (res_partner.py)
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    _inherit = "res.partner"

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
        groups=AMOUNTS_GROUP,
        currency_field="adv_risk_currency_id",
        help="What the customer owes on posted invoices, credit notes and payments deducted.",
    )
    adv_risk_overdue = fields.Monetary(
        string="Amount Overdue",
        compute="_compute_adv_risk",
        groups=AMOUNTS_GROUP,
        currency_field="adv_risk_currency_id",
    )
    adv_risk_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)", compute="_compute_adv_risk", groups=AMOUNTS_GROUP
    )
    adv_risk_to_invoice = fields.Monetary(
        string="Ordered, Not Invoiced",
        compute="_compute_adv_risk",
        groups=AMOUNTS_GROUP,
        currency_field="adv_risk_currency_id",
        help="Confirmed orders not invoiced yet, taxes included.",
    )
    adv_risk_draft_invoices = fields.Monetary(
        string="Draft Invoices",
        compute="_compute_adv_risk",
        groups=AMOUNTS_GROUP,
        currency_field="adv_risk_currency_id",
    )
    adv_risk_exposure = fields.Monetary(
        string="Total Exposure",
        compute="_compute_adv_risk",
        groups=AMOUNTS_GROUP,
        currency_field="adv_risk_currency_id",
        help="Amount due + ordered not invoiced + draft invoices (encours).",
    )
    adv_risk_credit_limit = fields.Monetary(
        string="Credit Limit Applied",
        compute="_compute_adv_risk",
        groups=AMOUNTS_GROUP,
        currency_field="adv_risk_currency_id",
        help="The customer's credit limit, or the company's default one (0: none).",
    )
    adv_risk_limit_exceeded = fields.Boolean(
        string="Credit Limit Exceeded", compute="_compute_adv_risk", groups=AMOUNTS_GROUP
    )
    adv_risk_late_days_avg = fields.Float(
        string="Average Days Late (12 months)",
        compute="_compute_adv_risk",
        groups=AMOUNTS_GROUP,
        digits=(16, 1),
        help="Average delay of the payments of the last 12 months after their due date, weighted by amount.",
    )
    adv_risk_dso = fields.Float(
        string="DSO (12 months)",
        compute="_compute_adv_risk",
        groups=AMOUNTS_GROUP,
        digits=(16, 1),
        help="Days sales outstanding: amount due / sales of the last 12 months × 365.",
    )
    adv_risk_reminders = fields.Integer(
        string="Reminders (12 months)", compute="_compute_adv_risk", groups=AMOUNTS_GROUP
    )
    adv_risk_formal_notices = fields.Integer(
        string="Formal Notices (12 months)", compute="_compute_adv_risk", groups=AMOUNTS_GROUP
    )
    adv_risk_computed_level = fields.Selection(
        RISK_LEVELS, string="Computed Risk Level", compute="_compute_adv_risk_level"
    )
    adv_risk_level = fields.Selection(
        RISK_LEVELS,
        string="Risk Level",
        compute="_compute_adv_risk_level",
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
        self._adv_set_risk_fields(RISK_FIELDS)

    @api.depends_context("company")
    def _compute_adv_risk_level(self):
        # the level is for every user; the amounts it comes from are not
        self._adv_set_risk_fields(LEVEL_FIELDS)

    def _adv_set_risk_fields(self, fnames):
        figures = self._adv_risk_figures(self.commercial_partner_id.ids)
        for partner in self:
            values = figures.get(partner.commercial_partner_id.id) or self._adv_risk_empty()
            for fname in fnames:
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
                 WHERE r.company_id = %(company)s AND r.state IN ('queued', 'sent', 'to_print')
                   AND r.date >= %(year_ago)s
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

        # 5. limits, levels and overrides: the credit limit and the level set by hand are read
        # to give every user the level; their values reach only the fields of AMOUNTS_GROUP
        # (and the risk managers') through the figures
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
        # the amounts are said to those who may read them (see AMOUNTS_GROUP)
        amounts = self.env.user.has_group(AMOUNTS_GROUP)
        if figures["adv_risk_level"] == "blocked":
            if not amounts:
                return self.env._(
                    "%(customer)s is blocked (risk level).", customer=self.display_name
                )
            return self.env._(
                "%(customer)s is blocked (risk level), exposure %(exposure)s.",
                customer=self.display_name,
                exposure=currency.format(figures["adv_risk_exposure"]),
            )
        limit = figures["adv_risk_credit_limit"]
        exposure = figures["adv_risk_exposure"] + extra_amount
        if limit and exposure > limit:
            if not amounts:
                return self.env._(
                    "With this document, the exposure of %(customer)s goes over its credit limit.",
                    customer=self.display_name,
                )
            return self.env._(
                "With this document, the exposure of %(customer)s reaches %(exposure)s, over its "
                "credit limit of %(limit)s.",
                customer=self.display_name,
                exposure=currency.format(exposure),
                limit=currency.format(limit),
            )
        return False
