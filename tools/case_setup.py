"""Set up the classroom case database, fed to ``odoo-bin shell`` by tools/run, one step at a
time (``CASE_STEP``). The database holds the Pépinières Clément case and nothing else: Odoo's
own demo data (American customers, furniture...) is not loaded.

``company``: after base is installed, the main company becomes French (name, France, euro), so
that installing Invoicing gives it the French chart of accounts and taxes (plan comptable
général).

``case``: after adv_dossier is installed, its demo data (the case) is loaded, as installing it
in a demo database would; then every user and customer works in French.
"""

import os

from odoo.modules.loading import load_demo
from odoo.modules.module_graph import ModuleGraph

step = os.environ["CASE_STEP"]
company = env.ref("base.main_company")
if step == "company":
    euro = env.ref("base.EUR")
    euro.active = True
    company.write(
        {"name": "Pépinières Clément", "country_id": env.ref("base.fr").id, "currency_id": euro.id}
    )
    company.partner_id.tz = "Europe/Paris"
elif step == "case":
    if company.chart_template != "fr":
        raise SystemExit(f"the main company has the chart {company.chart_template}, not fr")
    addons = env["ir.module.module"].search(
        [("name", "=like", "adv_dossier%"), ("state", "=", "installed"), ("demo", "=", False)]
    )
    env["res.lang"]._activate_lang("fr_FR")
    # what the case's process writes (chatter, activities, e-mails) is written in French; no
    # mail server here: notifications wait in the queue instead of failing at once
    env = env(context=dict(env.context, lang="fr_FR", mail_notify_force_send=False))
    installed = env["ir.module.module"].search([("state", "=", "installed")])
    graph = ModuleGraph(env.cr, mode="load")
    graph.extend(installed.mapped("name"))
    loaded = []
    for package in graph:  # in dependency order
        if package.name in addons.mapped("name"):
            if not load_demo(env, package, {}, "init"):
                raise SystemExit(f"the demo data of {package.name} could not be loaded")
            env.cr.execute(
                "UPDATE ir_module_module SET demo = TRUE WHERE name = %s", [package.name]
            )
            loaded.append(package.name)
    if addons and not loaded:
        raise SystemExit("adv_dossier's demo data was not loaded")
    # the French names of the case's records (tags...), which did not exist at installation
    env["ir.module.module"].search([("name", "in", loaded)])._update_translations(["fr_FR"])
    env["res.users"].with_context(active_test=False).search([("share", "=", False)]).write(
        {"lang": "fr_FR", "tz": "Europe/Paris"}
    )
    env["res.partner"].with_context(active_test=False).search([]).write({"lang": "fr_FR"})
    # the ECB rate of the current half-year, when adv_dossier's table lacks it: the accountants
    # are asked for it at once, in French (the scheduled action does it every day)
    if "adv.ecb.rate" in env:
        env["adv.ecb.rate"]._adv_cron_check_current()
else:
    raise SystemExit(f"unknown CASE_STEP {step}")
env.cr.commit()
print(f"case set-up step {step}: done")
