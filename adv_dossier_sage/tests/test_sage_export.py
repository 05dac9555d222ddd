from decimal import Decimal

import psycopg2.errors

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SageCommon
from .sage_reader import balance_by_journal


@tagged("post_install", "-at_install")
class TestSageExport(SageCommon):
    def test_month_of_sales_and_receipts(self):
        """An invoice with two instalments, a credit note, a penalty invoice, a partial
        payment and an invoice in dollars: one file, read back by an independent reader,
        balanced journal by journal to the cent against Odoo's own entries."""
        invoice = self._invoice(amounts=(1000.0, 333.33))
        refund = self._invoice(move_type="out_refund", amounts=(100.0,), date="2025-03-12")
        # the late-payment penalties: outside VAT, on 7638 (Revenus des créances diverses)
        penalty_account = (
            self.env["account.account"]
            .with_company(self.company)
            .search([("code", "=", "763800"), ("company_ids", "in", self.company.ids)])
        )
        penalty = self.init_invoice(
            "out_invoice", partner=self.customer_2, invoice_date="2025-03-15", company=self.company
        )
        penalty.invoice_line_ids = [
            Command.create(
                {
                    "name": "Indemnité forfaitaire pour frais de recouvrement",
                    "price_unit": 40.0,
                    "account_id": penalty_account.id,
                    "tax_ids": [Command.clear()],
                }
            )
        ]
        penalty.action_post()
        usd = self.setup_other_currency("USD", rates=[("2025-01-01", 1.1)])
        dollars = self._invoice(
            partner=self.customer_2, amounts=(1234.56,), currency=usd, date="2025-03-18"
        )
        payment = self._pay(invoice, 500.0)
        moves = invoice | refund | penalty | dollars | payment.move_id

        export = self._export(date_from="2025-03-01", date_to="2025-03-31")
        data = self._read(export)

        self.assertEqual(data["currency"], "EUR")
        # every entry of the month, once; and the journals balance as in Odoo, to the cent
        self.assertEqual(export.move_ids, moves)
        self.assertEqual(set(moves.mapped("adv_sage_export_id")), {export})
        totals = {
            journal: (debit, credit)
            for journal, (debit, credit) in self._reader_totals(data).items()
        }
        self.assertEqual(totals, self._journal_totals(moves))
        for debit, credit in totals.values():
            self.assertEqual(debit, credit)
        self.assertEqual(
            Decimal(str(export.total_debit)), sum(debit for debit, _credit in totals.values())
        )
        self.assertEqual(export.total_debit, export.total_credit)
        self.assertEqual(
            {line.sage_code: (line.move_count, line.debit) for line in export.journal_line_ids},
            {"VE": (4, float(totals["VE"][0])), "BQ": (1, float(totals["BQ"][0]))},
        )
        self.assertEqual(len(data["entries"]), export.line_count)

        # the receivable lines carry the customer account code and their due dates
        receivable = [e for e in data["entries"] if e["account"] == self.receivable.code]
        self.assertTrue(receivable)
        self.assertTrue(all(e["partner"] in ("C00001", "C00002") for e in receivable))
        self.assertFalse([e for e in data["entries"] if e not in receivable and e["partner"]])
        invoice_dues = sorted(
            (e["due"], e["amount"]) for e in receivable if e["invoice"] == invoice.name
        )
        expected = sorted(
            (line.date_maturity.strftime("%d%m%y"), Decimal(str(line.debit)))
            for line in invoice.line_ids
            if line.account_id == self.receivable
        )
        self.assertEqual(invoice_dues, expected)
        self.assertEqual(len(invoice_dues), 2)  # 30 % now, 70 % at 45 days
        # the invoice number is the piece number; the date is JJMMAA
        entry = next(e for e in receivable if e["invoice"] == invoice.name)
        self.assertEqual(entry["date"], "100325")
        self.assertEqual(entry["piece"], self.Export._adv_piece(invoice.name, 13))
        self.assertEqual(entry["journal"], "VE")
        # the receipt credits the customer account
        receipt = [e for e in data["entries"] if e["journal"] == "BQ"]
        self.assertIn(
            ("C00001", "1", Decimal("500.00")),
            [(e["partner"], e["sens"], e["amount"]) for e in receipt],
        )
        # the penalty invoice, outside VAT, on its own account
        self.assertIn(
            ("763800", "1", Decimal("40.00")),
            [(e["account"], e["sens"], e["amount"]) for e in data["entries"]],
        )
        # the dollar invoice is in euros, the accounting currency
        dollar_due = next(e for e in receivable if e["invoice"] == dollars.name)
        self.assertEqual(dollar_due["amount"], Decimal(str(dollars.amount_total_signed)))

    def _reader_totals(self, data):
        return balance_by_journal(data["entries"])

    def test_customer_accounts(self):
        """The customers' third-party accounts: C-code, name, address, SIRET, VAT, the
        collective account and the payment terms, in CP850."""
        self._invoice()
        self._invoice(partner=self.customer_contact, amounts=(50.0,))  # a contact: its company
        export = self._export()
        raw = self._raw(export)
        data = self._read(export)
        self.assertEqual([a["code"] for a in data["accounts"]], ["C00001"])
        account = data["accounts"][0]
        self.assertEqual(account["name"], "Pépinières Éloïse & Fils'")
        self.assertIn("Pépinières Éloïse".encode("cp850"), raw)
        self.assertNotIn("Pépinières".encode(), raw)  # not UTF-8
        self.assertEqual(account["type"], "0")
        self.assertEqual(account["collective"], self.receivable.code)
        self.assertEqual(account["accounts"], [self.receivable.code])
        self.assertEqual(account["payer"], "C00001")
        self.assertEqual(account["street"], "12, rue de la Gâtine")
        self.assertEqual((account["zip"], account["city"]), ("49130", "Les Ponts-de-Cé"))
        self.assertEqual(account["vat"], self.customer.vat)
        self.assertEqual(account["siret"], "73282932000074")
        self.assertEqual(account["email"], "compta@eloise.example")
        self.assertEqual(
            [(t["condition"], t["days"], t["split_type"], t["value"]) for t in account["terms"]],
            [(0, 0, 0, Decimal("30.0000")), (0, 45, 1, Decimal("0.0000"))],
        )
        self.assertEqual({t["method"] for t in account["terms"]}, {1})
        self.assertEqual(export.partner_ids, self.customer)

    def test_account_length_setting(self):
        self.company.adv_sage_account_digits = 8
        self._invoice()
        data = self._read(self._export())
        self.assertEqual(data["accounts"][0]["collective"], self.receivable.code.ljust(8, "0"))
        self.assertTrue(all(len(e["account"]) == 8 for e in data["entries"]))

    def test_second_export_never_repeats(self):
        first_invoice = self._invoice()
        first = self._export(date_to="2025-03-31")
        second_invoice = self._invoice(date="2025-04-02", amounts=(250.0,))
        self._invoice(partner=self.customer_2, date="2025-04-03", amounts=(80.0,))
        second = self._export(date_to="2025-04-30")
        self.assertEqual(first.move_ids, first_invoice)
        self.assertEqual(len(second.move_ids), 2)
        self.assertIn(second_invoice, second.move_ids)
        data = self._read(second)
        self.assertNotIn(first_invoice.name, {e["invoice"] for e in data["entries"]})
        # the customer account went with the first export; the new customer goes now
        self.assertEqual([a["code"] for a in data["accounts"]], ["C00002"])
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            self._export(date_to="2025-04-30")
        # sent again on demand, to update it in Sage
        self._invoice(date="2025-05-02")
        third = self._export(date_to="2025-05-31", update_customers=True)
        self.assertEqual([a["code"] for a in self._read(third)["accounts"]], ["C00001"])

    def test_cancel_makes_entries_exportable_again(self):
        invoice = self._invoice()
        first = self._export()
        with self.assertRaisesRegex(UserError, "Cancel that export first"):
            invoice.button_draft()
        first.with_user(self.accountant).action_cancel()
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(first.cancel_user_id, self.accountant)
        self.assertFalse(invoice.adv_sage_export_id)
        self.assertEqual(first.move_ids, invoice)  # what it held is kept
        self.assertTrue(self._read(first)["entries"])  # its file too
        with self.assertRaisesRegex(UserError, "already cancelled"):
            first.action_cancel()
        second = self._export()
        self.assertEqual(second.move_ids, invoice)
        self.assertEqual([a["code"] for a in self._read(second)["accounts"]], ["C00001"])
        # the database itself refuses a second current export of an entry
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "INSERT INTO adv_sage_export_move (export_id, move_id, current) "
                "VALUES (%s, %s, TRUE)",
                [first.id, invoice.id],
            )
        with self.assertRaises(AccessError):
            first.with_user(self.accountant).unlink()
        with self.assertRaisesRegex(UserError, "kept as a record"):
            first.sudo().unlink()
        second.action_cancel()
        invoice.button_draft()  # not exported any more: the accountant may correct it
        self.assertEqual(invoice.state, "draft")

    def _assert_refused(self, message, moves):
        count = self.Export.search_count([])
        with self.assertRaisesRegex(UserError, message):
            self._export()
        self.assertEqual(self.Export.search_count([]), count)
        self.assertFalse(moves.adv_sage_export_id)

    def test_bad_data_refused_nothing_exported(self):
        invoice = self._invoice()
        # a customer without its customer account code
        self.customer.ref = False
        self._assert_refused("no valid customer account code.*Pépinières Éloïse", invoice)
        self.customer.ref = "C 01"
        self._assert_refused("no valid customer account code", invoice)
        self.customer.ref = "c00001"  # written in capitals for Sage
        # a journal without its Sage code
        self.sale_journal.adv_sage_code = False
        self._assert_refused("no Sage code", invoice)
        self.sale_journal.adv_sage_code = "VE"
        # two customers with one code
        other = self._invoice(partner=self.customer_2)
        self.customer_2.ref = "C00001"
        self._assert_refused("have the same customer account code", invoice | other)
        self.customer_2.ref = "C00002"
        # an unbalanced entry (damaged data)
        line = invoice.line_ids.filtered(lambda line: line.credit)[:1]
        self.env.cr.execute(
            "UPDATE account_move_line SET credit = credit + 0.01 WHERE id = %s", [line.id]
        )
        self.env.invalidate_all()
        self._assert_refused(f"not balanced.*{invoice.name}", invoice | other)
        self.env.cr.execute(
            "UPDATE account_move_line SET credit = credit - 0.01 WHERE id = %s", [line.id]
        )
        self.env.invalidate_all()
        # an empty period
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            self._export(date_from="2024-01-01", date_to="2024-12-31")
        export = self._export()
        self.assertEqual(export.move_ids, invoice | other)
        self.assertEqual(self._read(export)["accounts"][0]["code"], "C00001")

    def test_journal_code_checked(self):
        with self.assertRaisesRegex(Exception, "1 to 6 capital letters"):
            self.bank_journal.adv_sage_code = "bq-1"

    def test_wizard_preview_and_export_as_accountant(self):
        self._invoice()
        self._pay(self._invoice(amounts=(200.0,)), 240.0)
        pending = self.env["adv.sage.pending"].with_user(self.accountant).search([])
        self.assertEqual({(p.sage_code, p.move_count) for p in pending}, {("VE", 2), ("BQ", 1)})
        wizard = Form(self.env["adv.sage.export.wizard"].with_user(self.accountant))
        wizard.date_to = "2025-03-31"
        self.assertEqual(wizard.move_count, 3)
        action = wizard.save().action_export()
        export = self.Export.browse(action["res_id"])
        self.assertEqual(export.user_id, self.accountant)
        self.assertTrue(export.name.startswith("SAGE/"))
        self.assertTrue(export.filename.endswith("_20250331.txt"))
        self.assertIn(export.filename, export.action_download()["url"])
        self.assertFalse(self.env["adv.sage.pending"].with_user(self.accountant).search([]))

    def test_rights_and_companies(self):
        """Accountants only; each company sees its own exports and their files."""
        self._invoice()
        other_company = self.setup_other_company(name="Paysages du Sud")["company"]
        other_journal = self.env["account.journal"].search(
            [("company_id", "=", other_company.id), ("type", "=", "sale")], limit=1
        )
        other_journal.adv_sage_code = "VE"
        other_invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer_2,
            invoice_date="2025-03-11",
            amounts=[70.0],
            post=True,
            company=other_company,
        )
        export = self._export(user=self.accountant)
        self.assertNotIn(other_invoice, export.move_ids)
        self.assertFalse(other_invoice.adv_sage_export_id)
        other_accountant = new_test_user(
            self.env,
            login="adv_sage_compta_sud",
            groups="base.group_user,account.group_account_manager",
            company_id=other_company.id,
            company_ids=other_company.ids,
        )
        with self.assertRaises(AccessError):
            export.with_user(other_accountant).read(["file", "name"])
        with self.assertRaises(AccessError):
            self.env["adv.sage.export"].with_user(other_accountant)._adv_export(
                self.company, None, self._date("2025-12-31")
            )
        other_export = (
            self.env["adv.sage.export"]
            .with_user(other_accountant)
            ._adv_export(other_company, None, self._date("2025-12-31"))
        )
        self.assertEqual(other_export.move_ids, other_invoice)
        self.assertNotIn(
            other_export, self.env["adv.sage.export"].with_user(self.accountant).search([])
        )
        # an invoicing user (the ADV assistant) exports nothing and reads no export
        billing = new_test_user(
            self.env,
            login="adv_sage_billing",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        with self.assertRaises(AccessError):
            export.with_user(billing).read(["file"])
        with self.assertRaises(AccessError):
            self.env["adv.sage.export"].with_user(billing)._adv_export(
                self.company, None, self._date("2025-12-31")
            )
        with self.assertRaises(AccessError):
            self.env["adv.sage.pending"].with_user(billing).search([])
        with self.assertRaises(AccessError):
            export.with_user(billing).action_cancel()
