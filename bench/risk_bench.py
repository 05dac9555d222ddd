"""Customer risk benchmark, fed to ``odoo-bin shell`` after bench_data.py by bench/risk_bench.

Computes every risk figure and the aged balance with adv_dossier, and the risk figures with
OCA's account_financial_risk, on the same data in the same run. Prints a table.
"""


def main(env):
    start = time.perf_counter()
    partners = build_data(env)
    built = time.perf_counter() - start
    rows = [
        measure(
            env,
            "adv_dossier: every risk figure, one call",
            lambda: env["res.partner"]._adv_risk_figures(partners.ids),
        ),
        measure(
            env,
            "adv_dossier: every risk figure, read as fields",
            lambda: (partners.mapped("adv_risk_level"), partners.mapped("adv_risk_exposure")),
        ),
        measure(
            env,
            "adv_dossier: aged balance",
            lambda: (
                env["adv.aged.balance"]
                .create({"date": fields.Date.today()})
                .line_ids.mapped("amount_residual")
            ),
        ),
    ]
    if "risk_total" in env["res.partner"]._fields:
        rows.append(
            measure(
                env,
                "OCA account_financial_risk: risk figures",
                lambda: (partners.mapped("risk_total"), partners.mapped("risk_exception")),
            )
        )
    print()
    print(
        f"Customer risk benchmark: {CUSTOMERS} customers, {INVOICES} invoices (built in {built:.1f} s)"
    )
    print(f"{'what':<45} {'seconds':>9} {'queries':>9}")
    for label, elapsed, queries in rows:
        print(f"{label:<45} {elapsed:>9.3f} {queries:>9}")
    if len(rows) == 4:
        print(f"{'OCA time / adv_dossier time (one call)':<45} {rows[3][1] / rows[0][1]:>9.1f}x")
        print(f"{'OCA time / adv_dossier time (fields)':<45} {rows[3][1] / rows[1][1]:>9.1f}x")
    env.cr.rollback()


main(env)
