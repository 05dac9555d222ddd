from odoo.fields import Command
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDossierDeliveries(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # deliveries are tested here, not the confirmation checks of adv_dossier
        cls.env.company.adv_confirm_checks = False
        cls.customer = cls.env["res.partner"].create(
            {"name": "Jardins du Rhône SARL", "is_company": True}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Olivier en pot",
                "type": "consu",
                "is_storable": True,
                "list_price": 120.0,
                "taxes_id": False,
            }
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(cls.product, warehouse.lot_stock_id, 10)
        cls.dossier = cls.env["adv.dossier"].create(
            {"title": "Haie", "partner_id": cls.customer.id}
        )

    def test_dossier_follows_deliveries(self):
        """Order to do, To deliver once a delivery started, To invoice once everything is delivered."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "dossier_id": self.dossier.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 4})
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(self.dossier.stage_id.code, "order_to_do")
        picking = order.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.with_context(cancel_backorder=False)._action_done()
        self.assertEqual(self.dossier.stage_id.code, "to_deliver")
        backorder = order.picking_ids - picking
        backorder.move_ids.quantity = 3
        backorder.move_ids.picked = True
        backorder._action_done()
        self.assertEqual(self.dossier.stage_id.code, "to_invoice")
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(self.dossier.stage_id.code, "awaiting_payment")
