import os
from datetime import date

from lxml import etree
from stdnum import numdb

from odoo.addons.adv_dossier.tests.test_money import MoneyCommon
from odoo.tests import tagged


def facturx_xml_check_xsd():
    """The factur-x library's XSD check. Odoo's import hook (odoo/_monkeypatches) loads
    python-stdnum without a resource reader, so that stdnum.iban, which factur-x imports,
    cannot open its data file: it is given the file first."""
    if "iban" not in numdb._open_databases:
        with open(
            os.path.join(os.path.dirname(numdb.__file__), "iban.dat"), encoding="utf-8"
        ) as fp:
            numdb._open_databases["iban"] = numdb.read(fp)
    from facturx import xml_check_xsd

    return xml_check_xsd


NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


@tagged("post_install", "-at_install")
class TestFacturX(MoneyCommon):
    """The Factur-X XML of French invoices: valid against the Factur-X / EN 16931 XSD (the
    factur-x library), the SIREN under scheme 0002 and the SIRET under 0009, the nature of the
    operation, the payment notes, the public buyer's Chorus Pro references."""

    def _xml(self, invoice):
        xml, _errors = self.env["account.edi.xml.cii"]._export_invoice(invoice)
        # valid at the EN 16931 (comfort) level, the one Odoo declares, and at the extended one
        for level in ("en16931", "extended"):
            self.assertTrue(facturx_xml_check_xsd()(xml, flavor="factur-x", level=level))
        return etree.fromstring(xml)

    def _values(self, tree, xpath):
        return [node.text for node in tree.xpath(xpath, namespaces=NS)]

    def test_legal_ids_and_nature_of_services(self):
        invoice = self._french_invoice(self.customer, [(self.service, 2400.0)])
        tree = self._xml(invoice)
        seller = "//ram:SellerTradeParty"
        buyer = "//ram:BuyerTradeParty"
        org = "/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']"
        glob = "/ram:GlobalID[@schemeID='0009']"
        self.assertEqual(self._values(tree, seller + org), ["389770157"])
        self.assertEqual(self._values(tree, buyer + org), ["734187925"])
        self.assertEqual(self._values(tree, seller + glob), ["38977015700011"])
        self.assertEqual(self._values(tree, buyer + glob), ["73418792500015"])
        self.assertEqual(
            self._values(tree, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
            ["S1"],
        )
        notes = dict(
            zip(
                self._values(tree, "//ram:IncludedNote[ram:SubjectCode]/ram:SubjectCode"),
                self._values(tree, "//ram:IncludedNote[ram:SubjectCode]/ram:Content"),
                strict=True,
            )
        )
        self.assertEqual(set(notes), {"PMD", "PMT", "AAB"})
        self.assertIn("12.15 %", notes["PMD"])  # the customer's language (English here)
        self.assertIn("€40", notes["PMT"])
        self.company.adv_vat_on_debits = True
        tree = self._xml(invoice)
        self.assertIn("TXD", self._values(tree, "//ram:IncludedNote/ram:SubjectCode"))

    def test_goods_and_both(self):
        """Goods B1, both M1; the goods delivered elsewhere than the invoice address: the
        delivery address (ship-to party) in the file too."""
        site = self.env["res.partner"].create(
            {
                "name": "Parcours et practice",
                "type": "delivery",
                "parent_id": self.customer.id,
                "street": "Lieu-dit Les Noues",
                "zip": "49125",
                "city": "Champigné",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        goods = self._french_invoice(
            self.customer, [(self.product, 100.0)], partner_shipping_id=site.id
        )
        ship_to = "//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:LineOne"
        self.assertEqual(self._values(self._xml(goods), ship_to), ["Lieu-dit Les Noues"])
        both = self._french_invoice(self.customer, [(self.product, 100.0), (self.service, 50.0)])
        path = "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
        self.assertEqual(self._values(self._xml(goods), path), ["B1"])
        self.assertEqual(self._values(self._xml(both), path), ["M1"])

    def test_public_buyer_chorus_pro(self):
        """The town council: service code as buyer reference, commitment number as the
        buyer's order reference, ECB + 8 points in the penalty note."""
        invoice = self._french_invoice(
            self.town,
            [(self.service, 1000.0)],
            adv_chorus_commitment="EJ 2026-000457",
            invoice_date_due=date(2026, 4, 1),
        )
        tree = self._xml(invoice)
        self.assertEqual(self._values(tree, "//ram:BuyerReference"), ["SERVICES-TECHNIQUES"])
        self.assertEqual(
            self._values(tree, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
            ["EJ 2026-000457"],
        )
        self.assertEqual(
            self._values(tree, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID"),
            ["214902678"],
        )
        pmd = self._values(tree, "//ram:IncludedNote[ram:SubjectCode='PMD']/ram:Content")
        self.assertIn("10.15 %", pmd[0])
        self.assertIn("+ 8 points", pmd[0])
