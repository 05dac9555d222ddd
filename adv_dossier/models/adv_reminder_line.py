from odoo import api, fields, models
from odoo.tools import SQL


def insert_rows(env, table, columns, rows, returning=True, log_access=True):
    """INSERT ``rows`` (lists of values in the order of ``columns``) into ``table`` in one
    query, with the creation and last-update user and date of a record unless ``log_access``
    is off (relation tables); returns the new ids in the order of ``rows``, as the ORM's own
    INSERT does."""
    if log_access:
        columns = [*columns, "create_uid", "create_date", "write_uid", "write_date"]
        log = [env.uid, env.cr.now(), env.uid, env.cr.now()]
        rows = [[*row, *log] for row in rows]
    query = SQL(
        "INSERT INTO %s (%s) VALUES %s",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
        SQL(", ").join(SQL("(%s)", SQL(", ").join(row)) for row in rows),
    )
    if not returning:
        env.cr.execute(query)
        return []
    env.cr.execute(SQL("%s RETURNING id", query))
    return [row[0] for row in env.cr.fetchall()]


class AdvReminderLine(models.Model):
    """A due line (an invoice, or one instalment of it) reminded at a level.

    The line keeps what the customer was told (invoice, due date, amount due in the invoice's
    currency, days late), so that the history survives the invoice being reset to draft and
    changed, cancelled or credited: Odoo may then delete and recreate the due line itself.
    A due line is never reminded twice at the same level."""

    _name = "adv.reminder.line"
    _description = "Payment Reminder Line"
    _order = "reminder_id, date_maturity, id"

    reminder_id = fields.Many2one("adv.reminder", required=True, ondelete="cascade", index=True)
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Due Line",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
        help="Empty once the invoice was reset to draft and its due lines recomputed.",
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, readonly=True
    )
    level_id = fields.Many2one(
        "adv.reminder.level",
        required=True,
        readonly=True,
        index=True,
        help="The level this due line reached.",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, readonly=True, help="The invoice's currency."
    )
    date_maturity = fields.Date(string="Due Date", required=True, readonly=True)
    days_overdue = fields.Integer(readonly=True)
    amount_residual = fields.Monetary(
        string="Amount Due", readonly=True, help="In the invoice's currency."
    )
    amount_residual_company = fields.Monetary(
        string="Amount Due (Company Currency)",
        currency_field="company_currency_id",
        readonly=True,
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    penalty = fields.Monetary(
        string="Penalties", readonly=True, help="Accrued from the day after the due date."
    )
    indemnity = fields.Monetary(
        string="Fixed Indemnity",
        readonly=True,
        help="The fixed recovery indemnity, in the invoice's currency (once per late invoice).",
    )

    _line_level_unique = models.UniqueIndex(
        "(move_line_id, level_id) WHERE move_line_id IS NOT NULL",
        "This due line was already reminded at this level.",
    )
    _instalment_idx = models.Index("(move_id, date_maturity)")

    @api.model
    def _insert_prepared(self, vals_list):
        """Insert the lines prepared by the engine in one query, bypassing the ORM's
        per-record work (monetary rounding through the currency, recomputing the totals of
        the reminders): every column is given, amounts already rounded. A line already
        reminded at its level still fails on the unique index. The totals of the reminders
        are set by ``adv.reminder._update_totals``."""
        if not vals_list:
            return
        self.env["adv.reminder"].flush_model()
        columns = [
            "reminder_id",
            "move_line_id",
            "move_id",
            "level_id",
            "company_id",
            "currency_id",
            "date_maturity",
            "days_overdue",
            "amount_residual",
            "amount_residual_company",
            "penalty",
            "indemnity",
        ]
        insert_rows(
            self.env,
            "adv_reminder_line",
            columns,
            [[vals[column] for column in columns] for vals in vals_list],
            returning=False,
        )
        self.invalidate_model()
        self.env["account.move"].invalidate_model(["adv_reminder_line_ids"])

    @api.model
    def _raise_level(self, level_by_line):
        """Raise pending lines (of reminders not sent yet) to the level they reached:
        {line id: (level id, days overdue, penalty)}."""
        if not level_by_line:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE adv_reminder_line l
                   SET level_id = v.level_id, days_overdue = v.days, penalty = v.penalty,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM (SELECT unnest(%(ids)s::int[]) AS id, unnest(%(levels)s::int[]) AS level_id,
                               unnest(%(days)s::int[]) AS days,
                               unnest(%(penalties)s::numeric[]) AS penalty) v
                 WHERE l.id = v.id
                """,
                uid=self.env.uid,
                now=self.env.cr.now(),
                ids=list(level_by_line),
                levels=[v[0] for v in level_by_line.values()],
                days=[v[1] for v in level_by_line.values()],
                penalties=[v[2] for v in level_by_line.values()],
            )
        )
        self.invalidate_model(["level_id", "days_overdue", "penalty"])
