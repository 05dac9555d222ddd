from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFoundation(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="adv_salesman",
            name="Sam Salesman",
            groups="sales_team.group_sale_salesman",
        )

    def test_salesman_sees_sales_app(self):
        """A salesman finds the Sales app and its quotations in his menus."""
        menus = self.env["ir.ui.menu"].with_user(self.salesman).load_menus(debug=False)
        sales_root = self.env.ref("sale.sale_menu_root")
        self.assertIn(sales_root.id, menus["root"]["children"])
        self.assertIn(self.env.ref("sale.menu_sale_quotations").id, menus)

    def test_addon_installed_with_its_dependencies(self):
        """adv_dossier is installed next to Sales and Invoicing."""
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["adv_dossier", "sale_management", "account", "mail"])]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 4)

    def test_tour_salesman_opens_sales(self):
        """In the web client, a salesman opens the Sales app and sees the quotations."""
        self.start_tour("/odoo", "adv_dossier_open_sales", login="adv_salesman")
