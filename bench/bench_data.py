"""Shared by the benchmarks (fed to ``odoo-bin shell`` before the benchmark itself): builds
customers and posted invoices fast, by cloning one real invoice in SQL so that every column is
filled as Odoo fills it."""

import os
import random
import time

from odoo import fields
from odoo.fields import Command
from odoo.tools import SQL

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", 5000))
INVOICES = int(os.environ.get("BENCH_INVOICES", 50000))


def clone_rows(env, table, source_id, count, overrides):
    """INSERT ``count`` copies of row ``source_id`` of ``table``; ``overrides`` maps column to SQL
    (using ``g.i``, 1..count). Returns the new ids in order."""
    columns = [
        row[0]
        for row in env.execute_query(
            SQL(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id' "
                "ORDER BY ordinal_position",
                table,
            )
        )
    ]
    select = [SQL(overrides[c]) if c in overrides else SQL.identifier("src", c) for c in columns]
    return [
        row[0]
        for row in env.execute_query(
            SQL(
                "INSERT INTO %s (%s) SELECT %s FROM %s src, generate_series(1, %s) AS g(i) WHERE src.id = %s "
                "ORDER BY g.i RETURNING id",
                SQL.identifier(table),
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL(", ").join(select),
                SQL.identifier(table),
                count,
                source_id,
            )
        )
    ]


def build_data(env, min_age=-60, max_age=200, paid_share=0.3):
    company = env.company
    company.account_use_credit_limit = True
    # the company's e-mail and e-mail domain: e-mails from the company, answers to its catchall
    company.email = "compta@bench.example"
    if not company.alias_domain_id:
        company.alias_domain_id = env["mail.alias.domain"].create(
            {"name": "bench.example", "catchall_alias": "reponses", "bounce_alias": "retours"}
        )
    partners = env["res.partner"].create(
        [
            {
                "name": f"Client bench {i:05d}",
                "is_company": True,
                "credit_limit": 20000.0,
                "email": f"compta{i:05d}@client-bench.example",
            }
            for i in range(CUSTOMERS)
        ]
    )
    template = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partners[0].id,
            "invoice_date": fields.Date.today(),
            "invoice_line_ids": [
                Command.create(
                    {"name": "Bench", "quantity": 1, "price_unit": 100.0, "tax_ids": False}
                )
            ],
        }
    )
    template.action_post()
    env.flush_all()
    rng = random.Random(42)
    partner_ids = partners.ids
    # per invoice: partner, amount, days since the due date, paid or not
    plan = [
        (
            partner_ids[i % CUSTOMERS],
            round(rng.uniform(100, 5000), 2),
            rng.randint(-60, 200),
            rng.random() < 0.3,
        )
        for i in range(INVOICES)
    ]
    env.cr.execute(
        "CREATE TEMP TABLE bench_plan (n int, partner_id int, amount numeric, age int, paid bool)"
    )
    env.cr.execute(
        "INSERT INTO bench_plan SELECT * FROM unnest(%s::int[], %s::int[], %s::numeric[], %s::int[], %s::bool[])",
        (
            list(range(1, INVOICES + 1)),
            [p[0] for p in plan],
            [p[1] for p in plan],
            [p[2] for p in plan],
            [p[3] for p in plan],
        ),
    )
    env.cr.execute("CREATE INDEX ON bench_plan (n)")
    plan_col = "(SELECT {} FROM bench_plan WHERE bench_plan.n = g.i)"
    moves = clone_rows(
        env,
        "account_move",
        template.id,
        INVOICES,
        {
            "name": "'BENCH/' || g.i",
            "partner_id": plan_col.format("partner_id"),
            "commercial_partner_id": plan_col.format("partner_id"),
            "amount_total": plan_col.format("amount"),
            "amount_total_signed": plan_col.format("amount"),
            "amount_untaxed": plan_col.format("amount"),
            "amount_untaxed_signed": plan_col.format("amount"),
            "amount_residual": f"CASE WHEN {plan_col.format('paid')} THEN 0 ELSE {plan_col.format('amount')} END",
            "amount_residual_signed": f"CASE WHEN {plan_col.format('paid')} THEN 0 ELSE {plan_col.format('amount')} END",
            "payment_state": f"CASE WHEN {plan_col.format('paid')} THEN 'paid' ELSE 'not_paid' END",
            "invoice_date_due": f"CURRENT_DATE - {plan_col.format('age')}",
            "invoice_date": f"CURRENT_DATE - {plan_col.format('age')} - 30",
            "date": f"CURRENT_DATE - {plan_col.format('age')} - 30",
        },
    )
    env.cr.execute("CREATE TEMP TABLE bench_moves (n int, move_id int)")
    env.cr.execute(
        "INSERT INTO bench_moves SELECT * FROM unnest(%s::int[], %s::int[])",
        (list(range(1, len(moves) + 1)), moves),
    )
    env.cr.execute("CREATE INDEX ON bench_moves (n)")
    for line in template.line_ids:
        receivable = line.account_id.account_type == "asset_receivable"
        sign = 1 if receivable else -1
        move = "(SELECT move_id FROM bench_moves WHERE bench_moves.n = g.i)"
        amount = plan_col.format("amount")
        paid = plan_col.format("paid")
        overrides = {
            "move_id": move,
            "partner_id": plan_col.format("partner_id"),
            "balance": f"{sign} * {amount}",
            "amount_currency": f"{sign} * {amount}",
            "debit": f"{amount}" if receivable else "0",
            "credit": "0" if receivable else f"{amount}",
            "date": f"CURRENT_DATE - {plan_col.format('age')} - 30",
            "date_maturity": f"CURRENT_DATE - {plan_col.format('age')}",
            "move_name": "'BENCH/' || g.i",
        }
        if receivable:
            overrides["amount_residual"] = f"CASE WHEN {paid} THEN 0 ELSE {amount} END"
            overrides["amount_residual_currency"] = f"CASE WHEN {paid} THEN 0 ELSE {amount} END"
            overrides["reconciled"] = paid
        clone_rows(env, "account_move_line", line.id, INVOICES, overrides)
    env.cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE res_partner")
    env.invalidate_all()
    return env["res.partner"].browse(partner_ids)


def measure(env, label, func):
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    return label, elapsed, env.cr.sql_log_count - queries
