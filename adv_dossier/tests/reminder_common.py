from datetime import date
from unittest.mock import patch

from odoo.addons.base.models.ir_mail_server import IrMail_Server
from odoo.addons.mail.tests.common import MockEmail
from odoo.tools import mute_logger

from .common import AdvDossierCommon


class ReminderCommon(AdvDossierCommon, MockEmail):
    """Payment reminders: the French ladder of the main company, penalties at 12.15 % (ECB
    2.15 % + 10 points), invoices in euros (EUR 1 = one unit of the company's currency, so
    that the EUR 40 indemnity is 40 whatever the test database's currency), the company's
    e-mail domain (answers come back through its catchall), e-mails sent through Odoo's mail
    queue with the SMTP connection mocked (MockEmail)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = cls.env["adv.reminder.engine"]
        cls.Reminder = cls.env["adv.reminder"]
        cls.level_1 = cls.env.ref("adv_dossier.reminder_level_1")
        cls.level_2 = cls.env.ref("adv_dossier.reminder_level_2")
        cls.notice = cls.env.ref("adv_dossier.reminder_level_formal_notice")
        cls.company.write(
            {
                "adv_ecb_rate": 2.15,
                "adv_late_penalty_points": 10.0,
                # the classroom case (demo data) sends its reminders by hand
                "adv_reminder_auto_send": True,
                "email": "contact@pepinieres.example",
            }
        )
        cls.eur = cls.env.ref("base.EUR")
        cls._set_rate(cls.eur, 1.0)
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {
                "name": "pepinieres.example",
                "catchall_alias": "reponses",
                "bounce_alias": "retours",
                "default_from": "ne-pas-repondre",
            }
        )
        cls.company.alias_domain_id = cls.alias_domain
        cls.accountant = cls._new_user(
            login="adv_tom",
            name="Tom Comptable",
            email="tom@example.com",
            groups="account.group_account_invoice,sales_team.group_sale_salesman_all_leads",
        )

    @classmethod
    def _set_rate(cls, currency, rate):
        """``rate`` units of ``currency`` for one unit of the company's currency, from 2000."""
        currency.active = True
        if currency == cls.company.currency_id:
            return
        cls.env["res.currency.rate"].search(
            [
                ("currency_id", "=", currency.id),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", cls.company.id),
            ]
        ).unlink()
        cls.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "rate": rate,
                "name": date(2000, 1, 1),
                "company_id": cls.company.id,
            }
        )

    def _overdue(self, partner, amount, days_overdue, currency=None, **values):
        """An invoice ``days_overdue`` days past its due date (due 30 days after issue), in
        euros unless told."""
        return self._invoice(
            partner,
            amount,
            days_ago=30 + days_overdue,
            due_in=30,
            currency=currency or self.eur,
            **values,
        )

    def _reminders(self, partner):
        return self.Reminder.search([("partner_id", "=", partner.id)])

    def _email(self, reminder):
        """The reminder's e-mail (mail.mail)."""
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", reminder.mail_message_id.id)])
        )

    def _send_mail_queue(self, refused=None):
        """Odoo's mail queue sends what waits, through a mocked SMTP connection (which
        refuses every e-mail with ``refused``, an exception, if given)."""
        with self.mock_mail_gateway():
            if refused:
                with (
                    patch.object(IrMail_Server, "send_email", side_effect=refused),
                    mute_logger("odoo.addons.mail.models.mail_mail"),
                ):
                    self.env["mail.mail"].sudo().process_email_queue()
            else:
                self.env["mail.mail"].sudo().process_email_queue()
        self.env.invalidate_all()

    def _sent_to(self, partner):
        """The e-mails the mocked SMTP server got for ``partner``."""
        return [mail for mail in self._mails if partner.email_normalized in str(mail["email_to"])]
