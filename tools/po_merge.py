"""Merge a .pot template into a .po file, keeping the translations already made.

Usage: po_merge.py TEMPLATE.pot LANG.po

Entries gone from the template are dropped; new ones get an empty msgstr.
Prints how many entries are still untranslated.
"""

import sys
from pathlib import Path

import polib


def merge(pot_path, po_path):
    pot = polib.pofile(pot_path, wrapwidth=78)
    old = polib.pofile(po_path, wrapwidth=78) if Path(po_path).exists() else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old}
    po = polib.POFile(wrapwidth=78)
    po.header = pot.header
    po.metadata = dict(pot.metadata)
    po.metadata.update(
        {
            "Language": Path(po_path).stem,
            "Language-Team": "French",
            "Plural-Forms": "nplurals=2; plural=(n > 1);",
        }
    )
    for entry in pot:
        entry.msgstr = known.get((entry.msgctxt, entry.msgid), "")
        po.append(entry)
    po.save(po_path)
    return sum(1 for e in po if not e.msgstr)


if __name__ == "__main__":
    missing = merge(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[2]}: {missing} untranslated entr{'y' if missing == 1 else 'ies'}")
