from odoo.tests import HttpCase, tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestDossierUi(AdvDossierCommon, HttpCase):
    def test_tour_salesman_board(self):
        """A salesman opens the board, creates a dossier, drags it to the next tray, prints its cover sheet."""
        self.start_tour("/odoo", "adv_dossier_board_tour", login="adv_sam")
        dossier = self.Dossier.search([("title", "=", "Jardin de la mairie")])
        self.assertEqual(len(dossier), 1)
        self.assertEqual(dossier.partner_id, self.customer)
        self.assertEqual(dossier.stage_id, self.stage_awaiting)
        self.assertEqual(dossier.user_id, self.salesman)

    def test_tour_quote_to_order(self):
        """A quote made from a dossier is sent, changed, and confirmed once the customer accepted
        the change and the customer file is complete: the dossier moves to Order to do."""
        prospect = self.env["res.partner"].create(
            {
                "name": "Mairie de Villeurbanne",
                "is_company": True,
                "country_id": self.env.ref("base.fr").id,
                "email": "marches@mairie-villeurbanne.example",
            }
        )
        method = self.env["res.partner"]._adv_inbound_methods(self.company)[:1]
        prospect.with_company(self.company).property_inbound_payment_method_line_id = method
        self.company.write({"country_id": self.env.ref("base.fr").id, "adv_confirm_checks": True})
        # invoiced once delivered: a confirmed order has work to do, with or without Inventory
        self.product.invoice_policy = "delivery"
        # the document layout is chosen: sending goes straight to the e-mail
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        dossier = self._create_dossier(
            partner_id=prospect.id, contact_id=False, user_id=self.salesman.id
        )
        self.start_tour(
            f"/odoo/adv.dossier/{dossier.id}", "adv_dossier_quote_to_order_tour", login="adv_sam"
        )
        order = dossier.order_ids
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.order_line.product_uom_qty, 12)
        self.assertEqual(dossier.stage_id, self.stage_order_to_do)
        self.assertEqual(
            order.adv_version_ids.sorted("version").mapped("channel"),
            ["email", "accepted"],
            "the version e-mailed, then the one the customer accepted",
        )
        self.assertEqual(prospect.company_registry, "73282932000074")
        self.assertTrue(prospect.ref.startswith("C"))
        self.assertEqual(
            prospect.property_payment_term_id, self.env.ref("account.account_payment_term_45days")
        )
        self.assertTrue(
            order.message_ids.filtered(lambda m: "accepted these changes" in (m.body or ""))
        )

    def test_tour_accountant_sends_reminders(self):
        """An accountant sees today's reminders, sends one, and finds it on the dossier, the
        customer and the invoice; the customer gets its e-mail."""
        accountant = self._new_user(
            login="adv_tom",
            name="Tom Comptable",
            email="tom@example.com",
            groups="account.group_account_manager,sales_team.group_sale_salesman_all_leads",
        )
        customer = self.env["res.partner"].create(
            {"name": "Serres du Tour SARL", "is_company": True, "email": "compta@serres.example"}
        )
        dossier = self._create_dossier(partner_id=customer.id, contact_id=False)
        invoice = self._overdue_dossier_invoice(dossier, 480.0, 10)
        invoice.action_post()
        self.start_tour(
            "/odoo/action-adv_dossier.action_adv_reminder_to_send",
            "adv_dossier_reminders_tour",
            login="adv_tom",
        )
        reminder = self.env["adv.reminder"].search([("partner_id", "=", customer.id)])
        self.assertEqual(reminder.state, "queued", "in the mail queue")
        self.assertEqual(reminder.level_id, self.env.ref("adv_dossier.reminder_level_1"))
        self.assertEqual(dossier.stage_id.code, "reminder")
        mail = self.env["mail.mail"].search(
            [("model", "=", "adv.reminder"), ("res_id", "=", reminder.id)]
        )
        self.assertEqual(mail.recipient_ids, customer)
        self.assertEqual(mail.author_id, self.env.company.partner_id, "sent as the company")
        self.assertIn(accountant.partner_id, reminder.message_partner_ids, "he gets the answers")
        self.assertIn(invoice.name, str(mail.body_html))
        self.assertEqual(customer.adv_reminder_count, 1)
        self.assertEqual(invoice.adv_reminder_count, 1)
        self.start_tour(
            f"/odoo/adv.dossier/{dossier.id}", "adv_dossier_reminder_history_tour", login="adv_tom"
        )
