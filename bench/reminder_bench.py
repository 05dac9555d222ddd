"""Payment reminder benchmark, fed to ``odoo-bin shell`` after bench_data.py by bench/reminder_bench.

BENCH_CUSTOMERS customers (2,000) and BENCH_INVOICES overdue invoices (10,000): the full
adv_dossier run (select, prepare, send: e-mails queued, formal-notice letters rendered), then the
same data through OCA's account_credit_control (generate lines, mark ready, send). Prints a table.
"""

from datetime import timedelta


def run_adv(env):
    engine = env["adv.reminder.engine"]
    company = env.company
    start = time.perf_counter()
    queries = env.cr.sql_log_count
    reminders = engine._prepare(company)
    env.flush_all()
    prepared = time.perf_counter() - start
    batch_times = []
    for begin in range(0, len(reminders), engine.BATCH_SIZE):
        batch_start = time.perf_counter()
        reminders[begin : begin + engine.BATCH_SIZE]._send()
        env.flush_all()
        batch_times.append(time.perf_counter() - batch_start)
    elapsed = time.perf_counter() - start
    return reminders, elapsed, env.cr.sql_log_count - queries, max(batch_times or [0]), prepared


def queries_to_send_one(env, invoices_count):
    """Queries to prepare and send one customer's reminder listing ``invoices_count`` invoices."""
    partner = env["res.partner"].create(
        {"name": f"Client {invoices_count}", "is_company": True, "email": "x@y.example"}
    )
    for _i in range(invoices_count):
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.today() - timedelta(days=40),
                "invoice_date_due": fields.Date.today() - timedelta(days=10),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "x", "quantity": 1, "price_unit": 10.0, "tax_ids": False}
                    )
                ],
            }
        )
        move.action_post()
    env.flush_all()
    env.invalidate_all()
    before = env.cr.sql_log_count
    engine = env["adv.reminder.engine"]
    reminder = engine._prepare(env.company).filtered(lambda r: r.partner_id == partner)
    reminder._send()
    env.flush_all()
    return env.cr.sql_log_count - before


def run_oca(env):
    policy = env.ref("account_credit_control.3_time_1").policy_id
    receivable = env["account.account"].search([("account_type", "=", "asset_receivable")])
    policy.account_ids = [Command.set(receivable.ids)]
    env.company.credit_policy_id = policy
    start = time.perf_counter()
    queries = env.cr.sql_log_count
    run = env["credit.control.run"].create(
        {"date": fields.Date.today(), "policy_ids": [Command.set(policy.ids)]}
    )
    run.generate_credit_lines()
    run.set_to_ready_lines()
    run.run_channel_action()
    env.flush_all()
    return len(run.line_ids), time.perf_counter() - start, env.cr.sql_log_count - queries


def main(env):
    env = env(context=dict(env.context, mail_notify_force_send=False, tracking_disable=False))
    # no HTTP server in odoo-bin shell for wkhtmltopdf to fetch the report assets from, and OCA
    # prints its letters on demand: letters are sent as e-mails here, on both sides
    env["adv.reminder.level"].search([("channel", "=", "letter")]).channel = "email"
    start = time.perf_counter()
    build_data(env, min_age=8, max_age=60, paid_share=0.0)
    built = time.perf_counter() - start
    reminders, adv_time, adv_queries, longest, prepared = run_adv(env)
    one = queries_to_send_one(env, 1)
    twenty = queries_to_send_one(env, 20)
    rows = [("adv_dossier: full run", adv_time, adv_queries, len(reminders))]
    if "credit.control.run" in env:
        env.cr.execute("DELETE FROM adv_reminder_line")  # OCA starts from the same due lines
        lines, oca_time, oca_queries = run_oca(env)
        rows.append(("OCA account_credit_control: full run", oca_time, oca_queries, lines))
    print()
    print(
        f"Payment reminder benchmark: {CUSTOMERS} customers, {INVOICES} overdue invoices (built in {built:.1f} s)"
    )
    print(f"{'what':<42} {'seconds':>9} {'queries':>9} {'reminders':>10}")
    for label, elapsed, queries, count in rows:
        print(f"{label:<42} {elapsed:>9.2f} {queries:>9} {count:>10}")
    print(
        f"{'adv_dossier: queries per customer reminder':<42} {adv_queries / max(len(reminders), 1):>9.1f}"
    )
    print(f"{'adv_dossier: of which selecting and preparing':<42} {prepared:>9.2f}")
    print(f"{'adv_dossier: longest batch (between commits)':<42} {longest:>9.2f}")
    print(f"{'adv_dossier: queries, 1 invoice / 20 invoices':<42} {one:>9} {twenty:>9}")
    if len(rows) == 2:
        print(f"{'OCA time / adv_dossier time':<42} {rows[1][1] / rows[0][1]:>9.1f}x")
    env.cr.rollback()


main(env)
