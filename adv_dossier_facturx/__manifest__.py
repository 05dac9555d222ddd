{
    "name": "ADV Dossier - Factur-X",
    "summary": "French mentions in the Factur-X XML: SIREN and SIRET under their schemes, "
    "nature of the operation, payment mentions, Chorus Pro references",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "adv_dossier contributors",
    "website": "https://github.com/adv-dossier/adv_dossier",
    "license": "LGPL-3",
    "depends": ["adv_dossier", "account_edi_ubl_cii"],
    "data": ["data/cii_templates.xml"],
    "auto_install": True,
    "installable": True,
}
