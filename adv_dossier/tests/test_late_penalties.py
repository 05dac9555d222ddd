from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from .reminder_common import ReminderCommon

DUE = date(2026, 3, 2)  # the due date of the invoices below


def penalty(amount, rate, days):
    """The legal formula, independent of the application: amount x rate x days / 365."""
    return round(amount * rate / 100 * days / 365, 2)


@tagged("post_install", "-at_install")
class TestLatePenalties(ReminderCommon):
    """Late-payment penalties billed as a ledger per invoice: each day billed once, the EUR 40
    indemnity once per late invoice (or instalment), none for consumers, outside VAT."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rate = 12.15  # ECB 2.15 % + 10 points
        cls.Penalty = cls.env["adv.late.penalty"]

    def _invoice_due(self, partner, amount, due=DUE, **values):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "currency_id": self.eur.id,
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Plantations",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": False,
                        }
                    )
                ],
                **values,
            }
        )
        invoice.action_post()
        return invoice

    def _pay_on(self, invoice, amount, day):
        with freeze_time(day):
            return self._pay(invoice, amount)

    def _bill(self, reminder=None, partner=None):
        """Invoice the Penalties, one click from a reminder or from the customer."""
        if reminder:
            action = reminder.with_user(self.accountant).action_invoice_penalties()
        else:
            action = partner.with_user(self.accountant).action_adv_invoice_penalties()
        return self.env["account.move"].browse(action["res_id"])

    def test_one_invoice_40_days_two_levels(self):
        """An invoice 40 days late, reminded at levels 1 and 2: invoicing the penalties from
        either reminder bills EUR 40 once and 40 days at 12.15 %, once; ten days later the
        customer's button bills the ten new days, without a second indemnity."""
        invoice = self._invoice_due(self.customer, 10000.0)
        with freeze_time(DUE + timedelta(days=15)):
            self.Engine._cron()
        with freeze_time(DUE + timedelta(days=25)):
            self.Engine._cron()
        first, second = self._reminders(self.customer).sorted("id")
        self.assertEqual((first.level_id, second.level_id), (self.level_1, self.level_2))
        with freeze_time(DUE + timedelta(days=40)):
            bill = self._bill(second)
            self.assertEqual(bill.state, "draft")
            self.assertEqual(bill.partner_id, self.customer)
            self.assertEqual(bill.currency_id, self.eur)
            self.assertEqual(bill.amount_untaxed, penalty(10000, self.rate, 40) + 40.0)
            self.assertEqual(bill.amount_total, bill.amount_untaxed, "outside the scope of VAT")
            self.assertEqual(penalty(10000, self.rate, 40), 133.15)
            self.assertFalse(bill.invoice_line_ids.tax_ids)
            self.assertIn(invoice.name, bill.invoice_line_ids[0].name)
            with self.assertRaises(UserError):
                self._bill(first)  # nothing more to bill, whatever the reminder
        ledger = self.Penalty.search([("move_id", "=", invoice.id)])
        self.assertEqual(ledger.date_from, DUE + timedelta(days=1))
        self.assertEqual(ledger.date_to, DUE + timedelta(days=40))
        self.assertEqual(ledger.days, 40)
        self.assertEqual(ledger.indemnity, 40.0)
        self.assertEqual(ledger.reminder_id, second)
        self.assertEqual(second.penalty_ids, ledger)
        with freeze_time(DUE + timedelta(days=50)):
            later = self._bill(partner=self.customer)
        self.assertEqual(later.amount_total, penalty(10000, self.rate, 10))
        self.assertEqual(
            self.Penalty.search([("move_id", "=", invoice.id)]).mapped("date_to"),
            [DUE + timedelta(days=50), DUE + timedelta(days=40)],
        )

    def test_partial_payment_and_paid_late(self):
        """The penalty runs on the amount due each day: EUR 1,000 due, EUR 400 paid on day
        10, the rest on day 25; billed on day 30 for the 25 days late."""
        invoice = self._invoice_due(self.customer, 1000.0)
        self._pay_on(invoice, 400.0, DUE + timedelta(days=10))
        self._pay_on(invoice, 600.0, DUE + timedelta(days=25))
        self.assertEqual(invoice.payment_state, "paid")
        expected = round((1000 * 10 + 600 * 15) * self.rate / 100 / 365, 2)
        with freeze_time(DUE + timedelta(days=30)):
            bill = self.Penalty._invoice_penalties(self.customer, self.company, invoice)
        self.assertEqual(bill.amount_total, expected + 40.0)
        self.assertEqual(self.Penalty.search([("move_id", "=", invoice.id)]).days, 25)

    def test_paid_in_time_nothing_to_bill(self):
        invoice = self._invoice_due(self.customer, 1000.0)
        self._pay_on(invoice, 1000.0, DUE)
        with freeze_time(DUE + timedelta(days=30)), self.assertRaises(UserError):
            self.Penalty._invoice_penalties(self.customer, self.company, invoice)

    def test_consumer_no_indemnity(self):
        """A consumer (not a company) owes the penalties, not the EUR 40 indemnity."""
        consumer = self.env["res.partner"].create({"name": "Marie Dupont", "email": "m@d.example"})
        invoice = self._invoice_due(consumer, 500.0)
        with freeze_time(DUE + timedelta(days=20)):
            bill = self.Penalty._invoice_penalties(consumer, self.company, invoice)
        self.assertEqual(bill.amount_total, penalty(500, self.rate, 20))

    def test_indemnity_per_invoice_or_per_instalment(self):
        """An invoice paid in two late instalments: EUR 40 once, or once per instalment
        when the company chose so (EU Court of Justice, C-78/22); the reminder claims it the
        same way."""
        term = self.env["account.payment.term"].create(
            {
                "name": "Moitié à 30 jours, moitié à 60 jours",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        invoice = self._invoice_due(
            self.customer, 2000.0, invoice_payment_term_id=term.id, invoice_date_due=False
        )
        first_due = invoice.invoice_date + timedelta(days=30)
        second_due = invoice.invoice_date + timedelta(days=60)
        day = second_due + timedelta(days=10)
        expected = penalty(1000, self.rate, (day - first_due).days) + penalty(
            1000, self.rate, (day - second_due).days
        )
        with freeze_time(day):
            reminder = self.Engine._prepare(self.company).filtered(
                lambda r: r.partner_id == self.customer
            )
            self.assertEqual(sum(reminder.line_ids.mapped("indemnity")), 40.0)
            with self.env.cr.savepoint() as savepoint:
                bill = self.Penalty._invoice_penalties(self.customer, self.company, invoice)
                self.assertEqual(bill.amount_total, expected + 40.0)
                savepoint.rollback()
            self.company.adv_indemnity_per_instalment = True
            bill = self.Penalty._invoice_penalties(self.customer, self.company, invoice)
            self.assertEqual(bill.amount_total, expected + 80.0)

    def test_income_account_and_cancelled_bill(self):
        """Penalty invoices go to 7638 (Revenus des créances diverses) when the chart has it,
        else the company's chosen account, else the sales journal's; a cancelled penalty
        invoice frees its days to bill again."""
        invoice = self._invoice_due(self.customer, 3000.0)
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        with freeze_time(DUE + timedelta(days=10)):
            bill = self.Penalty._invoice_penalties(self.customer, self.company, invoice)
        self.assertEqual(bill.invoice_line_ids.account_id, journal.default_account_id)
        bill.button_cancel()
        account_7638 = self.env["account.account"].create(
            {"name": "Revenus des créances diverses", "code": "763800", "account_type": "income"}
        )
        with freeze_time(DUE + timedelta(days=10)):
            again = self.Penalty._invoice_penalties(self.customer, self.company, invoice)
        self.assertEqual(again.amount_total, penalty(3000, self.rate, 10) + 40.0)
        self.assertEqual(again.invoice_line_ids.account_id, account_7638)
        chosen = self.env["account.account"].create(
            {"name": "Pénalités de retard", "code": "763100", "account_type": "income"}
        )
        self.company.adv_penalty_account_id = chosen
        with freeze_time(DUE + timedelta(days=20)):
            third = self.Penalty._invoice_penalties(self.customer, self.company, invoice)
        self.assertEqual(third.invoice_line_ids.account_id, chosen)
        self.assertEqual(third.amount_total, penalty(3000, self.rate, 10))

    def test_rate_of_the_company(self):
        """Every penalty goes through the rate of the due date's half-year (here an ECB rate
        of 3.15 % for the first half of 2026), not the rate of the day it is billed."""
        half_year = self.env["adv.ecb.rate"]._adv_rate_for(DUE)
        self.assertEqual(half_year.date_from, date(2026, 1, 1))
        half_year.rate = 3.15
        self.assertEqual(self.company._adv_late_penalty_rate(self.customer, DUE), 13.15)
        invoice = self._invoice_due(self.customer, 1000.0)
        with freeze_time(DUE + timedelta(days=36)):
            reminder = self.Engine._prepare(self.company).filtered(
                lambda r: r.partner_id == self.customer
            )
            self.assertEqual(reminder.line_ids.penalty, penalty(1000, 13.15, 36))
            bill = self.Penalty._invoice_penalties(self.customer, self.company, invoice)
        self.assertEqual(bill.amount_total, penalty(1000, 13.15, 36) + 40.0)

    def test_ledger_written_by_the_billing_only(self):
        """Nobody writes the ledger by hand, and a salesman cannot bill penalties."""
        invoice = self._invoice_due(self.customer, 1000.0)
        values = {
            "company_id": self.company.id,
            "partner_id": self.customer.id,
            "move_id": invoice.id,
            "date_maturity": DUE,
            "currency_id": self.eur.id,
            "penalty_invoice_id": invoice.id,
        }
        with self.assertRaises(AccessError):
            self.Penalty.with_user(self.accountant).create(values)
        with freeze_time(DUE + timedelta(days=5)), self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).action_adv_invoice_penalties()
