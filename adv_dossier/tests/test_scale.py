import base64
from datetime import timedelta

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestBigDatabase(AdvDossierCommon):
    """What an SME's years of data need: the same results, from bounded queries."""

    def _attachment(self, name, record, mimetype="application/pdf"):
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(b"%PDF-1.4"),
                "mimetype": mimetype,
                "res_model": record._name,
                "res_id": record.id,
            }
        )

    def test_document_types_at_install_as_computed(self):
        """At install, the document type of the attachments already there is set in SQL, as
        the computation sets it for a new one (a customer purchase order never by itself)."""
        dossier = self._create_dossier()
        quote, order = self._create_quote(dossier), self._create_quote(dossier)
        order.action_confirm()
        invoice = self._invoice(self.customer, 100.0)
        other = self.env["res.partner"].create({"name": "Autre"})
        attachments = self.env["ir.attachment"]
        for name, record, mimetype in (
            ("Bon_de_commande_signé.pdf", dossier, "application/pdf"),
            ("PO-4521 purchase order.pdf", order, "application/pdf"),
            ("chiffrage haie brise-vent.csv", dossier, "text/csv"),
            ("Étude de prix.xlsx", dossier, "application/vnd.ms-excel"),
            ("etude-de-prix v2.xlsx", quote, "application/vnd.ms-excel"),
            ("DEV_2026_00042.pdf", quote, "application/pdf"),
            ("CMD_2026_00007.pdf", order, "application/pdf"),
            ("Facture.pdf", invoice, "application/pdf"),
            ("Demande du client.eml", dossier, "message/rfc822"),
            ("re_devis.EML", dossier, "application/octet-stream"),
            ("plan.dwg", dossier, "application/octet-stream"),
            ("photo.jpg", other, "image/jpeg"),
            ("pompon.pdf", self.env["sale.order"].browse(), "application/pdf"),
        ):
            attachments |= self._attachment(name, record or quote.browse(10**9), mimetype)
        self.env.flush_all()
        computed = {a.id: (a.adv_document_type, a.adv_document_type_guess) for a in attachments}
        self.assertEqual(computed[attachments[0].id], (False, "customer_po"))
        self.assertEqual(computed[attachments[-3].id], ("other", "other"))
        self.assertEqual(computed[attachments[-2].id], (False, False))
        # the columns as an install finds them: missing, then made and filled in SQL
        self.env.cr.execute(
            "ALTER TABLE ir_attachment DROP COLUMN adv_document_type, "
            "DROP COLUMN adv_document_type_guess"
        )
        queries = self.env.cr.sql_log_count
        self.assertTrue(self.env["ir.attachment"]._adv_init_document_type_columns())
        self.assertLessEqual(self.env.cr.sql_log_count - queries, 5, "no query per attachment")
        self.assertFalse(self.env["ir.attachment"]._adv_init_document_type_columns(), "once")
        self.env.invalidate_all()
        installed = {a.id: (a.adv_document_type, a.adv_document_type_guess) for a in attachments}
        self.assertEqual(installed, computed)

    def test_quote_states_at_install_as_computed(self):
        """At install, the quote state of the orders already there is set in SQL, as the
        computation sets it."""
        dossier = self._create_dossier()
        draft, sent, won, cancelled = (self._create_quote(dossier) for _i in range(4))
        sent.action_quotation_sent()
        won.action_confirm()
        cancelled._action_cancel()
        orders = draft | sent | won | cancelled
        self.env.flush_all()
        self.assertEqual(orders.mapped("adv_quote_state"), ["draft", "awaiting", "won", "cancel"])
        self.env.cr.execute("ALTER TABLE sale_order DROP COLUMN adv_quote_state CASCADE")
        self.assertTrue(self.env["sale.order"]._adv_init_quote_state_column())
        self.env.invalidate_all()
        self.assertEqual(orders.mapped("adv_quote_state"), ["draft", "awaiting", "won", "cancel"])

    def test_customer_state_search_as_computed(self):
        """The Prospects and Customers filters find what the field says, for every partner."""
        buyer = self.env["res.partner"].create({"name": "Acheteur", "is_company": True})
        buyer_contact = self.env["res.partner"].create({"name": "Paul", "parent_id": buyer.id})
        self._create_quote(
            self._create_dossier(partner_id=buyer.id, contact_id=False)
        ).action_confirm()
        invoiced = self.env["res.partner"].create({"name": "Facturé", "is_company": True})
        self._invoice(invoiced, 50.0)
        self._invoice(self.env["res.partner"].create({"name": "Brouillon"}), 50.0, post=False)
        Partner = self.env["res.partner"].with_context(active_test=False)
        partners = Partner.search([])
        for state in ("prospect", "customer"):
            with self.subTest(state=state):
                expected = partners.filtered(lambda p, s=state: p.adv_customer_state == s)
                self.assertEqual(Partner.search([("adv_customer_state", "=", state)]), expected)
                self.assertEqual(
                    Partner.search([("adv_customer_state", "!=", state)]), partners - expected
                )
        customers = Partner.search([("adv_customer_state", "=", "customer")])
        self.assertIn(buyer_contact, customers, "a contact of a customer is a customer")
        self.assertIn(invoiced, customers)
        # the search holds in the filters of a recordset too
        self.assertEqual(
            (buyer | invoiced | self.customer).filtered_domain(
                [("adv_customer_state", "=", "prospect")]
            ),
            self.customer,
        )

    def test_risk_level_search_as_computed(self):
        """The risk level filter finds what the field says, for every partner: overdue
        invoices, credit limit exceeded by orders or drafts, a level set by hand, paid ones."""
        self.company.account_use_credit_limit = True
        Partner = self.env["res.partner"]

        def company(name, **values):
            return Partner.create({"name": name, "is_company": True, **values})

        watch, high, blocked = company("Veille"), company("Haut"), company("Bloqué")
        self._invoice(watch, 100.0, days_ago=40, due_in=30)  # 10 days overdue
        self._invoice(high, 100.0, days_ago=70, due_in=30)  # 40 days
        self._invoice(blocked, 100.0, days_ago=100, due_in=30)  # 70 days
        paid = company("Payé")
        self._pay(self._invoice(paid, 100.0, days_ago=200, due_in=30), 100.0)
        ordered = company("Commande", credit_limit=100.0)
        order = self._create_quote(
            self._create_dossier(partner_id=ordered.id, contact_id=False), qty=1, price=110.0
        )
        self._confirm_anyway(order)
        drafts = company("Brouillons", credit_limit=100.0)
        self._invoice(drafts, 110.0, post=False)
        by_hand = company("À la main")
        by_hand.adv_risk_override = "high"
        child = Partner.create({"name": "Contact", "parent_id": blocked.id})
        partners = Partner.with_context(active_test=False).search([])
        for level in ("low", "watch", "high", "blocked"):
            with self.subTest(level=level):
                expected = partners.filtered(lambda p, lv=level: p.adv_risk_level == lv)
                found = Partner.with_context(active_test=False).search(
                    [("adv_risk_level", "=", level)]
                )
                self.assertEqual(found, expected)
                self.assertEqual(
                    Partner.with_context(active_test=False).search(
                        [("adv_risk_level", "not in", [level])]
                    ),
                    partners - expected,
                )
        self.assertEqual(
            (watch | high | blocked | child | paid | ordered | drafts | by_hand).mapped(
                "adv_risk_level"
            ),
            ["watch", "high", "blocked", "blocked", "low", "high", "high", "high"],
        )

    def test_risk_levels_once_per_read_only_transaction(self):
        """A transaction that wrote nothing (a list of the web client, which searches, then
        counts) computes the levels once; they are those of the field. One that wrote computes
        them again."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Partner = env["res.partner"].with_context(active_test=False)
            partners = Partner.search([])
            levels = {p: (p.adv_risk_computed_level, p.adv_risk_level) for p in partners}
            expected = partners.filtered(lambda p: p.adv_risk_level == "high")
            env.invalidate_all()
            before = cr.sql_log_count
            self.assertEqual(Partner.search([("adv_risk_level", "=", "high")]), expected)
            first = cr.sql_log_count - before
            before = cr.sql_log_count
            self.assertEqual(
                Partner.search_count([("adv_risk_level", "!=", "high")]),
                len(partners - expected),
            )
            self.assertLess(cr.sql_log_count - before, first, "the levels are not read again")
            # the rows shown next: their levels are those of the search, read again for nothing
            partners.fetch(["commercial_partner_id"])
            before = cr.sql_log_count
            self.assertEqual(
                {p: (p.adv_risk_computed_level, p.adv_risk_level) for p in partners}, levels
            )
            self.assertEqual(cr.sql_log_count - before, 1, "only the check that nothing changed")
            cr.rollback()
        # a transaction that writes sees its own changes at each search
        Partner = self.env["res.partner"]
        self.assertNotIn(self.customer, Partner.search([("adv_risk_level", "=", "high")]))
        self._invoice(self.customer, 100.0, days_ago=70, due_in=30)  # 40 days overdue
        self.assertIn(self.customer, Partner.search([("adv_risk_level", "=", "high")]))

    def test_aged_balance_reads_the_open_lines_without_rows(self):
        """The aged balance stores no line: the same queries for 3 or 30 invoices, and the
        lines matched after its date are open at its date."""

        def queries_for(count):
            partner = self.env["res.partner"].create(
                {"name": f"Client {count}", "is_company": True}
            )
            for _i in range(count):
                self._invoice(partner, 100.0, days_ago=40, due_in=10)
            balance = self.env["adv.aged.balance"].create(
                {"partner_ids": [Command.set(partner.ids)]}
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            balance.action_compute()
            self.assertEqual(len(balance.line_ids), count)
            self.assertEqual(balance.total, 100.0 * count)
            self.assertEqual(balance.total_days_1_30, 100.0 * count)
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries_for(3), queries_for(30))
        self.assertFalse(
            self.env.execute_query(
                SQL("SELECT 1 FROM pg_class WHERE relname = 'adv_aged_balance_line'")
            ),
            "no table of lines",
        )
        # paid today: open yesterday, not today
        invoice = self._invoice(self.customer, 200.0, days_ago=10)
        self._pay(invoice, 200.0)
        yesterday = self.env["adv.aged.balance"].create(
            {"date": self._today() - timedelta(days=1), "partner_ids": self.customer.ids}
        )
        today = self.env["adv.aged.balance"].create({"partner_ids": self.customer.ids})
        self.assertEqual(yesterday.line_ids.move_id, invoice)
        self.assertFalse(today.line_ids)

    def test_indexes_of_the_searches(self):
        """The dossier contact, the lost reason, the risk level set by hand, the reminders'
        state, date and level, the open items by partner and the order lines left to invoice
        are indexed."""
        for table, columns in (
            ("adv_dossier", "(contact_id)"),
            ("sale_order", "(adv_lost_reason_id)"),
            ("res_partner", "(adv_risk_override)"),
            ("adv_reminder", "(state)"),
            ("adv_reminder", "(date)"),
            ("adv_reminder", "(level_id)"),
            (
                "account_move_line",
                "(partner_id) INCLUDE (account_id, company_id, amount_residual, date_maturity) "
                "WHERE ((reconciled IS NOT TRUE)",
            ),
            ("sale_order_line", "(order_partner_id) WHERE (((state)::text = 'sale'::text)"),
        ):
            with self.subTest(columns=columns):
                self.assertTrue(
                    self.env.execute_query(
                        SQL(
                            "SELECT 1 FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                            table,
                            f"%{columns}%",
                        )
                    )
                )
