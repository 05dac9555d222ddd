from lxml import html as lxml_html

from odoo.addons.adv_dossier.tests.test_money import ENGLISH, MoneyCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestFrenchLocalisationInvoice(MoneyCommon):
    def test_service_with_a_goods_tax(self):
        """A service sold with a goods tax (the case's old catalogue): the French localisation
        would print "Livraison de biens" and an English "Tax exigibility on debits"; the
        invoice says "Prestation de services", in French only."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search(
            [
                ("name", "in", ["base", "web", "account", "l10n_fr_account", "adv_dossier"]),
                ("state", "=", "installed"),
            ]
        )._update_translations(["fr_FR"])
        self.customer.lang = "fr_FR"
        self.company.account_fiscal_country_id = self.env.ref("base.fr")
        france = self.env.ref("base.fr")
        group = self.env["account.tax.group"].create({"name": "TVA 20 %", "country_id": france.id})
        goods_tax = self.env["account.tax"].create(
            {
                "name": "20% G",
                "amount": 20.0,
                "type_tax_use": "sale",
                "tax_scope": "consu",
                "country_id": france.id,
                "tax_group_id": group.id,
            }
        )
        self.service.taxes_id = goods_tax
        invoice = self._french_invoice(self.customer, [(self.service, 2400.0)])
        self.assertTrue(invoice.l10n_fr_is_company_french)
        report = self.env.ref("account.account_invoices")
        html = report._render_qweb_html(report.report_name, invoice.ids)[0].decode()
        text = " ".join(lxml_html.fromstring(html).text_content().split())
        self.assertIn("Nature de l'opération : Prestation de services", text)
        self.assertNotIn("Livraison de biens", text)
        self.assertNotIn("exigibility", text)
        self.assertFalse(ENGLISH.findall(text), text)
