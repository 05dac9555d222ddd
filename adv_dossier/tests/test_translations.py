import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_string_has_its_french_translation(self):
        """Every user-facing string of the add-on is translated in i18n/fr.po."""
        po = polib.pofile(file_path("adv_dossier/i18n/fr.po"))
        french = {entry.msgid: entry.msgstr for entry in po if not entry.obsolete}
        reader = TranslationModuleReader(self.env.cr, modules=["adv_dossier"], lang="en_US")
        sources = {source for _module, _type, _name, _res_id, source, _value, _comments in reader}
        self.assertTrue(sources)
        untranslated = sorted(s for s in sources if not french.get(s))
        self.assertFalse(untranslated, f"missing in adv_dossier/i18n/fr.po: {untranslated}")
