import ast
from datetime import timedelta

from freezegun import freeze_time

from odoo.addons.base.models.ir_mail_server import MailDeliveryException
from odoo.tests import tagged

from ..models import adv_reminder_mail
from .reminder_common import ReminderCommon

# the stored values that differ between two postings of the same message by nature
VOLATILE = {"id", "create_date", "write_date", "date", "read_date", "message_id"}

REPLY = """From: {email_from}
To: {to}
Subject: Re: {subject}
Message-ID: <reply-{nonce}@jardins-rhone.example>
In-Reply-To: {message_id}
References: {message_id}
Content-Type: text/plain; charset="utf-8"

Bonjour, nous avons réglé la facture par virement ce matin.
"""

BOUNCE = """From: MAILER-DAEMON@mx.jardins-rhone.example
To: {bounce}
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-{nonce}@mx.jardins-rhone.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

The mail system: <{recipient}>: host mx.jardins-rhone.example said: 550 5.1.1 User unknown

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.jardins-rhone.example

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1

--BOUNDARY
Content-Type: text/rfc822-headers

Message-ID: {message_id}
Subject: {subject}

--BOUNDARY--
"""


@tagged("post_install", "-at_install")
class TestReminderMail(ReminderCommon):
    """A reminder e-mail is what ``message_post`` makes of it; it leaves as the company's,
    answers come back into the reminder, and its state follows the delivery."""

    def _stored(self, message):
        """Every stored value of the message, its e-mails (headers read), notifications and
        the followers of its record, the message id of the message replaced by a marker."""
        message = message.sudo()
        marker = message.message_id

        def plain(record, names):
            values = {}
            for name in names:
                value = record[name]
                if hasattr(value, "_name"):
                    value = tuple(sorted(value.ids))
                elif isinstance(value, str):
                    value = value.replace(marker, "<MESSAGE-ID>")
                values[name] = value
            return values

        def stored(model, own=False):
            # the columns (one2many fields are compared through their own records)
            fields_ = self.env[model]._fields
            return [
                name
                for name, field in fields_.items()
                if field.store
                and field.type != "one2many"
                and name not in VOLATILE
                and not (own and field.inherited)
            ]

        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        notifications = (
            self.env["mail.notification"].sudo().search([("mail_message_id", "=", message.id)])
        )
        followers = (
            self.env["mail.followers"]
            .sudo()
            .search([("res_model", "=", message.model), ("res_id", "=", message.res_id)])
        )
        mail_values = []
        for mail in mails:
            values = plain(
                mail, [n for n in stored("mail.mail", own=True) if n != "mail_message_id"]
            )
            values["headers"] = ast.literal_eval(values["headers"] or "{}")
            mail_values.append(values)
        return {
            "message": plain(message, stored("mail.message")),
            "mails": sorted(mail_values, key=repr),
            "notifications": sorted(
                (
                    plain(
                        notification,
                        [
                            n
                            for n in stored("mail.notification")
                            if n not in ("mail_message_id", "mail_mail_id")
                        ],
                    )
                    for notification in notifications
                ),
                key=repr,
            ),
            "followers": sorted(
                (f.partner_id.id, tuple(sorted(f.subtype_ids.ids))) for f in followers
            ),
        }

    def _both_ways(self, reminder):
        """The reminder's e-mail posted by ``message_post``, then (rolled back) by the
        batch: their stored values."""
        reminder._render_letter()
        values = reminder._post_values(reminder._render_emails())[reminder.id]
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        self.assertTrue(adv_reminder_mail._batchable(reminder, values, comment))
        results = []
        for post in (
            lambda: reminder.message_post(**values),
            lambda: adv_reminder_mail.post_messages(reminder, {reminder.id: values}),
        ):
            with self.env.cr.savepoint() as savepoint:
                message = post()
                self.env.flush_all()
                self.assertEqual(len(message), 1)
                results.append(self._stored(message))
                savepoint.rollback()
            self.env.invalidate_all()
        return results

    def test_batch_equals_message_post(self):
        """The batch stores what message_post stores: message, e-mail (layout, headers,
        references), notifications, followers. For a new reminder sent by the scheduled
        action, and for one sent by hand by an accountant with a history in its chatter, an
        internal follower notified in his inbox, the letter attached, a French customer."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self._overdue(self.customer, 100.0, 10)
        reminder = self.Engine._prepare(self.company).filtered(
            lambda r: r.partner_id == self.customer
        )
        self.maxDiff = None
        by_post, by_batch = self._both_ways(reminder)
        self.assertEqual(by_batch, by_post)
        self.assertEqual(len(by_batch["mails"]), 1)
        self.assertEqual(len(by_batch["notifications"]), 1)

        french = self.env["res.partner"].create(
            {
                "name": "Pépinière Lyonnaise",
                "is_company": True,
                "email": "p@l.example",
                "lang": "fr_FR",
            }
        )
        self._overdue(french, 300.0, 40)
        notice = self.Engine._prepare(self.company).filtered(lambda r: r.partner_id == french)
        follower = self._new_user(
            login="adv_nina",
            name="Nina Recouvrement",
            email="nina@example.com",
            groups="account.group_account_invoice",
            notification_type="inbox",
        )
        notice.message_subscribe(partner_ids=follower.partner_id.ids)
        notice.message_post(body="Client relancé par téléphone.", message_type="comment")
        by_post, by_batch = self._both_ways(notice.with_user(self.accountant))
        self.assertEqual(by_batch, by_post)
        self.assertTrue(by_batch["message"]["parent_id"], "answers the chatter's history")
        self.assertTrue(by_batch["message"]["attachment_ids"], "the letter")
        self.assertIn(
            (self.accountant.partner_id.id,),
            [(p,) for p, _s in by_batch["followers"]],
            "the accountant follows the reminder he sent, to get the answers",
        )
        kinds = sorted(n["notification_type"] for n in by_batch["notifications"])
        self.assertEqual(kinds, ["email", "inbox"])

    def test_sent_as_the_company_answers_come_back(self):
        """The e-mail leaves as the company (or its accounting contact), in the company's
        layout, with the company's catchall as Reply-To: the customer's answer lands in the
        reminder's chatter, and the accountant who sent it is notified."""
        invoice = self._overdue(self.customer, 480.0, 9)
        reminder = self.Engine._prepare(self.company).filtered(
            lambda r: r.partner_id == self.customer
        )
        reminder.with_user(self.accountant).action_send()
        mail = self._email(reminder)
        message = reminder.mail_message_id
        self.assertEqual(message.author_id, self.company.partner_id)
        self.assertEqual(mail.email_from, self.company.partner_id.email_formatted)
        self.assertEqual(mail.reply_to, f'"{self.company.name}" <reponses@pepinieres.example>')
        self.assertEqual(message.record_company_id, self.company)
        self.assertEqual(message.record_alias_domain_id, self.alias_domain)
        self.assertEqual(message.email_layout_xmlid, "mail.mail_notification_light")
        self.assertIn(invoice.name, mail.body_html)
        self.assertIn(self.company.name, mail.body_html, "the company's layout")
        headers = ast.literal_eval(mail.headers)
        self.assertEqual(headers["Return-Path"], "retours@pepinieres.example")
        self.assertEqual(headers["X-Odoo-Objects"], f"adv.reminder-{reminder.id}")
        self.assertEqual(reminder.mail_message_id.notification_ids.res_partner_id, self.customer)
        self._send_mail_queue()
        self.assertEqual(reminder.state, "sent")
        [sent] = self._sent_to(self.customer)
        self.assertEqual(sent["reply_to"], mail.reply_to)

        # the customer answers
        self.env["mail.thread"].sudo().message_process(
            False,
            REPLY.format(
                email_from=self.customer.email_formatted,
                to=mail.reply_to,
                subject=mail.subject,
                nonce="1",
                message_id=message.message_id,
            ),
        )
        answer = reminder.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(answer), 1)
        self.assertEqual(answer.author_id, self.customer)
        self.assertIn("réglé la facture", answer.body)
        self.assertIn(self.accountant.partner_id, answer.notification_ids.res_partner_id)

        # sent as the accounting department
        accounting = self.env["res.partner"].create(
            {
                "name": "Comptabilité Pépinières",
                "parent_id": self.company.partner_id.id,
                "email": "compta@pepinieres.example",
            }
        )
        self.company.adv_reminder_sender_id = accounting
        other = self.env["res.partner"].create(
            {"name": "Serres du Tour SARL", "is_company": True, "email": "compta@serres.example"}
        )
        self._overdue(other, 200.0, 9)
        self.Engine._cron()
        reminder_2 = self._reminders(other)
        self.assertEqual(reminder_2.mail_message_id.author_id, accounting)
        self.assertEqual(self._email(reminder_2).email_from, accounting.email_formatted)

    def test_failed_email_shown_and_retried(self):
        """The mail server refuses the e-mail: the reminder is Failed with the reason, shown
        in Reminders to Send Today, and the next run sends the same e-mail again."""
        self._overdue(self.customer, 300.0, 9)
        self.Engine._cron()
        reminder = self._reminders(self.customer)
        message = reminder.mail_message_id
        refused = MailDeliveryException(
            "Mail Delivery Failed", "550 5.1.1 <contact@jardins-rhone.example>: User unknown"
        )
        self._send_mail_queue(refused=refused)
        self.assertEqual(reminder.state, "failed")
        self.assertIn("User unknown", reminder.failure_reason)
        self.assertIn("contact@jardins-rhone.example", reminder.failure_reason)
        action = self.Engine.action_reminders_to_send()
        self.assertIn(reminder, self.Reminder.search(action["domain"]))
        with freeze_time(self._today() + timedelta(days=1)):
            self.Engine._cron()
        self.assertEqual(reminder.state, "queued")
        self.assertEqual(reminder.mail_message_id, message, "the same e-mail, sent again")
        self.assertEqual(self._email(reminder).state, "outgoing")
        self._send_mail_queue()
        self.assertEqual(reminder.state, "sent")
        self.assertFalse(reminder.failure_reason)
        self.assertEqual(len(self._sent_to(self.customer)), 1)

    def test_failed_then_superseded_gets_a_new_email(self):
        """A failed first reminder whose invoice reaches the second level: the failed e-mail
        is cancelled, the second level leaves in a new one."""
        self._overdue(self.customer, 300.0, 19)
        self.Engine._cron()
        reminder = self._reminders(self.customer)
        first_mail = self._email(reminder)
        self._send_mail_queue(refused=MailDeliveryException("Connection refused"))
        self.assertEqual(reminder.state, "failed")
        with freeze_time(self._today() + timedelta(days=2)):
            self.Engine._cron()
        self.assertEqual(reminder.level_id, self.level_2)
        self.assertEqual(reminder.state, "queued")
        self.assertEqual(first_mail.state, "cancel")
        self.assertNotEqual(self._email(reminder), first_mail)

    def test_bounce_marks_failed(self):
        """A bounce of the reminder's e-mail (the address no longer exists): Failed."""
        self._overdue(self.customer, 300.0, 9)
        self.Engine._cron()
        reminder = self._reminders(self.customer)
        self._send_mail_queue()
        self.assertEqual(reminder.state, "sent")
        self.env["mail.thread"].sudo().message_process(
            False,
            BOUNCE.format(
                bounce="retours@pepinieres.example",
                nonce="2",
                recipient=self.customer.email,
                message_id=reminder.mail_message_id.message_id,
                subject=reminder.mail_message_id.subject,
            ),
        )
        self.assertEqual(reminder.state, "failed")
        self.assertIn(self.customer.email, reminder.failure_reason)
