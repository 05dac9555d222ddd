from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestReminders(AdvDossierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = cls.env["adv.reminder.engine"]
        cls.Reminder = cls.env["adv.reminder"]
        cls.level_1 = cls.env.ref("adv_dossier.reminder_level_1")
        cls.level_2 = cls.env.ref("adv_dossier.reminder_level_2")
        cls.notice = cls.env.ref("adv_dossier.reminder_level_formal_notice")
        # the classroom case (demo data) sends its reminders by hand
        cls.company.write(
            {"adv_ecb_rate": 2.15, "adv_late_penalty_points": 10.0, "adv_reminder_auto_send": True}
        )

    def _overdue(self, partner, amount, days_overdue, **values):
        """An invoice ``days_overdue`` days past its due date (due 30 days after issue)."""
        return self._invoice(partner, amount, days_ago=30 + days_overdue, due_in=30, **values)

    def _reminders(self, partner):
        return self.Reminder.search([("partner_id", "=", partner.id)])

    def test_levels_grouping_and_no_duplicate(self):
        """Each customer gets one reminder at the level reached, listing all its overdue
        invoices; rerunning the scheduled action sends nothing twice."""
        first = self._overdue(self.customer, 1000.0, 10)
        second = self._overdue(self.customer, 200.0, 12)
        other = self.env["res.partner"].create(
            {"name": "Mairie de Bron", "is_company": True, "email": "m@bron.example"}
        )
        late = self._overdue(other, 500.0, 40)
        self._invoice(self.customer, 300.0)  # not due: not reminded
        self.Engine._cron()
        reminder = self._reminders(self.customer)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.level_id, self.level_1)
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.invoice_ids, first | second)
        self.assertEqual(reminder.amount_due, 1200.0)
        message = reminder.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn(first.name, message.body)
        notice = self._reminders(other)
        self.assertEqual(notice.level_id, self.notice)
        self.assertTrue(notice.attachment_id, "the formal notice letter is attached")
        self.assertEqual(notice.invoice_ids, late)
        # penalties: 12.15 % a year for 40 days, plus the 40 EUR indemnity for a professional
        self.assertAlmostEqual(notice.penalties, round(500 * 0.1215 * 40 / 365, 2) + 40.0, places=2)
        self.assertEqual(self.customer.adv_reminder_count, 1)
        self.assertEqual(first.adv_reminder_count, 1)
        self.assertEqual(self.customer.adv_risk_reminders, 1)
        self.assertEqual(other.adv_risk_formal_notices, 1)
        # rerun: nothing new
        self.Engine._cron()
        self.Engine._cron()
        self.assertEqual(len(self._reminders(self.customer) | self._reminders(other)), 2)

    def test_next_level_later(self):
        """The same invoice reaches the next level later, never the same one twice."""
        invoice = self._overdue(self.customer, 800.0, 10)
        self.Engine._cron()
        invoice.line_ids.filtered("date_maturity").write(
            {"date_maturity": self._today() - timedelta(days=22)}
        )
        self.Engine._cron()
        levels = self._reminders(self.customer).mapped("level_id")
        self.assertEqual(levels, self.level_1 | self.level_2)
        self.assertTrue(
            self._reminders(self.customer)
            .filtered(lambda r: r.level_id == self.level_2)
            .activity_ids,
            "the second reminder schedules a phone call",
        )

    def test_days_late_counted_on_the_local_date(self):
        """At half past midnight in Paris (22:30 UTC the day before), the scheduled action
        counts the days late from the Paris date, the one the due date is written in."""
        with freeze_time("2026-06-15 22:30:00"):
            late = self._overdue(self.customer, 500.0, 40)
            self.assertEqual(late.invoice_date_due, date(2026, 5, 7))
            self.Engine._cron()
        notice = self._reminders(self.customer)
        self.assertEqual(notice.date, date(2026, 6, 16))
        self.assertEqual(notice.level_id, self.notice)
        # 40 days late in Paris (39 by the UTC date)
        self.assertAlmostEqual(notice.penalties, round(500 * 0.1215 * 40 / 365, 2) + 40.0, places=2)

    def test_partial_payment_installments_and_exclusions(self):
        """Only the amount still due is reminded; installments not due yet, disputed, excluded
        invoices and excluded customers are not."""
        partial = self._overdue(self.customer, 1000.0, 10)
        self._pay(partial, 600.0)
        term = self.env["account.payment.term"].create(
            {
                "name": "30 % à 30 jours, 70 % à 90 jours",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 70, "nb_days": 90}),
                ],
            }
        )
        installments = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": self._today() - timedelta(days=45),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Chantier", "quantity": 1, "price_unit": 1000.0, "tax_ids": False}
                    )
                ],
            }
        )
        installments.action_post()
        disputed = self._overdue(self.customer, 50.0, 10)
        disputed.write({"adv_dispute": True, "adv_dispute_reason": "Plants abîmés"})
        excluded = self._overdue(self.customer, 70.0, 10)
        excluded.adv_no_reminder = True
        quiet = self.env["res.partner"].create(
            {"name": "Client sans relance", "is_company": True, "adv_no_reminder": True}
        )
        self._overdue(quiet, 90.0, 10)
        reminders = self.Engine._prepare(self.company)
        reminder = reminders.filtered(lambda r: r.partner_id == self.customer)
        self.assertEqual(reminder.invoice_ids, partial | installments)
        self.assertEqual(
            reminder.line_ids.filtered(lambda rl: rl.move_id == partial).amount_residual, 400.0
        )
        self.assertEqual(
            reminder.line_ids.filtered(lambda rl: rl.move_id == installments).amount_residual, 300.0
        )
        self.assertFalse(reminders.filtered(lambda r: r.partner_id == quiet))

    def test_payment_between_selection_and_sending(self):
        """A payment posted after the reminders were prepared stops the reminder."""
        invoice = self._overdue(self.customer, 400.0, 9)
        reminder = self.Engine._prepare(self.company).filtered(
            lambda r: r.partner_id == self.customer
        )
        self.assertEqual(reminder.state, "to_send")
        self._pay(invoice, 400.0)
        reminder.action_send()
        self.assertEqual(reminder.state, "skipped")
        self.assertFalse(reminder.message_ids.filtered(lambda m: m.message_type == "comment"))

    def test_crash_then_rerun_sends_once(self):
        """A crash in the middle of a run leaves nothing behind; the rerun sends each reminder once."""
        self._overdue(self.customer, 400.0, 9)
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self.Engine._cron()
            raise RuntimeError("crash after sending, before the commit")
        self.env.invalidate_all()
        self.assertFalse(self._reminders(self.customer))
        self.Engine._cron()
        self.Engine._cron()
        self.assertEqual(len(self._reminders(self.customer)), 1)

    def test_today_list_skip_postpone_and_other_company(self):
        """Reminders to send today are shown before sending; one can be skipped or postponed.
        Another company uses its own levels."""
        self.company.adv_reminder_auto_send = False
        self._overdue(self.customer, 100.0, 8)
        other = self.env["res.partner"].create({"name": "Autre client", "is_company": True})
        self._overdue(other, 100.0, 8)
        action = self.Engine.action_reminders_to_send()
        today = self.Reminder.search(action["domain"])
        self.assertEqual(set(today.mapped("state")), {"to_send"})
        self.Engine._cron()
        self.assertEqual(set(today.mapped("state")), {"to_send"}, "not sent automatically")
        mine = today.filtered(lambda r: r.partner_id == self.customer)
        theirs = today.filtered(lambda r: r.partner_id == other)
        mine.action_postpone()
        theirs.action_skip()
        self.assertEqual(mine.state, "postponed")
        self.assertEqual(theirs.state, "skipped")
        levels_2 = self.env["adv.reminder.level"]._for_company(self.company_2)
        self.assertEqual(levels_2.mapped("days_after_due"), [7, 21, 35])
        self.assertEqual(set(levels_2.company_id.ids), {self.company_2.id})

    def test_html_in_customer_name_is_escaped(self):
        """A customer name holding HTML is escaped in the e-mail, the chatter and the letter."""
        hostile = self.env["res.partner"].create(
            {
                "name": "<b>Evil</b> & <script>alert(1)</script>",
                "is_company": True,
                "email": "x@evil.example",
            }
        )
        self._overdue(hostile, 100.0, 40)
        self.Engine._cron()
        reminder = self._reminders(hostile)
        report = self.env.ref("adv_dossier.action_report_adv_reminder_letter")
        html = report._render_qweb_html(report.report_name, reminder.ids)[0].decode()
        self.assertNotIn("<script>alert(1)</script>", html)
        self.assertIn("&lt;script&gt;", html)
        for message in reminder.message_ids:
            self.assertNotIn("<script>", message.body or "")

    def test_dossier_moves_to_reminder_tray(self):
        """An invoice of a dossier reminded: the dossier moves to the Reminder tray."""
        dossier = self._create_dossier()
        self._overdue_dossier_invoice(dossier, 300.0, 15).action_post()
        self.Engine._cron()
        self.assertEqual(dossier.stage_id.code, "reminder")
        self.assertEqual(dossier.reminder_count, 1)

    def test_accountant_moves_dossiers_he_cannot_see(self):
        """An accountant without access to the sales dossiers posts the invoice and sends the
        reminder: the dossier still follows (Awaiting payment, then Reminder)."""
        accountant = self._new_user(
            login="adv_tom",
            name="Tom Comptable",
            email="tom@example.com",
            groups="account.group_account_manager",
        )
        dossier = self._create_dossier()
        self._flush_tracking()
        invoice = self._overdue_dossier_invoice(dossier, 300.0, 15)
        self._flush_tracking()
        self.assertFalse(dossier.with_user(accountant).has_access("read"))
        invoice.with_user(accountant).action_post()
        self.assertEqual(dossier.stage_id.code, "awaiting_payment")
        reminders = self.Engine.with_user(accountant)._prepare(self.company)
        reminder = reminders.filtered(lambda r: r.partner_id == self.customer)
        reminder.with_user(accountant).action_send()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(dossier.stage_id.code, "reminder")
        self._flush_tracking()
        self.assertEqual(
            dossier.message_ids.filtered(lambda m: m.tracking_value_ids)[:1].author_id,
            accountant.partner_id,
            "the move is logged in the accountant's name",
        )

    def test_one_reminder_per_customer_at_the_highest_level(self):
        """A customer with invoices at several levels gets one reminder, at the highest level,
        listing them all; each due line keeps the level it reached."""
        early = self._overdue(self.customer, 100.0, 10)
        late = self._overdue(self.customer, 300.0, 40)
        refund = self._invoice(self.customer, 50.0, move_type="out_refund", days_ago=60, due_in=0)
        reminders = self.Engine._prepare(self.company)
        reminder = reminders.filtered(lambda r: r.partner_id == self.customer)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.level_id, self.notice)
        self.assertEqual(reminder.invoice_ids, early | late, "a credit note is never reminded")
        self.assertNotIn(refund, reminder.invoice_ids)
        self.assertEqual(
            reminder.line_ids.filtered(lambda rl: rl.move_id == early).level_id, self.level_1
        )

    def test_penalties_debit_invoice(self):
        """On request, the penalties and indemnities of a formal notice are invoiced."""
        late = self._overdue(self.customer, 1000.0, 40)
        self.Engine._cron()
        notice = self._reminders(self.customer)
        action = notice.action_invoice_penalties()
        debit = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(debit.move_type, "out_invoice")
        self.assertEqual(debit.partner_id, self.customer)
        self.assertAlmostEqual(debit.amount_total, notice.penalties, places=2)
        self.assertIn(late.name, debit.invoice_line_ids[0].name)
        self.assertEqual(notice.penalty_invoice_id, debit)

    def test_email_bodies_rendered_once_per_language(self):
        """The e-mails of a batch are rendered with one QWeb compilation per template and
        language, exactly as the standard rendering does: an edited template, each customer in
        its language, names holding HTML escaped; they are queued and shown in the chatter."""
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.level_1.mail_template_id
        template.body_html = (
            '<div><p>Dear <t t-out="object.partner_id.name"/>,</p>'
            '<p t-foreach="object.line_ids" t-as="line">Invoice <t t-out="line.move_id.name"/> '
            'due <t t-out="format_amount(line.amount_residual, object.currency_id)"/></p></div>'
        )
        template.with_context(lang="fr_FR").body_html = (
            '<div><p>Bonjour <t t-out="object.partner_id.name"/>,</p>'
            '<p t-foreach="object.line_ids" t-as="line">Facture <t t-out="line.move_id.name"/> '
            'due <t t-out="format_amount(line.amount_residual, object.currency_id)"/></p></div>'
        )
        hostile = self.env["res.partner"].create(
            {
                "name": "<b>Evil</b> & <script>alert(1)</script>",
                "is_company": True,
                "email": "x@evil.example",
                "lang": "fr_FR",
            }
        )
        french = self.env["res.partner"].create(
            {"name": "Pépinière Lyonnaise", "is_company": True, "email": "p@l.example"}
        )
        french.lang = "fr_FR"
        self.customer.lang = "en_US"
        invoices = self._overdue(hostile, 100.0, 10) | self._overdue(self.customer, 200.0, 10)
        invoices |= self._overdue(french, 300.0, 10) | self._overdue(french, 50.0, 12)
        reminders = self.Engine._prepare(self.company).filtered(
            lambda r: r.partner_id in hostile | french | self.customer
        )
        self.assertEqual(len(reminders), 3)
        fields_ = ["subject", "body_html", "email_from", "partner_to", "reply_to"]
        standard = template._generate_template(reminders.ids, fields_)
        IrQweb = type(self.env["ir.qweb"])
        with patch.object(
            IrQweb,
            "_generate_code_uncached",
            autospec=True,
            side_effect=IrQweb._generate_code_uncached,
        ) as compile_:
            once = template.with_context(adv_render_once=True)._generate_template(
                reminders.ids, fields_
            )
        self.assertEqual(compile_.call_count, 2, "one compilation per language")
        self.assertEqual(once, standard)
        bodies = {reminder.partner_id: once[reminder.id]["body_html"] for reminder in reminders}
        self.assertIn("Bonjour &lt;b&gt;Evil&lt;/b&gt; &amp; &lt;script&gt;", bodies[hostile])
        self.assertNotIn("<script>", bodies[hostile])
        self.assertIn("Bonjour Pépinière Lyonnaise", bodies[french])
        self.assertEqual(bodies[french].count("Facture "), 2)
        self.assertIn(f"Dear {self.customer.name},", bodies[self.customer])
        for invoice in invoices:
            body = bodies[invoice.partner_id]
            self.assertIn(invoice.name, body)

        reminders._send()
        for reminder in reminders:
            message = reminder.message_ids.filtered(lambda m: m.message_type == "comment")
            self.assertEqual(len(message), 1)
            mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
            # stored as the ORM stores a message body (sanitized)
            by_orm = self.env["mail.message"].create(
                {"model": "res.partner", "res_id": reminder.partner_id.id, "body": mail.body_html}
            )
            self.assertEqual(message.body, by_orm.body)
            self.assertEqual(message.partner_ids, reminder.partner_id)
            self.assertEqual(mail.state, "outgoing")
            self.assertEqual(mail.recipient_ids, reminder.partner_id)
            self.assertEqual(mail.body_html, bodies[reminder.partner_id])
            self.assertTrue(mail.message_id and mail.email_from and mail.subject)
            self.assertNotIn("<script>", message.body)

    def test_second_company_levels_created_whoever_runs_first(self):
        """A second company's reminder levels are created from the main company's the first
        time, whoever runs first: here an accountant of the second company only, who may not
        create levels nor read the main company's. Its customer is reminded at once; a rerun
        creates nothing more; levels archived by a manager stay archived."""
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=self.company_2, install_demo=False
        )
        accountant = self._new_user(
            login="adv_ines",
            name="Inès Comptable",
            email="ines@example.com",
            groups="account.group_account_invoice",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.company_2.ids)],
        )
        Level = self.env["adv.reminder.level"].with_context(active_test=False)
        self.assertFalse(Level.search([("company_id", "=", self.company_2.id)]))
        self.assertFalse(Level.with_user(accountant).has_access("create"))
        self.assertFalse(Level.with_user(accountant).search([("company_id", "=", self.company.id)]))
        env_2 = self.env(context=dict(self.env.context, allowed_company_ids=self.company_2.ids))
        customer_2 = env_2["res.partner"].create(
            {"name": "Jardins de Provence", "is_company": True, "email": "j@provence.example"}
        )
        issued = self._today() - timedelta(days=40)
        invoice = env_2["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer_2.id,
                "invoice_date": issued,
                "invoice_date_due": issued + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create({"name": "Taille", "quantity": 1, "price_unit": 250.0})
                ],
            }
        )
        invoice.action_post()
        engine = self.Engine.with_user(accountant).with_company(self.company_2)
        action = engine.action_reminders_to_send()
        levels = Level.search([("company_id", "=", self.company_2.id)])
        self.assertEqual(levels.mapped("days_after_due"), [7, 21, 35])
        self.assertEqual(
            levels.mapped("name"),
            (self.level_1 | self.level_2 | self.notice).mapped("name"),
        )
        reminder = self.Reminder.with_user(accountant).search(action["domain"])
        self.assertEqual(reminder.partner_id, customer_2)
        self.assertEqual(reminder.level_id, levels[0], "10 days late: the first level")
        self.assertEqual(reminder.invoice_ids, invoice)
        # a rerun (the scheduled action) creates no level and no reminder
        self.Engine._cron()
        self.assertEqual(Level.search([("company_id", "=", self.company_2.id)]), levels)
        self.assertEqual(self.Reminder.search([("partner_id", "=", customer_2.id)]), reminder)
        # a company that archived its levels sends no reminder: none is created again
        levels.action_archive()
        self.assertFalse(Level.with_user(accountant)._for_company(self.company_2))
        self.assertEqual(Level.search([("company_id", "=", self.company_2.id)]), levels)
