from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from odoo.tests import Form, tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestMailIntake(AdvDossierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        AliasDomain = cls.env["mail.alias.domain"]
        cls.domain_1 = AliasDomain.create(
            {"name": "jardins-clement.example", "company_ids": cls.company.ids}
        )
        cls.domain_2 = AliasDomain.create(
            {"name": "paysages-sud.example", "company_ids": cls.company_2.ids}
        )
        cls.company.alias_domain_id = cls.domain_1
        cls.company_2.alias_domain_id = cls.domain_2
        cls.company._adv_set_dossier_alias("devis")
        cls.company_2._adv_set_dossier_alias("devis")

    def _message(self, to, subject, sender, body, attachments=(), in_reply_to=None):
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = format_datetime(datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
        msg["Message-Id"] = make_msgid(domain="mail.example")
        if in_reply_to:
            msg["In-Reply-To"] = in_reply_to
            msg["References"] = in_reply_to
        msg.set_content(body)
        for filename, content, maintype, subtype in attachments:
            msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
        return msg

    def _process(self, msg):
        thread_id = self.env["mail.thread"].sudo().message_process(None, msg.as_string())
        return self.env["adv.dossier"].browse(thread_id)

    def test_email_opens_dossier_for_known_contact(self):
        """An e-mail to devis@ opens a dossier to qualify, the contact who wrote it proposed;
        qualified by a user, the contact follows it; a purchase order is one once confirmed."""
        msg = self._message(
            "devis@jardins-clement.example",
            "Demande de devis : haie de lauriers",
            "Claire Martin <claire.martin@jardins-rhone.example>",
            "Bonjour,\nmerci de nous chiffrer 40 m de haie.\nClaire",
            attachments=[("plan-haie.pdf", b"%PDF-1.4 plan", "application", "pdf")],
        )
        dossier = self._process(msg)
        self.assertEqual(dossier._name, "adv.dossier")
        self.assertEqual(dossier.title, "Demande de devis : haie de lauriers")
        self.assertEqual(dossier.stage_id.code, "to_qualify")
        self.assertEqual(dossier.contact_id, self.contact, "the known contact is proposed")
        self.assertEqual(dossier.partner_id, self.customer)
        self.assertEqual(dossier.company_id, self.company)
        self.assertEqual(dossier.request_channel, "email")
        self.assertEqual(dossier.request_date, datetime(2026, 11, 20, 9, 30))
        self.assertFalse(dossier.user_id, "the mail gateway does not become the responsible")
        self.assertTrue(dossier.name.startswith("DOS/"))
        incoming = dossier.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(incoming), 1)
        self.assertIn("merci de nous chiffrer 40 m de haie", incoming.body)
        self.assertEqual(dossier.document_ids.mapped("name"), ["plan-haie.pdf"])
        self.assertEqual(dossier.document_ids.adv_document_type, "customer_attachment")
        self.assertNotIn(
            self.contact, dossier.message_partner_ids, "nobody follows an unchecked request"
        )
        dossier.with_user(self.salesman_all).action_adv_qualify()
        self.assertEqual(dossier.stage_id, self.stage_request)
        self.assertIn(self.contact, dossier.message_partner_ids, "the customer follows the dossier")

        # the customer's reply lands on the same dossier
        reply = self._message(
            "devis@jardins-clement.example",
            "Re: Demande de devis : haie de lauriers",
            "Claire Martin <claire.martin@jardins-rhone.example>",
            "Voici notre bon de commande.",
            attachments=[("Bon de commande 4512.pdf", b"%PDF-1.4 bc", "application", "pdf")],
            in_reply_to=msg["Message-Id"],
        )
        count = self.Dossier.search_count([])
        self.assertEqual(self._process(reply), dossier)
        self.assertEqual(self.Dossier.search_count([]), count, "no second dossier")
        dossier.invalidate_recordset()
        self.assertEqual(len(dossier.document_ids), 2)
        order = dossier.document_ids.filtered(lambda a: a.name.startswith("Bon"))
        self.assertEqual(order.adv_document_type_guess, "customer_po", "suggested by its name")
        self.assertFalse(dossier.has_customer_po, "a file name is no purchase order")
        order.with_user(self.salesman_all).action_adv_confirm_document_type()
        dossier.invalidate_recordset()
        self.assertEqual(order.adv_document_type, "customer_po")
        self.assertTrue(dossier.has_customer_po)

    def test_email_from_unknown_sender_waits_to_be_qualified(self):
        """An unknown sender creates no partner: the request waits in To qualify with its
        address, and becomes a prospect when a user qualifies it; a second company's alias
        opens its own dossier."""
        partners = self.env["res.partner"].search_count([])
        msg = self._message(
            "devis@paysages-sud.example",
            "Entretien du parc",
            '"Marc Durand" <m.durand@nouveau-client.example>',
            "Pouvez-vous passer nous voir ?",
        )
        dossier = self._process(msg)
        self.assertEqual(dossier.company_id, self.company_2)
        self.assertEqual(self.env["res.partner"].search_count([]), partners, "no partner created")
        self.assertFalse(dossier.partner_id)
        self.assertEqual(dossier.stage_id.code, "to_qualify")
        self.assertEqual(dossier.request_email, "m.durand@nouveau-client.example")
        self.assertEqual(dossier.email_name, "Marc Durand")
        self.assertTrue(dossier.name.startswith("DOS/"))
        dossier.with_user(self.user_company_2).action_adv_qualify()
        prospect = dossier.partner_id
        self.assertEqual(prospect.name, "Marc Durand")
        self.assertEqual(prospect.email, "m.durand@nouveau-client.example")
        self.assertEqual(prospect.adv_customer_state, "prospect")
        self.assertEqual(prospect.company_id, self.company_2)
        self.assertIn(prospect, dossier.message_partner_ids)
        self.assertEqual(dossier.stage_id.code, "request")

    def test_forged_sender_is_never_subscribed(self):
        """Anyone can write a known contact's address: the request is only proposed under that
        customer, nobody follows it; a contact whose address is not the sender's never follows
        the dossier, even once qualified."""
        msg = self._message(
            "devis@jardins-clement.example",
            "Commande urgente",
            "Claire Martin <claire.martin@jardins-rhone.example>",
            "Livrez 200 oliviers à l'adresse ci-dessous.",
        )
        dossier = self._process(msg)
        self.assertEqual(dossier.stage_id.code, "to_qualify")
        self.assertFalse(dossier.message_partner_ids & (self.contact | self.customer))
        # the ADV assistant phones the customer: another person wrote; she files it under him
        other = self.env["res.partner"].create(
            {
                "name": "Paul Martin",
                "parent_id": self.customer.id,
                "email": "paul@jardins-rhone.example",
            }
        )
        dossier.contact_id = other
        dossier.with_user(self.salesman_all).action_adv_qualify()
        self.assertNotIn(other, dossier.message_partner_ids, "not the sender's address")
        self.assertNotIn(self.contact, dossier.message_partner_ids)

    def test_known_contacts_only_policy(self):
        """With "known contacts only", an unknown sender opens no dossier (Odoo bounces it)."""
        settings = Form(self.env["res.config.settings"])
        settings.adv_dossier_alias_contact = "partners"
        settings.save().execute()
        self.assertEqual(self.company.adv_dossier_alias_id.alias_contact, "partners")
        count = self.Dossier.search_count([])
        unknown = self._message(
            "devis@jardins-clement.example",
            "Offre de partenariat",
            "Inconnu <spam@unknown.example>",
            "Achetez nos listes d'e-mails.",
        )
        self._process(unknown)
        self.assertEqual(self.Dossier.search_count([]), count, "no dossier for an unknown sender")
        known = self._message(
            "devis@jardins-clement.example",
            "Demande de devis",
            "Claire Martin <claire.martin@jardins-rhone.example>",
            "Un devis pour 10 oliviers, merci.",
        )
        self.assertEqual(self._process(known).contact_id, self.contact)

    def test_followers_only_policy(self):
        """With "followers of a dossier only", a contact who follows one of the company's
        dossiers opens a new one; another known contact does not."""
        self.company.adv_dossier_alias_id.alias_contact = "followers"
        followed = self._create_dossier()
        followed.message_subscribe(partner_ids=self.contact.ids)
        stranger = self.env["res.partner"].create(
            {"name": "Lucie Bernard", "email": "lucie@ailleurs.example"}
        )
        count = self.Dossier.search_count([])
        self._process(
            self._message(
                "devis@jardins-clement.example",
                "Une question",
                "Lucie Bernard <lucie@ailleurs.example>",
                "Bonjour",
            )
        )
        self.assertEqual(self.Dossier.search_count([]), count)
        self.assertNotIn(stranger, self.Dossier.search([]).message_partner_ids)
        dossier = self._process(
            self._message(
                "devis@jardins-clement.example",
                "Nouveau projet",
                "Claire Martin <claire.martin@jardins-rhone.example>",
                "Bonjour, un nouveau projet pour le siège.",
            )
        )
        self.assertEqual(dossier.contact_id, self.contact)
        self.assertEqual(self.Dossier.search_count([]), count + 1)

    def test_alias_in_sales_settings(self):
        """The alias is set, renamed and removed from the Sales settings, per company."""
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.adv_dossier_alias_name, "devis")
        self.assertEqual(settings.adv_dossier_alias_domain, "jardins-clement.example")
        settings.adv_dossier_alias_name = "demandes"
        settings.save().execute()
        alias = self.company.adv_dossier_alias_id
        self.assertEqual(alias.alias_full_name, "demandes@jardins-clement.example")
        self.assertEqual(alias.alias_model_id.model, "adv.dossier")
        settings = Form(self.env["res.config.settings"])
        settings.adv_dossier_alias_name = False
        settings.save().execute()
        self.assertFalse(self.company.adv_dossier_alias_id)
        self.assertFalse(alias.exists())
