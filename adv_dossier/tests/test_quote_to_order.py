import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestQuoteToOrder(AdvDossierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fr = cls.env.ref("base.fr")
        cls.company.write(
            {"country_id": cls.fr.id, "adv_order_numbering": True, "adv_confirm_checks": True}
        )
        cls.prospect = cls.env["res.partner"].create(
            {"name": "Mairie de Villeurbanne", "is_company": True, "country_id": cls.fr.id}
        )
        cls.term_45 = cls.env.ref("account.account_payment_term_45days")
        cls.dossier = cls._create_dossier(
            partner_id=cls.prospect.id, contact_id=False, user_id=cls.salesman.id
        )
        cls.report = cls.env.ref("sale.action_report_saleorder")
        # invoiced once delivered: a confirmed order has work to do, with or without Inventory
        cls.product.invoice_policy = "delivery"

    def _complete_prospect(self):
        self.prospect.write(
            {
                "company_registry": "73282932000074",
                "vat": "FR44732829320",
                "street": "Place Lazare Goujon",
                "zip": "69100",
                "city": "Villeurbanne",
                "property_payment_term_id": self.term_45.id,
                "property_inbound_payment_method_line_id": self.env["res.partner"]
                ._adv_inbound_methods(self.company)[:1]
                .id,
                "ref": "C09999",
            }
        )

    def _quote(self, **values):
        return self._create_quote(
            self.dossier, qty=10, price=120.0, user_id=self.salesman.id, **values
        )

    def _print(self, quote):
        """What the web client's Print menu does for an internal user (see TestQuotePrint)."""
        quote._adv_mark_printed()

    def _confirm_from_web_client(self, quote):
        return quote.with_context(adv_confirm_check=True).action_confirm()

    def _complete_file(self, wizard_form):
        wizard_form.company_registry = "732 829 320 00074"
        wizard_form.vat = "FR44732829320"
        wizard_form.street = "Place du Docteur Lazare Goujon"
        wizard_form.zip = "69100"
        wizard_form.city = "Villeurbanne"
        if wizard_form.needs_payment_method:
            wizard_form.payment_method_line_id = self.env["res.partner"]._adv_inbound_methods(
                self.company
            )[:1]

    def test_quote_states_and_dossier_moves(self):
        """Draft, awaiting order once printed, closed won once confirmed; the dossier follows."""
        quote = self._quote()
        self.assertEqual(quote.adv_quote_state, "draft")
        self.assertEqual(self.dossier.stage_id, self.stage_request)
        self._print(quote)
        self.assertEqual(quote.state, "sent")
        self.assertEqual(quote.adv_quote_state, "awaiting")
        self.assertEqual(quote.adv_version_ids.mapped("version"), [1])
        self.assertEqual(quote.adv_version_ids.channel, "print")
        self.assertEqual(self.dossier.stage_id, self.stage_awaiting)
        self.assertEqual(self.dossier.quote_version_ids, quote.adv_version_ids)
        # printing the same quote again keeps one version
        self._print(quote)
        self.assertEqual(len(quote.adv_version_ids), 1)
        self._complete_prospect()
        self.assertIn(
            self.prospect, self.env["res.partner"].search([("adv_customer_state", "=", "prospect")])
        )
        self.assertTrue(self._confirm_from_web_client(quote), "nothing to ask: confirmed at once")
        self.assertEqual(quote.adv_quote_state, "won")
        self.assertEqual(self.dossier.stage_id, self.stage_order_to_do)
        self.assertEqual(self.prospect.adv_customer_state, "customer")
        self.assertIn(
            self.prospect, self.env["res.partner"].search([("adv_customer_state", "=", "customer")])
        )

    def test_quote_numbers_per_company(self):
        """French companies number their quotes DEV/<year>/00001, per company; the order keeps
        its quote number, shown on the cover sheet; a company without it keeps Odoo's."""
        year = self._today().year
        quote = self._quote()
        self.assertRegex(quote.name, rf"^DEV/{year}/\d{{5}}$")
        second = self._quote()
        self.assertEqual(int(second.name[-5:]), int(quote.name[-5:]) + 1)
        self.company_2.write({"country_id": self.fr.id})
        self.assertTrue(self.company_2.adv_quote_numbering)
        other = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "company_id": self.company_2.id}
        )
        self.assertEqual(other.name, f"DEV/{year}/00001", "each company its own numbers")
        number = quote.name
        self._complete_prospect()
        quote.action_confirm()
        self.assertTrue(quote.name.startswith("CMD/"))
        self.assertEqual(quote.adv_quote_number, number)
        cover = self.env.ref("adv_dossier.action_report_adv_dossier_cover")
        html = cover._render_qweb_html(cover.report_name, self.dossier.ids)[0].decode()
        self.assertIn(number, html)
        self.company.adv_quote_numbering = False
        self.assertFalse(self._quote().name.startswith("DEV/"), "Odoo's own numbers again")

    def test_versions_sent_by_email(self):
        """Each version e-mailed to the customer is kept: v1, v2…; an unchanged resend adds none."""
        quote = self._quote()
        quote.with_context(mark_so_as_sent=True).message_post(
            body="Votre devis", message_type="comment"
        )
        self.assertEqual(quote.state, "sent")
        quote.with_context(mark_so_as_sent=True).message_post(
            body="Relance", message_type="comment"
        )
        self.assertEqual(len(quote.adv_version_ids), 1)
        quote.order_line.product_uom_qty = 12
        quote.with_context(mark_so_as_sent=True).message_post(
            body="Nouvelle version", message_type="comment"
        )
        versions = quote.adv_version_ids.sorted("version")
        self.assertEqual(versions.mapped("version"), [1, 2])
        self.assertEqual(versions.mapped("channel"), ["email", "email"])
        self.assertEqual(versions.mapped("amount_untaxed"), [1200.0, 1440.0])

    def test_mark_lost_closes_dossier_when_every_quote_is_lost(self):
        """A lost quote is cancelled with its reason; the dossier closes when all its quotes are lost."""
        first, second = self._quote(), self._quote()
        reason = self.env.ref("adv_dossier.lost_reason_competitor")
        action = first.with_user(self.salesman).action_adv_mark_lost()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"])
        )
        wizard.lost_reason_id = reason
        wizard.comment = "Choisi : Espaces Verts Lyonnais"
        wizard.save().action_mark_lost()
        self.assertEqual(first.state, "cancel")
        self.assertEqual(first.adv_quote_state, "lost")
        self.assertEqual(first.adv_lost_reason_id, reason)
        self.assertIn("Competitor", first.message_ids[0].body)
        self.assertTrue(self.dossier.active, "another quote is still open")
        self.assertEqual(self.dossier.state, "open")
        second._adv_mark_lost(self.env.ref("adv_dossier.lost_reason_price"))
        self.assertEqual(self.dossier.stage_id, self.stage_lost)
        self.assertEqual(self.dossier.state, "lost")
        self.assertFalse(self.dossier.active, "a lost dossier is filed")
        self.dossier.action_unarchive()
        self.assertTrue(self.dossier.active, "and can be restored")
        with self.assertRaises(UserError):
            first._adv_mark_lost(reason)

    def test_prospect_first_order_completes_customer_file(self):
        """A prospect's first order asks for the customer file, checks it and numbers the order."""
        quote = self._quote()
        quote_number = quote.name
        action = self._confirm_from_web_client(quote.with_user(self.salesman))
        self.assertEqual(action["res_model"], "adv.order.confirm")
        self.assertEqual(quote.state, "draft", "not confirmed before the file is complete")
        wizard_form = Form(
            self.env["adv.order.confirm"].with_user(self.salesman).browse(action["res_id"])
        )
        self.assertTrue(wizard_form.needs_customer_file)
        self.assertEqual(
            wizard_form.payment_term_id, self.term_45, "45 days from invoice date by default"
        )
        self._complete_file(wizard_form)
        wizard = wizard_form.save()
        wizard.company_registry = "732 829 320 00075"  # wrong checksum
        with self.assertRaises(ValidationError):
            wizard.action_confirm()
        wizard.company_registry = "732 829 320 00074"
        wizard.vat = "FR00732829320"  # wrong key
        with self.assertRaises(ValidationError):
            wizard.action_confirm()
        wizard.vat = "FR44123456789"  # a valid number, of another SIREN
        with self.assertRaises(ValidationError):
            wizard.action_confirm()
        self.assertEqual(quote.state, "draft")
        wizard.vat = "FR 44 732829320"
        wizard.action_confirm()
        self.assertEqual(quote.state, "sale")
        partner = self.prospect
        self.assertEqual(partner.company_registry, "73282932000074")
        self.assertEqual(partner.vat, "FR44732829320")
        self.assertEqual(partner.property_payment_term_id, self.term_45)
        self.assertRegex(partner.ref, r"^C\d{5}$")
        self.assertEqual(partner.adv_customer_state, "customer")
        # the order has its own number, the quote number stays on it and finds it
        self.assertTrue(quote.name.startswith("CMD/"))
        self.assertEqual(quote.adv_quote_number, quote_number)
        self.assertIn(
            quote,
            self.env["sale.order"].search([("name", "ilike", quote_number)])
            or quote.browse([r[0] for r in self.env["sale.order"].name_search(quote_number)]),
        )
        found = self.env["sale.order"].browse(
            [r[0] for r in self.env["sale.order"].name_search(quote_number)]
        )
        self.assertEqual(found, quote)
        # the next customer gets the next free code
        other = self.env["res.partner"].create({"name": "Autre"})
        self.assertNotEqual(other._adv_next_customer_code(self.company), partner.ref)

    def test_account_code_unique_per_company(self):
        """A customer account code already used by another customer is refused."""
        self.env["res.partner"].create({"name": "Déjà client", "is_company": True, "ref": "C00042"})
        quote = self._quote()
        action = self._confirm_from_web_client(quote)
        wizard_form = Form(self.env["adv.order.confirm"].browse(action["res_id"]))
        self._complete_file(wizard_form)
        wizard_form.customer_code = "C00042"
        with self.assertRaises(ValidationError):
            wizard_form.save().action_confirm()
        self.assertEqual(quote.state, "draft")

    def test_changed_quote_needs_the_customer_agreement(self):
        """A quote changed since it was sent is confirmed only once the customer accepted the changes."""
        self._complete_prospect()
        quote = self._quote()
        quote.order_line = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "product_uom_qty": 1,
                    "price_unit": 5.0,
                    "name": "Terreau",
                }
            )
        ]
        self._print(quote)
        quote.order_line[0].write({"product_uom_qty": 8, "discount": 10})
        quote.order_line[1].unlink()
        quote.order_line = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "product_uom_qty": 2,
                    "price_unit": 60.0,
                    "name": "Paillage",
                }
            )
        ]
        action = self._confirm_from_web_client(quote)
        wizard = self.env["adv.order.confirm"].browse(action["res_id"])
        self.assertTrue(wizard.has_changes)
        self.assertFalse(wizard.needs_customer_file)
        html = str(wizard.changes_html)
        for expected in (
            "Changed",
            "Quantity: 10.00 → 8.00",
            "Discount (%): 0.00 → 10.00",
            "Added",
            "Paillage",
            "Removed",
            "Terreau",
        ):
            self.assertIn(expected, html)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(quote.state, "sent")
        send = wizard.action_send_new_version()
        self.assertEqual(send["res_model"], "mail.compose.message")
        wizard.accept_changes = True
        wizard.action_confirm()
        self.assertEqual(quote.state, "sale")
        note = quote.message_ids.filtered(lambda m: "accepted these changes" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Paillage", note.body)

    def test_names_read_in_another_language_are_no_change(self):
        """The names of the product, unit and taxes are read in the language of whoever sends
        or confirms: renamed (or translated) since the quote was sent, they are no change;
        another unit is."""
        self._complete_prospect()
        quote = self._quote()
        self._print(quote)
        line = quote.order_line[0]
        line.product_uom_id.sudo().name = "Unité(s)"
        line.product_id.sudo().name = "Olivier en pot"
        self.assertFalse(quote._adv_changes_since_sent())
        self._print(quote)
        self.assertEqual(quote.adv_version_count, 1, "the same quote printed again: no new version")
        line.product_uom_id = self.env.ref("uom.product_uom_dozen")
        changes = quote._adv_changes_since_sent()
        changed = [detail[0] for detail in changes[0]["details"]]
        self.assertIn("uom", changed)
        self.assertNotIn("product", changed)

    def test_manager_confirms_anyway_with_a_reason(self):
        """Only a sales manager confirms an incomplete file anyway, with a logged reason."""
        quote = self._quote()
        action = self._confirm_from_web_client(quote.with_user(self.salesman))
        wizard = self.env["adv.order.confirm"].browse(action["res_id"])
        with self.assertRaises(UserError):
            wizard.with_user(self.salesman).action_force_confirm()
        with self.assertRaises(UserError):
            wizard.with_user(self.sales_manager).action_force_confirm()  # no reason
        wizard.force_reason = "Commande urgente de la mairie, SIRET à venir"
        wizard.with_user(self.sales_manager).action_force_confirm()
        self.assertEqual(quote.state, "sale")
        note = quote.message_ids.filtered(lambda m: "confirmed anyway" in (m.body or ""))
        self.assertIn("SIRET à venir", note.body)
        self.assertIn("incomplete", note.body)

    def test_cron_follows_up_then_marks_lost(self):
        """The daily action schedules one follow-up, then marks the quote lost after its validity."""
        self.company.write({"adv_followup_days": 15, "adv_lost_after_days": 30})
        quote = self._quote()
        self._print(quote)
        SaleOrder = self.env["sale.order"]
        SaleOrder._adv_cron_quote_follow_up()
        self.assertFalse(quote.activity_ids, "sent today: nothing to follow up yet")
        quote.adv_sent_date = fields.Datetime.now() - timedelta(days=16)
        SaleOrder._adv_cron_quote_follow_up()
        SaleOrder._adv_cron_quote_follow_up()  # a rerun schedules nothing more
        activity = quote.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("adv_dossier.mail_activity_type_quote_follow_up"),
        )
        quote.validity_date = self._today() - timedelta(days=29)
        SaleOrder._adv_cron_quote_follow_up()
        self.assertEqual(quote.adv_quote_state, "awaiting")
        quote.validity_date = self._today() - timedelta(days=31)
        SaleOrder._adv_cron_quote_follow_up()
        self.assertEqual(quote.adv_quote_state, "lost")
        self.assertEqual(
            quote.adv_lost_reason_id, self.env.ref("adv_dossier.lost_reason_no_answer")
        )
        self.assertEqual(self.dossier.state, "lost")
        # 0 disables it
        self.company.adv_lost_after_days = 0
        other = self._create_quote(self._create_dossier(title="Autre", customer_ref="X"))
        self._print(other)
        other.validity_date = self._today() - timedelta(days=300)
        SaleOrder._adv_cron_quote_follow_up()
        self.assertEqual(other.adv_quote_state, "awaiting")

    def test_payment_term_legal_maximum(self):
        """Terms beyond 60 days from invoice date or 45 days end of month are flagged."""
        Term = self.env["account.payment.term"]
        self.assertFalse(self.term_45.adv_exceeds_legal_max)
        too_long = Term.create(
            {
                "name": "90 jours",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 90})
                ],
            }
        )
        eom_50 = Term.create(
            {
                "name": "50 jours fin de mois",
                "line_ids": [
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 100,
                            "nb_days": 50,
                            "delay_type": "days_after_end_of_month",
                        }
                    )
                ],
            }
        )
        eom_45 = Term.create(
            {
                "name": "45 jours fin de mois",
                "line_ids": [
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 100,
                            "nb_days": 45,
                            "delay_type": "days_after_end_of_month",
                        }
                    )
                ],
            }
        )
        self.assertTrue(too_long.adv_exceeds_legal_max)
        self.assertTrue(eom_50.adv_exceeds_legal_max)
        self.assertFalse(eom_45.adv_exceeds_legal_max)
        quote = self._quote()
        action = self._confirm_from_web_client(quote)
        wizard_form = Form(self.env["adv.order.confirm"].browse(action["res_id"]))
        self.assertFalse(wizard_form.payment_term_warning)
        wizard_form.payment_term_id = too_long
        self.assertIn("L441-10", wizard_form.payment_term_warning)

    def test_quote_pdf_french_mentions(self):
        """Quotes and orders of a French company state both parties' SIREN and VAT, and the quote number."""
        self.company.write({"company_registry": "44306184100047", "vat": "FR64443061841"})
        self.prospect.write({"company_registry": "73282932000074", "vat": "FR44732829320"})
        quote = self._quote(payment_term_id=self.term_45.id)
        html = self.report._render_qweb_html(self.report.report_name, quote.ids)[0].decode()
        html = " ".join(re.sub(r"<[^>]+>", "", html).replace("\xa0", " ").split())
        for expected in (
            "SIREN 443061841",
            "FR64443061841",
            "SIREN 732829320",
            "FR44732829320",
            "45 Days",
        ):
            start = html.find("o_adv_fr_mentions")
            self.assertTrue(
                expected in html,
                f"{expected!r} missing from the quote: {html[start : start + 1500]}",
            )
        quote_number = quote.name
        self._confirm_anyway(quote)
        html = self.report._render_qweb_html(self.report.report_name, quote.ids)[0].decode()
        self.assertTrue(
            quote_number in html and quote.name in html, "order and quote numbers both printed"
        )

    def test_rights(self):
        """Salesmen use the lost reasons but do not change them; other companies' versions are hidden."""
        reason = self.env.ref("adv_dossier.lost_reason_price")
        self.assertTrue(reason.with_user(self.salesman).name)
        with self.assertRaises(AccessError):
            reason.with_user(self.salesman).name = "Prix"
        quote = self._quote()
        self._print(quote)
        version = quote.adv_version_ids
        self.assertTrue(version.with_user(self.salesman).content)
        with self.assertRaises(AccessError):
            version.with_user(self.user_company_2).read(["content"])
