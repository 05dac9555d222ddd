{
    "name": "ADV Dossier - France",
    "summary": "French invoices print adv_dossier's mentions instead of the French "
    "localisation's operation type and English tax-exigibility line",
    "version": "19.0.1.0.0",
    "category": "Accounting/Localizations",
    "author": "adv_dossier contributors",
    "website": "https://github.com/adv-dossier/adv_dossier",
    "license": "LGPL-3",
    "depends": ["adv_dossier", "l10n_fr_account"],
    "data": ["reports/report_invoice.xml"],
    "auto_install": True,
    "installable": True,
}
