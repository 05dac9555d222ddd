{
    "name": "ADV Dossier - Deliveries",
    "summary": "Dossiers follow the deliveries of their orders (bridge with sale_stock)",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "author": "adv_dossier contributors",
    "website": "https://github.com/adv-dossier/adv_dossier",
    "license": "LGPL-3",
    "depends": ["adv_dossier", "sale_stock"],
    "data": [],
    "demo": ["demo/adv_dossier_stock_demo.xml"],
    "auto_install": True,
    "installable": True,
}
