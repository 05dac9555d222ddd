import re
import subprocess
import tempfile
from datetime import date, timedelta

from lxml import html as lxml_html

from odoo.addons.adv_dossier.models.adv_ecb_rate import half_year_start
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, HttpCase, tagged

from .common import AdvDossierCommon

# English words that are not French words too: one of them on a French document is a forgotten
# translation (customer data and product names of these tests are French)
ENGLISH = re.compile(
    r"\b(the|of|and|with|per|year|days|Invoice|Due|Quantity|Unit|Price|Tax|Amount|"
    r"Payment|Customer|Seller|Delivery|Shipping|Address|penalties|Penalties|indemnity|"
    r"discount|Reference|Order|Quotation|Quote|Expiration|Salesperson|Terms|Please|"
    r"following|when|paying|Untaxed|Company|Tray|Responsible|Request|Sheet|Scan|Operation|"
    r"exigibility|debits|share|number|Thank|you|Dear|Sir|Madam|Yours|faithfully|"
    r"reminder|Reminder|letter|Formal|notice|Late|late|Goods|Mixed|What|file|holds|"
    r"Commitment|Credit|Paid)\b"
)


class MoneyCommon(AdvDossierCommon):
    """A French SME (Pépinières-like identity) with a French customer and a town council."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "country_id": cls.env.ref("base.fr").id,
                "street": "12 route des Pépinières",
                "zip": "49130",
                "city": "Les Ponts-de-Cé",
                "company_registry": "38977015700011",
                "vat": "FR24389770157",
                "adv_legal_form": "SAS",
                "adv_share_capital": 80000.0,
                "adv_rcs_city": "Angers",
                "adv_late_penalty_points": 10.0,
            }
        )
        cls.customer.write(
            {
                "company_registry": "73418792500015",
                "vat": "FR16734187925",
                "street": "Route de Cheffes",
                "zip": "49125",
                "city": "Champigné",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.town = cls.env["res.partner"].create(
            {
                "name": "Mairie de Saint-Barthélemy-d'Anjou",
                "is_company": True,
                "company_registry": "21490267800017",
                "street": "Place Jean XXIII",
                "zip": "49124",
                "city": "Saint-Barthélemy-d'Anjou",
                "country_id": cls.env.ref("base.fr").id,
                "adv_chorus_service_code": "SERVICES-TECHNIQUES",
            }
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Contrat annuel d'entretien", "type": "service", "list_price": 2400.0}
        )
        # taxed as any sold product (an invoice line without VAT is no valid Factur-X)
        cls.product.taxes_id = cls.company.account_sale_tax_id
        cls.Rate = cls.env["adv.ecb.rate"]

    def assertFrench(self, text, document):
        english = sorted(set(ENGLISH.findall(text)))
        self.assertFalse(english, f"English words on the French {document}: {english}")

    def _french_invoice(self, partner, lines, **values):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date(2026, 3, 2),
                "invoice_date_due": date(2026, 4, 1),
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 1, "price_unit": price})
                    for product, price in lines
                ],
                **values,
            }
        )
        move.action_post()
        return move


@tagged("post_install", "-at_install")
class TestLatePenaltyRates(MoneyCommon):
    def test_rate_of_the_due_dates_half_year(self):
        """The ECB rate in force on 1 January / 1 July applies to the lines due in that
        half-year, plus the company's points; a half-year without a rate takes the latest."""
        company = self.company
        self.Rate.search([("date_from", ">=", date(2026, 7, 1))]).unlink()
        rate = company._adv_late_penalty_rate
        self.assertAlmostEqual(rate(self.customer, date(2025, 6, 30)), 3.15 + 10)
        self.assertAlmostEqual(rate(self.customer, date(2025, 7, 1)), 2.15 + 10)
        self.assertAlmostEqual(rate(self.customer, date(2026, 3, 15)), 2.15 + 10)
        self.assertEqual(self.Rate._adv_missing_half_year(date(2026, 11, 23)), date(2026, 7, 1))
        self.assertAlmostEqual(rate(self.customer, date(2026, 11, 23)), 2.15 + 10)
        self.Rate.create({"date_from": date(2026, 7, 1), "rate": 1.90})
        self.assertFalse(self.Rate._adv_missing_half_year(date(2026, 11, 23)))
        self.assertAlmostEqual(rate(self.customer, date(2026, 11, 23)), 1.90 + 10)
        self.assertAlmostEqual(rate(self.customer, date(2026, 6, 30)), 2.15 + 10)
        company.adv_late_penalty_points = 12.0
        self.assertAlmostEqual(rate(self.contact, date(2025, 3, 1)), 3.15 + 12)
        # a half-year starts on 1 January or 1 July
        with self.assertRaises(ValidationError):
            self.Rate.create({"date_from": date(2027, 2, 1), "rate": 2.0})

    def test_public_buyer_ecb_plus_8_points(self):
        """A public buyer (proposed from its SIREN) owes the ECB rate + 8 points, whatever the
        company's points (Code de la commande publique R2192-31)."""
        self.assertEqual(self.town.adv_public_buyer, "authority")
        self.assertFalse(self.customer.adv_public_buyer)
        hospital = self.env["res.partner"].create(
            {"name": "Centre hospitalier de Cholet", "is_company": True, "vat": "FR22264900053"}
        )
        self.assertEqual(hospital.adv_public_buyer, "hospital")
        self.company.adv_late_penalty_points = 12.0
        self.assertAlmostEqual(
            self.company._adv_late_penalty_rate(self.town, date(2025, 9, 1)), 2.15 + 8
        )
        # a user may correct the proposal
        self.customer.adv_public_buyer = "undertaking"
        self.assertAlmostEqual(
            self.company._adv_late_penalty_rate(self.customer, date(2025, 9, 1)), 2.15 + 8
        )

    def test_points_floor_three_times_the_legal_rate(self):
        """The agreed rate may not be below three times the legal interest rate (L441-10)."""
        floor = 3 * self.Rate._adv_rate_for(self._today()).legal_rate
        self.assertGreater(floor, 7.0)
        with self.assertRaises(ValidationError):
            self.company.adv_late_penalty_points = 4.0
        self.company.adv_late_penalty_points = 6.0  # 2.15 + 6 = 8.15 >= 7.86
        self.assertAlmostEqual(self.company.adv_late_penalty_rate, self.company.adv_ecb_rate + 6)

    def test_missing_half_year_warns_accounting_once(self):
        """When the current half-year has no rate, each accounting manager gets one activity
        to enter it; the settings show it; entering it there fills the table."""
        today = self._today()
        self.Rate.search([("date_from", ">=", half_year_start(today))]).unlink()
        accountant = self._new_user(
            login="adv_tom", name="Tom Comptable", groups="account.group_account_manager"
        )
        self.Rate._adv_cron_check_current()
        self.Rate._adv_cron_check_current()  # a rerun adds nothing
        latest = self.Rate.search([], limit=1)
        self.assertTrue(self.company.adv_ecb_rate_missing)
        activities = latest.activity_ids.filtered(lambda a: a.user_id == accountant)
        self.assertEqual(len(activities), 1)
        self.assertEqual(
            activities.summary,
            f"Enter the ECB rate of {today.year} H{1 if today.month <= 6 else 2}",
        )
        # saved unchanged: the latest known rate is no rate of this half-year
        self.env["res.config.settings"].create({}).execute()
        self.assertFalse(self.Rate.search([("date_from", "=", half_year_start(today))]))
        settings = self.env["res.config.settings"].create({})
        settings.adv_ecb_rate = 2.40
        settings.execute()
        row = self.Rate.search([("date_from", "=", half_year_start(today))])
        self.assertEqual(row.rate, 2.40)
        self.assertFalse(self.company.adv_ecb_rate_missing)

    def test_only_accounting_managers_change_the_rates(self):
        """Salespeople read the rates (they print invoices) but cannot change them, even by
        RPC; an accounting manager can."""
        row = self.Rate.search([], limit=1)
        self.assertTrue(row.with_user(self.salesman).rate)
        with self.assertRaises(AccessError):
            row.with_user(self.salesman).rate = 9.0
        with self.assertRaises(AccessError):
            self.Rate.with_user(self.salesman).create({"date_from": date(2030, 1, 1), "rate": 1})
        accountant = self._new_user(
            login="adv_tom", name="Tom Comptable", groups="account.group_account_manager"
        )
        row.with_user(accountant).legal_rate = 2.5
        self.assertEqual(row.legal_rate, 2.5)


@tagged("post_install", "-at_install")
class TestLegalMaximumTerms(MoneyCommon):
    def _term(self, name, nb_days, delay_type="days_after", days_next_month="10"):
        return self.env["account.payment.term"].create(
            {
                "name": name,
                "line_ids": [
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 100,
                            "nb_days": nb_days,
                            "delay_type": delay_type,
                            "days_next_month": days_next_month,
                        }
                    )
                ],
            }
        )

    def test_both_readings_of_45_days_end_of_month(self):
        eom_then_45 = self._term("45 jours fin de mois", 45, "days_after_end_of_month")
        days_45_then_eom = self._term(
            "45 jours fin de mois (2)", 45, "days_end_of_month_on_the", "0"
        )
        on_the_10th = self._term("45 jours fin de mois le 10", 45, "days_end_of_month_on_the")
        days_15_on_the_10th = self._term(
            "15 jours fin de mois le 10", 15, "days_end_of_month_on_the"
        )
        days_60 = self._term("60 jours", 60)
        days_61 = self._term("61 jours", 61)
        self.assertFalse(days_15_on_the_10th.adv_exceeds_legal_max)
        self.assertFalse(eom_then_45.adv_exceeds_legal_max)
        self.assertFalse(days_45_then_eom.adv_exceeds_legal_max)
        self.assertTrue(on_the_10th.adv_exceeds_legal_max)
        self.assertFalse(days_60.adv_exceeds_legal_max)
        self.assertTrue(days_61.adv_exceeds_legal_max)
        self.assertFalse(days_60._adv_legal_warning(self.customer))
        self.assertIn("L441-10", on_the_10th._adv_legal_warning(self.customer))

    def test_public_buyers_30_days(self):
        """A public buyer pays within 30 days (a public hospital 50)."""
        days_30 = self._term("30 jours", 30)
        days_45 = self._term("45 jours", 45)
        self.assertFalse(days_30._adv_legal_warning(self.town))
        self.assertIn("30", days_45._adv_legal_warning(self.town))
        self.assertIn("L2192-10", days_45._adv_legal_warning(self.town))
        self.town.adv_public_buyer = "hospital"
        self.assertFalse(days_45._adv_legal_warning(self.town))


@tagged("post_install", "-at_install")
class TestFrenchDocuments(MoneyCommon):
    """Every printed document in French: the invoice's legal mentions, the seller's identity
    in the page body, no English word."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"].search(
            [
                ("name", "in", ["base", "web", "account", "sale", "product", "adv_dossier"]),
                ("state", "=", "installed"),
            ]
        )._update_translations(["fr_FR"])
        (cls.customer | cls.contact | cls.town | cls.company.partner_id).lang = "fr_FR"
        cls.salesman.lang = "fr_FR"
        cls.delivery = cls.env["res.partner"].create(
            {
                "name": "Parcours et practice",
                "type": "delivery",
                "parent_id": cls.customer.id,
                "street": "Lieu-dit Les Noues",
                "zip": "49125",
                "city": "Champigné",
            }
        )

    def _html(self, report_ref, records):
        report = self.env.ref(report_ref)
        html = report._render_qweb_html(report.report_name, records.ids)[0].decode()
        return " ".join(lxml_html.fromstring(html).text_content().split())

    def test_service_invoice_mentions(self):
        """The golf's maintenance invoice: provision of services, both SIRENs, the delivery
        address, the late-penalty rate of its due date's half-year, the seller's identity."""
        invoice = self._french_invoice(
            self.customer, [(self.service, 2400.0)], partner_shipping_id=self.delivery.id
        )
        self.assertEqual(invoice.adv_operation_nature, "services")
        text = self._html("account.account_invoices", invoice)
        for expected in (
            "Nature de l'opération : Prestation de services",
            "SIREN vendeur : 389770157",
            "SIREN client : 734187925",
            "Adresse de livraison : Parcours et practice, Lieu-dit Les Noues, 49125 Champigné",
            "12,15 % par an (taux de refinancement de la BCE majoré de 10 points)",
            "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €",
            "Pépinières" if "Pépinières" in self.company.name else self.company.name,
            "SAS au capital de",
            "RCS Angers 389 770 157",
            "N° TVA FR24389770157",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("débits", text, "the company did not opt for VAT on debits")
        self.assertFrench(text, "invoice")
        self.company.adv_vat_on_debits = True
        self.assertIn(
            "Option pour le paiement de la taxe d'après les débits",
            self._html("account.account_invoices", invoice),
        )

    def test_delivery_address_from_the_dossier(self):
        """The dossier's delivery address goes to its quotes and their invoices."""
        dossier = self._create_dossier(partner_shipping_id=self.delivery.id)
        quote = self._create_quote(dossier, qty=1)
        self.assertEqual(quote.partner_shipping_id, self.delivery)
        self._confirm_anyway(quote)
        quote.order_line.qty_delivered = 1
        invoice = quote._create_invoices()
        self.assertEqual(invoice.partner_shipping_id, self.delivery)
        self.assertTrue(invoice._adv_delivery_address_differs())

    def test_delivery_address_asked_at_the_first_order(self):
        """A prospect's first order asks for its customer file and its delivery address, which
        the order and its invoice then carry."""
        self.company.adv_confirm_checks = True
        prospect = self.env["res.partner"].create(
            {
                "name": "Golf de la Vallée",
                "is_company": True,
                "country_id": self.env.ref("base.fr").id,
            }
        )
        order = self._create_quote(self._create_dossier(partner_id=prospect.id, contact_id=False))
        self.assertEqual(order.partner_shipping_id, prospect)
        action = order.with_context(adv_confirm_check=True).action_confirm()
        wizard = Form(self.env["adv.order.confirm"].browse(action["res_id"]))
        self.assertTrue(wizard.needs_customer_file)
        # the delivery address created from the step (its "Create and edit")
        site = self.env["res.partner"].create(
            {
                "name": "Practice",
                "type": "delivery",
                "parent_id": prospect.id,
                "street": "Route du Lac",
                "zip": "49000",
                "city": "Angers",
            }
        )
        wizard.company_registry = "732 829 320 00074"
        wizard.vat = "FR44732829320"
        wizard.street = "1 allée du Golf"
        wizard.zip = "49000"
        wizard.city = "Angers"
        wizard.payment_term_id = self.env.ref("account.account_payment_term_30days")
        if wizard.needs_payment_method:
            wizard.payment_method_line_id = self.env["res.partner"]._adv_inbound_methods(
                self.company
            )[:1]
        wizard.partner_shipping_id = site
        wizard.save().action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.partner_shipping_id, site)
        order.order_line.qty_delivered = 2
        invoice = order._create_invoices()
        self.assertEqual(invoice.partner_shipping_id, site)
        self.assertTrue(invoice._adv_delivery_address_differs())

    def test_goods_and_both(self):
        goods = self._french_invoice(
            self.customer, [(self.product, 120.0)], partner_shipping_id=self.customer.id
        )
        both = self._french_invoice(
            self.customer,
            [(self.product, 120.0), (self.service, 50.0)],
            partner_shipping_id=self.customer.id,
        )
        self.assertEqual(goods.adv_operation_nature, "goods")
        self.assertEqual(both.adv_operation_nature, "both")
        text = self._html("account.account_invoices", goods | both)
        self.assertIn("Nature de l'opération : Livraison de biens", text)
        self.assertIn("Livraison de biens et prestation de services", text)
        self.assertNotIn("Adresse de livraison", text, "delivered at the billing address")

    def test_public_buyer_invoice(self):
        """The town council's invoice: ECB + 8 points, €40 of the public procurement code,
        its Chorus Pro service code and commitment number."""
        invoice = self._french_invoice(
            self.town, [(self.service, 1000.0)], adv_chorus_commitment="EJ 2026-000457"
        )
        self.assertEqual(invoice.adv_chorus_service_code, "SERVICES-TECHNIQUES")
        text = self._html("account.account_invoices", invoice)
        for expected in (
            "10,15 % par an (taux de refinancement de la BCE majoré de 8 points)",
            "R2192-31",
            "D2192-35",
            "Code service Chorus Pro : SERVICES-TECHNIQUES",
            "Numéro d'engagement : EJ 2026-000457",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("10 points", text)
        self.assertFrench(text, "public buyer's invoice")

    def test_every_document_in_french(self):
        """Quote, order, invoice, reminder letter and cover sheet: French words only, the
        seller's SIREN and RCS on each."""
        dossier = self._create_dossier(user_id=self.salesman.id)
        context = dossier.action_new_quotation()["context"]
        quote = (
            self.env["sale.order"]
            .with_context(**context)
            .create(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 2, "price_unit": 120}
                        )
                    ]
                }
            )
        )
        self.assertEqual(quote.partner_id, self.contact, "addressed to the person who asked")
        self.assertEqual(quote.partner_invoice_id, self.customer, "invoiced to the company")
        documents = [("sale.action_report_saleorder", quote, "quote")]
        text = self._html(*documents[0][:2])
        self.assertIn("Claire Martin", text)
        self.assertFrench(text, "quote")
        self._confirm_anyway(quote)
        invoice = self._french_invoice(self.customer, [(self.product, 120.0)])
        invoice.invoice_date_due = self._today() - timedelta(days=40)
        reminder = (
            self.env["adv.reminder.engine"]
            ._prepare(self.company)
            .filtered(lambda r: r.partner_id == self.customer)
        )
        self.assertTrue(reminder)
        for report_ref, records, name in (
            ("sale.action_report_saleorder", quote, "order"),
            ("account.account_invoices", invoice, "invoice"),
            ("adv_dossier.action_report_adv_reminder_letter", reminder, "reminder letter"),
            ("adv_dossier.action_report_adv_dossier_cover", dossier, "cover sheet"),
        ):
            text = self._html(report_ref, records)
            self.assertIn("RCS Angers 389 770 157", text, name)
            self.assertFrench(text, name)


@tagged("post_install", "-at_install")
class TestFrenchInvoicePdf(MoneyCommon, HttpCase):
    """The printed invoice, through this machine's wkhtmltopdf (Debian's, without patched
    Qt: Odoo's header and footer are left out of the PDF), read back with pdftotext."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"].search(
            [
                ("name", "in", ["base", "web", "account", "sale", "adv_dossier"]),
                ("state", "=", "installed"),
            ]
        )._update_translations(["fr_FR"])
        (cls.customer | cls.contact | cls.salesman.partner_id).lang = "fr_FR"

    def _pdf_text(self, report_ref, records):
        """The text of the PDF printed by wkhtmltopdf, read back with pdftotext."""
        report = self.env.ref(report_ref)
        pdf, report_type = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, records.ids
        )
        self.assertEqual(report_type, "pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf_file:
            pdf_file.write(pdf)
            pdf_file.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", pdf_file.name, "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        return " ".join(text.split())

    def assertSellerIdentity(self, text, document):
        for expected in (
            self.company.name,
            "12 route des Pépinières",
            "49130 Les Ponts-de-Cé",
            "SAS au capital de",
            "SIREN 389 770 157",
            "RCS Angers 389 770 157",
            "N° TVA FR24389770157",
        ):
            self.assertIn(expected, text, f"{expected!r} missing from the {document}'s PDF")
        self.assertFrench(text, f"{document}'s PDF")

    def test_quote_reminder_and_cover_sheet_pdf_with_the_sellers_identity(self):
        """The quote, the reminder letter and the dossier's cover sheet, printed: the seller's
        whole identity on the paper, in French (the cover sheet in its responsible's language)."""
        dossier = self._create_dossier(user_id=self.salesman.id)
        quote = self._create_quote(dossier, qty=2)
        text = self._pdf_text("sale.action_report_saleorder", quote)
        self.assertSellerIdentity(text, "quote")
        self.assertIn("Devis", text)
        invoice = self._french_invoice(self.customer, [(self.product, 120.0)])
        invoice.invoice_date_due = self._today() - timedelta(days=40)
        reminder = (
            self.env["adv.reminder.engine"]
            ._prepare(self.company)
            .filtered(lambda r: r.partner_id == self.customer)
        )
        self.assertTrue(reminder)
        text = self._pdf_text("adv_dossier.action_report_adv_reminder_letter", reminder)
        self.assertSellerIdentity(text, "reminder letter")
        self.assertIn(invoice.name, text)
        text = self._pdf_text("adv_dossier.action_report_adv_dossier_cover", dossier)
        self.assertSellerIdentity(text, "cover sheet")
        self.assertIn(dossier.name, text)

    def test_invoice_pdf_in_french_with_the_sellers_identity(self):
        invoice = self._french_invoice(self.customer, [(self.service, 2400.0)])
        text = self._pdf_text("account.account_invoices", invoice)
        self.assertSellerIdentity(text, "invoice")
        for expected in (
            "Nature de l'opération : Prestation de services",
            "SIREN client : 734187925",
            "40 €",
        ):
            self.assertIn(expected, text)
