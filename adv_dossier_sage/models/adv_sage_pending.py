from odoo import fields, models
from odoo.tools import SQL


class AdvSagePending(models.Model):
    """What is left to export to Sage, journal by journal: the posted entries of the sales
    journals and the customer receipts that no export has sent yet."""

    _name = "adv.sage.pending"
    _description = "Entries Left to Export to Sage"
    _auto = False
    _order = "company_id, sage_code, journal_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    journal_id = fields.Many2one("account.journal", readonly=True)
    journal_type = fields.Selection(
        [("sale", "Sales"), ("bank", "Bank"), ("cash", "Cash")], readonly=True
    )
    sage_code = fields.Char(readonly=True)
    move_count = fields.Integer(string="Entries", readonly=True)
    total_debit = fields.Monetary(readonly=True)
    date_first = fields.Date(string="Oldest", readonly=True)
    date_last = fields.Date(string="Latest", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT j.id AS id, j.id AS journal_id, m.company_id, j.type AS journal_type,
                   j.adv_sage_code AS sage_code, COUNT(*) AS move_count,
                   SUM((SELECT SUM(l.debit) FROM account_move_line l WHERE l.move_id = m.id))
                       AS total_debit,
                   MIN(m.date) AS date_first, MAX(m.date) AS date_last
              FROM account_move m
              JOIN account_journal j ON j.id = m.journal_id
             WHERE m.state = 'posted'
               AND NOT EXISTS (
                    SELECT 1 FROM adv_sage_export_move x WHERE x.move_id = m.id AND x.current)
               AND (j.type = 'sale' OR (j.type IN ('bank', 'cash') AND EXISTS (
                    SELECT 1 FROM account_move_line l
                      JOIN account_account a ON a.id = l.account_id
                     WHERE l.move_id = m.id AND a.account_type = 'asset_receivable')))
          GROUP BY j.id, m.company_id
            """
        )
