import base64
import io

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner_risk import RISK_LEVELS

BUCKETS = [
    ("not_due", "Not Due"),
    ("days_1_30", "1-30"),
    ("days_31_60", "31-60"),
    ("days_61_90", "61-90"),
    ("days_90_plus", "Over 90"),
]


class AdvAgedBalance(models.TransientModel):
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
    line_ids = fields.One2many("adv.aged.balance.line", "balance_id", string="Lines")
    total = fields.Monetary(compute="_compute_totals")
    total_not_due = fields.Monetary(compute="_compute_totals", string="Not Due")
    total_days_1_30 = fields.Monetary(compute="_compute_totals", string="1-30")
    total_days_31_60 = fields.Monetary(compute="_compute_totals", string="31-60")
    total_days_61_90 = fields.Monetary(compute="_compute_totals", string="61-90")
    total_days_90_plus = fields.Monetary(compute="_compute_totals", string="Over 90")

    @api.depends("line_ids.amount_residual")
    def _compute_totals(self):
        for balance in self:
            lines = balance.line_ids
            balance.total = sum(lines.mapped("amount_residual"))
            for bucket, _label in BUCKETS:
                balance[f"total_{bucket}"] = sum(lines.mapped(bucket))

    def _fetch_lines(self):
        """Every receivable line open at the date, with its residual at that date, in one query."""
        self.ensure_one()
        self.company_id._adv_check_user_company()
        self.env["res.partner"]._adv_flush_accounting()
        user_filter = SQL("AND m.invoice_user_id = %s", self.user_id.id) if self.user_id else SQL()
        if self.partner_ids:
            user_filter = SQL(
                "%s AND p.commercial_partner_id = ANY(%s)",
                user_filter,
                self.partner_ids.commercial_partner_id.ids,
            )
        return self.env.execute_query_dict(
            SQL(
                """
                WITH partials AS (
                    SELECT debit_move_id AS line_id, SUM(amount) AS amount
                      FROM account_partial_reconcile
                     WHERE max_date <= %(date)s AND company_id = %(company)s
                  GROUP BY debit_move_id
                 UNION ALL
                    SELECT credit_move_id, -SUM(amount)
                      FROM account_partial_reconcile
                     WHERE max_date <= %(date)s AND company_id = %(company)s
                  GROUP BY credit_move_id
                )
                SELECT aml.id AS move_line_id,
                       p.commercial_partner_id AS partner_id,
                       aml.move_id AS move_id,
                       COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       aml.balance - COALESCE(SUM(pa.amount), 0) AS amount_residual
                  FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN res_partner p ON p.id = aml.partner_id
             LEFT JOIN partials pa ON pa.line_id = aml.id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                   AND aml.date <= %(date)s
                   %(user_filter)s
              GROUP BY aml.id, p.commercial_partner_id
                HAVING ROUND(aml.balance - COALESCE(SUM(pa.amount), 0), 2) != 0
              ORDER BY p.commercial_partner_id, COALESCE(aml.date_maturity, aml.date), aml.id
                """,
                date=self.date,
                company=self.company_id.id,
                user_filter=user_filter,
            )
        )

    def action_compute(self):
        self.ensure_one()
        self.line_ids.unlink()
        rows = self._fetch_lines()
        if self.risk_level and rows:
            partners = self.env["res.partner"].with_company(self.company_id)
            figures = partners._adv_risk_figures([row["partner_id"] for row in rows])
            rows = [
                r for r in rows if figures[r["partner_id"]]["adv_risk_level"] == self.risk_level
            ]
        values = []
        for row in rows:
            days = (self.date - row["date_maturity"]).days
            bucket = (
                "not_due"
                if days <= 0
                else "days_1_30"
                if days <= 30
                else "days_31_60"
                if days <= 60
                else "days_61_90"
                if days <= 90
                else "days_90_plus"
            )
            vals = {
                "balance_id": self.id,
                "partner_id": row["partner_id"],
                "move_id": row["move_id"],
                "date_maturity": row["date_maturity"],
                "days_overdue": max(days, 0),
                "amount_residual": row["amount_residual"],
            }
            vals.update(
                {
                    name: row["amount_residual"] if name == bucket else 0.0
                    for name, _label in BUCKETS
                }
            )
            values.append(vals)
        self.env["adv.aged.balance.line"].create(values)
        return self.action_open_lines()

    def action_open_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Aged Balance at %(date)s", date=fields.Date.to_string(self.date)),
            "res_model": "adv.aged.balance.line",
            "view_mode": "list,pivot",
            "domain": [("balance_id", "=", self.id)],
            "context": {"group_by": ["partner_id"]},
        }

    def action_print(self):
        self.ensure_one()
        if not self.line_ids:
            self.action_compute()
        return self.env.ref("adv_dossier.action_report_adv_aged_balance").report_action(self)

    def action_export_xlsx(self):
        """The aged balance as an XLSX workbook: one row per invoice, subtotals per customer."""
        self.ensure_one()
        if not self.line_ids:
            self.action_compute()
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
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Aged balance %(date)s.xlsx", date=fields.Date.to_string(self.date)
                ),
                "datas": base64.b64encode(output.getvalue()),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }


class AdvAgedBalanceLine(models.TransientModel):
    _name = "adv.aged.balance.line"
    _description = "Aged Balance Line"
    _order = "partner_id, date_maturity, id"

    balance_id = fields.Many2one("adv.aged.balance", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="balance_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    invoice_user_id = fields.Many2one(related="move_id.invoice_user_id", string="Salesperson")
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    amount_residual = fields.Monetary(string="Total", readonly=True)
    not_due = fields.Monetary(readonly=True)
    days_1_30 = fields.Monetary(string="1-30", readonly=True)
    days_31_60 = fields.Monetary(string="31-60", readonly=True)
    days_61_90 = fields.Monetary(string="61-90", readonly=True)
    days_90_plus = fields.Monetary(string="Over 90", readonly=True)
