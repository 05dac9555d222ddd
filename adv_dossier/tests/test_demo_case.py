import unittest

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoCase(TransactionCase):
    """The Pépinières Clément case (demo data) is complete and coherent: a dossier in every
    tray, quotes in every state, invoices at every reminder level, a customer over its limit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("adv_dossier.dossier_lac", raise_if_not_found=False):
            # tools/test always loads it (and counts a skipped test as a failure)
            raise unittest.SkipTest(
                "the classroom case is adv_dossier's demo data, not loaded in this database "
                "(install with demo data to run these tests)"
            )

    def ref(self, xmlid):
        return self.env.ref(f"adv_dossier.{xmlid}")

    def test_a_dossier_in_every_tray(self):
        dossiers = (
            self.env["adv.dossier"]
            .with_context(active_test=False)
            .search([("partner_id.commercial_partner_id", "in", self._case_customers().ids)])
        )
        trays = self.env["adv.dossier.stage"].search([("code", "!=", False)])
        if "stock.picking" not in self.env:
            # without Inventory nothing is delivered in Odoo: the case's confirmed orders are
            # to invoice at once, and no dossier waits for a delivery
            trays = trays.filtered(lambda t: t.code not in ("order_to_do", "to_deliver"))
        by_code = {
            tray.code: dossiers.filtered(lambda d, t=tray: d.stage_id == t) for tray in trays
        }
        self.assertTrue(all(by_code.values()), {code: len(d) for code, d in by_code.items()})
        self.assertEqual(self.ref("dossier_lac").stage_id.code, "request")
        self.assertEqual(self.ref("dossier_jardinerie").stage_id.code, "reminder")
        self.assertEqual(self.ref("dossier_paysages_lavender").stage_id.code, "won")
        lost = self.ref("dossier_chateau")
        self.assertEqual((lost.stage_id.code, lost.active), ("lost", False))
        if "stock.picking" in self.env:  # with Inventory, deliveries decide
            self.assertEqual(self.ref("dossier_camping_pitches").stage_id.code, "order_to_do")
            self.assertEqual(self.ref("dossier_tilleuls").stage_id.code, "to_deliver")

    def test_quotes_in_every_state(self):
        self.assertEqual(self.ref("order_camping_hedge").adv_quote_state, "draft")
        self.assertEqual(self.ref("order_mairie").adv_quote_state, "awaiting")
        self.assertEqual(self.ref("order_golf").adv_quote_state, "won")
        lost = self.ref("order_chateau")
        self.assertEqual(lost.adv_quote_state, "lost")
        self.assertEqual(lost.adv_lost_reason_id, self.ref("lost_reason_price"))
        changed = self.ref("order_vert_horizon")
        self.assertEqual(changed.adv_quote_state, "awaiting")
        self.assertTrue(changed._adv_changes_since_sent(), "changed after it was sent")
        self.assertIn("customer_file", changed._adv_gate_problems(), "a prospect")

    def test_customer_files(self):
        """The customers who ordered have a complete file; the town council and the prospects
        complete theirs at their first order."""
        company = self.env.company
        for xmlid in ("partner_jardinerie_val", "partner_paysages_loire", "partner_golf_anjou"):
            self.assertFalse(self.ref(xmlid)._adv_customer_file_missing(company), xmlid)
        for xmlid in ("partner_mairie", "partner_vert_horizon", "partner_sci_lac"):
            self.assertIn("ref", self.ref(xmlid)._adv_customer_file_missing(company), xmlid)

    def test_invoices_at_every_reminder_level(self):
        levels = self.env["adv.reminder.level"]._for_company(self.env.company)
        sent = self.env["adv.reminder"].search(
            [("partner_id", "in", self._case_customers().ids), ("state", "=", "sent")]
        )
        jardinerie = self.ref("partner_jardinerie_val")
        hotel = self.ref("partner_hotel_cedre")
        self.assertEqual(
            sorted((r.partner_id.id, r.level_id.days_after_due) for r in sent),
            sorted([(jardinerie.id, 7), (jardinerie.id, 21), (hotel.id, 7)]),
        )
        today = self.env["adv.reminder.engine"]._prepare(self.env.company)
        reached = {r.partner_id: r.level_id for r in today}
        self.assertEqual(reached[self.ref("partner_golf_anjou")], self.ref("reminder_level_1"))
        self.assertEqual(reached[hotel], self.ref("reminder_level_2"))
        self.assertEqual(reached[jardinerie], self.ref("reminder_level_formal_notice"))
        self.assertEqual(len(levels.filtered("formal_notice")), 1)
        self.assertEqual(len(today.filtered(lambda r: r.partner_id == jardinerie).line_ids), 2)

    def test_a_customer_over_its_credit_limit(self):
        jardinerie = self.ref("partner_jardinerie_val")
        self.assertTrue(jardinerie.adv_risk_limit_exceeded)
        self.assertEqual(jardinerie.adv_risk_level, "blocked")
        self.assertFalse(self.ref("partner_paysages_loire").adv_risk_limit_exceeded)
        # its new order waits for the risk manager
        self.assertEqual(self.env.company.sudo().adv_risk_gate, "block")
        self.assertIn("risk", self.ref("order_jardinerie_autumn")._adv_gate_problems())

    def test_quotes_addressed_to_the_person_who_asked(self):
        """Every quote of the case goes to its dossier's contact and is invoiced to the
        customer company."""
        orders = self.env["sale.order"].search([("dossier_id.contact_id", "!=", False)])
        self.assertTrue(orders)
        for order in orders:
            self.assertEqual(order.partner_id, order.dossier_id.contact_id, order.name)
            self.assertEqual(
                order.partner_invoice_id.commercial_partner_id,
                order.dossier_id.partner_id,
                order.name,
            )
            self.assertTrue(order.partner_invoice_id.is_company, order.name)
        for invoice in orders.invoice_ids:
            self.assertTrue(invoice.partner_id.is_company, invoice.name)

    def test_french_invoices_of_the_case(self):
        """The golf's maintenance contract is a service delivered on the course, invoiced to
        the company; the town council is a public buyer (ECB + 8 points, Chorus Pro); the
        Résidence Les Tilleuls pays in two instalments; plants at 10 % and services at 20 %
        with the French chart."""
        golf = self.ref("order_golf")
        self.assertEqual(golf.partner_id, self.ref("partner_golf_anjou_contact"))
        invoice = golf.invoice_ids
        self.assertEqual(invoice.partner_id, self.ref("partner_golf_anjou"))
        self.assertEqual(invoice.adv_operation_nature, "services")
        self.assertEqual(invoice.partner_shipping_id, self.ref("partner_golf_anjou_course"))
        self.assertTrue(invoice._adv_delivery_address_differs())
        town = self.ref("invoice_mairie_summer")
        self.assertEqual(town.commercial_partner_id.adv_public_buyer, "authority")
        self.assertEqual(town.adv_chorus_service_code, "SERVICES-TECHNIQUES")
        ecb = self.env["adv.ecb.rate"]._adv_rate_for(town.invoice_date_due).rate
        self.assertAlmostEqual(town._adv_late_penalty_rate(), ecb + 8)
        self.assertAlmostEqual(invoice._adv_late_penalty_rate(), ecb + 10)
        instalments = self.ref("invoice_tilleuls_winter_garden")
        self.assertEqual(
            len(
                instalments.line_ids.filtered("date_maturity").filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )
            ),
            2,
        )
        self.assertEqual(instalments.payment_state, "partial")
        if self.env.company.chart_template == "fr":
            self.assertEqual(self.ref("product_lavender").taxes_id.amount, 10.0)
            maintenance = self.ref("product_maintenance").taxes_id
            self.assertEqual((maintenance.amount, maintenance.tax_scope), (20.0, "service"))

    def _case_customers(self):
        names = [
            "partner_paysages_loire",
            "partner_mairie",
            "partner_jardinerie_val",
            "partner_hotel_cedre",
            "partner_golf_anjou",
            "partner_residence_tilleuls",
            "partner_camping_riviere",
            "partner_clinique",
            "partner_chateau",
            "partner_vert_horizon",
            "partner_sci_lac",
        ]
        return self.env["res.partner"].browse([self.ref(name).id for name in names])
