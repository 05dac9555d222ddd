import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_string_has_its_french_translation(self):
        """Every user-facing string of the add-ons is translated in their i18n/fr.po."""
        modules = self.env["ir.module.module"].search(
            [("name", "=like", "adv_dossier%"), ("state", "=", "installed")]
        )
        self.assertIn("adv_dossier", modules.mapped("name"))
        for module in modules.mapped("name"):
            with self.subTest(module=module):
                po = polib.pofile(file_path(f"{module}/i18n/fr.po"))
                french = {entry.msgid: entry.msgstr for entry in po if not entry.obsolete}
                reader = TranslationModuleReader(self.env.cr, modules=[module], lang="en_US")
                sources = {source for _m, _t, _n, _r, source, _v, _c in reader}
                untranslated = sorted(s for s in sources if not french.get(s))
                self.assertFalse(untranslated, f"missing in {module}/i18n/fr.po: {untranslated}")
