from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import AdvDossierCommon


@tagged("post_install", "-at_install")
class TestSecurity(AdvDossierCommon):
    def test_every_model_has_access_rights(self):
        """No model of the add-on is left without access rights."""
        models = (
            self.env["ir.model"]
            .search([])
            .filtered(
                lambda m: (
                    "adv_dossier" in m.modules.split(", ")
                    and not m.transient
                    and not self.env[m.model]._abstract
                    and m.model.startswith("adv.")
                )
            )
        )
        self.assertTrue(models)
        for model in models:
            with self.subTest(model=model.model):
                self.assertTrue(
                    self.env["ir.model.access"].search_count([("model_id", "=", model.id)]),
                    f"{model.model} has no access rights",
                )

    def test_salesman_sees_own_followed_and_unassigned_dossiers(self):
        """A salesman sees his dossiers, those he follows and unassigned ones, not a colleague's."""
        mine = self._create_dossier(user_id=self.salesman.id)
        colleague = self._create_dossier(
            title="Projet de Léa", customer_ref="L1", user_id=self.salesman_2.id
        )
        followed = self._create_dossier(
            title="Projet suivi", customer_ref="L2", user_id=self.salesman_2.id
        )
        followed.message_subscribe(partner_ids=self.salesman.partner_id.ids)
        unassigned = self._create_dossier(title="Demande reçue", customer_ref="L3", user_id=False)
        other_company = self.Dossier.create(
            {"title": "Sud", "company_id": self.company_2.id, "user_id": self.salesman.id}
        )
        visible = self.Dossier.with_user(self.salesman).search([])
        self.assertIn(mine, visible)
        self.assertIn(followed, visible)
        self.assertIn(unassigned, visible)
        self.assertNotIn(colleague, visible)
        self.assertNotIn(other_company, visible)
        with self.assertRaises(AccessError):
            colleague.with_user(self.salesman).read(["title"])
        # he creates and edits his dossiers, but does not delete them
        new = self.Dossier.with_user(self.salesman).create(
            {"title": "Nouveau", "partner_id": self.customer.id}
        )
        self.assertEqual(new.user_id, self.salesman)
        new.with_user(self.salesman).stage_id = self.stage_awaiting
        with self.assertRaises(AccessError):
            new.with_user(self.salesman).unlink()

    def test_all_dossiers_group_and_other_company(self):
        """An ADV assistant sees every dossier of her company; another company's user sees none."""
        dossiers = self._create_dossier(user_id=self.salesman.id) | self._create_dossier(
            title="Projet de Léa", customer_ref="L1", user_id=self.salesman_2.id
        )
        self.assertEqual(
            self.Dossier.with_user(self.salesman_all).search([("id", "in", dossiers.ids)]), dossiers
        )
        self.assertFalse(
            self.Dossier.with_user(self.user_company_2).search([("id", "in", dossiers.ids)])
        )
        with self.assertRaises(AccessError):
            dossiers[0].with_user(self.user_company_2).read(["title"])

    def test_only_managers_configure_trays_and_alias(self):
        """Salesmen read the trays; only the sales manager changes them and the alias."""
        self.assertTrue(self.stage_request.with_user(self.salesman).name)
        with self.assertRaises(AccessError):
            self.stage_request.with_user(self.salesman).name = "Renamed"
        with self.assertRaises(AccessError):
            self.Stage.with_user(self.salesman_all).create({"name": "Mon bac"})
        self.stage_request.with_user(self.sales_manager).name = "Demande et chiffrage"
        self.Stage.with_user(self.sales_manager).create({"name": "Validation"})
        self.assertTrue(self.sales_manager.has_group("adv_dossier.group_adv_dossier_manager"))
        self.assertFalse(self.salesman_all.has_group("adv_dossier.group_adv_dossier_manager"))
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.salesman_all).create({})
