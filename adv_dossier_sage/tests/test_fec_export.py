from decimal import Decimal

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import SageCommon

COLUMNS = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
]


@tagged("post_install", "-at_install")
class TestFecExport(SageCommon):
    def _fec(self, user=None, **values):
        form = Form(self.env["adv.fec.export"].with_user(user or self.accountant))
        form.date_from = values.pop("date_from", "2025-01-01")
        form.date_to = values.pop("date_to", "2025-12-31")
        for name, value in values.items():
            setattr(form, name, value)
        wizard = form.save()
        action = wizard.action_generate()
        self.assertIn(wizard.filename, action["url"])
        return wizard, self._raw(wizard).decode("utf-8")

    def test_fec_columns_dates_amounts(self):
        invoice = self._invoice()
        self._pay(invoice, 500.0)
        self._invoice(move_type="out_refund", amounts=(100.0,), date="2025-03-12")
        wizard, text = self._fec()
        self.assertEqual(wizard.filename, "552100554FEC20251231.txt")
        rows = [line.split("|") for line in text.split("\r\n")]
        self.assertEqual(rows[0], COLUMNS)
        self.assertTrue(all(len(row) == 18 for row in rows))
        body = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
        self.assertTrue(body)
        for row in body:
            for column in ("EcritureDate", "PieceDate", "ValidDate"):
                self.assertRegex(row[column], r"^20\d{6}$")
            for column in ("Debit", "Credit"):
                self.assertRegex(row[column], r"^ ?-?\d+,\d{2}$")
        amounts = [
            (Decimal(r["Debit"].replace(",", ".")), Decimal(r["Credit"].replace(",", ".")))
            for r in body
        ]
        self.assertEqual(sum(d for d, _c in amounts), sum(c for _d, c in amounts))
        self.assertEqual(
            sum(d for d, _c in amounts),
            sum(
                Decimal(str(line.debit))
                for line in self.env["account.move.line"].search(
                    [("company_id", "=", self.company.id), ("parent_state", "=", "posted")]
                )
            ),
        )
        receivable = [r for r in body if r["CompteNum"] == self.receivable.code]
        self.assertTrue(receivable)
        self.assertEqual({r["CompAuxNum"] for r in receivable}, {"C00001"})
        self.assertIn(invoice.name, {r["EcritureNum"] for r in body})
        # a test file by default: the period stays open
        self.assertFalse(self.company.fiscalyear_lock_date)

    def test_fec_lock_date_is_a_choice(self):
        self._invoice()
        self._fec(lock_period=True)
        self.assertEqual(str(self.company.fiscalyear_lock_date), "2025-12-31")

    def test_fec_name_from_siret_and_rights(self):
        self.company.vat = False
        self._invoice()
        wizard, _text = self._fec(date_from="2025-03-01", date_to="2025-03-31")
        self.assertEqual(wizard.filename, "552100554FEC20250331.txt")
        billing = new_test_user(
            self.env,
            login="adv_fec_billing",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        with self.assertRaises(AccessError):
            self.env["adv.fec.export"].with_user(billing).create({})
        other_company = self.env["res.company"].create({"name": "Ailleurs"})
        with self.assertRaises(AccessError):
            self.env["adv.fec.export"].with_user(self.accountant).create(
                {"company_id": other_company.id}
            ).action_generate()

    def test_fec_default_period_is_last_fiscal_year(self):
        wizard = self.env["adv.fec.export"].with_user(self.accountant).new({})
        self.assertEqual(wizard.date_to.month, 12)
        self.assertEqual(wizard.date_from.year, wizard.date_to.year)
        self.assertLess(wizard.date_to, fields.Date.today())
        self.assertRegex(str(wizard.date_from), r"^\d{4}-01-01$")
