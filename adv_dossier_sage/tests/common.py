import base64
from decimal import Decimal

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user

from . import sage_reader


class SageCommon(AccountTestInvoicingCommon):
    """A French company (plan comptable general) whose sales journal is VE and bank journal BQ
    in Sage, two customers with their customer account codes (C...), an accountant."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "name": "Pépinières de l'Authion",
                "vat": "FR" + cls._vat_key("552100554") + "552100554",
                "company_registry": "55210055400013",
            }
        )
        cls.sale_journal = cls.company_data["default_journal_sale"]
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.sale_journal.adv_sage_code = "VE"
        cls.bank_journal.adv_sage_code = "BQ"
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.term_30_70 = cls.env["account.payment.term"].create(
            {
                "name": "30 % à la commande, solde à 45 jours",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 30.0, "nb_days": 0}),
                    (0, 0, {"value": "percent", "value_amount": 70.0, "nb_days": 45}),
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Pépinières Éloïse & Fils’",
                "is_company": True,
                "ref": "C00001",
                "street": "12, rue de la Gâtine",
                "zip": "49130",
                "city": "Les Ponts-de-Cé",
                "country_id": cls.env.ref("base.fr").id,
                "vat": "FR" + cls._vat_key("732829320") + "732829320",
                "company_registry": "732 829 320 00074",
                "email": "compta@eloise.example",
                "property_payment_term_id": cls.term_30_70.id,
                "property_account_receivable_id": cls.receivable.id,
            }
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Éloïse Martin", "parent_id": cls.customer.id}
        )
        cls.customer_2 = cls.env["res.partner"].create(
            {
                "name": "Golf d'Anjou",
                "is_company": True,
                "ref": "C00002",
                "city": "Angers",
                "property_account_receivable_id": cls.receivable.id,
            }
        )
        cls.accountant = new_test_user(
            cls.env,
            login="adv_sage_compta",
            name="Thomas Comptable",
            groups="base.group_user,account.group_account_manager",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.Export = cls.env["adv.sage.export"]

    @staticmethod
    def _vat_key(siren):
        return f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"

    def _invoice(self, partner=None, date="2025-03-10", amounts=(1000.0,), **kwargs):
        return self.init_invoice(
            kwargs.pop("move_type", "out_invoice"),
            partner=partner or self.customer,
            invoice_date=date,
            amounts=list(amounts),
            taxes=kwargs.pop("taxes", self.tax_sale_a),
            post=True,
            company=self.company,
            **kwargs,
        )

    def _pay(self, invoice, amount, date="2025-03-20"):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": date, "journal_id": self.bank_journal.id})
            ._create_payments()
        )

    def _export(self, date_to="2025-12-31", date_from=None, user=None, **kwargs):
        Export = self.Export.with_user(user) if user else self.Export
        return Export._adv_export(
            self.company,
            date_from and self._date(date_from),
            self._date(date_to),
            **kwargs,
        )

    @staticmethod
    def _date(value):
        return fields.Date.to_date(value)

    def _read(self, export):
        return sage_reader.read(self._raw(export))

    @staticmethod
    def _raw(record):
        return base64.b64decode(record.with_context(bin_size=False).file)

    def _journal_totals(self, moves):
        """{Sage code: (debit, credit)} of ``moves`` read from Odoo, as Decimal."""
        totals = {}
        for move in moves:
            debit, credit = totals.get(move.journal_id.adv_sage_code, (Decimal(0), Decimal(0)))
            debit += sum(Decimal(str(line.debit)) for line in move.line_ids)
            credit += sum(Decimal(str(line.credit)) for line in move.line_ids)
            totals[move.journal_id.adv_sage_code] = (debit, credit)
        return totals
