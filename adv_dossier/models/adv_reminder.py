from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL

from .adv_reminder_level import CHANNELS
from .cron_progress import commit_progress, in_batches

FIXED_INDEMNITY = (
    40.0  # EUR per invoice paid late, professional customers (Code de commerce D441-5)
)
# the columns of a reminder's e-mail message given by _queue_mails, besides body and metadata
MESSAGE_COLUMNS = [
    "model",
    "res_id",
    "message_type",
    "subtype_id",
    "subject",
    "email_from",
    "reply_to",
    "author_id",
    "message_id",
]


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


class AdvReminder(models.Model):
    """One payment reminder sent (or to send) to a customer, listing its overdue invoices."""

    _name = "adv.reminder"
    _description = "Payment Reminder"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    level_id = fields.Many2one("adv.reminder.level", required=True, readonly=True, index=True)
    formal_notice = fields.Boolean(related="level_id.formal_notice")
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True, index=True)
    state = fields.Selection(
        [
            ("to_send", "To Send"),
            ("sent", "Sent"),
            ("skipped", "Skipped"),
            ("postponed", "Postponed"),
        ],
        default="to_send",
        required=True,
        tracking=True,
        index=True,
    )
    postponed_until = fields.Date(readonly=True)
    line_ids = fields.One2many(
        "adv.reminder.line", "reminder_id", string="Reminded Lines", readonly=True
    )
    invoice_ids = fields.Many2many(
        "account.move", compute="_compute_invoice_ids", string="Invoices"
    )
    amount_due = fields.Monetary(compute="_compute_amounts", store=True)
    penalties = fields.Monetary(
        string="Late-Payment Penalties",
        compute="_compute_amounts",
        store=True,
        help="Penalties at the company's rate for the days late, plus the fixed recovery indemnity "
        "per invoice for professional customers.",
    )
    attachment_id = fields.Many2one("ir.attachment", string="Letter", readonly=True)
    penalty_invoice_id = fields.Many2one("account.move", readonly=True, copy=False)

    @api.depends("line_ids.move_line_id")
    def _compute_invoice_ids(self):
        for reminder in self:
            reminder.invoice_ids = reminder.line_ids.move_line_id.move_id

    @api.depends("line_ids.amount_residual", "line_ids.penalty", "line_ids.indemnity")
    def _compute_amounts(self):
        for reminder in self:
            reminder.amount_due = sum(reminder.line_ids.mapped("amount_residual"))
            reminder.penalties = sum(reminder.line_ids.mapped("penalty")) + sum(
                reminder.line_ids.mapped("indemnity")
            )

    @api.depends("partner_id", "level_id", "date")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = f"{reminder.level_id.name} - {reminder.partner_id.name or ''}"

    def _mail_get_partner_fields(self, introspect_fields=False):
        return ["partner_id"]

    @api.model
    def _action_open(self, domain):
        """The reminder history, restricted to ``domain`` (from a customer, invoice, dossier)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("adv_dossier.action_adv_reminder")
        action.update({"domain": domain, "context": {}})
        return action

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _send(self):
        """Send the reminders still to send; their lines are locked and checked again first, so
        a payment posted since the selection stops its reminder."""
        todo = self.filtered(lambda r: r.state == "to_send")
        still_due = todo._lock_due_lines()
        sent = self.browse()
        skipped = self.browse()
        paid = self.env["adv.reminder.line"]
        for reminder in todo:
            own = reminder.line_ids
            if any(line.move_line_id.id not in still_due for line in own):
                continue  # being paid or reminded right now: the next run sends it
            if not any(still_due[line.move_line_id.id] for line in own):
                skipped |= reminder
                continue
            paid |= own.filtered(lambda rl: not still_due[rl.move_line_id.id])
            sent |= reminder
        paid.unlink()
        if skipped:
            skipped.write({"state": "skipped"})
            for reminder in skipped:
                reminder.message_post(body=self.env._("Not sent: everything was paid meanwhile."))
        sent._deliver_batch()
        sent.write({"state": "sent"})
        sent.line_ids.move_id._adv_dossiers()._move_to_stage_code("reminder")
        return sent

    def _lock_due_lines(self):
        """Lock the due lines of the reminders (those locked by another transaction are left
        out) and say, in the same query, which are still due: {move line id: still due}."""
        move_lines = self.line_ids.move_line_id
        if not move_lines:
            return {}
        self.env["account.move.line"].flush_model(["amount_residual", "move_id"])
        self.env["account.move"].flush_model(["payment_state"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT aml.id,
                       aml.amount_residual > 0
                       AND m.payment_state NOT IN ('paid', 'in_payment', 'reversed')
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                 WHERE aml.id IN %s
                   FOR UPDATE OF aml SKIP LOCKED
                """,
                tuple(move_lines.ids),
            )
        )
        move_lines.invalidate_recordset(["amount_residual"])
        move_lines.move_id.invalidate_recordset(["payment_state"])
        return dict(rows)

    def _deliver_batch(self):
        """E-mails of a template rendered for the whole batch at once (one QWeb rendering per
        language) and queued in bulk; letters (a PDF each) one by one; phone calls scheduled
        together."""
        by_template = {}
        calls = self.browse()
        for reminder in self:
            template = reminder.level_id.mail_template_id
            if reminder.channel == "email" and template:
                by_template[template] = by_template.get(template, self.browse()) | reminder
            else:
                reminder._deliver()
            if reminder.channel != "phone" and reminder.level_id.phone_call:
                calls |= reminder
        calls._schedule_call()
        for template, reminders in by_template.items():
            rendered = template.with_context(adv_render_once=True)._generate_template(
                reminders.ids, ["subject", "body_html", "email_from", "partner_to", "reply_to"]
            )
            reminders._queue_mails(rendered)

    def _queue_mails(self, rendered):
        """One outgoing e-mail per reminder (``rendered``: {reminder id: values rendered by its
        template}), its message in the reminder's chatter. The messages, e-mails and recipients
        are inserted with one query each: a ``mail.mail`` created through the ORM costs some
        milliseconds (defaults, inverse caches, one record at a time), a thousand of them every
        night. The values are the ones ``mail.mail.create`` stores (message id, date,
        signature flag, body sanitized by the ``body`` field itself); a body holding inline
        images, which the ORM turns into attachments, goes through the ORM."""
        Mail = self.env["mail.mail"].sudo()
        Message = self.env["mail.message"].sudo()
        body_field = Message._fields["body"]
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        author = self.env.user.partner_id
        date = fields.Datetime.now()
        by_orm, messages, mails, recipients = [], [], [], []
        for reminder in self:
            values = rendered[reminder.id]
            body = values.get("body_html") or ""
            mail_values = {
                "model": self._name,
                "res_id": reminder.id,
                "message_type": "comment",
                "subtype_id": comment,
                "subject": values.get("subject") or False,
                "email_from": values.get("email_from")
                or self.env.user.email_formatted
                or reminder.company_id.email_formatted,
                "reply_to": values.get("reply_to") or False,
                "author_id": author.id,
            }
            partner_ids = list(values.get("partner_ids", []))
            if "data:image" in body:
                by_orm.append(
                    dict(
                        mail_values,
                        body=body,
                        body_html=body,
                        recipient_ids=[Command.set(partner_ids)],
                        partner_ids=[Command.set(partner_ids)],
                        auto_delete=False,
                    )
                )
                continue
            mail_values["message_id"] = Message._get_message_id(mail_values)
            messages.append(
                [mail_values[column] or None for column in MESSAGE_COLUMNS]
                + [
                    body_field.convert_to_column_insert(body, Message),
                    True,
                    date,
                ]
            )
            mails.append(body)
            recipients.append(partner_ids)
        if by_orm:
            Mail.create(by_orm)
        if not messages:
            return
        message_columns = [
            *MESSAGE_COLUMNS,
            "body",
            "email_add_signature",  # its default
            "date",
        ]
        message_ids = insert_rows(self.env, "mail_message", message_columns, messages)
        mail_ids = insert_rows(
            self.env,
            "mail_mail",
            ["mail_message_id", "state", "body_html", "auto_delete"],
            [
                [message_id, "outgoing", body, False]
                for message_id, body in zip(message_ids, mails, strict=True)
            ],
        )
        for table, ids in (
            ("mail_message_res_partner_rel", message_ids),
            ("mail_mail_res_partner_rel", mail_ids),
        ):
            column = "mail_message_id" if table.startswith("mail_message") else "mail_mail_id"
            rows = [
                [record_id, partner_id]
                for record_id, partner_ids in zip(ids, recipients, strict=True)
                for partner_id in partner_ids
            ]
            if rows:
                insert_rows(
                    self.env,
                    table,
                    [column, "res_partner_id"],
                    rows,
                    returning=False,
                    log_access=False,
                )
        Message.invalidate_model()
        Mail.invalidate_model()
        self.invalidate_recordset(
            ["message_ids", "message_needaction", "message_needaction_counter"]
        )

    def _schedule_call(self):
        """A phone call to the customer for each reminder, for its salesperson (or the user),
        summed up in the salesperson's language (the scheduled action runs as OdooBot)."""
        by_user = {}
        for reminder in self:
            user = reminder.partner_id.user_id or self.env.user
            by_user[user] = by_user.get(user, self.browse()) | reminder
        for user, reminders in by_user.items():
            reminders = reminders.with_context(lang=user.lang or self.env.lang)
            reminders.activity_schedule(
                "mail.mail_activity_data_call",
                summary=reminders.env._("Call the customer about its overdue invoices"),
                user_id=user.id,
            )

    def _deliver(self):
        self.ensure_one()
        level = self.level_id
        attachments = self.env["ir.attachment"]
        if self.channel == "letter":
            report = self.env.ref("adv_dossier.action_report_adv_reminder_letter")
            pdf, _type = report._render_qweb_pdf(report.report_name, self.ids)
            attachments = self.env["ir.attachment"].create(
                {
                    "name": f"{self.display_name}.pdf",
                    "raw": pdf,
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/pdf",
                }
            )
            self.attachment_id = attachments
        if self.channel in ("email", "letter") and level.mail_template_id:
            lang = self.partner_id.lang or self.company_id.partner_id.lang
            self.with_context(lang=lang).message_post_with_source(
                level.mail_template_id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=attachments.ids,
            )
        if self.channel == "phone":
            self._schedule_call()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_send(self):
        self._send()
        return True

    def action_invoice_penalties(self):
        """Invoice the late-payment penalties and fixed indemnities of the reminder (draft)."""
        self.ensure_one()
        if not self.penalty_invoice_id:
            journal = self.env["account.journal"].search(
                [("type", "=", "sale"), ("company_id", "=", self.company_id.id)], limit=1
            )
            lines = []
            for line in self.line_ids:
                for amount, label in (
                    (
                        line.penalty,
                        self.env._(
                            "Late-payment penalties, invoice %(invoice)s, %(days)s days late",
                            invoice=line.move_id.name,
                            days=line.days_overdue,
                        ),
                    ),
                    (
                        line.indemnity,
                        self.env._(
                            "Fixed indemnity for recovery costs, invoice %(invoice)s",
                            invoice=line.move_id.name,
                        ),
                    ),
                ):
                    if amount:
                        lines.append(
                            Command.create(
                                {
                                    "name": label,
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": False,
                                }
                            )
                        )
            self.penalty_invoice_id = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "journal_id": journal.id,
                    "invoice_origin": self.display_name,
                    "invoice_line_ids": lines,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.penalty_invoice_id.id,
            "view_mode": "form",
        }

    def action_skip(self):
        self.filtered(lambda r: r.state in ("to_send", "postponed")).write({"state": "skipped"})
        return True

    def action_postpone(self):
        """Postpone the reminders by a week."""
        self.filtered(lambda r: r.state == "to_send").write(
            {
                "state": "postponed",
                "postponed_until": fields.Date.context_today(self) + timedelta(days=7),
            }
        )
        return True


class AdvReminderLine(models.Model):
    """A due line reminded at a level: a line is never reminded twice at the same level."""

    _name = "adv.reminder.line"
    _description = "Payment Reminder Line"

    reminder_id = fields.Many2one("adv.reminder", required=True, ondelete="cascade", index=True)
    move_line_id = fields.Many2one(
        "account.move.line", string="Due Line", required=True, index=True, readonly=True
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", string="Invoice", store=True, index=True
    )
    level_id = fields.Many2one(
        "adv.reminder.level",
        required=True,
        readonly=True,
        index=True,
        help="The level this due line reached.",
    )
    company_id = fields.Many2one(related="reminder_id.company_id", store=True)
    currency_id = fields.Many2one(related="reminder_id.currency_id")
    date_maturity = fields.Date(related="move_line_id.date_maturity", string="Due Date")
    days_overdue = fields.Integer(readonly=True)
    amount_residual = fields.Monetary(string="Amount Due", readonly=True)
    penalty = fields.Monetary(string="Penalties", readonly=True)
    indemnity = fields.Monetary(string="Fixed Indemnity", readonly=True)

    _line_level_unique = models.UniqueIndex(
        "(move_line_id, level_id)", "This due line was already reminded at this level."
    )

    @api.model
    def _insert_prepared(self, vals_list):
        """Insert the lines prepared by the engine for new reminders in one query, and set the
        totals of their reminders from them in another, bypassing the ORM's per-record work
        (monetary rounding through the related currency, stored related fields, recomputing
        the totals): every column is given, amounts already rounded, ``move_id`` and
        ``company_id`` included. A line already reminded at its level still fails on the
        unique index."""
        if not vals_list:
            return
        Reminder = self.env["adv.reminder"]
        reminders = Reminder.browse({vals["reminder_id"] for vals in vals_list})
        # the totals computed now would be zero: they are set below
        for fname in ("amount_due", "penalties"):
            self.env.remove_to_compute(Reminder._fields[fname], reminders)
        Reminder.flush_model()
        columns = [
            "reminder_id",
            "move_line_id",
            "move_id",
            "level_id",
            "company_id",
            "days_overdue",
            "amount_residual",
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
        self.env.cr.execute(
            SQL(
                """
                UPDATE adv_reminder r
                   SET amount_due = totals.amount_due, penalties = totals.penalties
                  FROM (SELECT reminder_id, SUM(amount_residual) AS amount_due,
                               SUM(penalty) + SUM(indemnity) AS penalties
                          FROM adv_reminder_line
                         WHERE reminder_id IN %s
                      GROUP BY reminder_id) totals
                 WHERE r.id = totals.reminder_id
                """,
                tuple(reminders.ids),
            )
        )
        self.invalidate_model()
        reminders.invalidate_recordset(["line_ids", "invoice_ids", "amount_due", "penalties"])
        self.env["account.move"].invalidate_model(["adv_reminder_line_ids"])


class AdvReminderEngine(models.AbstractModel):
    """Selects the due lines to remind, prepares the reminders and sends them."""

    _name = "adv.reminder.engine"
    _description = "Payment Reminder Engine"
    BATCH_SIZE = 50

    @api.model
    def _due_lines(self, company, date):
        """Overdue receivable lines of ``company`` that may be reminded at ``date`` (one query)."""
        self.env["res.partner"]._adv_flush_accounting()
        self.env["adv.reminder.line"].flush_model()
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT aml.id, aml.move_id, p.commercial_partner_id AS partner_id, aml.date_maturity,
                       aml.amount_residual, cp.is_company,
                       ARRAY(SELECT level_id FROM adv_reminder_line arl WHERE arl.move_line_id = aml.id) AS levels
                  FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN res_partner p ON p.id = aml.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE aml.company_id = %(company)s
                   AND aml.reconciled IS NOT TRUE
                   AND aml.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                   AND aml.amount_residual > 0
                   AND aml.date_maturity < %(date)s
                   AND m.move_type = 'out_invoice'
                   AND m.payment_state NOT IN ('paid', 'in_payment', 'reversed')
                   AND NOT COALESCE(m.adv_no_reminder, FALSE)
                   AND NOT COALESCE(m.adv_dispute, FALSE)
                   AND NOT COALESCE(cp.adv_no_reminder, FALSE)
              ORDER BY p.commercial_partner_id, aml.date_maturity, aml.id
                """,
                company=company.id,
                date=date,
            )
        )

    @api.model
    def _prepare(self, company, date=None):
        """Create the reminders to send at ``date``: one per customer and level reached,
        listing its due lines that were not reminded at that level yet. Idempotent."""
        date = date or fields.Date.context_today(self)
        levels = self.env["adv.reminder.level"]._for_company(company).sorted("days_after_due")
        if not levels:
            return self.env["adv.reminder"]
        rate = company.adv_late_penalty_rate / 100.0
        thresholds = [(level.days_after_due, index) for index, level in enumerate(levels)]
        round_amount = company.currency_id.round
        groups = {}
        for row in self._due_lines(company, date):
            days = (date - row["date_maturity"]).days
            reached = max((index for delay, index in thresholds if delay <= days), default=None)
            if reached is None or levels[reached].id in row["levels"]:
                continue
            amount = round_amount(row["amount_residual"])
            groups.setdefault(row["partner_id"], []).append(
                {
                    "move_line_id": row["id"],
                    "move_id": row["move_id"],
                    "level_id": levels[reached].id,
                    "rank": reached,
                    "days_overdue": days,
                    "amount_residual": amount,
                    "penalty": round_amount(amount * rate * days / 365),
                    "indemnity": FIXED_INDEMNITY if row["is_company"] else 0.0,
                }
            )
        # one reminder per customer, at the highest level its due lines reached; the lines of
        # every reminder are inserted in one go, which also sets the totals of the reminders
        partner_ids = list(groups)
        vals_list = []
        for partner_id in partner_ids:
            level = levels[max(line.pop("rank") for line in groups[partner_id])]
            vals_list.append(
                {
                    "partner_id": partner_id,
                    "company_id": company.id,
                    "level_id": level.id,
                    "channel": level.channel,
                    "date": date,
                }
            )
        Reminder = (
            self.env["adv.reminder"]
            .sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        )
        reminders = Reminder.create(vals_list)
        self.env["adv.reminder.line"]._insert_prepared(
            [
                dict(line, reminder_id=reminder.id, company_id=company.id)
                for reminder, partner_id in zip(reminders, partner_ids, strict=True)
                for line in groups[partner_id]
            ]
        )
        return self.env["adv.reminder"].browse(reminders.ids)

    @api.model
    def action_reminders_to_send(self):
        """The reminders the scheduled action would send today, prepared now, before sending."""
        self._prepare(self.env.company)
        action = self.env["ir.actions.act_window"]._for_xml_id("adv_dossier.action_adv_reminder")
        name = self.env._("Reminders to Send Today")
        action.update(
            {
                "name": name,
                "display_name": name,  # the title the web client shows
                "domain": [("company_id", "=", self.env.company.id), ("state", "=", "to_send")],
                "context": {},
            }
        )
        return action

    @api.model
    def _cron(self):
        """Daily, per company: prepare today's reminders and send them (and the postponed ones
        whose day came). Safe to rerun or to run by hand at the same time."""
        today = fields.Date.context_today(self)
        Reminder = self.env["adv.reminder"]
        for company in self.env["res.company"].search([]):
            engine = self.with_company(company)
            engine._prepare(company, today)
            Reminder.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "postponed"),
                    ("postponed_until", "<=", today),
                ]
            ).write({"state": "to_send"})
            if not commit_progress(engine.env, 0, 0):
                return
            if not company.adv_reminder_auto_send:
                continue
            to_send = Reminder.search(
                [("company_id", "=", company.id), ("state", "=", "to_send"), ("date", "<=", today)]
            )
            if not in_batches(to_send, self.BATCH_SIZE, lambda batch: batch._send()):
                return
