from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        """A payment reminder follows the delivery of its e-mail: Sent, or Failed with the
        mail server's reason (before the e-mail may be deleted)."""
        reminder_mails = self.filtered(lambda mail: mail.model == "adv.reminder")
        messages = reminder_mails.mail_message_id
        result = super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
        if messages:
            self.env["adv.reminder"]._sync_mail_state(messages)
        return result
