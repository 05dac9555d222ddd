from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestForeignCustomers(AdvDossierCommon):
    """The customer file of a first order follows the customer's country: French rules for
    French companies, the country's own rules elsewhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"country_id": cls.env.ref("base.fr").id, "adv_confirm_checks": True})

    def _first_order_step(self, name, country_xmlid):
        """A prospect of ``country_xmlid``'s first order, up to the confirmation step (as the
        salesman sees it), with the address and payment filled in."""
        country = self.env.ref(country_xmlid) if country_xmlid else self.env["res.country"]
        prospect = self.env["res.partner"].create(
            {"name": name, "is_company": True, "country_id": country.id}
        )
        dossier = self._create_dossier(partner_id=prospect.id, contact_id=False)
        quote = self._create_quote(dossier, user_id=self.salesman.id)
        action = (
            quote.with_user(self.salesman).with_context(adv_confirm_check=True).action_confirm()
        )
        self.assertEqual(action["res_model"], "adv.order.confirm")
        wizard = Form(
            self.env["adv.order.confirm"].with_user(self.salesman).browse(action["res_id"])
        )
        self.assertTrue(wizard.needs_customer_file)
        wizard.street = "Rue de la Loi 16"
        wizard.zip = "1000"
        wizard.city = "Bruxelles"
        if wizard.needs_payment_method:
            wizard.payment_method_line_id = self.env["res.partner"]._adv_inbound_methods(
                self.company
            )[:1]
        return quote, prospect, wizard

    def test_belgian_customer_confirms_with_its_own_numbers(self):
        """A Belgian company's BCE number is kept as it is, its BE VAT number checked as
        Belgian: its first order confirms."""
        quote, prospect, wizard_form = self._first_order_step(
            "Pépinières de Wallonie SA", "base.be"
        )
        self.assertFalse(wizard_form.is_french_company, "no SIREN asked of a Belgian company")
        wizard_form.company_registry = "BCE 0477.472.701"
        wizard_form.vat = "BE0477472700"  # wrong check digits
        wizard = wizard_form.save()
        with self.assertRaises(ValidationError):
            wizard.action_confirm()
        self.assertEqual(quote.state, "draft")
        wizard.vat = "BE 0477.472.701"
        wizard.action_confirm()
        self.assertEqual(quote.state, "sale")
        self.assertEqual(prospect.company_registry, "BCE 0477.472.701")
        self.assertEqual(prospect.vat, "BE0477472701")
        self.assertEqual(prospect.adv_customer_state, "customer")

    def test_vat_numbers_of_each_country(self):
        """German, Swiss, British, Norwegian and American numbers pass by their country's
        rules; a number wrong for its country is refused; a French company still needs the
        FR number of its SIREN."""
        Partner = self.env["res.partner"]
        for country, vat in (
            ("base.de", "DE136695976"),
            ("base.ch", "CHE-116.281.710 MWST"),
            ("base.uk", "GB980780684"),
            ("base.no", "NO123456785MVA"),
            ("base.us", "12-3456789"),  # no VAT in the United States: kept as entered
        ):
            with self.subTest(country=country):
                self.assertTrue(Partner._adv_check_vat(vat, self.env.ref(country)))
        for country, vat in (
            ("base.de", "DE136695970"),
            ("base.ch", "CHE-116.281.711 MWST"),
            ("base.uk", "GB980780680"),
            ("base.no", "NO123456780MVA"),
        ):
            with self.subTest(country=country), self.assertRaises(ValidationError):
                Partner._adv_check_vat(vat, self.env.ref(country))
        france = self.env.ref("base.fr")
        self.assertEqual(
            Partner._adv_check_vat("FR 44 732829320", france, siren="732829320"), "FR44732829320"
        )
        with self.assertRaises(ValidationError):
            Partner._adv_check_vat("FR44123456789", france, siren="732829320")
        # a foreign registry number as it is; a French one is a SIREN or SIRET
        self.assertEqual(
            Partner._adv_check_company_registry(" HRB 12345 B ", self.env.ref("base.de")),
            "HRB 12345 B",
        )
        with self.assertRaises(ValidationError):
            Partner._adv_check_company_registry("HRB 12345 B", france)

    def test_german_customer_with_its_trade_register_number(self):
        """A German company whose registry holds its HRB number confirms its first order."""
        quote, prospect, wizard_form = self._first_order_step("Baumschule Berlin GmbH", "base.de")
        wizard_form.company_registry = "HRB 12345 B"
        wizard_form.vat = "DE136695976"
        wizard_form.save().action_confirm()
        self.assertEqual(quote.state, "sale")
        self.assertEqual(prospect.company_registry, "HRB 12345 B")

    def test_french_rules_follow_the_address_entered(self):
        """A prospect without a country whose address is entered in France needs its SIREN."""
        quote, _prospect, wizard_form = self._first_order_step("Mairie de Lyon", None)
        self.assertFalse(wizard_form.is_french_company)
        wizard_form.country_id = self.env.ref("base.fr")
        self.assertTrue(wizard_form.is_french_company)
        wizard_form.company_registry = "HRB 12345 B"
        wizard_form.vat = "FR44732829320"
        with self.assertRaises(ValidationError):
            wizard_form.save().action_confirm()
        self.assertEqual(quote.state, "draft")
