import base64
import io

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .res_partner_risk import RISK_LEVELS

BUCKETS = [
    ("not_due", "Not Due"),
    ("days_1_30", "1-30"),
    ("days_31_60", "31-60"),
    ("days_61_90", "61-90"),
    ("days_90_plus", "Over 90"),
]
# the context key that tells adv.aged.balance.line which aged balance it shows
BALANCE_KEY = "adv_aged_balance_id"
CONTEXT = (BALANCE_KEY,)


class AdvAgedBalance(models.TransientModel):
    """The aged balance at a date: what the options are. Its lines are not stored: they are
    read from the open receivable lines by the query of adv.aged.balance.line."""

    _name = "adv.aged.balance"
    _description = "Aged Balance"

    date = fields.Date(string="At", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", help="Only the invoices of this salesperson."
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", help="Only these customers (all when empty)."
    )
    risk_level = fields.Selection(RISK_LEVELS, help="Only the customers of this risk level.")
    level_partner_ids = fields.Many2many(
        "res.partner",
        "adv_aged_balance_level_partner_rel",
        string="Customers of the Risk Level",
        compute="_compute_level_partner_ids",
        store=True,
    )
    total = fields.Monetary(compute="_compute_totals")
    total_not_due = fields.Monetary(compute="_compute_totals", string="Not Due")
    total_days_1_30 = fields.Monetary(compute="_compute_totals", string="1-30")
    total_days_31_60 = fields.Monetary(compute="_compute_totals", string="31-60")
    total_days_61_90 = fields.Monetary(compute="_compute_totals", string="61-90")
    total_days_90_plus = fields.Monetary(compute="_compute_totals", string="Over 90")
    xlsx_file = fields.Binary(string="XLSX File", attachment=False, readonly=True)
    xlsx_name = fields.Char(string="XLSX File Name", readonly=True)

    @property
    def line_ids(self):
        """The lines of the aged balance (one per open receivable line, in SQL)."""
        self.ensure_one()
        return self.env["adv.aged.balance.line"].with_context(**{BALANCE_KEY: self.id}).search([])

    @api.depends("risk_level", "date", "company_id", "user_id", "partner_ids")
    def _compute_level_partner_ids(self):
        """The customers of the balance whose risk level is the one asked, when asked: the
        levels are computed in Python (the company's thresholds) for these customers only."""
        for balance in self:
            if not balance.risk_level or not balance.id:
                balance.level_partner_ids = False
                continue
            rows = balance.env.execute_query(
                SQL(
                    "SELECT DISTINCT partner_id FROM (%s) lines",
                    balance._lines_query(level_filter=False),
                )
            )
            figures = (
                balance.env["res.partner"]
                .with_company(balance.company_id)
                ._adv_risk_figures([row[0] for row in rows], levels_only=True)
            )
            balance.level_partner_ids = [
                pid
                for pid, values in figures.items()
                if values["adv_risk_level"] == balance.risk_level
            ]

    @api.depends("date", "company_id", "user_id", "partner_ids", "risk_level")
    def _compute_totals(self):
        for balance in self:
            aggregates = ["amount_residual:sum", *(f"{bucket}:sum" for bucket, _label in BUCKETS)]
            Line = balance.env["adv.aged.balance.line"].with_context(**{BALANCE_KEY: balance.id})
            [totals] = Line._read_group([], [], aggregates)
            balance.total = totals[0] or 0.0
            for (bucket, _label), amount in zip(BUCKETS, totals[1:], strict=True):
                balance[f"total_{bucket}"] = amount or 0.0

    def _check_balance_access(self):
        """The balance is its author's, for a company he works for: its query reads the
        receivables directly."""
        self.ensure_one()
        if not self.env.su and self.create_uid != self.env.user:
            raise AccessError(self.env._("This aged balance is another user's."))
        self.company_id._adv_check_user_company()

    def _lines_query(self, level_filter=True):
        """The open receivable lines of the balance's company at its date, with their residual
        at that date (today's, plus what was matched since): from core's index of the lines
        not reconciled and the few lines matched after the date, never every line ever
        posted."""
        self.ensure_one()
        self._check_balance_access()
        self.env["res.partner"]._adv_flush_accounting()
        company = self.company_id
        date = self.date
        accounts = (
            self.env["account.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)])
        )
        filters = SQL()
        if self.user_id:
            filters = SQL("%s AND m.invoice_user_id = %s", filters, self.user_id.id)
        if self.partner_ids:
            filters = SQL(
                "%s AND p.commercial_partner_id = ANY(%s)",
                filters,
                self.partner_ids.commercial_partner_id.ids,
            )
        if level_filter and self.risk_level:
            filters = SQL(
                "%s AND p.commercial_partner_id = ANY(%s)", filters, self.level_partner_ids.ids
            )
        # the lines open now (core's index of the lines not reconciled), and those matched
        # since the date (open at the date), with what was matched since
        lines = SQL(
            """
            SELECT id, partner_id, move_id, date, date_maturity, amount_residual, account_id,
                   company_id, parent_state
              FROM account_move_line
             WHERE account_id = ANY(%(accounts)s) AND reconciled IS NOT TRUE
             UNION ALL
            SELECT id, partner_id, move_id, date, date_maturity, amount_residual, account_id,
                   company_id, parent_state
              FROM account_move_line
             WHERE id IN (SELECT line_id FROM adv_later) AND reconciled
            """,
            accounts=accounts.ids,
        )
        residual = SQL("(aml.amount_residual + COALESCE(adv_later.amount, 0))")
        age = SQL("(%s - COALESCE(aml.date_maturity, aml.date))", date)
        return SQL(
            """
            WITH adv_later AS (
                SELECT line_id, SUM(amount) AS amount
                  FROM (SELECT debit_move_id AS line_id, amount
                          FROM account_partial_reconcile
                         WHERE max_date > %(date)s AND company_id = %(company)s
                         UNION ALL
                        SELECT credit_move_id, -amount
                          FROM account_partial_reconcile
                         WHERE max_date > %(date)s AND company_id = %(company)s) matched
              GROUP BY line_id
            )
            SELECT aml.id AS id,
                   %(balance)s AS balance_id,
                   %(currency)s AS currency_id,
                   p.commercial_partner_id AS partner_id,
                   aml.move_id AS move_id,
                   m.invoice_user_id AS invoice_user_id,
                   COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                   GREATEST(%(age)s, 0) AS days_overdue,
                   %(residual)s AS amount_residual,
                   CASE WHEN %(age)s <= 0 THEN %(residual)s ELSE 0 END AS not_due,
                   CASE WHEN %(age)s BETWEEN 1 AND 30 THEN %(residual)s ELSE 0 END AS days_1_30,
                   CASE WHEN %(age)s BETWEEN 31 AND 60 THEN %(residual)s ELSE 0 END AS days_31_60,
                   CASE WHEN %(age)s BETWEEN 61 AND 90 THEN %(residual)s ELSE 0 END AS days_61_90,
                   CASE WHEN %(age)s > 90 THEN %(residual)s ELSE 0 END AS days_90_plus
              FROM (%(lines)s) aml
              JOIN res_partner p ON p.id = aml.partner_id
              LEFT JOIN account_move m ON m.id = aml.move_id
              LEFT JOIN adv_later ON adv_later.line_id = aml.id
             WHERE aml.account_id = ANY(%(accounts)s)
               AND aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND aml.date <= %(date)s
               AND ROUND(%(residual)s, 2) != 0
               %(filters)s
            """,
            balance=self.id,
            currency=company.currency_id.id,
            date=date,
            age=age,
            residual=residual,
            lines=lines,
            company=company.id,
            accounts=accounts.ids,
            filters=filters,
        )

    def action_compute(self):
        self.ensure_one()
        self._check_balance_access()
        return self.action_open_lines()

    def action_open_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Aged Balance at %(date)s", date=fields.Date.to_string(self.date)),
            "res_model": "adv.aged.balance.line",
            "view_mode": "list,pivot",
            "domain": [("balance_id", "=", self.id)],
            "context": {BALANCE_KEY: self.id, "group_by": ["partner_id"]},
        }

    def action_print(self):
        self.ensure_one()
        self._check_balance_access()
        return self.env.ref("adv_dossier.action_report_adv_aged_balance").report_action(self)

    def action_export_xlsx(self):
        """The aged balance as an XLSX workbook: one row per invoice, subtotals per customer.
        The file is kept on the balance itself (vacuumed with it), not as an attachment."""
        self.ensure_one()
        self._check_balance_access()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Aged Balance"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
        date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
        headers = [
            self.env._("Customer"),
            self.env._("Invoice"),
            self.env._("Due Date"),
            self.env._("Days Overdue"),
            *(self.env._("Not Due"), "1-30", "31-60", "61-90", self.env._("Over 90")),
            self.env._("Total"),
        ]
        sheet.write_row(0, 0, headers, bold)
        row = 1
        for partner, lines in self.line_ids.grouped("partner_id").items():
            for line in lines:
                sheet.write(row, 0, partner.display_name)
                sheet.write(row, 1, line.move_id.name or "")
                sheet.write_datetime(
                    row, 2, fields.Datetime.to_datetime(line.date_maturity), date_format
                )
                sheet.write_number(row, 3, line.days_overdue)
                for col, (bucket, _label) in enumerate(BUCKETS, start=4):
                    sheet.write_number(row, col, line[bucket], money)
                sheet.write_number(row, 9, line.amount_residual, money)
                row += 1
            sheet.write(
                row, 0, self.env._("Total %(customer)s", customer=partner.display_name), bold
            )
            for col, (bucket, _label) in enumerate(BUCKETS, start=4):
                sheet.write_number(row, col, sum(lines.mapped(bucket)), money_bold)
            sheet.write_number(row, 9, sum(lines.mapped("amount_residual")), money_bold)
            row += 1
        sheet.write(row, 0, self.env._("Total"), bold)
        for col, (bucket, _label) in enumerate(BUCKETS, start=4):
            sheet.write_number(row, col, self[f"total_{bucket}"], money_bold)
        sheet.write_number(row, 9, self.total, money_bold)
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, 9, 14)
        workbook.close()
        self.write(
            {
                "xlsx_file": base64.b64encode(output.getvalue()),
                "xlsx_name": self.env._(
                    "Aged balance %(date)s.xlsx", date=fields.Date.to_string(self.date)
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/xlsx_file/{self.xlsx_name}?download=true",
            "target": "download",
        }


class AdvAgedBalanceLine(models.Model):
    """A line of an aged balance: an open receivable line with its residual at the balance's
    date. Nothing is stored: the rows are those of the query of the balance named in the
    context (the balance's lines, or its action, give it)."""

    _name = "adv.aged.balance.line"
    _description = "Aged Balance Line"
    _auto = False
    _order = "partner_id, date_maturity, id"
    _rec_name = "move_id"

    # an integer, not a Many2one: the balance is transient, these lines are not stored at all
    # the values are those of the balance of the context: the cache keeps them apart
    balance_id = fields.Integer(string="Aged Balance", readonly=True, depends_context=CONTEXT)
    currency_id = fields.Many2one("res.currency", readonly=True, depends_context=CONTEXT)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, depends_context=CONTEXT
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, depends_context=CONTEXT
    )
    invoice_user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, depends_context=CONTEXT
    )
    date_maturity = fields.Date(string="Due Date", readonly=True, depends_context=CONTEXT)
    days_overdue = fields.Integer(readonly=True, aggregator="max", depends_context=CONTEXT)
    amount_residual = fields.Monetary(string="Total", readonly=True, depends_context=CONTEXT)
    not_due = fields.Monetary(readonly=True, depends_context=CONTEXT)
    days_1_30 = fields.Monetary(string="1-30", readonly=True, depends_context=CONTEXT)
    days_31_60 = fields.Monetary(string="31-60", readonly=True, depends_context=CONTEXT)
    days_61_90 = fields.Monetary(string="61-90", readonly=True, depends_context=CONTEXT)
    days_90_plus = fields.Monetary(string="Over 90", readonly=True, depends_context=CONTEXT)

    @property
    def _table_query(self):
        balance = self.env["adv.aged.balance"].browse(self.env.context.get(BALANCE_KEY))
        if not balance:
            return self._adv_empty_query()
        return balance._lines_query()

    @api.model
    def _adv_empty_query(self):
        """No balance in the context: no line."""
        return SQL(
            "SELECT %s WHERE FALSE",
            SQL(", ").join(
                SQL(
                    "NULL::%s AS %s", SQL(self._fields[fname].column_type[1]), SQL.identifier(fname)
                )
                for fname in self._fields
                if self._fields[fname].store and self._fields[fname].column_type
            ),
        )

    def init(self):
        # the lines were stored rows (a transient table) before: the table goes
        self.env.cr.execute(
            "SELECT 1 FROM pg_class WHERE relname = 'adv_aged_balance_line' AND relkind = 'r'"
        )
        if self.env.cr.fetchone():
            self.env.cr.execute("DROP TABLE adv_aged_balance_line CASCADE")
