"""Sage export benchmark, fed to ``odoo-bin shell`` after bench_data.py by bench/sage_bench.

Builds the customers (with their customer account codes) and posted invoices, then exports
them to Sage with adv_dossier_sage and makes Odoo's FEC of the same entries, in the same run.
Prints a table; rolls everything back.
"""

import datetime
import tracemalloc

from odoo.addons.adv_dossier_sage.tests import sage_reader


def export_sage(env, company, date_to):
    return env["adv.sage.export"]._adv_export(company, None, date_to)


def fec(env, company, date_from, date_to):
    generator = (
        env["l10n_fr.fec.export.wizard"]
        .with_company(company)
        .create({"date_from": date_from, "date_to": date_to, "test_file": True})
    )
    result = generator.with_context(fec_test_mode=True).generate_fec()
    size = 0
    for chunk in result["file_content"]:
        size += len(chunk)
    return size


def traced(env, func):
    """(result, peak MiB of Python memory while ``func`` ran)."""
    env.invalidate_all()
    tracemalloc.start()
    try:
        result = func()
        return result, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(env):
    start = time.perf_counter()
    partners = build_data(env)
    env.cr.execute(
        "UPDATE res_partner SET ref = 'C' || lpad(id::text, 6, '0') WHERE id = ANY(%s)",
        [partners.ids],
    )
    company = env.company
    env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")])[
        :1
    ].adv_sage_code = "VE"
    env.invalidate_all()
    built = time.perf_counter() - start
    date_to = datetime.date.today() + datetime.timedelta(days=60)
    date_from = datetime.date.today() - datetime.timedelta(days=400)

    exports = []
    rows = [
        measure(
            env,
            "adv_dossier_sage: export to Sage",
            lambda: exports.append(export_sage(env, company, date_to)),
        ),
        measure(
            env, "Odoo: FEC of the same entries", lambda: fec(env, company, date_from, date_to)
        ),
    ]
    export = exports[0]
    data = (
        env["ir.attachment"]
        .search(
            [
                ("res_model", "=", export._name),
                ("res_id", "=", export.id),
                ("res_field", "=", "file"),
            ]
        )
        .raw
    )
    parsed = sage_reader.read(data)
    totals = sage_reader.balance_by_journal(parsed["entries"])
    balanced = all(debit == credit for debit, credit in totals.values())

    # memory: the same work again (the export cancelled first), traced
    export.action_cancel()
    _export, sage_peak = traced(env, lambda: export_sage(env, company, date_to))
    fec_size, fec_peak = traced(env, lambda: fec(env, company, date_from, date_to))

    print()
    print(
        f"Sage export benchmark: {CUSTOMERS} customers, {INVOICES} invoices "
        f"(built in {built:.1f} s)"
    )
    print(f"{'what':<40} {'seconds':>9} {'queries':>9} {'peak MiB':>9} {'file MiB':>9}")
    print(
        f"{rows[0][0]:<40} {rows[0][1]:>9.2f} {rows[0][2]:>9} {sage_peak:>9.1f} "
        f"{len(data) / 2**20:>9.1f}"
    )
    print(
        f"{rows[1][0]:<40} {rows[1][1]:>9.2f} {rows[1][2]:>9} {fec_peak:>9.1f} {fec_size / 2**20:>9.1f}"
    )
    print(
        f"{export.move_count} entries, {export.line_count} lines, {export.partner_count} customer "
        f"accounts; read back: {len(parsed['entries'])} #MECG, {len(parsed['accounts'])} #MPCT, "
        f"balanced to the cent: {balanced} ({totals['VE'][0]} = {totals['VE'][1]})"
    )
    print(
        f"{'Sage time / FEC time':<40} {rows[0][1] / rows[1][1]:>9.2f}x  "
        "(peak memory: traced Python allocations, the file's bytes included)"
    )
    env.cr.rollback()


main(env)
