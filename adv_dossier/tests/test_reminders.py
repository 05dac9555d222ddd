from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .reminder_common import ReminderCommon


@tagged("post_install", "-at_install")
class TestReminders(ReminderCommon):
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
        self.assertEqual(reminder.state, "queued", "in Odoo's mail queue, not gone yet")
        self.assertEqual(reminder.date_sent, self._today())
        self.assertEqual(reminder.invoice_ids, first | second)
        self.assertEqual(reminder.amount_due, 1200.0)
        message = reminder.mail_message_id
        self.assertEqual(message.partner_ids, self.customer)
        self.assertIn(first.name, message.body)
        notice = self._reminders(other)
        self.assertEqual(notice.level_id, self.notice)
        self.assertTrue(notice.attachment_id, "the formal notice letter is attached")
        self.assertEqual(notice.mail_message_id.attachment_ids, notice.attachment_id)
        self.assertEqual(notice.invoice_ids, late)
        # penalties: 12.15 % a year for 40 days, plus the 40 EUR indemnity for a professional
        self.assertEqual(notice.line_ids.penalty, round(500 * 0.1215 * 40 / 365, 2))
        self.assertEqual(notice.line_ids.indemnity, 40.0)
        self.assertEqual(self.customer.adv_reminder_count, 1)
        self.assertEqual(first.adv_reminder_count, 1)
        self.assertEqual(self.customer.adv_risk_reminders, 1)
        self.assertEqual(other.adv_risk_formal_notices, 1)
        # rerun: nothing new
        self.Engine._cron()
        self.Engine._cron()
        self.assertEqual(len(self._reminders(self.customer) | self._reminders(other)), 2)
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "adv.reminder"), ("res_id", "in", (reminder | notice).ids)])
        )
        self.assertEqual(mails.mail_message_id, (reminder | notice).mail_message_id)
        # the mail queue sends them: sent
        self._send_mail_queue()
        self.assertEqual((reminder | notice).mapped("state"), ["sent", "sent"])

    def test_next_level_later(self):
        """The same invoice reaches the next level later, never the same level twice; the
        second level schedules a phone call."""
        self._overdue(self.customer, 800.0, 20)
        self.Engine._cron()
        first = self._reminders(self.customer)
        self.assertEqual(first.level_id, self.level_1)
        tomorrow = self._today() + timedelta(days=1)
        with freeze_time(tomorrow):  # day 21
            self.Engine._cron()
            self.Engine._cron()
        second = self._reminders(self.customer) - first
        self.assertEqual(second.level_id, self.level_2)
        self.assertEqual(second.state, "queued")
        self.assertTrue(second.activity_ids, "the second reminder schedules a phone call")

    def test_never_two_levels_the_same_day(self):
        """A reminder prepared yesterday and sent by hand today: the next level its invoices
        reach today waits for tomorrow."""
        self.company.adv_reminder_auto_send = False
        self._overdue(self.customer, 800.0, 21)
        today = self._today()
        with freeze_time(today - timedelta(days=1)):
            reminder = self.Engine._prepare(self.company).filtered(
                lambda r: r.partner_id == self.customer
            )
        self.assertEqual(reminder.level_id, self.level_1)
        reminder.action_send()
        self.assertEqual(reminder.state, "queued")
        self.assertEqual(reminder.level_id, self.level_1)
        self.Engine._prepare(self.company)
        self.assertEqual(self._reminders(self.customer), reminder, "not a second level today")
        with freeze_time(today + timedelta(days=1)):
            self.Engine._prepare(self.company)
        self.assertEqual(self._reminders(self.customer).level_id, self.level_1 | self.level_2)

    def test_higher_level_supersedes_unsent_one(self):
        """An unsent (or postponed) first reminder is raised to the second level when its
        invoices reach it: levels 1 and 2 never leave the same day, nor 1 after 2."""
        self.company.adv_reminder_auto_send = False
        invoice = self._overdue(self.customer, 800.0, 18)
        reminder = self.Engine._prepare(self.company).filtered(
            lambda r: r.partner_id == self.customer
        )
        self.assertEqual(reminder.level_id, self.level_1)
        reminder.action_postpone()
        today = self._today()
        with freeze_time(today + timedelta(days=3)):  # day 21
            self.Engine._prepare(self.company)
            self.assertEqual(self._reminders(self.customer), reminder, "no second reminder")
            self.assertEqual(reminder.level_id, self.level_2, "raised to the level reached")
            self.assertEqual(reminder.line_ids.level_id, self.level_2)
            self.assertEqual(reminder.state, "postponed", "still postponed")
            self.assertEqual(reminder.line_ids.move_id, invoice)
        with freeze_time(today + timedelta(days=7)):
            self.Engine._prepare(self.company)
            self.assertEqual(reminder.state, "to_send", "its day came")
            reminder.action_send()
            self.assertEqual(reminder.state, "queued")
            self.assertIn("second reminder", reminder.mail_message_id.subject)
        self.assertEqual(
            len(
                self.env["mail.mail"]
                .sudo()
                .search([("model", "=", "adv.reminder"), ("res_id", "=", reminder.id)])
            ),
            1,
        )

    def test_new_invoices_join_the_unsent_reminder(self):
        """A customer has one reminder waiting at most: an invoice falling overdue the next
        day joins it."""
        self.company.adv_reminder_auto_send = False
        self._overdue(self.customer, 100.0, 8)
        self._overdue(self.customer, 200.0, 6)
        reminder = self.Engine._prepare(self.company).filtered(
            lambda r: r.partner_id == self.customer
        )
        self.assertEqual(reminder.amount_due, 100.0)
        tomorrow = self._today() + timedelta(days=1)
        with freeze_time(tomorrow):
            self.Engine._prepare(self.company)
        self.assertEqual(self._reminders(self.customer), reminder)
        self.assertEqual(reminder.amount_due, 300.0)
        self.assertEqual(reminder.date, tomorrow)

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
        self.assertEqual(notice.line_ids.days_overdue, 40)
        self.assertEqual(notice.line_ids.penalty, round(500 * 0.1215 * 40 / 365, 2))

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
                "currency_id": self.eur.id,
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
        self.assertFalse(reminder.mail_message_id)

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

    def test_no_email_address_letter_to_print(self):
        """A customer without an e-mail address gets a letter to print, shown in today's
        list until it is marked posted."""
        self.company.adv_reminder_auto_send = False
        paper = self.env["res.partner"].create(
            {"name": "Jardins sans courriel", "is_company": True}
        )
        self._overdue(paper, 250.0, 9)
        reminder = self.Engine._prepare(self.company).filtered(lambda r: r.partner_id == paper)
        reminder.action_send()
        self.assertEqual(reminder.state, "to_print")
        self.assertTrue(reminder.attachment_id)
        self.assertFalse(reminder.mail_message_id, "no e-mail")
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "adv.reminder"), ("res_id", "=", reminder.id)])
        )
        action = self.Engine.action_reminders_to_send()
        self.assertIn(reminder, self.Reminder.search(action["domain"]))
        self.assertEqual(paper.adv_reminder_count, 1)
        reminder.action_mark_posted()
        self.assertEqual(reminder.state, "sent")

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
        self.assertNotIn("<script>alert", self._email(reminder).body_html)

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
            login="adv_tim",
            name="Tim Comptable",
            email="tim@example.com",
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
        self.assertEqual(reminder.state, "queued")
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

    def test_second_company_levels_by_accountant(self):
        """The first time a second company reminds, its levels are created from the French
        ladder, whoever runs first: an accountant who may not create levels, a user who does
        not work for the main company."""
        company_3 = self.env["res.company"].create({"name": "Pépinières de l'Ouest"})
        accountant_3 = self._new_user(
            login="adv_ines",
            name="Inès Comptable",
            groups="account.group_account_invoice",
            company_id=company_3.id,
            company_ids=[Command.set(company_3.ids)],
        )
        self.assertFalse(
            self.env["adv.reminder.level"].with_user(accountant_3).has_access("create")
        )
        engine = self.Engine.with_user(accountant_3).with_company(company_3)
        engine._prepare(company_3)
        levels = self.env["adv.reminder.level"].with_user(accountant_3).search([])
        self.assertEqual(levels.mapped("days_after_due"), [7, 21, 35])
        self.assertEqual(levels.company_id, company_3)
        self.assertEqual(
            levels.mail_template_id, (self.level_1 | self.level_2 | self.notice).mail_template_id
        )
        # the accountant of the company runs the menu: nothing created twice
        engine.action_reminders_to_send()
        self.assertEqual(
            len(self.env["adv.reminder.level"].search([("company_id", "=", company_3.id)])), 3
        )
        # and for the other company of the fixture, from the menu
        self.env["adv.reminder.level"].with_user(self.user_company_2).with_company(
            self.company_2
        )._for_company(self.company_2)
        self.assertEqual(
            len(self.env["adv.reminder.level"].search([("company_id", "=", self.company_2.id)])), 3
        )

    def test_email_bodies_rendered_once_per_language(self):
        """The e-mails of a batch are rendered with one QWeb compilation per template and
        language, exactly as the standard rendering does: an edited template, each customer in
        its language, names holding HTML escaped; they are queued and shown in the chatter."""
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.level_1.mail_template_id
        template.body_html = (
            '<div><p>Dear <t t-out="object.partner_id.name"/>,</p>'
            '<p t-foreach="object.line_ids" t-as="line">Invoice <t t-out="line.move_id.name"/> '
            'due <t t-out="format_amount(line.amount_residual, line.currency_id)"/></p></div>'
        )
        template.with_context(lang="fr_FR").body_html = (
            '<div><p>Bonjour <t t-out="object.partner_id.name"/>,</p>'
            '<p t-foreach="object.line_ids" t-as="line">Facture <t t-out="line.move_id.name"/> '
            'due <t t-out="format_amount(line.amount_residual, line.currency_id)"/></p></div>'
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
            message = reminder.mail_message_id
            self.assertEqual(message.partner_ids, reminder.partner_id)
            # the message holds the text, the e-mail the text in the company's layout
            self.assertIn(str(message.body), self._email(reminder).body_html)
            self.assertEqual(self._email(reminder).state, "outgoing")
            self.assertNotIn("<script>", message.body)
        french_email = self._email(reminders.filtered(lambda r: r.partner_id == french))
        self.assertIn('<html lang="fr_FR">', french_email.body_html, "the layout in French too")

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
