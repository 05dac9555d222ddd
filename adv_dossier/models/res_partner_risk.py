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
        index="btree_not_null",
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
        levels = self._adv_risk_level_map(cached_only=True)
        if levels is None:
            self._adv_set_risk_fields(LEVEL_FIELDS, levels_only=True)
            return
        # the levels of the customers were just computed for a search in this transaction,
        # which wrote nothing since (a list of the web client: search, count, then read)
        for partner in self:
            computed, override = levels.get(partner.commercial_partner_id.id, ("low", None))
            partner.adv_risk_computed_level = computed
            partner.adv_risk_level = override or computed

    def _adv_set_risk_fields(self, fnames, levels_only=False):
        figures = self._adv_risk_figures(self.commercial_partner_id.ids, levels_only=levels_only)
        for partner in self:
            values = figures.get(partner.commercial_partner_id.id) or self._adv_risk_empty()
            for fname in fnames:
                partner[fname] = values[fname]

    def _search_adv_risk_level(self, operator, value):
        """The partners of the levels asked, from the levels of the customers who may not be
        low risk (_adv_risk_level_map): every other partner is low risk."""
        if operator not in ("in", "not in"):
            return NotImplemented
        wanted = set(value) & set(RISK_ORDER)
        if operator == "not in":
            wanted = set(RISK_ORDER) - wanted
        if not wanted:
            return Domain.FALSE
        if wanted == set(RISK_ORDER):
            return Domain.TRUE
        levels = {
            pid: override or computed
            for pid, (computed, override) in self._adv_risk_level_map().items()
        }
        if "low" in wanted:
            others = [pid for pid, level in levels.items() if level not in wanted]
            return self._adv_commercial_in(others, negate=True)
        matching = [pid for pid, level in levels.items() if level in wanted]
        return self._adv_commercial_in(matching)

    @api.model
    def _adv_commercial_in(self, ids, negate=False):
        """The partners whose commercial partner is (not) one of ``ids``: thousands of them
        for a level filter, given to PostgreSQL as one array (searched, then counted) rather
        than as thousands of parameters."""
        ids = sorted(set(ids))
        kept = set(ids)
        array = "{" + ",".join(map(str, ids)) + "}"

        def to_sql(model, alias, query):
            column = model._field_to_sql(alias, "commercial_partner_id", query)
            found = SQL("%s = ANY(%s::int4[])", column, array)
            return SQL("(%s IS NULL OR NOT %s)", column, found) if negate else found

        return Domain.custom(
            to_sql=to_sql,
            predicate=lambda partner: (partner.commercial_partner_id.id in kept) != negate,
        )

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
            "res.company",
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
    def _adv_risk_level_map(self, cached_only=False):
        """{commercial partner id: (computed level, level set by hand)} of the partners whose
        level in the current company may not be low, by one bounded query
        (_adv_risk_levels_query).

        A transaction that wrote nothing sees the data of its snapshot until its end
        (repeatable read): it computes them once, e.g. for the list of the web client, which
        searches, counts, then reads the levels of the rows shown. They are kept on the cursor
        for that snapshot only (the cursor's cache outlives commits and rollbacks): a later
        transaction, or one that wrote, computes them again. With ``cached_only``, None unless
        they were computed so."""
        cache = self.env.cr.cache
        if cached_only:
            if "adv_risk_levels" not in cache:
                return None
            self._adv_flush_accounting()
        else:
            query = self._adv_risk_levels_query()  # flushes the pending writes first
        [[read_only, snapshot]] = self.env.execute_query(
            SQL("SELECT pg_current_xact_id_if_assigned() IS NULL, pg_current_snapshot()::text")
        )
        key = (snapshot, self.env.company.id, fields.Date.context_today(self))
        cached_key, levels = cache.get("adv_risk_levels", (None, None))
        if not read_only or cached_key != key:
            levels = None
        if cached_only:
            return levels
        if levels is None:
            levels = {
                pid: (computed, override)
                for pid, computed, override in self.env.execute_query(query)
            }
            if read_only:
                cache["adv_risk_levels"] = (key, levels)
        return levels

    @api.model
    def _adv_risk_levels_query(self):
        """SQL of the risk level (``pid``, ``level``) of the commercial partners whose level in
        the current company may not be low: open receivables (summed per partner from the index
        of the open items alone), a level set by hand, and when the company uses credit limits, draft
        invoices and orders not fully invoiced. The same figures and thresholds as
        _adv_risk_figures and res.company._adv_risk_level."""
        company = self.env.company
        today = fields.Date.context_today(self)
        self._adv_flush_accounting()
        # per customer (the partner of the lines, orders and invoices), then per company
        sources = [
            SQL(
                """
                SELECT aml.partner_id,
                       SUM(aml.amount_residual)::float8 AS due,
                       SUM(aml.amount_residual) FILTER (WHERE aml.date_maturity < %(today)s)
                           ::float8 AS overdue,
                       MIN(aml.date_maturity) FILTER (WHERE aml.date_maturity < %(today)s
                                                       AND aml.amount_residual > 0) AS oldest,
                       0 AS to_invoice,
                       0 AS drafts
                  FROM account_move_line aml
                 WHERE aml.account_id = ANY(%(accounts)s)
                   AND aml.reconciled IS NOT TRUE
                   AND aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND aml.amount_residual != 0
              GROUP BY aml.partner_id
                """,
                today=today,
                company=company.id,
                accounts=self._adv_receivable_accounts(company).ids,
            ),
            SQL("SELECT id, 0, 0, NULL, 0, 0 FROM res_partner WHERE adv_risk_override IS NOT NULL"),
        ]
        use_limits = company.account_use_credit_limit
        if use_limits:
            sources += [
                SQL(
                    "SELECT o.partner_id, 0, 0, NULL, SUM(o.amount)::float8, 0 FROM (%s) o "
                    "GROUP BY o.partner_id",
                    self._adv_to_invoice_sql(company),
                ),
                SQL(
                    "SELECT m.commercial_partner_id, 0, 0, NULL, 0, "
                    "SUM(m.amount_total_signed)::float8 %s "
                    "GROUP BY m.commercial_partner_id",
                    self._adv_draft_invoices_from_sql(company),
                ),
            ]
        partners = self.with_company(company)
        credit_limit = SQL(
            "COALESCE(NULLIF(%s, 0), %s)",
            partners._fields["credit_limit"].to_sql(partners, "p"),
            partners._fields["credit_limit"].get_company_dependent_fallback(partners) or 0.0,
        )
        thresholds = company.sudo()
        return SQL(
            """
            SELECT f.pid,
                   CASE WHEN (%(blocked_days)s > 0 AND f.days >= %(blocked_days)s)
                          OR (%(use_limits)s AND %(credit_limit)s != 0 AND %(blocked_ratio)s != 0
                              AND f.exposure > %(credit_limit)s * %(blocked_ratio)s / 100)
                             THEN 'blocked'
                        WHEN (%(high_days)s > 0 AND f.days >= %(high_days)s)
                          OR (%(use_limits)s AND %(credit_limit)s != 0
                              AND f.exposure > %(credit_limit)s)
                             THEN 'high'
                        WHEN %(watch_days)s > 0 AND f.days >= %(watch_days)s THEN 'watch'
                        ELSE 'low'
                   END AS computed,
                   p.adv_risk_override AS override
              FROM (
                SELECT c.commercial_partner_id AS pid,
                       CASE WHEN ROUND(SUM(s.overdue)::numeric, %(digits)s) > 0
                            THEN %(today)s - MIN(s.oldest) ELSE 0 END AS days,
                       ROUND(SUM(s.due)::numeric, %(digits)s)::float8
                           + ROUND(SUM(s.to_invoice)::numeric, %(digits)s)::float8
                           + ROUND(SUM(s.drafts)::numeric, %(digits)s)::float8 AS exposure
                  FROM (%(sources)s) s
                  JOIN res_partner c ON c.id = s.partner_id
              GROUP BY c.commercial_partner_id
              ) f
              JOIN res_partner p ON p.id = f.pid
            """,
            blocked_days=thresholds.adv_risk_blocked_days,
            blocked_ratio=thresholds.adv_risk_blocked_ratio,
            high_days=thresholds.adv_risk_high_days,
            watch_days=thresholds.adv_risk_watch_days,
            today=today,
            digits=company.currency_id.decimal_places,
            use_limits=use_limits,
            credit_limit=credit_limit,
            sources=SQL(" UNION ALL ").join(sources),
        )

    @api.model
    def _adv_receivable_accounts(self, company):
        return (
            self.env["account.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)])
        )

    @api.model
    def _adv_to_invoice_sql(self, company, commercial_ids=None):
        """(``partner_id``, ``amount``) of the lines of the confirmed orders not fully invoiced:
        what is left to invoice, taxes included, in the company's currency, read from the index
        of these lines (the lines invoiced, most of them, are not read)."""
        partners = (
            SQL(
                "AND sol.order_partner_id IN "
                "(SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
                list(commercial_ids),
            )
            if commercial_ids is not None
            else SQL()
        )
        # in the company's currency (the rate of such an order is 1), the order is not read
        return SQL(
            """
            SELECT sol.order_partner_id AS partner_id,
                   sol.price_total * (sol.product_uom_qty - sol.qty_invoiced)
                   / sol.product_uom_qty AS amount
              FROM sale_order_line sol
             WHERE sol.state = 'sale'
               AND sol.qty_invoiced < sol.product_uom_qty
               AND sol.product_uom_qty > 0
               AND sol.company_id = %(company)s
               AND sol.currency_id = %(currency)s
               %(partners)s
             UNION ALL
            SELECT sol.order_partner_id,
                   sol.price_total * (sol.product_uom_qty - sol.qty_invoiced)
                   / sol.product_uom_qty / COALESCE(NULLIF(so.currency_rate, 0), 1)
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
             WHERE sol.state = 'sale'
               AND sol.qty_invoiced < sol.product_uom_qty
               AND sol.product_uom_qty > 0
               AND sol.company_id = %(company)s
               AND sol.currency_id != %(currency)s
               %(partners)s
            """,
            company=company.id,
            currency=company.currency_id.id,
            partners=partners,
        )

    @api.model
    def _adv_draft_invoices_from_sql(self, company):
        return SQL(
            """
              FROM account_move m
             WHERE m.company_id = %s
               AND m.state = 'draft'
               AND m.move_type IN ('out_invoice', 'out_refund')
            """,
            company.id,
        )

    @api.model
    def _adv_risk_figures(self, commercial_ids, levels_only=False):
        """Every risk figure of ``commercial_ids`` in the current company, in 4 queries.

        With ``levels_only``, only what the levels come from (open receivables; with credit
        limits, the exposure), in 1 or 3 queries: the other figures are left empty.

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
        if levels_only:
            # the open lines, by core's index of the lines not reconciled
            lines = SQL("aml.reconciled IS NOT TRUE AND aml.amount_residual != 0")
            sales = SQL("0")
        else:
            lines = SQL("(aml.amount_residual != 0 OR aml.date >= %s)", year_ago)
            sales = SQL(
                "COALESCE(SUM(aml.balance) FILTER (WHERE aml.date >= %s "
                "AND m.move_type IN ('out_invoice', 'out_refund')), 0)",
                year_ago,
            )

        # 1. receivables: due, overdue, oldest overdue, sales of the last 12 months
        for pid, due, overdue, oldest, sales_total in self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       COALESCE(SUM(aml.amount_residual), 0),
                       COALESCE(SUM(aml.amount_residual) FILTER (WHERE aml.date_maturity < %(today)s), 0),
                       MIN(aml.date_maturity) FILTER (WHERE aml.date_maturity < %(today)s
                                                       AND aml.amount_residual > 0),
                       %(sales)s
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN account_account a ON a.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                   AND p.commercial_partner_id = ANY(%(ids)s)
                   AND %(lines)s
              GROUP BY p.commercial_partner_id
                """,
                today=today,
                sales=sales,
                lines=lines,
                company=company.id,
                ids=ids,
            )
        ):
            values = result[pid]
            values["adv_risk_due"] = due
            values["adv_risk_overdue"] = max(overdue, 0.0)
            values["adv_risk_oldest_overdue_days"] = (today - oldest).days if oldest else 0
            values["adv_risk_dso"] = (
                round(max(due, 0.0) / sales_total * 365, 1) if sales_total > 0 else 0.0
            )
        if levels_only and not company.account_use_credit_limit:
            return self._adv_risk_levels(result, company)
        if not levels_only:
            self._adv_risk_behaviour(result, company, ids, year_ago)
        # 3. confirmed orders not invoiced yet (taxes included) and draft invoices
        for pid, to_invoice in self.env.execute_query(
            SQL(
                "SELECT p.commercial_partner_id, SUM(o.amount) FROM (%s) o "
                "JOIN res_partner p ON p.id = o.partner_id GROUP BY p.commercial_partner_id",
                self._adv_to_invoice_sql(company, ids),
            )
        ):
            result[pid]["adv_risk_to_invoice"] = company.currency_id.round(to_invoice or 0.0)
        for pid, draft in self.env.execute_query(
            SQL(
                "SELECT m.commercial_partner_id, SUM(m.amount_total_signed) %s "
                "AND m.commercial_partner_id = ANY(%s) GROUP BY m.commercial_partner_id",
                self._adv_draft_invoices_from_sql(company),
                ids,
            )
        ):
            result[pid]["adv_risk_draft_invoices"] = draft or 0.0

        return self._adv_risk_levels(result, company)

    @api.model
    def _adv_risk_levels(self, result, company):
        """5. limits, levels and overrides: the credit limit and the level set by hand are read
        to give every user the level; their values reach only the fields of AMOUNTS_GROUP
        (and the risk managers') through the figures."""
        partners = self.browse(list(result)).with_company(company).sudo()
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

    @api.model
    def _adv_risk_behaviour(self, result, company, ids, year_ago):
        """The payment behaviour (days late) and the reminders of the last 12 months."""
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
