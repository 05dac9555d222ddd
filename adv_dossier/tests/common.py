from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user


class AdvDossierCommon(TransactionCase):
    """Shared fixture: two companies, sales users of every kind, a customer and a product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        # a French SME: everyone works on Paris time (the users of _new_user too)
        cls.env.user.tz = "Europe/Paris"
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Paysages du Sud"})
        # the confirmation checks (customer file, changes since sent) are on for French
        # companies; the classes that test them turn them on (TestQuoteToOrder, TestGates...)
        cls.company.adv_confirm_checks = False
        cls.salesman = cls._new_user(
            login="adv_sam",
            name="Sam Vendeur",
            email="sam@example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesman_2 = cls._new_user(
            login="adv_lea",
            name="Léa Vendeuse",
            email="lea@example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesman_all = cls._new_user(
            login="adv_ada",
            name="Ada Assistante ADV",
            email="ada@example.com",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.sales_manager = cls._new_user(
            login="adv_max",
            name="Max Directeur",
            email="max@example.com",
            groups="sales_team.group_sale_manager",
        )
        cls.user_company_2 = cls._new_user(
            login="adv_otto",
            name="Otto Autre",
            email="otto@example.com",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Jardins du Rhône SARL",
                "is_company": True,
                "email": "contact@jardins-rhone.example",
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Claire Martin",
                "parent_id": cls.customer.id,
                "email": "claire.martin@jardins-rhone.example",
                "phone": "+33 4 72 00 00 00",
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Olivier en pot", "list_price": 120.0, "type": "consu", "taxes_id": False}
        )
        cls.Dossier = cls.env["adv.dossier"]
        cls.Stage = cls.env["adv.dossier.stage"]
        cls.stage_request = cls.env.ref("adv_dossier.stage_request")
        cls.stage_awaiting = cls.env.ref("adv_dossier.stage_awaiting_order")
        cls.stage_order_to_do = cls.env.ref("adv_dossier.stage_order_to_do")
        cls.stage_won = cls.env.ref("adv_dossier.stage_won")
        cls.stage_lost = cls.env.ref("adv_dossier.stage_lost")

    @classmethod
    def _new_user(cls, login, groups, **values):
        """A user of the SME, on Paris time."""
        return new_test_user(cls.env, login=login, groups=groups, tz="Europe/Paris", **values)

    @classmethod
    def _today(cls):
        """Today as the application counts it: in the user's time zone, as Odoo's own
        defaults do (at 23:30 UTC it is already tomorrow in Paris)."""
        return fields.Date.context_today(cls.env.user)

    @classmethod
    def _create_dossier(cls, **values):
        vals = {
            "title": "Aménagement du siège",
            "partner_id": cls.customer.id,
            "contact_id": cls.contact.id,
            "customer_ref": "JR-2026-014",
        }
        vals.update(values)
        return cls.env["adv.dossier"].create(vals)

    @classmethod
    def _create_quote(cls, dossier, qty=2, price=120.0, **values):
        vals = {
            "partner_id": dossier.partner_id.id,
            "dossier_id": dossier.id,
            "company_id": dossier.company_id.id,
            "order_line": [
                Command.create(
                    {"product_id": cls.product.id, "product_uom_qty": qty, "price_unit": price}
                )
            ],
        }
        vals.update(values)
        return cls.env["sale.order"].create(vals)

    def _overdue_dossier_invoice(self, dossier, price, days_overdue):
        """The draft invoice of the dossier's confirmed and delivered order (one line at
        ``price``), issued 45 days ago and due ``days_overdue`` days ago."""
        order = self._create_quote(dossier, qty=1, price=price)
        self._confirm_anyway(order)
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        invoice.write(
            {
                "invoice_date": self._today() - timedelta(days=45),
                "invoice_date_due": self._today() - timedelta(days=days_overdue),
            }
        )
        return invoice

    @classmethod
    def _invoice(
        cls,
        partner,
        amount,
        days_ago=0,
        due_in=30,
        move_type="out_invoice",
        post=True,
        currency=None,
    ):
        invoice_date = cls._today() - timedelta(days=days_ago)
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": invoice_date + timedelta(days=due_in),
                "currency_id": (currency or cls.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Travaux paysagers",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": False,
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, days_ago=0):
        """A customer payment booked and matched with the invoice (as a bank statement would)."""
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        bank_account = cls.env["account.account"].search(
            [("account_type", "=", "asset_cash"), ("company_ids", "in", cls.company.id)], limit=1
        )
        journal = cls.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", cls.company.id)], limit=1
        )
        payment = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": cls._today() - timedelta(days=days_ago),
                "line_ids": [
                    Command.create(
                        {
                            "account_id": bank_account.id,
                            "debit": amount,
                            "partner_id": invoice.partner_id.id,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": receivable.account_id.id,
                            "credit": amount,
                            "partner_id": invoice.partner_id.id,
                        }
                    ),
                ],
            }
        )
        payment.action_post()
        (
            receivable
            + payment.line_ids.filtered(lambda line: line.account_id == receivable.account_id)
        ).reconcile()
        return payment

    @classmethod
    def _confirm_anyway(cls, order, reason="Test: confirmed anyway"):
        """Confirm ``order`` as the administrator (a sales and risk manager) does in the
        confirmation step, waiving what the gate says."""
        admin = order.with_user(cls.env.ref("base.user_admin"))
        admin._adv_record_override(list(order._adv_gate_problems()), reason)
        admin.action_confirm()

    def _flush_tracking(self):
        """Post the chatter messages (tracking, tray e-mails) as at the end of a request."""
        self.env.flush_all()
        self.env.cr.precommit.run()
