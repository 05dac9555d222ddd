from datetime import timedelta

from odoo import fields
from odoo.tests import Form, tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestUnansweredQuotes(AdvDossierCommon):
    """The daily action marks lost only the quotes the customer received and did not answer;
    closing the dossier is the process's work, whoever runs it; one language per note."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"adv_followup_days": 0, "adv_lost_after_days": 30})
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env.ref("base.module_adv_dossier")._update_translations(["fr_FR"])
        cls.salesman.lang = "fr_FR"
        # the colleague is responsible for the dossier: the salesman does not see it
        cls.dossier = cls._create_dossier(user_id=cls.salesman_2.id)
        cls.SaleOrder = cls.env["sale.order"]

    def _expired_quote(self, sent=True, **values):
        quote = self._create_quote(self.dossier, user_id=self.salesman.id, **values)
        if sent:
            quote.with_user(self.salesman)._adv_mark_printed()
        quote.validity_date = self._today() - timedelta(days=31)
        return quote

    def test_only_quotes_sent_are_lost_for_no_answer(self):
        """A draft never sent, or a quote signed online waiting for the sales administration,
        is no unanswered quote."""
        draft = self._expired_quote(sent=False)
        on_hold = self._expired_quote()
        on_hold.adv_hold_date = fields.Datetime.now()
        sent = self._expired_quote()
        self.SaleOrder._adv_cron_quote_follow_up()
        self.assertEqual(draft.adv_quote_state, "draft")
        self.assertEqual(on_hold.adv_quote_state, "to_confirm")
        self.assertEqual(sent.adv_quote_state, "lost")
        self.assertEqual(sent.adv_lost_reason_id, self.env.ref("adv_dossier.lost_reason_no_answer"))
        self.assertTrue(self.dossier.active, "the other quotes are still open")

    def test_run_as_a_salesman_files_his_colleagues_dossier(self):
        """Run as a salesman, the action closes and files the dossier of a colleague he does not
        see, in his name and his language, reason included."""
        quote = self._expired_quote()
        self.assertFalse(self.dossier.with_user(self.salesman).has_access("read"))
        self.SaleOrder.with_user(self.salesman)._adv_cron_quote_follow_up()
        self.assertEqual(quote.adv_quote_state, "lost")
        self.assertEqual((self.dossier.state, self.dossier.active), ("lost", False))
        note = quote.message_ids.filtered(lambda m: "perdu" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Sans réponse", note.body, "the reason in the note's language")
        self.assertIn("Pas de réponse du client", note.body)
        self.assertNotIn("No answer", note.body)
        filed = self.dossier.message_ids.filtered(lambda m: "classé" in (m.body or ""))
        self.assertEqual(filed.author_id, self.salesman.partner_id)

    def test_scheduler_writes_in_its_users_language(self):
        """Run by the scheduler (OdooBot), every note is in OdooBot's language."""
        quote = self._expired_quote()
        self.env.ref("base.user_root").lang = "en_US"
        self.SaleOrder.with_user(self.env.ref("base.user_root"))._adv_cron_quote_follow_up()
        note = quote.message_ids.filtered(lambda m: "lost" in (m.body or ""))
        self.assertIn("lost: No answer", note.body)
        self.assertIn("No answer from the customer", note.body)
        self.assertNotIn("réponse", note.body)

    def test_colleagues_open_quote_keeps_the_dossier_open(self):
        """A salesman who marks his quote lost does not close a dossier where a colleague's
        quote he cannot see is still open."""
        mine = self._create_quote(self.dossier, user_id=self.salesman.id)
        self._create_quote(self.dossier, user_id=self.salesman_2.id)
        action = mine.with_user(self.salesman).action_adv_mark_lost()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"])
        )
        wizard.lost_reason_id = self.env.ref("adv_dossier.lost_reason_price")
        wizard.save().action_mark_lost()
        self.assertEqual(mine.adv_quote_state, "lost")
        self.assertEqual((self.dossier.state, self.dossier.active), ("open", True))
