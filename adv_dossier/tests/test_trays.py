from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestEditedTrays(AdvDossierCommon):
    """Managers rename, reorder, add and delete trays: the process keeps moving the dossiers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._new_user(
            login="adv_tray_manager",
            name="Marc Responsable ADV",
            groups="sales_team.group_sale_manager,account.group_account_invoice",
        )
        cls.Stage = cls.env["adv.dossier.stage"].with_user(cls.manager)

    def _tray(self, code):
        return self.env["adv.dossier.stage"].search([("code", "=", code)])

    def _empty_and_delete(self, trays, into):
        """What a manager does to delete trays: move their dossiers out, then delete them."""
        self.env["adv.dossier"].with_context(active_test=False).search(
            [("stage_id", "in", trays.ids)]
        ).with_user(self.manager).write({"stage_id": into.id})
        trays.with_user(self.manager).unlink()

    def test_technical_codes_are_the_addons(self):
        """A manager cannot clear or change a tray's technical code, nor give one to his own
        tray, nor make a tray of the process close the dossiers or stop closing them."""
        awaiting = self.stage_awaiting.with_user(self.manager)
        for code in (False, "", "devis_envoye", "won"):
            with self.subTest(code=code), self.assertRaises(UserError):
                awaiting.write({"code": code})
        self.assertEqual(self.stage_awaiting.code, "awaiting_order")
        awaiting.write({"code": "awaiting_order", "name": "Devis envoyé"})  # unchanged: fine
        with self.assertRaises(UserError):
            self.Stage.create({"name": "Relance téléphonique", "code": "phone_follow_up"})
        with self.assertRaises(ValidationError):
            self.stage_won.with_user(self.manager).is_won = False
        with self.assertRaises(ValidationError):
            awaiting.is_lost = True
        # the form shows the code read-only
        self.assertTrue(self.Stage._fields["code"].readonly)

    def test_process_moves_dossiers_through_edited_trays(self):
        """Every tray renamed and folded, one of the manager's own added, "To deliver" and
        "Reminder" deleted, the closed won tray replaced: a dossier still goes from the quote
        sent to the payment."""
        for stage in self.Stage.search([]):
            form = Form(stage)
            form.name = f"{stage.name} (bac)"
            form.fold = True
            form.save()
        own = Form(self.Stage)
        own.name = "Validation technique"
        own.sequence = 25  # between "Awaiting order" and "Order to do"
        own = own.save()
        self._empty_and_delete(
            self._tray("to_deliver") | self._tray("reminder"), self._tray("awaiting_payment")
        )
        # the last closed won tray stays; another one can take its place
        with self.assertRaises(UserError):
            self.stage_won.with_user(self.manager).unlink()
        archive = Form(self.Stage)
        archive.name = "Soldé et archivé"
        archive.sequence = 85
        archive.is_won = True
        archive = archive.save()
        self._empty_and_delete(self.stage_won, archive)

        dossier = self._create_dossier()
        order = self._create_quote(dossier, qty=1, price=500.0)
        order._adv_mark_printed()
        self.assertEqual(dossier.stage_id, self.stage_awaiting)
        dossier.stage_id = own  # the manager's own step
        order.action_confirm()
        # with Inventory, the order waits for its delivery; without, it is to invoice
        self.assertIn(dossier.stage_id.code, ("order_to_do", "to_invoice"))
        order.order_line.qty_delivered = 1
        dossier._adv_sync_follow_up()
        self.assertIn(dossier.stage_id.code, ("order_to_do", "to_invoice"))
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(dossier.stage_id, self._tray("awaiting_payment"))
        # "Reminder" deleted: a reminded dossier waits in the step before
        self.assertEqual(self.Stage._get_by_code("reminder"), self._tray("awaiting_payment"))
        self.assertEqual(self.Stage._get_by_code("to_deliver"), self.stage_order_to_do)
        self.assertFalse(dossier._move_to_stage_code("reminder"))
        self._pay(invoice, 500.0)
        self.assertEqual(dossier.stage_id, archive, "closed in the closed won tray left")
        self.assertEqual(dossier.state, "won")

    def test_lost_tray_replaced(self):
        """The closed lost tray replaced by the manager's own: every quote lost closes there."""
        filed = Form(self.Stage)
        filed.name = "Classé sans suite"
        filed.sequence = 95
        filed.is_lost = True
        filed = filed.save()
        self._empty_and_delete(self.stage_lost, filed)
        dossier = self._create_dossier()
        quote = self._create_quote(dossier)
        quote._adv_mark_lost(self.env.ref("adv_dossier.lost_reason_price"))
        self.assertEqual(dossier.stage_id, filed)
        self.assertEqual(dossier.state, "lost")
