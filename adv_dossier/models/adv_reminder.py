from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from . import adv_reminder_mail
from .adv_reminder_level import CHANNELS

STATES = [
    ("to_send", "To Send"),
    ("postponed", "Postponed"),
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("to_print", "Letter to Print"),
    ("skipped", "Skipped"),
]
# not given to the customer yet: preparing again raises their level and adds the new due lines
PENDING_STATES = ("to_send", "postponed", "failed")
# given to the customer (or on its way): the count of a customer's reminders
GIVEN_STATES = ("queued", "sent", "to_print")
# the e-mail layout of the company (logo, address) around a reminder's text
EMAIL_LAYOUT = "mail.mail_notification_light"
# a batch of letters commits after this many PDFs (a PDF takes about a second)
LETTER_BATCH_SIZE = 5


class AdvReminder(models.Model):
    """A payment reminder of a customer, listing its overdue due lines at the level they
    reached. It is prepared (To Send), then given to the customer: its e-mail queued (Queued),
    gone (Sent) or refused by the mail server (Failed, retried by the next run), or its letter
    to print when the customer has no e-mail address (Letter to Print)."""

    _name = "adv.reminder"
    _description = "Payment Reminder"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    level_id = fields.Many2one(
        "adv.reminder.level", required=True, readonly=True, tracking=True, index=True
    )
    formal_notice = fields.Boolean(related="level_id.formal_notice")
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        readonly=True,
        index=True,
        help="The day the reminder was prepared (again, when new invoices joined it).",
    )
    date_sent = fields.Date(
        string="Sent On", readonly=True, copy=False, help="The day it was given to the customer."
    )
    state = fields.Selection(
        STATES,
        default="to_send",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
    )
    failure_reason = fields.Text(readonly=True, copy=False)
    postponed_until = fields.Date(readonly=True)
    line_ids = fields.One2many(
        "adv.reminder.line", "reminder_id", string="Reminded Lines", readonly=True
    )
    invoice_ids = fields.Many2many(
        "account.move", compute="_compute_invoice_ids", string="Invoices"
    )
    amount_due = fields.Monetary(
        readonly=True, help="Total of the amounts due, in the company's currency."
    )
    penalties = fields.Monetary(
        string="Late-Payment Penalties",
        readonly=True,
        help="Penalties accrued for the days late, plus the fixed recovery indemnity of each "
        "late invoice for professional customers, in the company's currency.",
    )
    attachment_id = fields.Many2one("ir.attachment", string="Letter", readonly=True, copy=False)
    mail_message_id = fields.Many2one(
        "mail.message",
        string="E-mail",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The e-mail of the reminder, whose delivery gives its state.",
    )
    penalty_ids = fields.One2many("adv.late.penalty", "reminder_id", string="Penalties Billed")

    _company_state_date_idx = models.Index("(company_id, state, date)")
    _level_idx = models.Index("(level_id)")

    @api.depends("line_ids.move_id")
    def _compute_invoice_ids(self):
        for reminder in self:
            reminder.invoice_ids = reminder.line_ids.move_id

    @api.depends("partner_id", "level_id")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = f"{reminder.level_id.name} - {reminder.partner_id.name or ''}"

    def _mail_get_partner_fields(self, introspect_fields=False):
        return ["partner_id"]

    def _adv_totals(self):
        """The totals of the reminder by currency (invoices in several currencies are never
        added up): [{'currency': res.currency, 'amount_due', 'penalty', 'indemnity'}]."""
        self.ensure_one()
        totals = {}
        for line in self.line_ids:
            total = totals.setdefault(
                line.currency_id,
                {"currency": line.currency_id, "amount_due": 0.0, "penalty": 0.0, "indemnity": 0.0},
            )
            total["amount_due"] += line.amount_residual
            total["penalty"] += line.penalty
            total["indemnity"] += line.indemnity
        return sorted(totals.values(), key=lambda t: t["currency"] != self.currency_id)

    @api.model
    def _action_open(self, domain):
        """The reminder history, restricted to ``domain`` (from a customer, invoice, dossier)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("adv_dossier.action_adv_reminder")
        action.update({"domain": domain, "context": {}})
        return action

    def _update_totals(self):
        """Set the totals of the reminders from their lines (one query)."""
        if not self:
            return
        self.env["adv.reminder.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE adv_reminder r
                   SET amount_due = COALESCE(t.amount_due, 0), penalties = COALESCE(t.penalties, 0)
                  FROM (SELECT r2.id,
                               SUM(l.amount_residual_company) AS amount_due,
                               SUM(CASE WHEN l.amount_residual != 0
                                        THEN (l.penalty + l.indemnity)
                                             * l.amount_residual_company / l.amount_residual
                                        ELSE l.penalty + l.indemnity END) AS penalties
                          FROM adv_reminder r2
                     LEFT JOIN adv_reminder_line l ON l.reminder_id = r2.id
                         WHERE r2.id IN %s
                      GROUP BY r2.id) t
                 WHERE r.id = t.id
                """,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["amount_due", "penalties", "line_ids", "invoice_ids"])

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _send(self, day=None):
        """Give the reminders to their customers: e-mails queued in Odoo's mail queue (one
        ``create`` per model for the batch, see adv_reminder_mail), letters rendered, phone
        calls scheduled. Reminders to send and failed ones (retried) only; a reminder locked
        by another run, or whose due lines are being paid right now, is left to the next run.

        The due lines are checked just before: lines paid, credited, cancelled or reset to
        draft since the preparation leave the reminder (everything paid: it is skipped). The
        check takes the due lines' row locks and releases them at once, before any PDF is
        rendered, so that payments never wait for a reminder."""
        todo = self.filtered(lambda r: r.state in ("to_send", "failed"))
        if not todo:
            return self.browse()
        todo = todo.try_lock_for_update(allow_referencing=True)
        # their state as another run may have committed it
        todo.invalidate_recordset(["state", "mail_message_id"])
        todo = todo.filtered_domain([("state", "in", ("to_send", "failed"))])
        if not todo:
            return self.browse()
        still_due = todo._check_due_lines()
        ready = self.browse()
        skipped = self.browse()
        gone = self.env["adv.reminder.line"]
        for reminder in todo:
            lines = reminder.line_ids
            if any(line.move_line_id and line.move_line_id.id not in still_due for line in lines):
                continue  # being paid right now: the next run sends it
            due = lines.filtered(lambda rl: rl.move_line_id and still_due[rl.move_line_id.id][0])
            if not due:
                skipped |= reminder
                continue
            gone |= lines - due
            ready |= reminder
        changed = gone.reminder_id
        gone.unlink()
        if skipped:
            skipped._cancel_failed_mails()
            skipped.write({"state": "skipped", "failure_reason": False})
            for reminder in skipped:
                reminder.message_post(
                    body=self.env._("Not sent: everything was paid or cancelled meanwhile.")
                )
        if not ready:
            return self.browse()
        today = day or fields.Date.context_today(self)
        ready._refresh_lines(still_due, today)
        (changed & ready)._set_level_from_lines()
        # a failed e-mail still right is queued again, anything else gets a new e-mail
        failed_mails = ready._failed_mails()
        retry = ready.filtered(
            lambda r: (
                r.state == "failed"
                and r not in changed
                and r.mail_message_id in failed_mails.mail_message_id
            )
        )
        (ready - retry)._cancel_failed_mails()
        retry._retry_mails()
        ready -= retry
        if not ready:
            return retry
        phone = ready.filtered(lambda r: r.channel == "phone")
        rendered = (ready - phone)._render_emails()
        with_email = (ready - phone).filtered(lambda r: rendered[r.id]["has_email"])
        to_print = ready - phone - with_email
        for reminder in ready.filtered(lambda r: r.channel == "letter") | to_print:
            reminder._render_letter()
        with_email._post_emails(rendered)
        to_print._note_letter_to_print()
        ready._schedule_calls()
        with_email.write({"state": "queued", "date_sent": today, "failure_reason": False})
        to_print.write({"state": "to_print", "date_sent": today, "failure_reason": False})
        phone.write({"state": "sent", "date_sent": today, "failure_reason": False})
        (ready | retry).line_ids.move_id._adv_dossiers()._move_to_stage_code("reminder")
        return ready | retry

    @api.model
    def _wake_mail_queue(self):
        """Odoo's mail queue sends the e-mails queued now rather than at its next hourly run."""
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    def _check_due_lines(self):
        """Which due lines of the reminders are still due: {move line id: (still due,
        amount due in its currency, in the company's, [(payment date, amount)])}, the lines
        locked by another transaction (a payment being recorded) left out. The row locks are
        taken in a savepoint rolled back at once: nothing waits for the reminder."""
        lines = self.env["adv.reminder.line"].search_fetch(
            [("reminder_id", "in", self.ids)],
            [
                "reminder_id",
                "move_line_id",
                "level_id",
                "currency_id",
                "date_maturity",
                "amount_residual",
                "amount_residual_company",
                "penalty",
                "indemnity",
                "company_id",
            ],
        )
        move_lines = lines.move_line_id
        if not move_lines:
            return {}
        self.env["account.move.line"].flush_model(
            ["amount_residual", "amount_residual_currency", "move_id", "parent_state", "reconciled"]
        )
        self.env["account.move"].flush_model(["payment_state", "state"])
        self.env["account.partial.reconcile"].flush_model()
        # the savepoint is opened and rolled back with the queries it frames
        rows = self.env.execute_query(
            SQL(
                """
                SAVEPOINT adv_reminder_due_lines;
                SELECT aml.id,
                       aml.parent_state = 'posted' AND NOT aml.reconciled
                       AND aml.amount_residual > 0
                       AND m.payment_state NOT IN ('paid', 'in_payment', 'reversed'),
                       aml.amount_residual_currency, aml.amount_residual,
                       ARRAY(SELECT p.max_date FROM account_partial_reconcile p
                              WHERE p.debit_move_id = aml.id ORDER BY p.id),
                       ARRAY(SELECT p.debit_amount_currency FROM account_partial_reconcile p
                              WHERE p.debit_move_id = aml.id ORDER BY p.id)
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                 WHERE aml.id IN %s
                   FOR UPDATE OF aml SKIP LOCKED
                """,
                tuple(move_lines.ids),
            )
        )
        self.env.cr.execute(
            "ROLLBACK TO SAVEPOINT adv_reminder_due_lines; RELEASE SAVEPOINT adv_reminder_due_lines"
        )
        return {
            row[0]: (row[1], row[2], row[3], list(zip(row[4], row[5], strict=True))) for row in rows
        }

    def _refresh_lines(self, still_due, today):
        """The days late, amounts due and accrued penalties of the lines, as of ``today``,
        and the totals of the reminders (one query)."""
        Penalty = self.env["adv.late.penalty"]
        values = {}
        totals = {}
        for line in self.line_ids:
            reminder = line.reminder_id
            total = totals.setdefault(reminder, [0.0, 0.0])
            if line.move_line_id.id not in still_due:
                amount, amount_company = line.amount_residual, line.amount_residual_company
                line_penalty = line.penalty
            else:
                _due, amount, amount_company, payments = still_due[line.move_line_id.id]
                currency = line.currency_id
                rate = line.company_id._adv_late_penalty_rate(
                    reminder.partner_id, line.date_maturity
                )
                amount = currency.round(amount)
                amount_company = line.company_currency_id.round(amount_company)
                line_penalty = currency.round(
                    Penalty._accrued(amount, payments, line.date_maturity, today, rate)
                )
                values[line.id] = (
                    amount,
                    amount_company,
                    (today - line.date_maturity).days,
                    line_penalty,
                )
            total[0] += amount_company
            ratio = amount_company / amount if amount else 1.0
            total[1] += (line_penalty + line.indemnity) * ratio
        self.env["adv.reminder.line"].flush_model()
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                WITH lines AS (
                    UPDATE adv_reminder_line l
                       SET amount_residual = v.amount, amount_residual_company = v.amount_company,
                           days_overdue = v.days, penalty = v.penalty
                      FROM (SELECT unnest(%(ids)s::int[]) AS id,
                                   unnest(%(amounts)s::numeric[]) AS amount,
                                   unnest(%(company)s::numeric[]) AS amount_company,
                                   unnest(%(days)s::int[]) AS days,
                                   unnest(%(penalties)s::numeric[]) AS penalty) v
                     WHERE l.id = v.id
                )
                UPDATE adv_reminder r
                   SET amount_due = t.amount_due, penalties = t.penalties
                  FROM (SELECT unnest(%(reminders)s::int[]) AS id,
                               unnest(%(due)s::numeric[]) AS amount_due,
                               unnest(%(penalty_totals)s::numeric[]) AS penalties) t
                 WHERE r.id = t.id
                """,
                ids=list(values),
                amounts=[v[0] for v in values.values()],
                company=[v[1] for v in values.values()],
                days=[v[2] for v in values.values()],
                penalties=[v[3] for v in values.values()],
                reminders=[reminder.id for reminder in totals],
                due=[reminder.currency_id.round(t[0]) for reminder, t in totals.items()],
                penalty_totals=[reminder.currency_id.round(t[1]) for reminder, t in totals.items()],
            )
        )
        self.env["adv.reminder.line"].invalidate_model(
            ["amount_residual", "amount_residual_company", "days_overdue", "penalty"]
        )
        self.invalidate_recordset(["amount_due", "penalties"])

    def _after_prepare(self, date):
        """Unsent reminders that got new lines or higher levels: the level of their highest
        line, dated ``date``; a failed one gets a new e-mail (the failed one is cancelled)."""
        failed = self.filtered(lambda r: r.state == "failed")
        failed._cancel_failed_mails()
        failed.write({"state": "to_send", "failure_reason": False})
        self.write({"date": date})
        self._set_level_from_lines()

    def _set_level_from_lines(self):
        """After lines left a reminder, its level is the highest its remaining lines reached."""
        for reminder in self:
            level = reminder.line_ids.level_id.sorted("days_after_due")[-1:]
            if level and level != reminder.level_id:
                reminder.write({"level_id": level.id, "channel": level.channel})

    def _render_emails(self):
        """The e-mails of the reminders rendered from their levels' templates, once per
        template and language for the whole batch: {reminder id: values}, with
        ``has_email`` telling whether a recipient has an e-mail address."""
        by_template = {}
        for reminder in self:
            template = reminder.level_id.mail_template_id
            by_template[template] = by_template.get(template, self.browse()) | reminder
        rendered = {}
        for template, reminders in by_template.items():
            if template:
                rendered.update(
                    template.with_context(adv_render_once=True)._generate_template(
                        reminders.ids,
                        [
                            "subject",
                            "body_html",
                            "email_from",
                            "partner_to",
                            "email_to",
                            "email_cc",
                            "reply_to",
                            "lang",
                        ],
                        find_or_create_partners=True,
                    )
                )
            else:
                rendered.update(
                    {
                        r.id: {"body_html": Markup(), "partner_ids": r.partner_id.ids}
                        for r in reminders
                    }
                )
        partners = self.env["res.partner"].browse(
            {pid for values in rendered.values() for pid in values.get("partner_ids", [])}
        )
        with_email = set(partners.filtered("email_normalized").ids)
        for values in rendered.values():
            values["has_email"] = bool(with_email.intersection(values.get("partner_ids", [])))
        return rendered

    def _render_letter(self):
        """The letter as a PDF, attached to the reminder (and to its e-mail)."""
        self.ensure_one()
        report = self.env.ref("adv_dossier.action_report_adv_reminder_letter")
        pdf, _type = report.sudo()._render_qweb_pdf(report.report_name, self.ids)
        self.attachment_id = self.env["ir.attachment"].create(
            {
                "name": f"{self.display_name}.pdf",
                "raw": pdf,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf",
            }
        )

    def _post_values(self, rendered):
        """The values ``message_post`` gets for each reminder's e-mail (``rendered``: its
        template rendered): from the company (or its reminder sender), in the company's
        layout, in the customer's language, queued (never sent inside the transaction)."""
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        result = {}
        for reminder in self:
            values = rendered[reminder.id]
            sender = reminder.company_id._adv_reminder_sender()
            post = {
                "body": values.get("body_html") or Markup(),
                "subject": values.get("subject") or False,
                "partner_ids": list(values.get("partner_ids", [])),
                "author_id": sender.id,
                "message_type": "comment",
                "subtype_id": comment,
                "email_layout_xmlid": EMAIL_LAYOUT,
                "email_add_signature": False,
                "mail_auto_delete": reminder.level_id.mail_template_id.auto_delete,
                "force_email_lang": values.get("lang") or reminder.partner_id.lang,
                "force_send": False,
            }
            if values.get("email_from"):
                post["email_from"] = values["email_from"]
            if values.get("reply_to"):
                post["reply_to"] = values["reply_to"]
            if reminder.attachment_id:
                post["attachment_ids"] = reminder.attachment_id.ids
            result[reminder.id] = post
        return result

    def _post_emails(self, rendered):
        """One e-mail per reminder (``rendered``: see ``_render_emails``), posted as
        ``message_post`` posts it, for the whole batch at once (adv_reminder_mail)."""
        if not self:
            return
        messages = adv_reminder_mail.post_messages(self, self._post_values(rendered))
        for reminder, message in zip(self, messages, strict=True):
            reminder.mail_message_id = message

    def _note_letter_to_print(self):
        for reminder in self:
            reminder.message_post(
                body=self.env._(
                    "Letter to print and post: %(customer)s has no e-mail address.",
                    customer=reminder.partner_id.display_name,
                ),
                attachment_ids=reminder.attachment_id.ids,
            )

    def _schedule_calls(self):
        """A phone call to the customer for each reminder whose level asks for one, for its
        salesperson (or the user), summed up in the salesperson's language (the scheduled
        action runs as OdooBot)."""
        by_user = {}
        for reminder in self.filtered(lambda r: r.channel == "phone" or r.level_id.phone_call):
            user = reminder.partner_id.user_id or self.env.user
            by_user[user] = by_user.get(user, self.browse()) | reminder
        for user, reminders in by_user.items():
            reminders = reminders.with_context(lang=user.lang or self.env.lang)
            reminders.activity_schedule(
                "mail.mail_activity_data_call",
                summary=reminders.env._("Call the customer about its overdue invoices"),
                user_id=user.id,
            )

    def _retry_mails(self):
        """Queue the failed e-mails of the reminders again, as Odoo's Retry does."""
        mails = self._failed_mails()
        mails.mark_outgoing()
        self.env["mail.notification"].sudo().search(
            [
                ("mail_mail_id", "in", mails.ids),
                ("notification_status", "in", ("exception", "bounce")),
            ]
        ).write({"notification_status": "ready", "failure_type": False, "failure_reason": False})
        self.write({"state": "queued", "failure_reason": False})

    def _cancel_failed_mails(self):
        """The failed e-mail of a reminder about to get a new one is cancelled, so that
        nobody retries it by hand."""
        mails = self._failed_mails()
        if mails:
            mails.cancel()
            self.env["mail.notification"].sudo().search([("mail_mail_id", "in", mails.ids)]).write(
                {"notification_status": "canceled"}
            )
        self.filtered("mail_message_id").mail_message_id = False

    def _failed_mails(self):
        messages = self.filtered(lambda r: r.state == "failed").mail_message_id
        if not messages:
            return self.env["mail.mail"]
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids), ("state", "=", "exception")])
        )

    @api.model
    def _sync_mail_state(self, messages):
        """The reminders whose e-mail is one of ``messages`` follow its delivery: Sent when
        every recipient got it, Failed (with the reason) when one did not."""
        reminders = self.sudo().search(
            [("mail_message_id", "in", messages.ids), ("state", "in", ("queued", "sent", "failed"))]
        )
        if not reminders:
            return
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", reminders.mail_message_id.ids),
                    ("notification_type", "=", "email"),
                    ("notification_status", "!=", "canceled"),
                ]
            )
        )
        for reminder in reminders:
            # the mail queue runs as the superuser: the chatter in the company's language
            reminder = reminder.with_context(lang=reminder.company_id.partner_id.lang)
            own = notifications.filtered(
                lambda n, r=reminder: n.mail_message_id == r.mail_message_id
            )
            failed = own.filtered(lambda n: n.notification_status in ("exception", "bounce"))
            if failed:
                reasons = "\n".join(
                    f"{n.res_partner_id.email or n.mail_email_address or ''}: "
                    f"{n.failure_reason or dict(n._fields['failure_type'].selection).get(n.failure_type, '')}"
                    for n in failed
                )
                if reminder.state != "failed" or reminder.failure_reason != reasons:
                    reminder.write({"state": "failed", "failure_reason": reasons})
            elif (
                own
                and all(n.notification_status == "sent" for n in own)
                and reminder.state != "sent"
            ):
                reminder.write({"state": "sent", "failure_reason": False})

    def _message_receive_bounce(self, email, partner):
        """A bounce of the reminder's e-mail: the reminder failed (retried by the next run)."""
        result = super()._message_receive_bounce(email, partner)
        for reminder in self.filtered(lambda r: r.state in ("queued", "sent")):
            reminder = reminder.with_context(lang=reminder.company_id.partner_id.lang)
            reminder.write(
                {
                    "state": "failed",
                    "failure_reason": reminder.env._(
                        "%(email)s: the e-mail bounced.", email=email or partner.email or ""
                    ),
                }
            )
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_send(self):
        """Send now (or retry): one run at a time per company, so reminders that the
        scheduled action is sending right now are left to it."""
        engine = self.env["adv.reminder.engine"]
        busy = self.browse()
        for company in self.company_id:
            if not engine._try_lock_company(company):
                busy |= self.filtered(lambda r, c=company: r.company_id == c)
        if (self - busy)._send():
            self._wake_mail_queue()
        if busy:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "message": self.env._(
                        "The reminders of %(companies)s are being sent right now by another "
                        "run: they leave with it.",
                        companies=", ".join(busy.company_id.mapped("name")),
                    ),
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        return True

    def action_mark_posted(self):
        """The letter was printed and posted."""
        self.filtered(lambda r: r.state == "to_print").write({"state": "sent"})
        return True

    def action_print_letter(self):
        self.ensure_one()
        if self.attachment_id:
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{self.attachment_id.id}?download=true",
            }
        return self.env.ref("adv_dossier.action_report_adv_reminder_letter").report_action(self)

    def action_invoice_penalties(self):
        """Invoice the late-payment penalties of the reminder's invoices not billed yet."""
        self.ensure_one()
        invoice = self.env["adv.late.penalty"]._invoice_penalties(
            self.partner_id, self.company_id, self.line_ids.move_id, reminder=self
        )
        return invoice._get_records_action()

    def action_skip(self):
        reminders = self.filtered(lambda r: r.state in PENDING_STATES or r.state == "to_print")
        reminders._cancel_failed_mails()
        reminders.write({"state": "skipped", "failure_reason": False})
        return True

    def action_postpone(self):
        """Postpone the reminders by a week."""
        reminders = self.filtered(lambda r: r.state in ("to_send", "failed"))
        reminders._cancel_failed_mails()
        reminders.write(
            {
                "state": "postponed",
                "failure_reason": False,
                "postponed_until": fields.Date.context_today(self) + timedelta(days=7),
            }
        )
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_given(self):
        if any(r.state in GIVEN_STATES or r.state == "failed" for r in self):
            raise UserError(self.env._("A reminder given to the customer is kept in the history."))
