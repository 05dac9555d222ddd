{
    "name": "ADV Dossier",
    "summary": "Sales administration (ADV) around one dossier per customer project",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "author": "adv_dossier contributors",
    "website": "https://github.com/adv-dossier/adv_dossier",
    "license": "LGPL-3",
    "depends": ["sale_management", "account", "mail"],
    "data": [],
    "assets": {
        "web.assets_tests": [
            "adv_dossier/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
