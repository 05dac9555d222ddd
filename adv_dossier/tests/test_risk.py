import base64
import re
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestCustomerRisk(AdvDossierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls._today()
        cls.company.account_use_credit_limit = True
        cls.risk_manager = cls._new_user(
            login="adv_rita",
            name="Rita Risque",
            groups="sales_team.group_sale_manager,adv_dossier.group_adv_risk_manager",
        )
        cls.customer.credit_limit = 5000.0

    @freeze_time("2026-06-15")
    def test_figures(self):
        """Due, overdue, oldest overdue, ordered not invoiced, drafts, exposure and level, to the cent."""
        self._invoice(self.customer, 1000.0, days_ago=70, due_in=30)  # 40 days overdue
        self._invoice(self.customer, 500.0)  # not due
        self._invoice(self.customer, 200.0, move_type="out_refund", due_in=0)
        self._invoice(self.customer, 300.0, post=False)
        order = self._create_quote(self._create_dossier(), qty=1, price=400.0)
        order.action_confirm()
        partner = self.contact  # figures are those of the company, seen from a contact too
        self.assertEqual(partner.adv_risk_due, 1300.0)
        self.assertEqual(partner.adv_risk_overdue, 1000.0)
        self.assertEqual(partner.adv_risk_oldest_overdue_days, 40)
        self.assertEqual(partner.adv_risk_to_invoice, 400.0)
        self.assertEqual(partner.adv_risk_draft_invoices, 300.0)
        self.assertEqual(partner.adv_risk_exposure, 2000.0)
        self.assertEqual(partner.adv_risk_credit_limit, 5000.0)
        self.assertFalse(partner.adv_risk_limit_exceeded)
        self.assertEqual(partner.adv_risk_level, "high", "40 days overdue: high risk")
        self.assertGreater(partner.adv_risk_dso, 0)
        self.assertIn(
            self.customer, self.env["res.partner"].search([("adv_risk_level", "=", "high")])
        )
        self.assertNotIn(
            self.customer, self.env["res.partner"].search([("adv_risk_level", "=", "low")])
        )
        # over the credit limit, then over 120% of it: blocked
        self.customer.credit_limit = 1900.0
        self.customer.invalidate_recordset()
        self.assertTrue(self.customer.adv_risk_limit_exceeded)
        self.customer.credit_limit = 1500.0
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.adv_risk_level, "blocked")

    def test_payments_late_days_and_currency(self):
        """Partial payments lower the amount due; a late payment counts in the average days late."""
        invoice = self._invoice(self.customer, 1000.0, days_ago=50, due_in=30)
        self._pay(invoice, 400.0, days_ago=15)
        self.assertEqual(self.customer.adv_risk_due, 600.0)
        self.assertEqual(self.customer.adv_risk_overdue, 600.0)
        self._pay(invoice, 600.0, days_ago=10)  # paid 10 days after the due date
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.adv_risk_due, 0.0)
        self.assertEqual(self.customer.adv_risk_late_days_avg, 10.0)
        self.assertEqual(self.customer.adv_risk_level, "low")
        eur = self.env.ref("base.EUR")
        eur.active = True
        other = self.env.ref("base.USD") if self.company.currency_id == eur else eur
        foreign = self._invoice(self.customer, 100.0, currency=other)
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(self.customer.adv_risk_due, foreign.amount_total_signed, places=2)

    def test_thresholds_for_risk_managers_only(self):
        """Salesmen see the level but do not change the thresholds; another company's invoices
        do not count."""
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesman).write({"adv_risk_blocked_days": 5})
        with self.assertRaises(AccessError):
            self.env["adv.risk.settings"].with_user(self.salesman).create({})
        settings = Form(self.env["adv.risk.settings"].with_user(self.risk_manager))
        self.assertEqual(settings.adv_risk_high_days, 30)
        settings.adv_risk_high_days = 20
        settings.save().action_apply()
        self.assertEqual(self.company.adv_risk_high_days, 20)
        self._invoice(self.customer, 300.0, days_ago=55, due_in=30)  # 25 days overdue
        self.assertEqual(self.customer.with_user(self.salesman).adv_risk_level, "high")
        other_company = self.customer.with_company(self.company_2)
        self.assertEqual(other_company.adv_risk_due, 0.0)
        self.assertEqual(other_company.adv_risk_level, "low")

    def test_override_by_risk_manager_only(self):
        """Only a risk manager sets the level by hand; the reason, date and author are kept."""
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).write({"adv_risk_override": "blocked"})
        self.customer.with_user(self.risk_manager).write(
            {"adv_risk_override": "blocked", "adv_risk_override_reason": "Procédure collective"}
        )
        self.assertEqual(self.customer.with_user(self.salesman).adv_risk_level, "blocked")
        self.assertEqual(self.customer.sudo().adv_risk_override_user_id, self.risk_manager)
        self.assertEqual(self.customer.sudo().adv_risk_override_date, self.today)
        dossier = self._create_dossier()
        self.assertEqual(dossier.risk_level, "blocked")

    def test_gate_blocks_and_risk_manager_overrides(self):
        """A blocked customer's order is confirmed only by a risk manager, with a logged reason."""
        self.company.adv_risk_gate = "block"
        self.customer.sudo().write(
            {"adv_risk_override": "blocked", "adv_risk_override_reason": "Impayés"}
        )
        self.customer.write(
            {
                "company_registry": "73282932000074",
                "street": "1 rue",
                "zip": "69001",
                "city": "Lyon",
                "country_id": self.env.ref("base.fr").id,
                "vat": "FR44732829320",
                "property_payment_term_id": self.env.ref("account.account_payment_term_45days").id,
                "property_inbound_payment_method_line_id": self.env["res.partner"]
                ._adv_inbound_methods(self.company)[:1]
                .id,
                "ref": "C00100",
            }
        )
        order = self._create_quote(self._create_dossier())
        action = order.with_context(adv_confirm_check=True).action_confirm()
        wizard = self.env["adv.order.confirm"].browse(action["res_id"])
        self.assertTrue(wizard.risk_blocking)
        self.assertIn("blocked", wizard.risk_message)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        with self.assertRaises(UserError):
            wizard.with_user(self.sales_manager).action_force_confirm()
        wizard.force_reason = "Acompte reçu"
        wizard.with_user(self.risk_manager).action_force_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.message_ids.filtered(lambda m: "Acompte reçu" in (m.body or "")))
        # warn only: confirmed, with a note
        self.company.adv_risk_gate = "warn"
        order2 = self._create_quote(self._create_dossier(title="Autre", customer_ref="Z"))
        action = order2.with_context(adv_confirm_check=True).action_confirm()
        self.env["adv.order.confirm"].browse(action["res_id"]).action_confirm()
        self.assertEqual(order2.state, "sale")
        self.assertTrue(
            order2.message_ids.filtered(lambda m: "despite the customer risk" in (m.body or ""))
        )

    def test_invoice_posting_gate(self):
        """If the company wants it, a blocked customer's invoice is not posted by a salesman."""
        self.company.write({"adv_risk_gate": "block", "adv_risk_gate_invoice": True})
        self.customer.sudo().write(
            {"adv_risk_override": "blocked", "adv_risk_override_reason": "Litige"}
        )
        invoice = self._invoice(self.customer, 100.0, post=False)
        accountant = self._new_user(login="adv_compta", groups="account.group_account_invoice")
        with self.assertRaises(UserError):
            invoice.with_user(accountant).action_post()
        invoice.with_user(self.env.ref("base.user_admin")).action_post()  # a risk manager
        self.assertEqual(invoice.state, "posted")

    def test_figures_queries_do_not_grow_with_customers(self):
        """Every figure is computed for many customers at once: 10 or 100 customers, same queries."""

        def queries_for(count):
            partners = self.env["res.partner"].create(
                [{"name": f"Client {count}-{i}", "is_company": True} for i in range(count)]
            )
            for partner in partners:
                self._invoice(partner, 100.0, days_ago=40, due_in=10)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partners.mapped("adv_risk_level")
            partners.mapped("adv_risk_exposure")
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries_for(10), queries_for(100))

    def test_aged_balance(self):
        """The aged balance at a date splits what is due by age, down to the invoices, to the cent."""
        a = self._invoice(self.customer, 1000.0, days_ago=100, due_in=0)  # 100 days
        b = self._invoice(self.customer, 250.55, days_ago=45, due_in=0)  # 45 days
        c = self._invoice(self.customer, 80.0, days_ago=0, due_in=30)  # not due
        other = self.env["res.partner"].create({"name": "Mairie", "is_company": True})
        d = self._invoice(other, 300.0, days_ago=10, due_in=0)  # 10 days
        self._pay(a, 400.0, days_ago=5)
        ours = self.customer | other
        balance = self.env["adv.aged.balance"].create({"date": self.today, "partner_ids": ours.ids})
        balance.action_compute()
        self.assertEqual(balance.line_ids.partner_id, ours)
        self.assertEqual(balance.total, 1000.0 - 400.0 + 250.55 + 80.0 + 300.0)
        self.assertEqual(balance.total_days_90_plus, 600.0)
        self.assertEqual(balance.total_days_31_60, 250.55)
        self.assertEqual(balance.total_not_due, 80.0)
        self.assertEqual(balance.total_days_1_30, 300.0)
        self.assertEqual(set(balance.line_ids.move_id.ids), {a.id, b.id, c.id, d.id})
        # at an earlier date, before the payment and the last invoice
        earlier = self.env["adv.aged.balance"].create(
            {"date": self.today - timedelta(days=7), "partner_ids": ours.ids}
        )
        earlier.action_compute()
        self.assertEqual(
            earlier.total, 1000.0 + 250.55 + 80.0 + 300.0 - 80.0 * (c.invoice_date > earlier.date)
        )
        line_a = earlier.line_ids.filtered(lambda line: line.move_id == a)
        self.assertEqual(line_a.amount_residual, 1000.0)
        self.assertEqual(line_a.days_overdue, 93)
        # filters: risk level
        by_level = self.env["adv.aged.balance"].create(
            {"date": self.today, "risk_level": "blocked", "partner_ids": ours.ids}
        )
        by_level.action_compute()
        self.assertEqual(by_level.line_ids.partner_id, self.customer)
        # XLSX (kept on the balance, vacuumed with it: no attachment left behind) and PDF
        attachments = self.env["ir.attachment"].search_count([])
        action = balance.action_export_xlsx()
        self.assertIn(f"/adv.aged.balance/{balance.id}/xlsx_file/", action["url"])
        self.assertTrue(base64.b64decode(balance.xlsx_file).startswith(b"PK"))
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        report = self.env.ref("adv_dossier.action_report_adv_aged_balance")
        html = report._render_qweb_html(report.report_name, balance.ids)[0].decode()
        self.assertIn("Jardins du Rhône SARL", html)
        self.assertIn("250.55", html)


@tagged("post_install", "-at_install")
class TestInvoiceFollowUp(AdvDossierCommon):
    def test_invoice_legal_mentions(self):
        """A French company's invoice to a professional states the late penalties, the €40
        indemnity and the early-payment discount terms."""
        self.company.write({"country_id": self.env.ref("base.fr").id, "adv_ecb_rate": 2.15})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Haie", "quantity": 1, "price_unit": 100.0, "tax_ids": False}
                    )
                ],
            }
        )
        report = self.env.ref("account.account_invoices")
        html = report._render_qweb_html(report.report_name, invoice.ids)[0].decode()
        text = " ".join(re.sub(r"<[^>]+>", "", html).split())
        for expected in (
            "Late-payment penalties: 12.15 % per year (ECB refinancing rate + 10 points)",
            "Fixed indemnity for recovery costs in case of late payment: €40",
            "No discount for early payment.",
        ):
            self.assertIn(expected, text)

    def test_dossier_follows_invoices_and_payments(self):
        """Invoiced: Awaiting payment; everything paid: Closed won."""
        dossier = self._create_dossier()
        order = self._create_quote(dossier, qty=1, price=500.0)
        order.action_confirm()
        order.order_line.qty_delivered = 1
        dossier._adv_sync_follow_up()
        self.assertIn(dossier.stage_id.code, ("order_to_do", "to_invoice"))
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(dossier.stage_id.code, "awaiting_payment")
        self._pay(invoice, 500.0)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(dossier.stage_id, self.stage_won)
        self.assertEqual(dossier.state, "won")
