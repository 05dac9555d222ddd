from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestDossier(AdvDossierCommon):
    def test_numbering_per_company_and_year(self):
        """Dossiers are numbered DOS/<year>/00001, 00002… per company, restarting each year."""
        # years to come: the demo data (the classroom case) holds dossiers of this year
        year = self._today().year + 5
        with freeze_time(f"{year}-03-10 10:00:00"):
            first = self._create_dossier()
            second = self._create_dossier(title="Entretien des espaces verts")
            other = self.Dossier.with_company(self.company_2).create(
                {"title": "Projet sud", "company_id": self.company_2.id}
            )
        with freeze_time(f"{year + 1}-01-05 10:00:00"):
            next_year = self._create_dossier(title="Haie de thuyas")
        self.assertEqual(first.name, f"DOS/{year}/00001")
        self.assertEqual(second.name, f"DOS/{year}/00002")
        self.assertEqual(other.name, f"DOS/{year}/00001", "each company numbers its own dossiers")
        self.assertEqual(next_year.name, f"DOS/{year + 1}/00001")
        self.assertEqual(first.display_name, f"{first.name} - Aménagement du siège")
        # the number finds the dossier, as do the title and the customer reference
        for term in (second.name, "Entretien", "JR-2026-014"):
            self.assertIn(
                second,
                self.Dossier.search([("display_name", "ilike", term)])
                | self.Dossier.browse([r[0] for r in self.Dossier.name_search(term, limit=20)]),
            )

    def test_form_defaults_and_contact_fills_customer(self):
        """A new dossier starts in the first tray; picking a contact fills in the company."""
        form = Form(self.Dossier)
        form.title = "Terrasse végétalisée"
        form.contact_id = self.contact
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.stage_id, self.stage_request)
        self.assertEqual(form.user_id, self.env.user)
        form.request_channel = "visit"
        dossier = form.save()
        self.assertEqual(dossier.commercial_partner_id, self.customer)
        self.assertEqual(dossier.state, "open")
        self.assertEqual(dossier.email_from, self.contact.email)
        # changing the customer drops a contact of another company
        with Form(dossier) as form:
            form.partner_id = self.env["res.partner"].create(
                {"name": "Autre SA", "is_company": True}
            )
            self.assertFalse(form.contact_id)

    def test_every_tray_on_the_board(self):
        """The board shows every tray, empty ones too, in their order."""
        self._create_dossier()
        result = self.Dossier.with_context(read_group_expand=True).web_read_group(
            [], ["stage_id"], ["__count"]
        )
        stage_ids = [group["stage_id"][0] for group in result["groups"]]
        self.assertEqual(stage_ids, self.Stage.search([]).ids)
        self.assertEqual(
            self.Stage.search([]).mapped("code"),
            [
                "to_qualify",
                "request",
                "awaiting_order",
                "order_to_do",
                "to_deliver",
                "to_invoice",
                "awaiting_payment",
                "reminder",
                "won",
                "lost",
            ],
        )

    def test_tray_moves_track_time_and_closing(self):
        """Moving a dossier logs the tray change, restarts its clock and closes it in a closing tray."""
        now = self.env.cr.now()
        dossier = self._create_dossier()
        dossier.date_last_stage_update = now - timedelta(days=3)
        self._flush_tracking()
        dossier.stage_id = self.stage_awaiting
        self._flush_tracking()
        self.assertEqual(dossier.date_last_stage_update, now)
        self.assertIn(str(self.stage_request.id), dossier.duration_tracking)
        self.assertIn(str(self.stage_awaiting.id), dossier.duration_tracking)
        tracking = dossier.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "stage_id"
        )
        self.assertEqual(tracking.old_value_char, self.stage_request.name)
        self.assertEqual(tracking.new_value_char, self.stage_awaiting.name)
        dossier.stage_id = self.stage_won
        self.assertEqual(dossier.state, "won")
        self.assertEqual(dossier.date_closed, now)
        self.assertIn(dossier, self.Dossier.search([("state", "=", "won")]))
        dossier.stage_id = self.stage_awaiting
        self.assertEqual(dossier.state, "open")
        self.assertFalse(dossier.date_closed, "a reopened dossier is no longer closed")

    def test_stale_dossier(self):
        """A dossier left longer than its tray allows is shown as stale."""
        self.stage_awaiting.rotting_threshold_days = 15
        now = self.env.cr.now()
        dossier = self._create_dossier(stage_id=self.stage_awaiting.id)
        dossier.date_last_stage_update = now - timedelta(days=10)
        self.assertFalse(dossier.is_rotting)
        self.assertNotIn(dossier, self.Dossier.search([("is_rotting", "=", True)]))
        dossier.date_last_stage_update = now - timedelta(days=19, hours=1)
        self.assertTrue(dossier.is_rotting)
        self.assertEqual(dossier.rotting_days, 19)
        self.assertIn(dossier, self.Dossier.search([("is_rotting", "=", True)]))
        # a closed dossier never goes stale
        self.stage_won.rotting_threshold_days = 0
        dossier.stage_id = self.stage_won
        self.assertFalse(dossier.is_rotting)

    def test_stage_mail_template_sent_on_entering(self):
        """A tray's e-mail is sent to the customer contact when a dossier enters it."""
        template = self.env["mail.template"].create(
            {
                "name": "Devis envoyé",
                "model_id": self.env["ir.model"]._get_id("adv.dossier"),
                "subject": "Votre dossier {{ object.name }}",
                "body_html": "<p>Bonjour, votre devis est prêt.</p>",
                "partner_to": "{{ object.contact_id.id }}",
            }
        )
        self.stage_awaiting.mail_template_id = template
        dossier = self._create_dossier()
        self._flush_tracking()
        dossier.stage_id = self.stage_awaiting
        self._flush_tracking()
        message = dossier.message_ids.filtered(
            lambda m: m.subject == f"Votre dossier {dossier.name}"
        )
        self.assertEqual(len(message), 1)
        self.assertIn(self.contact, message.partner_ids)

    def test_similar_open_dossier_warns_without_blocking(self):
        """An open dossier of the same customer with the same reference or a close title is flagged."""
        original = self._create_dossier(title="Aménagement du siège social", customer_ref="JR-42")
        same_ref = self._create_dossier(title="Autre chose", customer_ref="jr-42 ")
        close_title = self._create_dossier(
            title="Amenagement du siege social !", customer_ref=False
        )
        unrelated = self._create_dossier(title="Entretien annuel", customer_ref="JR-99")
        other_customer = self._create_dossier(
            title="Aménagement du siège social",
            partner_id=self.env["res.partner"].create({"name": "Mairie", "is_company": True}).id,
            contact_id=False,
        )
        self.assertEqual(same_ref.duplicate_dossier_ids, original)
        self.assertIn(original, close_title.duplicate_dossier_ids)
        self.assertFalse(unrelated.duplicate_dossier_ids)
        self.assertFalse(other_customer.duplicate_dossier_ids)
        # a closed dossier is not reported
        original.stage_id = self.stage_lost
        close_title.invalidate_recordset(["duplicate_dossier_ids"])
        self.assertNotIn(original, close_title.duplicate_dossier_ids)
        # the warning shows while typing, before saving
        form = Form(self.Dossier)
        form.partner_id = self.customer
        form.title = "Entretien annuel"
        self.assertIn(unrelated, form.duplicate_dossier_ids)
        form.save()

    def test_quotes_orders_invoices_and_amount(self):
        """The dossier counts its quotes, orders and invoices and totals the amount excl. tax."""
        dossier = self._create_dossier()
        quote = self._create_quote(dossier, qty=2, price=100.0)
        order = self._create_quote(dossier, qty=1, price=250.0)
        cancelled = self._create_quote(dossier, qty=10, price=10.0)
        cancelled._action_cancel()
        order.action_confirm()
        self.assertEqual(dossier.quotation_count, 2)
        self.assertEqual(dossier.order_count, 1)
        self.assertEqual(dossier.amount_untaxed, 450.0, "cancelled quotes do not count")
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        self.assertEqual(dossier.invoice_ids, invoice)
        self.assertEqual(dossier.invoice_count, 1)
        self.assertTrue(dossier.has_order_confirmed)
        self.assertTrue(dossier.has_quote_sent, "a confirmed order was necessarily sent")
        action = dossier.action_view_quotations()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), quote | cancelled)
        action = dossier.action_new_quotation()
        quote_form = Form(self.env["sale.order"].with_context(**action["context"]))
        self.assertEqual(quote_form.dossier_id, dossier)
        # addressed to the person who asked, invoiced to the company
        self.assertEqual(quote_form.partner_id, self.contact)
        self.assertEqual(quote_form.partner_invoice_id, self.customer)
        self.assertEqual(quote_form.client_order_ref, "JR-2026-014")

    def test_customer_has_several_dossiers(self):
        """A customer can have any number of dossiers, shown on its form."""
        self._create_dossier()
        self._create_dossier(title="Second projet", customer_ref="JR-2")
        archived = self._create_dossier(title="Ancien projet", customer_ref="JR-1")
        archived.action_archive()
        self.assertEqual(self.customer.adv_dossier_count, 3)
        self.assertEqual(self.contact.adv_dossier_count, 3)
        action = self.contact.action_view_adv_dossiers()
        found = self.Dossier.with_context(**action["context"]).search(action["domain"])
        self.assertEqual(len(found), 3)

    def test_automatic_move_never_goes_back(self):
        """The process moves a dossier forward only: never behind a later manual choice."""
        dossier = self._create_dossier()
        self.assertEqual(dossier._move_to_stage_code("awaiting_order"), dossier)
        self.assertEqual(dossier.stage_id, self.stage_awaiting)
        dossier.stage_id = self.stage_order_to_do  # the user moved it further by hand
        self.assertFalse(dossier._move_to_stage_code("awaiting_order"))
        self.assertEqual(dossier.stage_id, self.stage_order_to_do)
        dossier.stage_id = self.stage_lost
        self.assertFalse(
            dossier._move_to_stage_code("order_to_do"), "a closed dossier stays closed"
        )

    def test_tray_constraints(self):
        """Technical codes are unique and a tray is not both won and lost."""
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.Stage.create({"name": "Gagné et perdu", "is_won": True, "is_lost": True})
            self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.Stage.create({"name": "Doublon", "code": "won", "is_won": True})
            self.env.flush_all()

    def test_users_add_rename_and_reorder_trays(self):
        """Users add their own trays; the board follows their order."""
        custom = self.Stage.create({"name": "Validation technique", "sequence": 15})
        stages = self.Stage.search([])
        self.assertEqual(stages[2], custom, "after To qualify and Request")
        self.stage_request.name = "Demande"
        dossier = self._create_dossier(stage_id=custom.id)
        self.assertFalse(dossier._move_to_stage_code("request"), "never moved back")
        self.assertEqual(dossier._move_to_stage_code("awaiting_order"), dossier)


@tagged("post_install", "-at_install")
class TestDossierBoardQueries(AdvDossierCommon):
    BOARD_SPEC = {
        "name": {},
        "title": {},
        "customer_ref": {},
        "partner_id": {"fields": {"display_name": {}}},
        "contact_id": {"fields": {"display_name": {}}},
        "user_id": {"fields": {"display_name": {}}},
        "stage_id": {"fields": {"display_name": {}}},
        "tag_ids": {"fields": {"display_name": {}, "color": {}}},
        "amount_untaxed": {},
        "currency_id": {"fields": {}},
        "priority": {},
        "is_rotting": {},
        "rotting_days": {},
        "activity_state": {},
        "state": {},
    }

    def _board_queries(self, count):
        dossiers = self.Dossier.browse()
        for index in range(count):
            dossier = self._create_dossier(title=f"Projet {index}", customer_ref=f"R{index}")
            self._create_quote(dossier)
            dossiers |= dossier
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.Dossier.with_context(read_group_expand=True).web_read_group(
            [("id", "in", dossiers.ids)],
            ["stage_id"],
            ["__count", "amount_untaxed:sum"],
            auto_unfold=True,
            unfold_read_specification=self.BOARD_SPEC,
        )
        return self.env.cr.sql_log_count - before

    def test_board_queries_do_not_grow_with_dossiers(self):
        """Loading the board costs the same number of queries for 3 or 30 dossiers."""
        few = self._board_queries(3)
        many = self._board_queries(30)
        self.assertEqual(many, few)
