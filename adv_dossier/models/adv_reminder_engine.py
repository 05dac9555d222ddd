import time
import zlib

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

from .adv_reminder import GIVEN_STATES, LETTER_BATCH_SIZE, PENDING_STATES
from .cron_progress import commit_progress

# the advisory lock of a company's reminder run: (this key, company id)
RUN_LOCK_KEY = zlib.crc32(b"adv.reminder.run") & 0x7FFFFFFF
# how long the scheduled action waits for a manual run of the same company to end
RUN_LOCK_WAIT = 30.0


class AdvReminderEngine(models.AbstractModel):
    """Selects the due lines to remind, prepares the reminders and sends them.

    One run at a time per company, manual or scheduled: a PostgreSQL advisory lock on the
    company. A request (the menu, the Send button) holds it until its transaction ends and
    skips what another run is doing; the scheduled action holds it for its whole run, over
    the commits of its batches (a killed worker's connection closes and frees it)."""

    _name = "adv.reminder.engine"
    _description = "Payment Reminder Engine"
    BATCH_SIZE = 50

    # ------------------------------------------------------------------
    # One run at a time per company
    # ------------------------------------------------------------------
    @api.model
    def _try_lock_company(self, company):
        """Take the company's run lock until the end of the current transaction; False when
        another run holds it (the scheduled action holds it already in its own session)."""
        return self.env.execute_query(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", RUN_LOCK_KEY, company.id)
        )[0][0]

    @api.model
    def _run_company(self, company, today, wait=None):
        """The scheduled run of one company, holding its run lock for the whole run, over
        the commits of its batches (a session lock: a killed worker's connection closes and
        frees it). A manual run in progress is waited for, up to ``wait`` seconds; when
        another scheduled run holds the lock, it does the work. Returns False when the
        scheduler has no time left."""
        cr = self.env.cr
        deadline = time.monotonic() + (RUN_LOCK_WAIT if wait is None else wait)
        while not self.env.execute_query(
            SQL("SELECT pg_try_advisory_lock(%s, %s)", RUN_LOCK_KEY, company.id)
        )[0][0]:
            if time.monotonic() >= deadline:
                return True
            time.sleep(0.5)
        try:
            # its chatter (tracking, notes) in the company's language
            engine = self.with_company(company).with_context(
                lang=company.partner_id.lang or self.env.lang
            )
            return engine._run_locked(company, today)
        finally:
            unlock = SQL("SELECT pg_advisory_unlock(%s, %s)", RUN_LOCK_KEY, company.id)
            try:
                cr.execute(unlock)
            except psycopg2.errors.InFailedSqlTransaction:
                # the batch in progress failed and is undone anyway: undo it to free the lock
                cr.rollback()
                cr.execute(unlock)

    @api.model
    def _run_locked(self, company, today):
        Reminder = self.env["adv.reminder"]
        self._prepare(company, today)
        if not commit_progress(self.env, 0, 0):
            return False
        domain = [("company_id", "=", company.id), ("state", "=", "failed")]
        if company.adv_reminder_auto_send:
            domain = [
                ("company_id", "=", company.id),
                "|",
                ("state", "=", "failed"),
                "&",
                ("state", "=", "to_send"),
                ("date", "<=", today),
            ]
        todo = Reminder.search(domain, order="id")
        # letters (a PDF each) commit in small batches, e-mails in larger ones
        letters = todo.filtered(lambda r: r.channel == "letter")
        emails = todo - letters
        batches = [emails[i : i + self.BATCH_SIZE] for i in range(0, len(emails), self.BATCH_SIZE)]
        batches += [
            letters[i : i + LETTER_BATCH_SIZE] for i in range(0, len(letters), LETTER_BATCH_SIZE)
        ]
        remaining = len(todo)
        woken = False
        for batch in batches:
            if batch._send() and not woken:
                # the mail queue starts sending what the batches commit
                Reminder._wake_mail_queue()
                woken = True
            remaining -= len(batch)
            if not commit_progress(self.env, len(batch), remaining):
                return False
        return True

    # ------------------------------------------------------------------
    # Selecting
    # ------------------------------------------------------------------
    @api.model
    def _due_lines(self, company, date):
        """Overdue receivable lines of ``company`` that may be reminded at ``date`` (one
        query)."""
        self.env["res.partner"]._adv_flush_accounting()
        self.env["account.move.line"].flush_model(["reconciled", "amount_residual_currency"])
        self.env["account.partial.reconcile"].flush_model()
        return self.env.execute_query_dict(self._due_lines_query(company, date))

    @api.model
    def _due_lines_query(self, company, date):
        """The query of ``_due_lines``: through core's partial index of the lines not
        reconciled (account, partner), for the company's receivable accounts."""
        receivable = (
            self.env["account.account"]
            .sudo()
            .search(
                [
                    ("account_type", "=", "asset_receivable"),
                    *self.env["account.account"]._check_company_domain(company),
                ]
            )
        )
        return SQL(
            """
            SELECT aml.id, aml.move_id, p.commercial_partner_id AS partner_id,
                   aml.date_maturity, aml.amount_residual_currency AS amount,
                   aml.amount_residual AS amount_company, aml.currency_id, cp.is_company,
                   ARRAY(SELECT pr.max_date FROM account_partial_reconcile pr
                          WHERE pr.debit_move_id = aml.id ORDER BY pr.id) AS payment_dates,
                   ARRAY(SELECT pr.debit_amount_currency FROM account_partial_reconcile pr
                          WHERE pr.debit_move_id = aml.id ORDER BY pr.id) AS payment_amounts
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
              JOIN res_partner p ON p.id = aml.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             WHERE aml.account_id = ANY(%(accounts)s)
               AND aml.reconciled IS NOT TRUE
               AND aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
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
            accounts=receivable.ids,
            date=date,
        )

    @api.model
    def _history(self, company, move_ids):
        """The reminder lines of these invoices: what each due line was given, and where it
        waits (one query)."""
        self.env["adv.reminder.line"].flush_model()
        self.env["adv.reminder"].flush_model(["state", "date_sent", "partner_id"])
        if not move_ids:
            return []
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT l.id, l.move_line_id, l.move_id, l.date_maturity, l.level_id, l.indemnity,
                       r.id AS reminder_id, r.state, r.date_sent
                  FROM adv_reminder_line l
                  JOIN adv_reminder r ON r.id = l.reminder_id
                 WHERE l.company_id = %s AND l.move_id = ANY(%s)
                """,
                company.id,
                list(move_ids),
            )
        )

    # ------------------------------------------------------------------
    # Preparing
    # ------------------------------------------------------------------
    @api.model
    def _prepare(self, company, date=None):
        """Prepare the reminders of ``date``, one pending reminder per customer: each overdue
        due line reaches the highest level its days late allow; a level already given to it
        (or a higher one) is never given again, nor another level the day one was given; a
        line waiting in an unsent reminder (to send, postponed, failed) is raised there to
        the level it reached, so that a higher level supersedes a lower one not yet sent;
        the other lines join the customer's unsent reminder, or a new one. Postponed
        reminders whose day came are to send again. Idempotent; skipped (returns an empty
        recordset) when another run of the company is at work.

        Returns the company's reminders prepared for ``date``."""
        date = date or fields.Date.context_today(self)
        Reminder = self.env["adv.reminder"]
        if not self._try_lock_company(company):
            return Reminder
        unsent = Reminder.sudo().search_fetch(
            [("company_id", "=", company.id), ("state", "in", PENDING_STATES)],
            ["partner_id", "state", "postponed_until"],
            order="id",
        )
        unsent.filtered(
            lambda r: r.state == "postponed" and r.postponed_until and r.postponed_until <= date
        ).write({"state": "to_send"})
        levels_all = (
            self.env["adv.reminder.level"]
            .sudo()
            .with_context(active_test=False)
            ._for_company(company)
        )
        levels = levels_all.filtered("active").sorted("days_after_due")
        if not levels:
            return Reminder
        delay = {level.id: level.days_after_due for level in levels_all}
        due = self._due_lines(company, date)
        history = self._history(company, {row["move_id"] for row in due})
        by_line, by_instalment = {}, {}
        for entry in history:
            if entry["move_line_id"]:
                by_line.setdefault(entry["move_line_id"], []).append(entry)
            else:  # its due line was recomputed (invoice reset to draft): same invoice and date
                key = (entry["move_id"], entry["date_maturity"])
                by_instalment.setdefault(key, []).append(entry)
        pending = {reminder.partner_id.id: reminder for reminder in unsent}
        Penalty = self.env["adv.late.penalty"]
        indemnities = {}
        currencies = self.env["res.currency"].browse({row["currency_id"] for row in due})
        currency_of = {currency.id: currency for currency in currencies}
        partners = self.env["res.partner"].browse({row["partner_id"] for row in due})
        partner_of = {partner.id: partner for partner in partners}
        new_lines, raised, touched = {}, {}, set()
        # the fixed indemnity is claimed once per invoice in a reminder
        invoices_with_indemnity = {
            entry["move_id"]
            for entry in history
            if entry["state"] in PENDING_STATES and entry["indemnity"]
        }
        for row in due:
            days = (date - row["date_maturity"]).days
            reached = None
            for level in levels:
                if level.days_after_due <= days:
                    reached = level
            if not reached:
                continue
            entries = by_line.get(row["id"], []) + by_instalment.get(
                (row["move_id"], row["date_maturity"]), []
            )
            given = [e for e in entries if e["state"] in GIVEN_STATES or e["state"] == "skipped"]
            if any(delay[e["level_id"]] >= reached.days_after_due for e in given):
                continue  # this level, or a higher one, was given already
            if any(e["date_sent"] == date for e in given if e["state"] != "skipped"):
                continue  # a level was given today: the next one waits for tomorrow
            waiting = [e for e in entries if e["state"] in PENDING_STATES]
            currency = currency_of[row["currency_id"]]
            partner = partner_of[row["partner_id"]]
            rate = company._adv_late_penalty_rate(partner, row["date_maturity"])
            penalty = currency.round(
                Penalty._accrued(
                    row["amount"],
                    list(zip(row["payment_dates"], row["payment_amounts"], strict=True)),
                    row["date_maturity"],
                    date,
                    rate,
                )
            )
            if waiting:
                entry = waiting[0]
                if delay[entry["level_id"]] < reached.days_after_due:
                    raised[entry["id"]] = (reached.id, days, penalty)
                    touched.add(entry["reminder_id"])
                continue
            indemnity = 0.0
            if row["is_company"] and (
                company.adv_indemnity_per_instalment
                or row["move_id"] not in invoices_with_indemnity
            ):
                invoices_with_indemnity.add(row["move_id"])
                if currency not in indemnities:
                    indemnities[currency] = Penalty._indemnity(company, currency, date)
                indemnity = indemnities[currency]
            new_lines.setdefault(row["partner_id"], []).append(
                {
                    "move_line_id": row["id"],
                    "move_id": row["move_id"],
                    "level_id": reached.id,
                    "company_id": company.id,
                    "currency_id": row["currency_id"],
                    "date_maturity": row["date_maturity"],
                    "days_overdue": days,
                    "amount_residual": currency.round(row["amount"]),
                    "amount_residual_company": company.currency_id.round(row["amount_company"]),
                    "penalty": penalty,
                    "indemnity": indemnity,
                }
            )
        self.env["adv.reminder.line"]._raise_level(raised)
        # a new reminder, at the highest level of its lines, for the customers without an
        # unsent one; the unsent ones follow their lines
        level_of = {level.id: level for level in levels}
        Reminder_su = Reminder.sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        )
        new_partners = [pid for pid in new_lines if pid not in pending]
        vals_list = []
        round_company = company.currency_id.round
        for pid in new_partners:
            lines = new_lines[pid]
            level = max(
                (level_of[line["level_id"]] for line in lines),
                key=lambda lv: lv.days_after_due,
            )
            vals_list.append(
                {
                    "partner_id": pid,
                    "company_id": company.id,
                    "level_id": level.id,
                    "channel": level.channel,
                    "date": date,
                    "amount_due": round_company(
                        sum(line["amount_residual_company"] for line in lines)
                    ),
                    "penalties": round_company(
                        sum(
                            (line["penalty"] + line["indemnity"])
                            * (
                                line["amount_residual_company"] / line["amount_residual"]
                                if line["amount_residual"]
                                else 1.0
                            )
                            for line in lines
                        )
                    ),
                }
            )
        created = Reminder_su.create(vals_list)
        reminder_of = dict(pending)
        reminder_of.update(zip(new_partners, created, strict=True))
        self.env["adv.reminder.line"]._insert_prepared(
            [
                dict(line, reminder_id=reminder_of[pid].id)
                for pid, lines in new_lines.items()
                for line in lines
            ]
        )
        touched |= {reminder_of[pid].id for pid in new_lines if pid in pending}
        changed = Reminder_su.browse(sorted(touched))
        changed._update_totals()
        changed._after_prepare(date)
        return Reminder.browse(sorted(set(created.ids) | touched))

    # ------------------------------------------------------------------
    # Menu and scheduled action
    # ------------------------------------------------------------------
    @api.model
    def action_reminders_to_send(self):
        """The reminders to send today (prepared now), the failed ones and the letters to
        print."""
        company = self.env.company
        busy = not self._try_lock_company(company)
        if not busy:
            self._prepare(company)
        action = self.env["ir.actions.act_window"]._for_xml_id("adv_dossier.action_adv_reminder")
        name = self.env._("Reminders to Send Today")
        action.update(
            {
                "name": name,
                "display_name": name,  # the title the web client shows
                "domain": [
                    ("company_id", "=", company.id),
                    ("state", "in", ("to_send", "failed", "to_print")),
                ],
                "context": {},
            }
        )
        if busy:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "message": self.env._(
                        "The scheduled action is sending the reminders right now: the list "
                        "shows what it has not sent yet."
                    ),
                    "next": action,
                },
            }
        return action

    @api.model
    def _cron(self):
        """Daily, per company: prepare today's reminders and send them (and the failed ones
        again). One run at a time per company; a run killed at any point and run again sends
        every reminder once: each batch commits its reminders with their e-mails queued."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([]):
            if not self._run_company(company, today):
                return
