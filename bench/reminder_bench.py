"""Payment reminder benchmark, fed to ``odoo-bin shell`` after bench_data.py by bench/reminder_bench.

BENCH_CUSTOMERS customers (2,000) and BENCH_INVOICES overdue invoices (10,000), the same data
for both sides, in the same run:

* adv_dossier: the scheduled action's work (select the due lines, prepare the reminders, send
  them by batches: e-mails posted as message_post posts them, queued in Odoo's mail queue);
* OCA's account_credit_control 19.0: generate the credit lines, mark them ready, send the
  communications (message_post_with_source of its template, queued in the same mail queue).

Equal work: both sides e-mail every customer reminder through Odoo's mail queue with a
notification per recipient; letters are e-mailed on both sides and neither attaches a PDF
(wkhtmltopdf needs the HTTP server that odoo-bin shell does not run). The table shows what
each side writes per reminder, then Odoo's mail queue sends both sides' e-mails to the local
mail sink (BENCH_MAIL_DIR), which counts them. Everything is rolled back at the end.
"""

from datetime import timedelta
from pathlib import Path

MAIL_DIR = Path(os.environ.get("BENCH_MAIL_DIR", "/tmp/adv-bench-mails"))


def max_ids(env):
    """The highest id of the tables both sides write to."""
    return {
        table: env.execute_query(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))[
            0
        ][0]
        for table in ("mail_message", "mail_mail", "mail_notification", "mail_tracking_value")
    }


def written(env, before, model):
    """What was written since ``before`` on records of ``model``: messages (of which
    e-mailed), e-mails, notifications, tracking values."""
    env.flush_all()
    rows = env.execute_query(
        SQL(
            """
            SELECT COUNT(*),
                   COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM mail_mail mm
                                                   WHERE mm.mail_message_id = m.id)),
                   (SELECT COUNT(*) FROM mail_mail mm JOIN mail_message m2 ON m2.id = mm.mail_message_id
                     WHERE mm.id > %(mail)s AND m2.model = %(model)s),
                   (SELECT COUNT(*) FROM mail_notification n JOIN mail_message m3 ON m3.id = n.mail_message_id
                     WHERE n.id > %(notification)s AND m3.model = %(model)s),
                   (SELECT COUNT(*) FROM mail_tracking_value t WHERE t.id > %(tracking)s)
              FROM mail_message m
             WHERE m.id > %(message)s AND m.model = %(model)s
            """,
            message=before["mail_message"],
            mail=before["mail_mail"],
            notification=before["mail_notification"],
            tracking=before["mail_tracking_value"],
            model=model,
        )
    )[0]
    return dict(
        zip(
            [
                "messages in the chatter",
                "of which e-mailed",
                "mail.mail (queued e-mails)",
                "notifications",
                "tracking values (all models)",
            ],
            rows,
            strict=True,
        )
    )


def commit_like(env):
    """What a commit does besides writing: the chatter's tracking messages (precommit)."""
    env.flush_all()
    env.cr.precommit.run()
    env.flush_all()


def send_queue(env, model):
    """Odoo's mail queue sends the e-mails of ``model`` to the mail sink: (seconds, e-mails
    received by the sink, notifications sent)."""
    commit_like(env)
    mails = env["mail.mail"].search([("state", "=", "outgoing"), ("model", "=", model)])
    files = len(list(MAIL_DIR.glob("*.eml")))
    start = time.perf_counter()
    mails.send()
    commit_like(env)
    elapsed = time.perf_counter() - start
    received = len(list(MAIL_DIR.glob("*.eml"))) - files
    sent = env["mail.notification"].search_count(
        [("mail_mail_id", "in", mails.ids), ("notification_status", "=", "sent")]
    )
    return elapsed, received, sent


def run_adv(env):
    """The scheduled action's work for the company (without its commits: rolled back)."""
    engine = env["adv.reminder.engine"]
    company = env.company
    today = fields.Date.context_today(engine)
    start = time.perf_counter()
    queries = env.cr.sql_log_count
    engine._prepare(company, today)
    commit_like(env)
    prepared = time.perf_counter() - start
    todo = env["adv.reminder"].search(
        [("company_id", "=", company.id), ("state", "=", "to_send")], order="id"
    )
    batch_times = []
    for begin in range(0, len(todo), engine.BATCH_SIZE):
        batch_start = time.perf_counter()
        todo[begin : begin + engine.BATCH_SIZE]._send()
        commit_like(env)
        batch_times.append(time.perf_counter() - batch_start)
    elapsed = time.perf_counter() - start
    return todo, elapsed, env.cr.sql_log_count - queries, max(batch_times or [0]), prepared


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
    engine._prepare(env.company)
    reminder = env["adv.reminder"].search([("partner_id", "=", partner.id)])
    reminder._send()
    env.flush_all()
    assert reminder.state == "queued", reminder.state
    return env.cr.sql_log_count - before


def run_oca(env):
    policy = env.ref("account_credit_control.3_time_1").policy_id
    receivable = env["account.account"].search([("account_type", "=", "asset_receivable")])
    policy.account_ids = [Command.set(receivable.ids)]
    # e-mails on both sides, no PDF on either
    policy.level_ids.channel = "email"
    policy.level_ids.email_template_id.report_template_ids = [Command.clear()]
    env.company.credit_policy_id = policy
    env.flush_all()
    start = time.perf_counter()
    queries = env.cr.sql_log_count
    run = env["credit.control.run"].create(
        {"date": fields.Date.today(), "policy_ids": [Command.set(policy.ids)]}
    )
    run.generate_credit_lines()
    run.set_to_ready_lines()
    run.run_channel_action()
    commit_like(env)
    communications = env["credit.control.communication"].search(
        [("credit_control_line_ids", "in", run.line_ids.ids)]
    )
    return (
        communications,
        len(run.line_ids),
        time.perf_counter() - start,
        env.cr.sql_log_count - queries,
    )


def explain_due_lines(env):
    """The plan of the due-line query: whether it goes through core's partial index of the
    unreconciled lines."""
    query = env["adv.reminder.engine"]._due_lines_query(env.company, fields.Date.today())
    plan = [row[0] for row in env.execute_query(SQL("EXPLAIN %s", query))]
    return any("unreconciled_index" in line for line in plan), plan


def main(env):
    env = env(context=dict(env.context, mail_notify_force_send=False, tracking_disable=False))
    env["adv.reminder.level"].search([("channel", "=", "letter")]).channel = "email"
    MAIL_DIR.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    build_data(env, min_age=8, max_age=60, paid_share=0.0)
    built = time.perf_counter() - start
    uses_index, plan = explain_due_lines(env)
    env.cr.execute("SAVEPOINT bench")
    before = max_ids(env)
    reminders, adv_time, adv_queries, longest, prepared = run_adv(env)
    adv_writes = written(env, before, "adv.reminder")
    adv_send, adv_received, adv_sent = send_queue(env, "adv.reminder")
    env.invalidate_all()
    adv_states = dict(
        env["adv.reminder"]._read_group([("id", "in", reminders.ids)], ["state"], ["__count"])
    )
    one = queries_to_send_one(env, 1)
    twenty = queries_to_send_one(env, 20)
    env.cr.execute("ROLLBACK TO SAVEPOINT bench")
    env.invalidate_all()

    rows = [("adv_dossier: full run", adv_time, adv_queries, len(reminders))]
    oca = None
    if "credit.control.run" in env:
        before = max_ids(env)
        communications, lines, oca_time, oca_queries = run_oca(env)
        oca_writes = written(env, before, "credit.control.communication")
        oca_send, oca_received, oca_sent = send_queue(env, "credit.control.communication")
        oca = (communications, lines, oca_writes, oca_send, oca_received, oca_sent)
        rows.append(
            ("OCA account_credit_control: full run", oca_time, oca_queries, len(communications))
        )
    env.cr.rollback()

    print()
    print(
        f"Payment reminder benchmark: {CUSTOMERS} customers, {INVOICES} overdue invoices (built in {built:.1f} s)"
    )
    print(f"{'what':<46} {'seconds':>9} {'queries':>9} {'reminders':>10}")
    for label, elapsed, queries, count in rows:
        print(f"{label:<46} {elapsed:>9.2f} {queries:>9} {count:>10}")
    print(
        f"{'adv_dossier: queries per customer reminder':<46} {adv_queries / max(len(reminders), 1):>9.1f}"
    )
    print(f"{'adv_dossier: of which selecting and preparing':<46} {prepared:>9.2f}")
    print(f"{'adv_dossier: longest batch (between commits)':<46} {longest:>9.2f}")
    print(f"{'adv_dossier: queries, 1 invoice / 20 invoices':<46} {one:>9} {twenty:>9}")
    print(f"{'due lines through the unreconciled index':<46} {'yes' if uses_index else 'NO':>9}")
    if not uses_index:
        print("\n".join(plan))
    print()
    print("Written per customer reminder (e-mails through Odoo's mail queue, same sink):")
    header = f"{'':<46} {'adv_dossier':>12}"
    if oca:
        header += f" {'OCA':>12}"
    print(header)
    for key in adv_writes:
        line = f"{key:<46} {adv_writes[key] / max(len(reminders), 1):>12.2f}"

        if oca:
            line += f" {oca[2][key] / max(len(oca[0]), 1):>12.2f}"
        print(line)
    line = f"{'mail queue: seconds to send them all':<46} {adv_send:>12.2f}"
    if oca:
        line += f" {oca[3]:>12.2f}"
    print(line)
    line = f"{'e-mails received by the mail sink':<46} {adv_received:>12}"
    if oca:
        line += f" {oca[4]:>12}"
    print(line)
    line = f"{'notifications sent':<46} {adv_sent:>12}"
    if oca:
        line += f" {oca[5]:>12}"
    print(line)
    print(f"{'adv_dossier reminders by state after sending':<46} {adv_states}")
    if oca:
        print(f"{'OCA credit lines':<46} {oca[1]:>12}")
        print(f"{'OCA time / adv_dossier time':<46} {rows[1][1] / rows[0][1]:>12.1f}x")
        print(
            f"{'same, the mail queue included':<46} "
            f"{(rows[1][1] + oca[3]) / (rows[0][1] + adv_send):>12.1f}x"
        )


main(env)
