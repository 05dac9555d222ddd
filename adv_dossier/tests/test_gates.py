"""The gates, tried as the attacks a user could make: by RPC, in superuser mode, by writing a
wizard's fields, from another company, without the group, from the portal or a payment."""

from odoo import SUPERUSER_ID
from odoo.addons.payment.tests.common import PaymentCommon
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, HttpCase, tagged

from .common import AdvDossierCommon


class GateCommon(AdvDossierCommon):
    """A French company that checks its orders and blocks its blocked customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fr = cls.env.ref("base.fr")
        cls.company.write(
            {
                "country_id": cls.fr.id,
                "adv_confirm_checks": True,
                "adv_risk_gate": "block",
            }
        )
        cls.risk_manager = cls._new_user(
            login="adv_rita",
            name="Rita Risques",
            email="rita@example.com",
            groups="sales_team.group_sale_salesman_all_leads,adv_dossier.group_adv_risk_manager",
        )
        cls.accountant = cls._new_user(
            login="adv_paul",
            name="Paul Comptable",
            email="paul@example.com",
            groups="account.group_account_invoice",
        )
        cls.term_45 = cls.env.ref("account.account_payment_term_45days")
        # a customer whose file is complete
        cls.customer.write(cls._complete_file_values("51234567900017", "FR75512345679", "C09001"))
        # a blocked customer (a risk manager set it by hand), complete file too
        cls.blocked = cls.env["res.partner"].create(
            {
                "name": "Jardinerie du Val SA",
                "is_company": True,
                **cls._complete_file_values("41234568800011", "FR53412345688", "C09002"),
                "adv_risk_override": "blocked",
                "adv_risk_override_reason": "Impayés",
            }
        )
        # a prospect: its customer file is incomplete
        cls.prospect = cls.env["res.partner"].create(
            {"name": "Mairie de Villeurbanne", "is_company": True, "country_id": cls.fr.id}
        )

    @classmethod
    def _complete_file_values(cls, siret, vat, code):
        return {
            "street": "12 quai Saint-Vincent",
            "zip": "69001",
            "city": "Lyon",
            "country_id": cls.fr.id,
            "company_registry": siret,
            "vat": vat,
            "property_payment_term_id": cls.term_45.id,
            "property_inbound_payment_method_line_id": cls.env["res.partner"]
            ._adv_inbound_methods(cls.company)[:1]
            .id,
            "ref": code,
        }

    def _quote_for(self, partner, user=None, **values):
        dossier = self._create_dossier(
            partner_id=partner.id, contact_id=False, user_id=(user or self.salesman).id
        )
        return self._create_quote(dossier, user_id=(user or self.salesman).id, **values)


@tagged("post_install", "-at_install")
class TestOrderGate(GateCommon):
    def test_rpc_confirm_of_blocked_customer_is_refused(self):
        """A salesman's plain RPC call, with any context, does not confirm a blocked
        customer's order; neither does superuser mode (online signature or payment)."""
        order = self._quote_for(self.blocked)
        for env_order in (
            order.with_user(self.salesman),
            order.with_user(self.salesman).with_context(
                adv_confirm_checked=True, adv_confirm_check=False
            ),
            order.sudo(),
            order.with_user(SUPERUSER_ID),
        ):
            with self.subTest(env=env_order.env.uid), self.assertRaises(UserError) as error:
                env_order.action_confirm()
            self.assertIn("blocked", str(error.exception))
            self.assertEqual(order.state, "draft")
        # writing the state, or creating the order confirmed, is the same gate
        with self.assertRaises(UserError):
            order.with_user(self.salesman).write({"state": "sale"})
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesman).create(
                {
                    "partner_id": self.blocked.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.adv_quote_number)

    def test_rpc_confirm_with_incomplete_file_or_changes_is_refused(self):
        """The customer file and the changes since sent hold by RPC too, with a clear message."""
        order = self._quote_for(self.prospect)
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesman).action_confirm()
        self.assertIn("customer file of Mairie de Villeurbanne is incomplete", str(error.exception))
        self.assertIn("SIREN / SIRET", str(error.exception))
        changed = self._quote_for(self.customer)
        changed._adv_mark_printed()
        changed.order_line.product_uom_qty = 5
        with self.assertRaises(UserError) as error:
            changed.with_user(self.salesman).action_confirm()
        self.assertIn("changed since the customer received", str(error.exception))
        self.assertEqual(changed.state, "sent")
        # the customer received it as it is now: confirmed by RPC as well
        changed._adv_mark_printed()
        changed.with_user(self.salesman).action_confirm()
        self.assertEqual(changed.state, "sale")

    def test_override_fields_are_the_confirmation_steps_own(self):
        """Nobody writes a waiver by RPC: the override and hold fields are refused."""
        order = self._quote_for(self.blocked)
        for vals in (
            {"adv_override_problems": "risk,customer_file,changes"},
            {"adv_override_user_id": self.risk_manager.id},
            {"adv_hold_date": "2026-11-20 10:00:00"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                order.with_user(self.sales_manager).write(vals)
        with self.assertRaises(UserError):
            order.with_user(self.sales_manager)._adv_record_override(["risk"], "Urgent")
        with self.assertRaises(UserError):
            order.with_user(SUPERUSER_ID)._adv_record_override(["risk"], "Urgent")
        self.assertFalse(order.adv_override_problems)

    def test_risk_manager_override_is_logged_and_reset_with_the_quote(self):
        """A risk manager confirms anyway from the confirmation step, logged; a quote set back
        to draft is checked again from scratch."""
        order = self._quote_for(self.blocked, user=self.risk_manager)
        action = (
            order.with_user(self.risk_manager).with_context(adv_confirm_check=True).action_confirm()
        )
        wizard = self.env["adv.order.confirm"].with_user(self.risk_manager).browse(action["res_id"])
        self.assertTrue(wizard.risk_blocking)
        wizard.force_reason = "Acompte de 50 % reçu"
        wizard.action_force_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.adv_override_user_id, self.risk_manager)
        self.assertEqual(order.adv_override_problems, "risk")
        self.assertTrue(order.message_ids.filtered(lambda m: "Acompte de 50" in (m.body or "")))
        order._action_cancel()
        order.action_draft()
        self.assertFalse(order.adv_override_problems)
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_web_user_still_gets_the_confirmation_step(self):
        """From the form's button, the gate opens the confirmation step instead of an error."""
        order = self._quote_for(self.prospect)
        action = (
            order.with_user(self.salesman).with_context(adv_confirm_check=True).action_confirm()
        )
        self.assertEqual(action["res_model"], "adv.order.confirm")
        self.assertEqual(order.state, "draft")


@tagged("post_install", "-at_install")
class TestConfirmationWizard(GateCommon):
    def test_wizard_writes_only_its_orders_customer(self):
        """Whatever a salesman writes on the confirmation step, it completes the file of its
        order's customer only: never the company's own partner nor another customer."""
        order = self._quote_for(self.prospect)
        own_partner = self.company.partner_id
        before = own_partner.read(["vat", "company_registry", "street", "ref"])[0]
        other_before = self.customer.read(["vat", "street", "ref"])[0]
        wizard = (
            self.env["adv.order.confirm"].with_user(self.salesman).create({"order_id": order.id})
        )
        # the decisions are computed from the order: writing them changes nothing
        wizard.write(
            {
                "partner_id": own_partner.id,
                "needs_customer_file": True,
                "risk_blocking": False,
                "has_changes": False,
            }
        )
        self.assertEqual(wizard.partner_id, self.prospect)
        wizard.write(
            {
                "company_registry": "732 829 320 00074",
                "vat": "FR44732829320",
                "street": "Place Lazare Goujon",
                "zip": "69100",
                "city": "Villeurbanne",
                "country_id": self.fr.id,
                "payment_term_id": self.term_45.id,
                "payment_method_line_id": self.env["res.partner"]
                ._adv_inbound_methods(self.company)[:1]
                .id,
            }
        )
        wizard.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.prospect.vat, "FR44732829320")
        self.assertEqual(own_partner.read(["vat", "company_registry", "street", "ref"])[0], before)
        self.assertEqual(self.customer.read(["vat", "street", "ref"])[0], other_before)

    def test_wizard_refuses_the_companys_own_partner(self):
        """A quote made out to the company's own partner does not rewrite the company's file."""
        own_partner = self.company.partner_id
        own_partner.company_registry = False
        vat = own_partner.vat
        order = self._create_quote(
            self._create_dossier(partner_id=own_partner.id, contact_id=False)
        )
        wizard = Form(
            self.env["adv.order.confirm"]
            .with_user(self.sales_manager)
            .browse(
                order.with_user(self.sales_manager)
                .with_context(adv_confirm_check=True)
                .action_confirm()["res_id"]
            )
        )
        wizard.company_registry = "732 829 320 00074"
        wizard.vat = "FR44732829320"
        wizard.street = "1 rue du Faux"
        wizard.zip = "69000"
        wizard.city = "Lyon"
        if wizard.needs_payment_method:
            wizard.payment_method_line_id = self.env["res.partner"]._adv_inbound_methods(
                self.company
            )[:1]
        with self.assertRaises(UserError):
            wizard.save().action_confirm()
        self.assertEqual(own_partner.vat, vat)
        self.assertEqual(order.state, "draft")

    def test_wizard_on_a_colleagues_order_or_another_company(self):
        """The step acts on an order the user may change, of a company he works for."""
        colleague_order = self._quote_for(self.customer, user=self.salesman_2)
        with self.assertRaises(AccessError):
            self.env["adv.order.confirm"].with_user(self.salesman).create(
                {"order_id": colleague_order.id}
            ).action_confirm()
        self.assertEqual(colleague_order.state, "draft")
        order_2 = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company_2.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        with self.assertRaises(AccessError):
            self.env["adv.order.confirm"].with_user(self.salesman_all).create(
                {"order_id": order_2.id}
            ).action_confirm()
        self.assertEqual(order_2.state, "draft")


@tagged("post_install", "-at_install")
class TestInvoiceGate(GateCommon):
    def test_posting_a_blocked_customers_invoice(self):
        """Posting is checked in _post: refused to an accountant and in superuser mode, done
        by a risk manager with a note."""
        self.company.adv_risk_gate_invoice = True
        invoice = self._invoice(self.blocked, 100.0, post=False)
        for env_invoice in (invoice.with_user(self.accountant), invoice.sudo()):
            with self.subTest(uid=env_invoice.env.uid), self.assertRaises(UserError):
                env_invoice.action_post()
        with self.assertRaises(UserError):
            invoice.with_user(SUPERUSER_ID)._post(soft=False)
        self.assertEqual(invoice.state, "draft")
        manager = self._new_user(
            login="adv_rm_acc",
            groups="account.group_account_invoice,adv_dossier.group_adv_risk_manager",
        )
        invoice.with_user(manager).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(
            invoice.message_ids.filtered(lambda m: "despite the customer risk" in (m.body or ""))
        )


@tagged("post_install", "-at_install")
class TestRiskAmounts(GateCommon):
    def test_amounts_for_accounting_and_managers_only(self):
        """A salesman or a plain internal user sees the risk level, not the amounts; the
        accountant and the sales manager see them; a setting opens them to salespeople."""
        self._invoice(self.customer, 1000.0)
        plain = self._new_user(login="adv_int", groups="base.group_user")
        for user in (plain, self.salesman):
            with self.subTest(user=user.login):
                customer = self.customer.with_user(user)
                self.assertEqual(customer.adv_risk_level, "low")
                with self.assertRaises(AccessError):
                    customer.read(["adv_risk_exposure"])
                with self.assertRaises(AccessError):
                    customer.read(["adv_risk_due"])
        for user in (self.accountant, self.sales_manager, self.risk_manager):
            with self.subTest(user=user.login):
                self.assertEqual(self.customer.with_user(user).adv_risk_due, 1000.0)
        # the message at confirmation says the level to the salesman, not the amounts
        message = self.blocked.with_user(self.salesman)._adv_risk_message()
        self.assertIn("blocked", message)
        self.assertNotIn("exposure", message)
        self.assertIn("exposure", self.blocked.with_user(self.sales_manager)._adv_risk_message())
        # the company lets its salespeople see them
        settings = self.env["res.config.settings"].create({})
        settings.group_adv_risk_amounts_salesman = True
        settings.execute()
        self.assertEqual(self.customer.with_user(self.salesman).adv_risk_due, 1000.0)

    def test_aged_balance_and_risk_settings_of_another_company(self):
        """The aged balance and the risk settings refuse a company the user does not work for."""
        balance = (
            self.env["adv.aged.balance"]
            .with_user(self.accountant)
            .create({"company_id": self.company_2.id})
        )
        with self.assertRaises(AccessError):
            balance.action_compute()
        with self.assertRaises(AccessError):
            self.env["adv.risk.settings"].with_user(self.risk_manager).with_context(
                default_company_id=self.company_2.id
            ).create({"company_id": self.company_2.id}).action_apply()
        self.assertFalse(self.company_2.sudo().adv_risk_user_id)
        # the salesman has no aged balance at all
        with self.assertRaises(AccessError):
            self.env["adv.aged.balance"].with_user(self.salesman_all).create({})


@tagged("post_install", "-at_install")
class TestOwnDocumentRules(GateCommon):
    def test_versions_and_reminders_of_colleagues_are_hidden(self):
        """A salesman who sees his own documents sees neither the versions of a colleague's
        quotes nor the reminders of a colleague's invoices; the ADV assistant sees them."""
        colleague_quote = self._quote_for(self.customer, user=self.salesman_2)
        colleague_quote._adv_mark_printed()
        version = colleague_quote.adv_version_ids
        self.assertTrue(version)
        with self.assertRaises(AccessError):
            version.with_user(self.salesman).read(["content"])
        self.assertFalse(
            self.env["adv.quote.version"].with_user(self.salesman).search([("id", "=", version.id)])
        )
        self.assertTrue(version.with_user(self.salesman_2).content)
        self.assertTrue(version.with_user(self.salesman_all).content)

        self.company.adv_reminder_auto_send = False
        invoice = self._invoice(self.customer, 300.0, days_ago=60, due_in=20, post=False)
        invoice.invoice_user_id = self.salesman_2
        invoice.action_post()
        self.env["adv.reminder.engine"]._prepare(self.company)
        reminder = self.env["adv.reminder"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(reminder)
        with self.assertRaises(AccessError):
            reminder.with_user(self.salesman).read(["amount_due"])
        with self.assertRaises(AccessError):
            reminder.line_ids.with_user(self.salesman).read(["amount_residual"])
        self.assertTrue(reminder.with_user(self.salesman_2).amount_due)
        self.assertTrue(reminder.with_user(self.accountant).amount_due)

    def test_server_action_needs_its_group(self):
        """Reminders to Send Today runs for accounting only."""
        action = self.env.ref("adv_dossier.action_adv_reminder_to_send")
        with self.assertRaises(AccessError):
            action.with_user(self.salesman).run()
        self.assertEqual(action.with_user(self.accountant).run()["res_model"], "adv.reminder")


@tagged("post_install", "-at_install")
class TestOnlinePaymentGate(GateCommon, PaymentCommon):
    def test_paid_online_blocked_quote_waits(self):
        """A blocked customer who pays online: the payment is recorded, the order waits, with
        an activity for the risk manager; once he confirms it, the wait ends."""
        self.company.sudo().adv_risk_user_id = self.risk_manager
        order = self._quote_for(self.blocked)
        order._adv_mark_printed()
        tx = self._create_transaction(
            flow="redirect",
            sale_order_ids=[order.id],
            amount=order.amount_total,
            currency_id=order.currency_id.id,
            partner_id=self.blocked.id,
            state="done",
        )
        tx._post_process()
        self.assertEqual(order.state, "sent", "not confirmed")
        self.assertEqual(order.adv_quote_state, "to_confirm")
        self.assertTrue(order.adv_hold_date)
        self.assertIn("blocked", order.adv_hold_reason)
        activity = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("adv_dossier.mail_activity_type_order_to_confirm")
            )
        )
        self.assertEqual(activity.user_id, self.risk_manager)
        tx._post_process()  # a rerun schedules nothing more
        self.assertEqual(len(order.activity_ids), 1)
        self.assertEqual(tx.state, "done")
        # the risk manager confirms it anyway
        action = (
            order.with_user(self.risk_manager).with_context(adv_confirm_check=True).action_confirm()
        )
        wizard = self.env["adv.order.confirm"].with_user(self.risk_manager).browse(action["res_id"])
        wizard.force_reason = "Payé en ligne"
        wizard.action_force_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.adv_hold_date)
        self.assertFalse(order.activity_ids)

    def test_paid_online_quote_that_passes_is_confirmed(self):
        """Odoo's own flow is untouched when the gate lets the order through."""
        order = self._quote_for(self.customer)
        order._adv_mark_printed()
        tx = self._create_transaction(
            flow="redirect",
            sale_order_ids=[order.id],
            amount=order.amount_total,
            currency_id=order.currency_id.id,
            partner_id=self.customer.id,
            state="done",
        )
        tx._post_process()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestPortalAndPrints(GateCommon, HttpCase):
    SIGNATURE = "R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs="

    def test_signed_online_incomplete_quote_waits_politely(self):
        """A prospect signs online: thanked, told we will confirm shortly; the order waits with
        an activity for its salesperson."""
        order = self._quote_for(self.prospect)
        order.write({"require_signature": True, "require_payment": False})
        order._adv_mark_printed()
        token = order._portal_ensure_token()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "Jean Maire", "signature": self.SIGNATURE},
        )
        self.assertTrue(result.get("redirect_url"), result)
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.signed_by, "Jean Maire")
        self.assertEqual(order.adv_quote_state, "to_confirm")
        self.assertEqual(order.activity_ids.user_id, self.salesman)
        page = self.url_open(f"/my/orders/{order.id}?access_token={token}&message=sign_ok")
        self.assertEqual(page.status_code, 200)
        self.assertIn("will confirm it shortly", page.text)

    def test_only_an_internal_print_marks_the_quote_sent(self):
        """Renders for the portal, a payment or an attachment change nothing; the Print menu of
        an internal user marks the quote sent and records the version."""
        order = self._quote_for(self.customer)
        report = self.env.ref("sale.action_report_saleorder")
        report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, order.ids
        )
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.adv_version_ids)
        token = order._portal_ensure_token()
        portal = self.url_open(
            f"/my/orders/{order.id}?access_token={token}&report_type=pdf&download=true"
        )
        self.assertEqual(portal.status_code, 200)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft", "a portal download is no print for the customer")
        self.assertFalse(order.adv_version_ids)
        self.authenticate("adv_sam", "adv_sam")
        printed = self.url_open(
            f"/report/pdf/sale.report_saleorder/{order.id}"
            '?context={"force_report_rendering": true}'
        )
        self.assertEqual(printed.status_code, 200)
        self.assertTrue(printed.content.startswith(b"%PDF"), printed.content[:300])
        order.invalidate_recordset()
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.adv_version_ids.channel, "print")
        self.assertEqual(order.adv_version_ids.user_id, self.salesman)
