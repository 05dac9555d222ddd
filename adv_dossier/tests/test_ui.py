from odoo.tests import HttpCase
from odoo.tests import tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestDossierUi(AdvDossierCommon, HttpCase):
    def test_tour_salesman_board(self):
        """A salesman opens the board, creates a dossier, drags it to the next tray, prints its cover sheet."""
        self.start_tour("/odoo", "adv_dossier_board_tour", login="adv_sam")
        dossier = self.Dossier.search([("title", "=", "Jardin de la mairie")])
        self.assertEqual(len(dossier), 1)
        self.assertEqual(dossier.partner_id, self.customer)
        self.assertEqual(dossier.stage_id, self.stage_awaiting)
        self.assertEqual(dossier.user_id, self.salesman)
