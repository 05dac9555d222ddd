from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, sql_db
from odoo.fields import Command
from odoo.tests import tagged

from ..models import adv_reminder_engine, adv_reminder_mail
from .reminder_common import ReminderCommon


class KilledWorker(Exception):
    """The worker running the scheduled action dies (kill -9): its transaction is lost."""


@tagged("post_install", "-at_install")
class TestReminderFaults(ReminderCommon):
    """Runs killed at any point, concurrent runs, payments during a run, invoices changed
    after they were reminded, invoices in another currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the workers below remind the customers of every company: the customers already in
        # the database (the demo case's, but the Jardinerie, reminded already) are kept out,
        # so that the batches counted are this test's customers
        jardinerie = cls.env.ref("adv_dossier.partner_jardinerie_val", raise_if_not_found=False)
        invoices = cls.env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
        )
        (invoices.commercial_partner_id - (jardinerie or cls.env["res.partner"])).write(
            {"adv_no_reminder": True}
        )

    def _customers(self, count):
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Paysagiste {i}",
                    "is_company": True,
                    "email": f"compta{i}@paysage.example",
                }
                for i in range(count)
            ]
        )
        for customer in customers:
            self._overdue(customer, 100.0, 9)
        return customers

    def _run_worker(self):
        """The scheduled action run by a cron worker: its own cursor, committing after each
        batch (Odoo's _commit_progress), as the scheduler runs it."""
        cron = self.env.ref("adv_dossier.ir_cron_payment_reminders")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            progress = env["ir.cron.progress"].create({"cron_id": cron.id})
            env(context={"ir_cron_progress_id": progress.id, "cron_id": cron.id})[
                "adv.reminder.engine"
            ]._cron()

    def _run_killed_worker(self):
        """A worker killed by KilledWorker: what it committed stays (not Odoo's assertRaises,
        which rolls back everything done inside it)."""
        try:
            self._run_worker()
        except KilledWorker:
            return
        self.fail("the worker was not killed")

    def _assert_sent_once(self, customers):
        self.env.invalidate_all()
        for customer in customers:
            reminder = self._reminders(customer)
            self.assertEqual(len(reminder), 1, customer.name)
            self.assertEqual(reminder.state, "queued", customer.name)
            mails = (
                self.env["mail.mail"]
                .sudo()
                .search([("model", "=", "adv.reminder"), ("res_id", "=", reminder.id)])
            )
            self.assertEqual(len(mails), 1, customer.name)
            self.assertEqual(mails.mail_message_id, reminder.mail_message_id)

    def test_worker_killed_between_batches_sends_each_once(self):
        """The worker is killed right after its second commit: the batches committed are
        queued, the others wait; the next run sends each of them once."""
        customers = self._customers(7)
        commits = []
        commit_progress = type(self.env["ir.cron"])._commit_progress

        def killed_after_two_batches(cron, processed=0, *, remaining=None, deactivate=False):
            result = commit_progress(cron, processed, remaining=remaining, deactivate=deactivate)
            if processed:
                commits.append(processed)
            if len(commits) == 2:  # two batches sent and committed
                raise KilledWorker()
            return result

        with (
            patch.object(type(self.Engine), "BATCH_SIZE", 2),
            self.enter_registry_test_mode(),
        ):
            with patch.object(
                type(self.env["ir.cron"]), "_commit_progress", killed_after_two_batches
            ):
                self._run_killed_worker()
            self.env.invalidate_all()
            self.assertEqual(len(self.Reminder.search([("partner_id", "in", customers.ids)])), 7)
            run = self.Reminder.search(
                [("company_id", "=", self.company.id), ("date", "=", self._today())]
            )
            self.assertEqual(
                set(run.mapped("state")), {"queued", "to_send"}, "two batches committed, no more"
            )
            self._run_worker()
            self._run_worker()
        self._assert_sent_once(customers)

    def test_worker_killed_inside_a_batch_sends_each_once(self):
        """The worker dies while posting the e-mails of its second batch: that batch is
        undone as a whole, the next run sends it once."""
        customers = self._customers(5)
        post_messages = adv_reminder_mail.post_messages
        calls = []

        def dies_at_second_batch(records, values_by_id):
            calls.append(records)
            messages = post_messages(records, values_by_id)
            if len(calls) == 2:
                raise KilledWorker()
            return messages

        with (
            patch.object(type(self.Engine), "BATCH_SIZE", 2),
            self.enter_registry_test_mode(),
        ):
            with patch.object(adv_reminder_mail, "post_messages", dies_at_second_batch):
                self._run_killed_worker()
            self.env.invalidate_all()
            reminders = self.Reminder.search([("partner_id", "in", customers.ids)])
            self.assertEqual(len(reminders), 5)
            waiting = reminders.filtered(lambda r: r.state == "to_send")
            self.assertTrue(waiting, "the batch killed is undone")
            self.assertFalse(waiting.mail_message_id)
            self._run_worker()
        self._assert_sent_once(customers)

    def test_worker_killed_while_preparing(self):
        """The worker dies while preparing: nothing is left of it; the next run prepares and
        sends each reminder once."""
        customers = self._customers(3)
        with self.enter_registry_test_mode():
            with patch.object(
                type(self.env["adv.reminder.line"]), "_insert_prepared", side_effect=KilledWorker()
            ):
                self._run_killed_worker()
            self.env.invalidate_all()
            self.assertFalse(self.Reminder.search([("partner_id", "in", customers.ids)]))
            self._run_worker()
        self._assert_sent_once(customers)

    def test_one_run_at_a_time_per_company(self):
        """While another run of the company holds its lock (another connection): the menu
        shows the list without preparing and says why, Send leaves the reminders to that
        run, the scheduled action skips the company. Once free, everything works."""
        self.company.adv_reminder_auto_send = False
        self._overdue(self.customer, 100.0, 9)
        late = self.env["res.partner"].create(
            {"name": "Autre client", "is_company": True, "email": "a@b.example"}
        )
        other_run = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other_run.execute(
                "SELECT pg_try_advisory_lock(%s, %s)",
                (adv_reminder_engine.RUN_LOCK_KEY, self.company.id),
            )
            self.assertTrue(other_run.fetchone()[0])
            # a reminder the other run prepared
            reminder = self.Reminder.create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "level_id": self.level_1.id,
                    "channel": "email",
                }
            )
            due = self.customer.invoice_ids.line_ids.filtered("date_maturity")
            self.env["adv.reminder.line"].create(
                {
                    "reminder_id": reminder.id,
                    "move_line_id": due.id,
                    "move_id": due.move_id.id,
                    "level_id": self.level_1.id,
                    "company_id": self.company.id,
                    "currency_id": due.currency_id.id,
                    "date_maturity": due.date_maturity,
                    "amount_residual": 100.0,
                }
            )
            self._overdue(late, 50.0, 9)
            action = self.Engine.action_reminders_to_send()
            self.assertEqual(action["tag"], "display_notification")
            self.assertEqual(action["params"]["next"]["res_model"], "adv.reminder")
            self.assertFalse(self._reminders(late), "not prepared by the menu")
            result = reminder.action_send()
            self.assertEqual(result["tag"], "display_notification")
            self.assertEqual(reminder.state, "to_send", "left to the other run")
            with patch.object(adv_reminder_engine, "RUN_LOCK_WAIT", 0):
                self.Engine._cron()
            self.assertFalse(self._reminders(late), "the scheduled run skipped the company")
        finally:
            other_run.execute("SELECT pg_advisory_unlock_all()")
            other_run.close()
        self.assertTrue(reminder.action_send())
        self.assertEqual(reminder.state, "queued")
        self.Engine.action_reminders_to_send()
        self.assertTrue(self._reminders(late))

    def test_payments_never_wait_for_letters(self):
        """While the formal notice letters render, their due lines are not locked: a payment
        recorded at that moment by another user goes through."""
        jardinerie = self.env.ref("adv_dossier.partner_jardinerie_val", raise_if_not_found=False)
        if not jardinerie:
            self.skipTest("the classroom case (demo data) holds the committed invoices")
        notice = self.Engine._prepare(self.company).filtered(lambda r: r.partner_id == jardinerie)
        self.assertEqual(notice.channel, "letter")
        due_lines = notice.line_ids.move_line_id
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        render = type(self.env["ir.actions.report"])._render_qweb_pdf
        checked = []

        def render_while_paying(report, report_ref, res_ids=None, data=None):
            # the lock a payment takes to update the lines (NOWAIT: fails at once if the
            # reminder still held them)
            other.execute(
                "SELECT id FROM account_move_line WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                (tuple(due_lines.ids),),
            )
            checked.append(len(other.fetchall()))
            other.rollback()
            return render(report, report_ref, res_ids=res_ids, data=data)

        try:
            with patch.object(
                type(self.env["ir.actions.report"]), "_render_qweb_pdf", render_while_paying
            ):
                notice.action_send()
        finally:
            other.close()
        self.assertEqual(checked, [len(due_lines)])
        self.assertEqual(notice.state, "queued")

    def test_reset_to_draft_cancel_credit_note_keep_history(self):
        """A reminded invoice can be reset to draft, changed and posted again, cancelled or
        credited: the reminders keep what they said, and the invoice is not reminded again
        at a level it already got."""
        invoice = self._overdue(self.customer, 500.0, 10)
        self.Engine._cron()
        reminder = self._reminders(self.customer)
        self.assertEqual(reminder.level_id, self.level_1)
        invoice.button_draft()
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.update(invoice.invoice_line_ids.id, {"price_unit": 600.0})
                ]
            }
        )
        invoice.action_post()
        self.assertEqual(reminder.line_ids.move_id, invoice)
        self.assertEqual(reminder.line_ids.amount_residual, 500.0, "what the customer was told")
        self.assertEqual(invoice.adv_reminder_count, 1)
        today = self._today()
        with freeze_time(today + timedelta(days=1)):
            self.Engine._cron()
        self.assertEqual(self._reminders(self.customer), reminder, "level 1 was given already")
        with freeze_time(today + timedelta(days=12)):  # day 22
            self.Engine._cron()
        second = self._reminders(self.customer) - reminder
        self.assertEqual(second.level_id, self.level_2)
        self.assertEqual(second.line_ids.amount_residual, 600.0)

        # cancelled after it was prepared: the reminder is not sent
        self.company.adv_reminder_auto_send = False
        cancelled = self._overdue(self.customer, 70.0, 9)
        pending = self.Engine._prepare(self.company).filtered(
            lambda r: r.partner_id == self.customer
        )
        self.assertEqual(pending.invoice_ids, cancelled)
        cancelled.button_draft()
        cancelled.button_cancel()
        pending.action_send()
        self.assertEqual(pending.state, "skipped")
        self.assertEqual(pending.line_ids.move_id, cancelled, "the history keeps the invoice")

        # credited: no more reminders
        invoice._reverse_moves(cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        with freeze_time(today + timedelta(days=30)):
            self.Engine._prepare(self.company)
        self.assertEqual(len(self._reminders(self.customer)), 3)
        self.assertEqual(second.line_ids.move_id, invoice)

    def test_amounts_in_the_invoice_currency(self):
        """An invoice in pounds is reminded in pounds, on the e-mail and the letter; a
        customer with invoices in two currencies gets a total per currency."""
        gbp = self.env.ref("base.GBP")
        self._set_rate(gbp, 0.8)
        pounds = self._overdue(self.customer, 800.0, 40, currency=gbp)
        euros = self._overdue(self.customer, 300.0, 40)
        self.Engine._cron()
        reminder = self._reminders(self.customer)
        line = reminder.line_ids.filtered(lambda rl: rl.move_id == pounds)
        self.assertEqual(line.currency_id, gbp)
        self.assertEqual(line.amount_residual, 800.0)
        self.assertEqual(line.amount_residual_company, 1000.0)
        self.assertEqual(line.penalty, round(800 * 0.1215 * 40 / 365, 2))
        self.assertEqual(
            line.indemnity,
            self.env["adv.late.penalty"]._indemnity(self.company, gbp, self._today()),
        )
        self.assertEqual(reminder.amount_due, 1000.0 + 300.0, "in the company's currency")
        totals = {t["currency"]: t["amount_due"] for t in reminder._adv_totals()}
        self.assertEqual(totals, {gbp: 800.0, self.eur: 300.0})
        body = self._email(reminder).body_html
        self.assertIn("£", body)
        self.assertIn("800.00", body)
        self.assertNotIn("1,000.00", body)
        report = self.env.ref("adv_dossier.action_report_adv_reminder_letter")
        html = report._render_qweb_html(report.report_name, reminder.ids)[0].decode()
        self.assertIn("800.00", html)
        self.assertIn("£", html)
        self.assertIn(euros.name, html)
